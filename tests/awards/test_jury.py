"""The jury: what a juror sees and scores, conflicts of interest, the scale, the
deadline, the ranking's arithmetic and the jurors' pages."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from awards.models import (
    Category,
    Conflict,
    Criterion,
    Edition,
    Juror,
    Nomination,
    NominationChange,
    Score,
)
from awards.services import jury as services
from tests.factories import UserFactory

DAY = datetime.timedelta(days=1)


def nomination(edition, category, **fields):
    values = {
        "edition": edition,
        "category": category,
        "nominee_kind": "person",
        "nominee_first_name": "Jan",
        "nominee_last_name": "Kowalski",
        "justification": "Pomaga sąsiadom.",
        "nominator_kind": "resident",
        "nominator_name": "Ewa Nowak",
        "nominator_email": "ewa.nowak@example.com",
        "privacy_consent": True,
        "confirmed_at": timezone.now() - DAY,
        "status": "accepted",
    }
    values.update(fields)
    return Nomination.objects.create(**values)


def close_jury(edition):
    """The jury closed a minute ago (the rest of the timeline as it was)."""
    now = timezone.now()
    Edition.objects.filter(pk=edition.pk).update(
        formal_check_until=now - 2 * DAY, jury_until=now - datetime.timedelta(minutes=1)
    )
    edition.refresh_from_db()


def juror_on(edition, first_name="Zofia", last_name="Sędzia", email="zofia@example.com"):
    user = UserFactory(email=email, first_name=first_name, last_name=last_name)
    return Juror.objects.create(edition=edition, user=user)


# --- What a juror scores --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_juror_scores_the_accepted_counting_nominations_of_their_categories(world):
    accepted = nomination(world.open_edition, world.other_category)
    nomination(world.open_edition, world.other_category, status="submitted")
    nomination(world.open_edition, world.category, confirmed_at=None)
    in_category = nomination(world.open_edition, world.category)
    # w.juror has no categories chosen: every category.
    assert set(services.juror_nominations(world.juror)) == {accepted, in_category}
    # w.other_juror scores w.category only.
    assert list(services.juror_nominations(world.other_juror)) == [in_category]
    # Nothing of another edition.
    assert world.accepted_nomination not in services.juror_nominations(world.juror)


# --- Scores ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_juror_saves_and_changes_scores(world):
    fresh = nomination(world.jury_edition, world.jury_category)
    criterion = world.jury_criterion
    services.scores_save(juror=world.jury_juror, nomination=fresh, values={criterion.pk: 3})
    services.scores_save(juror=world.jury_juror, nomination=fresh, values={criterion.pk: 5})
    assert list(Score.objects.filter(nomination=fresh).values_list("value", flat=True)) == [5]
    record = NominationChange.objects.filter(nomination=fresh, action="scored").first()
    assert record is not None and "5" not in str(record.changes)


@pytest.mark.django_db
@pytest.mark.parametrize("value", [6, -1, 100, True, "3"])
def test_a_score_outside_the_scale_is_refused_on_its_field_and_nothing_is_stored(world, value):
    fresh = nomination(world.jury_edition, world.jury_category)
    field = f"criterion_{world.jury_criterion.pk}"
    with pytest.raises(ValidationError) as refused:
        services.scores_save(
            juror=world.jury_juror, nomination=fresh, values={world.jury_criterion.pk: value}
        )
    assert field in refused.value.message_dict
    assert not Score.objects.filter(nomination=fresh).exists()


@pytest.mark.django_db
def test_every_criterion_must_be_scored(world):
    second = Criterion.objects.create(edition=world.jury_edition, name_pl="Trwałość", max_score=3)
    fresh = nomination(world.jury_edition, world.jury_category)
    with pytest.raises(ValidationError) as refused:
        services.scores_save(
            juror=world.jury_juror, nomination=fresh, values={world.jury_criterion.pk: 2}
        )
    assert f"criterion_{second.pk}" in refused.value.message_dict
    assert not Score.objects.filter(nomination=fresh).exists()


@pytest.mark.django_db
def test_a_nomination_outside_the_jurors_categories_or_edition_is_refused(world):
    outside = nomination(world.open_edition, world.other_category)
    Edition.objects.filter(pk=world.open_edition.pk).update(
        nominations_open=timezone.now() - 40 * DAY, nominations_close=timezone.now() - DAY
    )
    with pytest.raises(ValidationError):
        services.scores_save(
            juror=world.other_juror,
            nomination=outside,
            values={world.criterion.pk: 1, world.other_criterion.pk: 1},
        )
    with pytest.raises(ValidationError):
        services.scores_save(
            juror=world.juror,
            nomination=world.accepted_nomination,
            values={world.jury_criterion.pk: 1},
        )
    assert not Score.objects.filter(nomination=outside).exists()


@pytest.mark.django_db
def test_scoring_before_the_nominations_close_is_refused(world):
    inside = nomination(world.open_edition, world.category)
    with pytest.raises(ValidationError) as refused:
        services.scores_save(
            juror=world.juror,
            nomination=inside,
            values={world.criterion.pk: 1, world.other_criterion.pk: 1},
        )
    assert refused.value.code == "not_open"


@pytest.mark.django_db
def test_scoring_after_the_jury_closes_is_refused(world):
    close_jury(world.jury_edition)
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.scores_save(
            juror=world.jury_juror,
            nomination=world.accepted_nomination,
            values={world.jury_criterion.pk: 1},
        )
    assert refused.value.messages == ["The jury has closed."]
    assert Score.objects.get(nomination=world.accepted_nomination).value == 4


# --- Conflicts ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_conflict_removes_the_jurors_scores_and_then_scoring_is_refused(world):
    juror, target = world.jury_juror, world.accepted_nomination
    other = juror_on(world.jury_edition)
    Score.objects.create(juror=other, nomination=target, criterion=world.jury_criterion, value=2)
    services.conflict_declare(juror=juror, nomination=target, note="Kuzynka")
    services.conflict_declare(juror=juror, nomination=target, note="again")  # idempotent
    assert Conflict.objects.filter(juror=juror, nomination=target).count() == 1
    assert not Score.objects.filter(juror=juror, nomination=target).exists()
    assert Score.objects.filter(juror=other, nomination=target).exists()
    record = NominationChange.objects.get(nomination=target, action="conflict_declared")
    assert record.user == world.juror_user
    assert str(juror) in record.describe() and "4" not in str(record.changes)
    with pytest.raises(ValidationError) as refused:
        services.scores_save(juror=juror, nomination=target, values={world.jury_criterion.pk: 3})
    assert refused.value.code == "conflict"
    assert not Score.objects.filter(juror=juror, nomination=target).exists()


@pytest.mark.django_db
def test_a_conflict_after_the_jury_closes_is_refused(world):
    close_jury(world.jury_edition)
    with pytest.raises(ValidationError):
        services.conflict_declare(juror=world.jury_juror, nomination=world.accepted_nomination)
    assert Score.objects.filter(nomination=world.accepted_nomination).exists()


# --- The ranking ----------------------------------------------------------------------------


def ranking_edition(world):
    """Criteria: A weight 2 of 10, B weight 1 of 5. A juror's result is
    (2·a/10 + b/5) / 3 × 100."""
    edition = world.jury_edition
    edition.criteria.all().delete()
    a = Criterion.objects.create(edition=edition, name_pl="A", weight=2, max_score=10, position=1)
    b = Criterion.objects.create(edition=edition, name_pl="B", weight=1, max_score=5, position=2)
    return edition, a, b


@pytest.mark.django_db
def test_the_ranking_is_the_weighted_mean_with_ties_sharing_a_place(world):
    edition, a, b = ranking_edition(world)
    Nomination.objects.filter(edition=edition).delete()
    category = world.jury_category
    other_category = Category.objects.create(edition=edition, name_pl="Organizacja", position=5)
    n1 = nomination(edition, category, nominee_first_name="Anna")
    n2 = nomination(edition, category, nominee_first_name="Beata")
    n3 = nomination(edition, category, nominee_first_name="Cezary")
    n4 = nomination(edition, category, nominee_first_name="Dorota")
    n5 = nomination(edition, other_category, nominee_first_name="Ewa")
    j1, j2, j3 = (
        world.jury_juror,
        juror_on(edition),
        juror_on(edition, "Olga", "Trzecia", "olga@example.com"),
    )

    def score(juror, nom, **values):
        for criterion, value in (("a", a), ("b", b)):
            if criterion in values:
                Score.objects.create(
                    juror=juror, nomination=nom, criterion=value, value=values[criterion]
                )

    score(j1, n1, a=10, b=5)  # 100
    score(j2, n1, a=5, b=5)  # 66.67 → mean 83.33
    score(j1, n2, a=10, b=0)  # 66.67
    score(j2, n2, a=10, b=5)  # 100 → mean 83.33: tied with n1
    score(j1, n3, a=5, b=0)  # 33.33
    score(j3, n3, a=10)  # incomplete: not counted
    score(j1, n5, a=0, b=1)  # (0 + 0.2) / 3 = 6.67
    rows = services.edition_ranking(edition)
    table = [(r.category, r.rank, r.nomination, r.score, r.jurors_scored, r.tied) for r in rows]
    assert table == [
        (category, 1, n1, Decimal("83.33"), 2, True),
        (category, 1, n2, Decimal("83.33"), 2, True),
        (category, 3, n3, Decimal("33.33"), 1, False),
        (category, 4, n4, None, 0, False),
        (other_category, 1, n5, Decimal("6.67"), 1, False),
    ]


@pytest.mark.django_db
def test_the_ranking_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    edition, a, b = ranking_edition(world)
    jurors = [juror_on(edition, f"J{i}", "X", f"j{i}@example.com") for i in range(5)]
    for i in range(40):
        nom = nomination(edition, world.jury_category, nominee_first_name=f"N{i}")
        for juror in jurors:
            Score.objects.create(juror=juror, nomination=nom, criterion=a, value=i % 11)
            Score.objects.create(juror=juror, nomination=nom, criterion=b, value=i % 6)
    with django_assert_max_num_queries(3):
        rows = services.edition_ranking(edition)
    assert len(rows) == 42


@pytest.mark.django_db
def test_the_jury_progress_counts_scored_conflicts_and_share(world):
    second = nomination(world.jury_edition, world.jury_category)
    other = juror_on(world.jury_edition)
    other.categories.add(world.jury_category)
    rows = {row.juror: row for row in services.jury_progress(world.jury_edition)}
    mine = rows[world.jury_juror]
    assert (mine.to_score, mine.scored, mine.conflicts, mine.share) == (2, 1, 1, 50)
    theirs = rows[other]
    assert (theirs.to_score, theirs.scored, theirs.conflicts, theirs.share) == (3, 0, 0, 0)
    assert second.pk


# --- The jurors' pages ----------------------------------------------------------------------


def urls(edition, nom):
    return {
        "jury_edition": reverse("awards:jury_edition", args=[edition.pk]),
        "jury_nomination": reverse("awards:jury_nomination", args=[edition.pk, nom.public_id]),
        "jury_score": reverse("awards:jury_score", args=[edition.pk, nom.public_id]),
        "jury_conflict": reverse("awards:jury_conflict", args=[edition.pk, nom.public_id]),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["other_juror_user", "staff", "ngo_member"])
def test_anyone_but_the_editions_juror_gets_404_on_every_jury_page(client, world, persona):
    user = getattr(world, persona, None) or world.personas[persona]
    client.force_login(user)
    for name, url in urls(world.jury_edition, world.accepted_nomination).items():
        method = client.post if name in ("jury_score", "jury_conflict") else client.get
        assert method(url).status_code == 404, name
    assert Score.objects.filter(nomination=world.accepted_nomination).count() == 1
    assert client.get(reverse("awards:jury_home")).status_code == 200


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, world):
    pages = urls(world.jury_edition, world.accepted_nomination)
    pages["jury_home"] = reverse("awards:jury_home")
    for name, url in pages.items():
        method = client.post if name in ("jury_score", "jury_conflict") else client.get
        response = method(url)
        assert response.status_code == 302, name
        assert reverse("account_login") in response["Location"]


@pytest.mark.django_db
def test_a_juror_outside_the_category_gets_404(client, world):
    outside = nomination(world.open_edition, world.other_category)
    client.force_login(world.other_juror_user)
    for name, url in urls(world.open_edition, outside).items():
        if name == "jury_edition":
            continue
        method = client.post if name in ("jury_score", "jury_conflict") else client.get
        assert method(url).status_code == 404, name
    client.force_login(world.juror_user)
    assert client.get(urls(world.open_edition, outside)["jury_nomination"]).status_code == 200


@pytest.mark.django_db
def test_a_draft_edition_and_hostile_addresses_are_not_found(client, world):
    client.force_login(world.juror_user)
    Edition.objects.filter(pk=world.jury_edition.pk).update(status="draft")
    assert (
        client.get(reverse("awards:jury_edition", args=[world.jury_edition.pk])).status_code == 404
    )
    assert client.get("/konto/jury/99999999999999999999999/").status_code == 404
    assert client.get(f"/konto/jury/{world.open_edition.pk}/not-a-uuid/").status_code == 404
    assert (
        client.get(
            f"/konto/jury/{world.open_edition.pk}/00000000-0000-0000-0000-000000000000/"
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_the_home_lists_the_jurors_seats_with_progress(client, world):
    client.force_login(world.juror_user)
    page = client.get("/en" + reverse("awards:jury_home")).content.decode()
    assert "Społeczna Dusza" in page or "Social Soul" in page
    assert "1 of 1 nomination scored (100%)" in page
    assert "1 conflict of interest" in page


@pytest.mark.django_db
def test_the_edition_page_shows_my_state_of_each_nomination(client, world):
    fresh = nomination(world.jury_edition, world.jury_category, nominee_first_name="Bogdan")
    client.force_login(world.juror_user)
    page = client.get("/en" + urls(world.jury_edition, fresh)["jury_edition"]).content.decode()
    assert "Halina Wróblewska" in page and "Bogdan Kowalski" in page
    assert "conflict of interest" in page and "to score" in page and "scored" in page


@pytest.mark.django_db
def test_the_nomination_page_shows_it_in_full_with_the_forms(client, world):
    Edition.objects.filter(pk=world.open_edition.pk).update(
        nominations_open=timezone.now() - 40 * DAY, nominations_close=timezone.now() - DAY
    )
    Nomination.objects.filter(pk=world.nomination.pk).update(
        status="accepted", achievements="Nagroda prezydenta", links="https://example.org/a"
    )
    client.force_login(world.juror_user)
    page = client.get("/en" + urls(world.open_edition, world.nomination)["jury_nomination"])
    html = page.content.decode()
    assert "Halina Wróblewska" in html and "Nagroda prezydenta" in html
    assert 'href="https://example.org/a"' in html
    assert (
        reverse(
            "awards:nomination_attachment",
            args=[world.nomination_attachment.pk, world.nomination_attachment.download_name],
        )
        in html
    )
    assert f'for="id_criterion_{world.criterion.pk}"' in html
    assert "From 0 to 10 points; weight 2." in html
    assert 'name="note"' in html


@pytest.mark.django_db
def test_a_score_outside_the_scale_through_the_page_names_the_field(client, world):
    client.force_login(world.juror_user)
    field = f"criterion_{world.jury_criterion.pk}"
    for value in ("6", "-1", "abc", "99999999999999999999", ""):
        response = client.post(
            urls(world.jury_edition, world.accepted_nomination)["jury_score"], {field: value}
        )
        assert response.status_code == 200
        assert f'href="#id_{field}"' in response.content.decode()
    assert Score.objects.get(nomination=world.accepted_nomination).value == 4


@pytest.mark.django_db
def test_scoring_a_conflicted_nomination_through_the_page_is_refused(client, world):
    client.force_login(world.juror_user)
    target = world.conflicted_nomination
    pages = urls(world.jury_edition, target)
    page = client.get("/en" + pages["jury_nomination"]).content.decode()
    assert "You declared a conflict of interest" in page and "id_criterion_" not in page
    response = client.post(
        "/en" + pages["jury_score"],
        {f"criterion_{world.jury_criterion.pk}": "3"},
        follow=True,
    )
    assert "cannot score it" in response.content.decode()
    assert not Score.objects.filter(nomination=target).exists()


@pytest.mark.django_db
def test_after_the_jury_closes_the_pages_are_read_only_and_scores_refused(client, world):
    close_jury(world.jury_edition)
    client.force_login(world.juror_user)
    pages = urls(world.jury_edition, world.accepted_nomination)
    page = client.get("/en" + pages["jury_nomination"]).content.decode()
    assert "id_criterion_" not in page and 'name="note"' not in page
    assert "4 of 5" in page
    response = client.post(
        "/en" + pages["jury_score"], {f"criterion_{world.jury_criterion.pk}": "1"}, follow=True
    )
    assert "The jury has closed." in response.content.decode()
    assert Score.objects.get(nomination=world.accepted_nomination).value == 4


@pytest.mark.django_db
def test_other_jurors_scores_are_shown_only_after_the_jury_closes(client, world):
    other = juror_on(world.jury_edition)
    Score.objects.create(
        juror=other, nomination=world.accepted_nomination, criterion=world.jury_criterion, value=2
    )
    client.force_login(world.juror_user)
    pages = urls(world.jury_edition, world.accepted_nomination)
    for url in (pages["jury_edition"], pages["jury_nomination"]):
        page = client.get("/en" + url).content.decode()
        assert "Zofia" not in page and "Ranking" not in page
    close_jury(world.jury_edition)
    page = client.get("/en" + pages["jury_edition"]).content.decode()
    assert "Ranking" in page and "Zofia Sędzia" in page
    # (4/5 + 2/5) / 2 × 100 = 60
    assert "60.00" in page


@pytest.mark.django_db
@pytest.mark.parametrize("closed", [False, True])
def test_the_edition_page_takes_a_fixed_number_of_queries(
    client, world, closed, django_assert_max_num_queries
):
    edition = world.jury_edition
    extra = Criterion.objects.create(edition=edition, name_pl="Trwałość", max_score=3)
    jurors = [juror_on(edition, f"J{i}", "X", f"j{i}@example.com") for i in range(5)]
    for i in range(60):
        nom = nomination(edition, world.jury_category, nominee_first_name=f"N{i}")
        for juror in [*jurors, world.jury_juror]:
            Score.objects.create(
                juror=juror, nomination=nom, criterion=world.jury_criterion, value=3
            )
            Score.objects.create(juror=juror, nomination=nom, criterion=extra, value=1)
    if closed:
        close_jury(edition)
    client.force_login(world.juror_user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("awards:jury_edition", args=[edition.pk]))
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_nomination_page_takes_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.juror_user)
    with django_assert_max_num_queries(10):
        response = client.get(
            urls(world.jury_edition, world.accepted_nomination)["jury_nomination"]
        )
    assert response.status_code == 200


# --- Write paths, outside a test transaction -------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("awards:jury_score")
def test_a_juror_scores_through_the_page(client, world, portal_content):
    fresh = nomination(world.jury_edition, world.jury_category)
    client.force_login(world.juror_user)
    response = client.post(
        urls(world.jury_edition, fresh)["jury_score"], {f"criterion_{world.jury_criterion.pk}": "5"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(
        reverse("awards:jury_edition", args=[world.jury_edition.pk]) + "#nominations"
    )
    assert Score.objects.get(nomination=fresh, juror=world.jury_juror).value == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("awards:jury_conflict")
def test_a_juror_declares_a_conflict_through_the_page(client, world, portal_content):
    client.force_login(world.juror_user)
    target = world.accepted_nomination
    response = client.post(urls(world.jury_edition, target)["jury_conflict"], {"note": "Sąsiadka"})
    assert response.status_code == 302
    conflict = Conflict.objects.get(juror=world.jury_juror, nomination=target)
    assert conflict.note == "Sąsiadka"
    assert not Score.objects.filter(juror=world.jury_juror, nomination=target).exists()
    assert NominationChange.objects.filter(nomination=target, action="conflict_declared").exists()
