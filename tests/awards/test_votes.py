"""The public vote: cast, confirmed by the e-mailed link, counted once; one vote per
address per category; refused at the closing second; results only after the close;
rate-limited; voided by staff with a reason; suspicious patterns found."""

import datetime
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from awards.models import Category, Nomination, Vote
from awards.services import votes as services
from tests.factories import UserFactory

SECOND = datetime.timedelta(seconds=1)
MINUTE = datetime.timedelta(minutes=1)


def vote_url(edition):
    return reverse("awards:vote", args=[edition.competition.slug, edition.year])


def ballot_nomination(edition, category, first_name="Jan", last_name="Kowalski", **fields):
    values = {
        "edition": edition,
        "category": category,
        "nominee_kind": "person",
        "nominee_first_name": first_name,
        "nominee_last_name": last_name,
        "justification": "Pomaga sąsiadom.",
        "nominator_kind": "resident",
        "nominator_name": "Ewa Nowak",
        "nominator_email": "ewa@example.com",
        "privacy_consent": True,
        "confirmed_at": timezone.now() - datetime.timedelta(days=3),
        "status": "accepted",
    }
    values.update(fields)
    return Nomination.objects.create(**values)


def post_vote(client, edition, category, nomination, email, **extra):
    prefix = f"kategoria-{category.pk}"
    return client.post(
        vote_url(edition),
        {
            "category": category.pk,
            f"{prefix}-nomination": nomination.pk if hasattr(nomination, "pk") else nomination,
            f"{prefix}-email": email,
            f"{prefix}-privacy": "on",
            **extra,
        },
    )


def link_in(message):
    match = re.search(r"https?://\S+/konkursy/glos/(\S+)/", message.body)
    assert match, message.body
    return match.group(1)


def close_vote(edition, *, at):
    edition.vote_closes = at
    edition.vote_opens = min(edition.vote_opens, at - datetime.timedelta(days=1))
    edition.save()


# --- The journey ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("awards:vote", "awards:vote_confirm")
def test_a_resident_votes_confirms_by_the_link_and_the_vote_counts(client, world, mailoutbox):
    edition, category = world.jury_edition, world.jury_category
    page = client.get(vote_url(edition))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Halina W" in text and "Krzysztof W" in text
    assert "Wyniki głosowania" not in text and "Results of the vote" not in text

    response = post_vote(
        client, edition, category, world.conflicted_nomination, " Ola@Example.COM "
    )
    assert response.status_code == 302
    vote = Vote.objects.get(email="ola@example.com")
    assert vote.confirmed_at is None
    assert vote.network == "127.0.0.0/24"
    assert vote.nomination == world.conflicted_nomination
    followed = client.get(response["Location"])
    assert "ola@example.com" in followed.content.decode()

    (message,) = [m for m in mailoutbox if m.to == ["ola@example.com"]]
    token = link_in(message)
    confirm = client.get(reverse("awards:vote_confirm", args=[token]))
    assert confirm.status_code == 200
    assert (
        "Krzysztof W." in confirm.content.decode()
        or "Krzysztof Wasilewski" in confirm.content.decode()
    )
    vote.refresh_from_db()
    assert vote.confirmed_at is None  # a GET confirms nothing

    response = client.post(reverse("awards:vote_confirm", args=[token]))
    assert response.status_code == 302
    vote.refresh_from_db()
    assert vote.confirmed_at is not None
    assert Vote.objects.counted().filter(nomination=world.conflicted_nomination).count() == 1


@pytest.mark.django_db
def test_a_confirmed_address_cannot_vote_again_in_the_category(client, world, mailoutbox):
    edition, category = world.jury_edition, world.jury_category
    response = post_vote(
        client, edition, category, world.conflicted_nomination, "GLOSUJACY@example.com"
    )
    assert response.status_code == 200
    assert "already voted in this category" in response.content.decode() or (
        "Już oddano głos" in response.content.decode()
    )
    assert Vote.objects.filter(email="glosujacy@example.com").count() == 1
    assert Vote.objects.counted().filter(category=category).count() == 1
    assert Vote.objects.get(email="glosujacy@example.com").nomination == world.accepted_nomination
    assert mailoutbox == []


@pytest.mark.django_db
def test_an_unconfirmed_vote_is_replaced_and_only_the_new_link_confirms(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    old_token = services.vote_token(world.pending_vote)
    with django_capture_on_commit_callbacks(execute=True):
        vote = services.vote_cast(
            nomination=world.accepted_nomination, email="Niepotwierdzony@example.com ", network=""
        )
    assert vote.pk == world.pending_vote.pk
    assert Vote.objects.filter(email="niepotwierdzony@example.com").count() == 1
    assert Vote.objects.get(pk=vote.pk).nomination == world.accepted_nomination
    (message,) = mailoutbox
    with pytest.raises(ValidationError) as error:
        services.vote_confirm(token=old_token)
    assert error.value.code == "superseded"
    services.vote_confirm(token=link_in(message))
    assert Vote.objects.get(pk=vote.pk).confirmed_at is not None


@pytest.mark.django_db
def test_a_vote_at_the_closing_second_is_refused_and_nothing_is_stored(world):
    closes = timezone.now() + datetime.timedelta(hours=1)
    close_vote(world.jury_edition, at=closes)
    before = Vote.objects.count()
    services.vote_cast(
        nomination=world.accepted_nomination,
        email="early@example.com",
        network="",
        now=closes - datetime.timedelta(microseconds=1),
    )
    with pytest.raises(ValidationError) as error:
        services.vote_cast(
            nomination=world.accepted_nomination, email="late@example.com", network="", now=closes
        )
    assert error.value.code == "closed"
    assert Vote.objects.count() == before + 1


@pytest.mark.django_db
def test_after_the_close_the_page_refuses_votes_shows_results_and_the_link_is_too_late(
    client, world, mailoutbox
):
    pending_token = services.vote_token(world.pending_vote)
    close_vote(world.jury_edition, at=timezone.now() - SECOND)
    before = Vote.objects.count()
    response = post_vote(
        client, world.jury_edition, world.jury_category, world.accepted_nomination, "x@example.com"
    )
    assert response.status_code == 302
    assert Vote.objects.count() == before

    page = client.get(vote_url(world.jury_edition)).content.decode()
    assert "Wyniki głosowania" in page or "Results of the vote" in page
    assert '<th scope="row">Halina Wróblewska' in page
    rows = re.findall(r'<th scope="row">([^<]+)<.*?<td class="text-end">(\d+)</td>', page, re.S)
    assert rows == [("Halina Wróblewska", "1"), ("Krzysztof Wasilewski", "0")]  # unconfirmed: 0

    confirm = client.get(reverse("awards:vote_confirm", args=[pending_token]))
    assert "Za późno" in confirm.content.decode() or "Too late" in confirm.content.decode()
    client.post(reverse("awards:vote_confirm", args=[pending_token]))
    assert Vote.objects.get(pk=world.pending_vote.pk).confirmed_at is None


@pytest.mark.django_db
def test_before_the_vote_opens_the_page_says_when(client, world):
    edition = world.jury_edition
    edition.vote_opens = timezone.now() + datetime.timedelta(hours=2)
    edition.save()
    page = client.get(vote_url(edition)).content.decode()
    assert "<form" not in page.split('id="main"')[1].split("rodo")[0]
    assert str(edition.year) in page
    assert "Halina" not in page


@pytest.mark.django_db
def test_a_rate_limited_vote_is_a_429_and_nothing_is_stored(
    client, world, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "award_vote": "1/h/ip"}
    edition, category = world.jury_edition, world.jury_category
    with django_capture_on_commit_callbacks(execute=True):
        first = post_vote(client, edition, category, world.accepted_nomination, "a@example.com")
    assert first.status_code == 302
    before = Vote.objects.count()
    response = post_vote(client, edition, category, world.accepted_nomination, "b@example.com")
    assert response.status_code == 429
    assert "zbyt wiele" in response.content.decode() or "Too many" in response.content.decode()
    assert Vote.objects.count() == before
    assert not Vote.objects.filter(email="b@example.com").exists()
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_the_limit_per_address_counts_whatever_the_client(client, world, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "award_vote": "100/h/ip,1/h/key",
    }
    edition, category = world.jury_edition, world.jury_category
    post_vote(client, edition, category, world.accepted_nomination, "same@example.com")
    response = client.post(
        vote_url(edition),
        {
            "category": category.pk,
            f"kategoria-{category.pk}-nomination": world.conflicted_nomination.pk,
            f"kategoria-{category.pk}-email": "SAME@example.com",
            f"kategoria-{category.pk}-privacy": "on",
        },
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 429
    assert Vote.objects.get(email="same@example.com").nomination == world.accepted_nomination


@pytest.mark.django_db
def test_crafted_and_expired_links_get_a_clear_page(client, world, monkeypatch):
    for token in ["nonsense", "a" * 600, signing.dumps({"v": 10**9, "n": 1, "t": 1}, salt="other")]:
        response = client.get(reverse("awards:vote_confirm", args=[token]))
        assert response.status_code == 404
        assert (
            "nie jest prawidłowy" in response.content.decode()
            or "not valid" in response.content.decode()
        )
        assert client.post(reverse("awards:vote_confirm", args=[token])).status_code == 404
    token = services.vote_token(world.pending_vote)
    later = timezone.now().timestamp() + 49 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.post(reverse("awards:vote_confirm", args=[token]))
    assert response.status_code == 200
    assert "48" in response.content.decode()
    assert Vote.objects.get(pk=world.pending_vote.pk).confirmed_at is None


@pytest.mark.django_db
def test_a_nomination_of_another_edition_or_category_or_not_accepted_is_refused(client, world):
    edition, category = world.jury_edition, world.jury_category
    before = Vote.objects.count()
    # Crafted: a nomination of another edition in this category's form.
    response = post_vote(client, edition, category, world.nomination, "c@example.com")
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    # A category of another edition, or not a number.
    for value in [world.category.pk, "x", "9" * 30, ""]:
        response = client.post(vote_url(edition), {"category": value})
        assert response.status_code == 400
    # The service refuses the same (the views are not the only guard).
    other = Category.objects.create(edition=edition, name_pl="Inna")
    submitted = ballot_nomination(edition, other, status="submitted")
    for nomination in [world.nomination, submitted, world.laureate]:
        with pytest.raises(ValidationError):
            services.vote_cast(nomination=nomination, email="d@example.com", network="")
    assert Vote.objects.count() == before


@pytest.mark.django_db
def test_an_edition_without_a_vote_a_draft_or_crafted_addresses_are_404(client, world):
    assert client.get(vote_url(world.open_edition)).status_code == 404
    world.jury_edition.status = "draft"
    world.jury_edition.save()
    assert client.get(vote_url(world.jury_edition)).status_code == 404
    assert client.get("/konkursy/nie-ma/2024/glosowanie/").status_code == 404
    assert client.get(f"/konkursy/spoleczna-dusza/{10**12}/glosowanie/").status_code == 404


@pytest.mark.django_db
def test_form_errors_name_the_field(client, world):
    edition, category = world.jury_edition, world.jury_category
    prefix = f"kategoria-{category.pk}"
    response = client.post(
        vote_url(edition), {"category": category.pk, f"{prefix}-email": "not-an-address"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_{prefix}-email"' in page
    assert page.count('aria-invalid="true"') >= 2  # the e-mail and the consent
    assert not Vote.objects.filter(email="not-an-address").exists()


@pytest.mark.django_db(transaction=True)
def test_when_the_mail_fails_the_vote_is_kept_and_the_page_says_so(client, world, settings):
    settings.EMAIL_BACKEND = "tests.mail.DownBackend"
    response = post_vote(
        client, world.jury_edition, world.jury_category, world.accepted_nomination, "m@example.com"
    )
    assert Vote.objects.filter(email="m@example.com").exists()
    page = client.get(response["Location"]).content.decode()
    assert "nie udało się" in page.lower() or "could not be sent" in page


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("192.0.2.77", "192.0.2.0/24"),
        ("2001:db8:1234:5678::1", "2001:db8:1234::/48"),
        ("::ffff:198.51.100.4", "198.51.100.0/24"),
        ("", ""),
        ("nonsense", ""),
    ],
)
def test_the_network_is_the_24_or_48_range(address, network):
    assert services.vote_network(address) == network


# --- Voiding, results, suspicious patterns -----------------------------------------------


@pytest.mark.django_db
def test_voiding_needs_a_reason_and_is_logged(world):
    staff = world.personas["staff"]
    with pytest.raises(ValidationError) as error:
        services.vote_void(vote=world.vote, user=staff, reason="  ")
    assert "reason" in error.value.message_dict
    assert Vote.objects.get(pk=world.vote.pk).voided_at is None
    services.vote_void(vote=world.vote, user=staff, reason="Głosy z jednej sieci w minutę.")
    vote = Vote.objects.get(pk=world.vote.pk)
    assert (vote.voided_by, vote.void_reason) == (staff, "Głosy z jednej sieci w minutę.")
    entry = LogEntry.objects.get(object_id=str(vote.pk), content_type__model="vote")
    assert "Głosy z jednej sieci" in entry.change_message
    results = services.vote_results(world.jury_edition)
    assert [row.votes for row in results[0].rows] == [0, 0]
    with pytest.raises(ValidationError):
        services.vote_void(vote=vote, user=staff, reason="Again")


@pytest.mark.django_db
def test_results_count_only_confirmed_votes_sorted_with_ties(world):
    edition, category = world.jury_edition, world.jury_category
    third = ballot_nomination(edition, category, "Zofia", "Adamska")
    now = timezone.now()
    for i in range(2):
        Vote.objects.create(
            category=category, nomination=third, email=f"z{i}@example.com", confirmed_at=now
        )
    Vote.objects.create(
        category=category,
        nomination=world.conflicted_nomination,
        email="k@example.com",
        confirmed_at=now,
    )
    (result,) = services.vote_results(edition)
    assert [(row.nomination.pk, row.votes, row.rank, row.tied) for row in result.rows] == [
        (third.pk, 2, 1, False),
        (world.accepted_nomination.pk, 1, 2, True),
        (world.conflicted_nomination.pk, 1, 2, True),
    ]
    assert result.total == 4


@pytest.mark.django_db
def test_suspicious_groups_are_found_in_one_query(world, django_assert_max_num_queries):
    edition, category = world.jury_edition, world.jury_category
    start = timezone.now() - datetime.timedelta(hours=5)

    def vote(i, network, at):
        return Vote.objects.create(
            category=category,
            nomination=world.accepted_nomination,
            email=f"v{i}@example.com",
            network=network,
            created_at=at,
        )

    burst = [vote(i, "198.51.100.0/24", start + i * 3 * MINUTE) for i in range(6)]  # a chain
    for i in range(4):  # too few
        vote(100 + i, "203.0.113.0/24", start + i * MINUTE)
    for i in range(6):  # spread over hours
        vote(200 + i, "192.0.2.0/24", start - (i + 1) * datetime.timedelta(hours=1))
    voided = vote(300, "198.51.100.0/24", start + 16 * MINUTE)
    voided.voided_at, voided.void_reason = timezone.now(), "test"
    voided.save()
    with django_assert_max_num_queries(1):
        groups = services.suspicious_votes(edition)
        assert [(g.network, g.count) for g in groups] == [("198.51.100.0/24", 6)]
        (group,) = groups
        assert [v.pk for v in group.votes] == [v.pk for v in burst]
        assert group.last - group.first == 15 * MINUTE
        assert str(group.votes[0].nomination)
    assert [g.count for g in services.suspicious_votes(edition, threshold=4)] == [6, 4]
    assert services.suspicious_votes(edition, window_minutes=2) == []


@pytest.mark.django_db
def test_the_vote_page_runs_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries
):
    edition = world.jury_edition
    for c in range(10):
        category = Category.objects.create(
            edition=edition, name_pl=f"Kategoria {c}", position=c + 1
        )
        for n in range(20):
            ballot_nomination(edition, category, f"Osoba{n}", f"Nazwisko{c}")
    with django_assert_max_num_queries(10):
        page = client.get(vote_url(edition))
    assert page.status_code == 200
    assert "Osoba19" in page.content.decode()
    close_vote(edition, at=timezone.now() - SECOND)
    with django_assert_max_num_queries(10):
        page = client.get(vote_url(edition))
    assert "Kategoria 9" in page.content.decode()


@pytest.mark.django_db
def test_a_young_persons_surname_is_never_on_the_vote_page(client, world):
    edition = world.jury_edition
    ballot_nomination(
        edition,
        world.jury_category,
        "Zuzanna",
        "Tajemnicza",
        nominee_kind="minor",
        school="SP 12",
        guardian_email="g@example.com",
        consent_at=timezone.now(),
        consent_method="email",
        description="Zuzanna Tajemnicza z klasy 7b.",
    )
    page = client.get(vote_url(edition)).content.decode()
    assert "Zuzanna T." in page
    assert "Tajemnicza" not in page
    assert UserFactory  # the factories are importable for other vote tests
