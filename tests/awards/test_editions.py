"""Editions as staff run them: the timeline's checks by field, the awards, approving
and withdrawing the results, and the editions admin (outside a test transaction)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from awards.models import Competition, Edition, Nomination
from awards.services import editions as services
from tests.forms import admin_form_data, page_errors


@pytest.fixture(autouse=True)
def _in_english():
    """The services' messages are checked in English (the site's main language is Polish)."""
    with translation.override("en"):
        yield


DAY = datetime.timedelta(days=1)


def fields(edition, **changes):
    for name, value in changes.items():
        setattr(edition, name, value)
    return services.edition_problems(edition)


# --- edition_problems ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_sound_timeline_has_no_problems(world):
    assert services.edition_problems(world.open_edition) == {}
    assert services.edition_problems(world.jury_edition) == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "earlier_than", "message"),
    [
        ("nominations_close", "nominations_open", "Nominations must close after they open."),
        (
            "formal_check_until",
            "nominations_close",
            "The formal check cannot end before the nominations close.",
        ),
        ("jury_until", "formal_check_until", "The jury cannot end before the formal check ends."),
        ("announcement_at", "jury_until", "The results cannot be announced before the jury ends."),
        ("ceremony_at", "announcement_at", "The ceremony cannot be before the announcement."),
    ],
)
def test_each_step_out_of_order_is_an_error_on_its_field(world, field, earlier_than, message):
    edition = world.open_edition
    problems = fields(edition, **{field: getattr(edition, earlier_than) - DAY})
    assert problems[field] == [message]


@pytest.mark.django_db
def test_the_public_vote_needs_its_dates_within_the_timeline(world):
    edition = world.open_edition
    problems = fields(edition, public_vote=True, vote_opens=None, vote_closes=None)
    assert problems["vote_opens"] == ["Give the time the public vote opens."]
    assert problems["vote_closes"] == ["Give the time the public vote closes."]
    problems = fields(
        edition,
        vote_opens=edition.nominations_close - DAY,
        vote_closes=edition.announcement_at + DAY,
    )
    assert problems["vote_opens"] == ["The public vote cannot open before the nominations close."]
    assert problems["vote_closes"] == [
        "The public vote must close before the results are announced."
    ]
    problems = fields(edition, vote_opens=edition.jury_until, vote_closes=edition.jury_until)
    assert problems == {"vote_closes": ["The public vote must close after it opens."]}


@pytest.mark.django_db
def test_the_year_must_be_in_range_and_free(world):
    assert fields(world.open_edition, year=1999)["year"] == ["The year must be from 2000 to 2100."]
    taken = Edition(
        competition=world.other_competition,
        year=world.past_edition.year,
        nominations_open=world.past_edition.nominations_open,
        nominations_close=world.past_edition.nominations_close,
        formal_check_until=world.past_edition.formal_check_until,
        jury_until=world.past_edition.jury_until,
        announcement_at=world.past_edition.announcement_at,
    )
    assert services.edition_problems(taken) == {
        "year": ["This competition already has an edition that year."]
    }
    with pytest.raises(ValidationError) as refused:
        services.edition_save(edition=taken, user=None)
    assert "year" in refused.value.message_dict


@pytest.mark.django_db
def test_edition_save_records_the_history(world, staff):
    edition = world.open_edition
    edition.ceremony_place = "Aula Magna"
    services.edition_save(
        edition=edition, user=staff, changes={"ceremony_place": ["Aula", "Aula Magna"]}
    )
    record = edition.changes.get()
    assert record.action == "changed" and record.user == staff
    edition.nominations_close = edition.nominations_open
    with pytest.raises(ValidationError) as refused:
        services.edition_save(edition=edition, user=staff)
    assert refused.value.message_dict == {
        "nominations_close": ["Nominations must close after they open."]
    }


@pytest.mark.django_db
def test_competition_save_checks_its_fields(world):
    competition = Competition(name_pl=" ", slug="Zły Adres", nominated_by_residents=False,
                              nominated_by_organizations=False, nominee_person=False)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.competition_save(competition=competition, user=None)
    assert set(refused.value.message_dict) == {
        "name_pl",
        "slug",
        "nominated_by_residents",
        "nominee_person",
    }
    competition = Competition(name_pl="Nowy", slug=world.competition.slug)
    with pytest.raises(ValidationError) as refused:
        services.competition_save(competition=competition, user=None)
    assert refused.value.message_dict == {"slug": ["Another competition has this address."]}


# --- Awards and results ----------------------------------------------------------------------


def closed_jury(edition):
    now = timezone.now()
    Edition.objects.filter(pk=edition.pk).update(
        jury_until=now - DAY,
        announcement_at=now + DAY,
        ceremony_at=None,
        vote_opens=now - 9 * DAY,
        vote_closes=now - 2 * DAY,
    )
    edition.refresh_from_db()
    return edition


@pytest.mark.django_db
def test_only_accepted_nominations_are_awarded(world, staff):
    for nomination in (world.nomination, world.minor_nomination, world.unconfirmed_nomination):
        with pytest.raises(ValidationError) as refused:
            services.nomination_award_set(nomination=nomination, award="laureate", user=staff)
        assert "award" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.nomination_award_set(
            nomination=world.accepted_nomination, award="gold", user=staff
        )
    nomination = services.nomination_award_set(
        nomination=world.accepted_nomination,
        award="laureate",
        user=staff,
        description_pl=" Za lata pracy na rzecz sąsiadów. ",
    )
    nomination.refresh_from_db()
    assert nomination.award == "laureate"
    assert nomination.result_description_pl == "Za lata pracy na rzecz sąsiadów."
    assert nomination.changes.get().changes["award"] == ["", "laureate"]


@pytest.mark.django_db
def test_approving_needs_the_jury_closed_and_a_laureate(world, staff):
    edition = world.jury_edition
    with pytest.raises(ValidationError) as refused:
        services.edition_results_approve(edition=edition, user=staff)
    assert "jury_until" in refused.value.message_dict
    edition = closed_jury(edition)
    with pytest.raises(ValidationError) as refused:
        services.edition_results_approve(edition=edition, user=staff)
    assert refused.value.messages == ["Mark at least one laureate before approving the results."]
    services.nomination_award_set(
        nomination=world.accepted_nomination, award="laureate", user=staff
    )
    edition = services.edition_results_approve(edition=edition, user=staff)
    edition.refresh_from_db()
    assert edition.results_approved_at and edition.results_approved_by == staff
    # Approved: shown at the announcement, not before.
    assert not edition.results_are_public()
    assert edition.results_are_public(edition.announcement_at)
    # The awards are frozen until the approval is withdrawn.
    with pytest.raises(ValidationError) as refused:
        services.nomination_award_set(
            nomination=world.conflicted_nomination, award="mention", user=staff
        )
    assert "withdraw" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        services.edition_results_approve(edition=edition, user=staff)
    services.edition_results_withdraw(edition=edition, user=staff)
    edition.refresh_from_db()
    assert edition.results_approved_at is None
    services.nomination_award_set(
        nomination=world.conflicted_nomination, award="mention", user=staff
    )
    with pytest.raises(ValidationError):
        services.edition_results_withdraw(edition=edition, user=staff)
    assert list(edition.changes.values_list("action", flat=True)) == [
        "results_withdrawn",
        "results_approved",
    ]


@pytest.mark.django_db
def test_a_draft_editions_results_are_not_approved(world, staff):
    edition = closed_jury(world.jury_edition)
    services.nomination_award_set(
        nomination=world.accepted_nomination, award="laureate", user=staff
    )
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.DRAFT)
    with pytest.raises(ValidationError) as refused:
        services.edition_results_approve(edition=edition, user=staff)
    assert "status" in refused.value.message_dict


# --- The admin (outside a test transaction) --------------------------------------------------


@pytest.fixture
def staff_in_admin(client, staff):
    assert staff.has_perm("awards.change_edition")
    client.force_login(staff)
    return client


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("admin:awards_edition_change")
def test_a_backwards_timeline_is_an_error_on_its_field(staff_in_admin, world):
    edition = world.open_edition
    url = reverse("admin:awards_edition_change", args=[edition.pk])
    page = staff_in_admin.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("admin:awards_edition_progress", args=[edition.pk]) in html
    assert reverse("admin:awards_edition_ranking", args=[edition.pk]) in html
    assert f"?edition__id__exact={edition.pk}" in html
    data = admin_form_data(page, nominations_close_0="2000-01-01", nominations_close_1="10:00:00")
    response = staff_in_admin.post(url, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["nominations_close"] == [
        "Zgłoszenia muszą się kończyć później, niż się zaczynają."
    ] or (form.errors["nominations_close"] == ["Nominations must close after they open."])
    edition.refresh_from_db()
    assert edition.nominations_close > edition.nominations_open

    data = admin_form_data(staff_in_admin.get(url), ceremony_place="Aula Magna")
    response = staff_in_admin.post(url, data)
    assert response.status_code == 302, page_errors(response)
    edition.refresh_from_db()
    assert edition.ceremony_place == "Aula Magna"
    assert edition.changes.get().changes["ceremony_place"][1] == "Aula Magna"


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("admin:awards_edition_add")
@pytest.mark.write_path("admin:awards_edition_delete")
def test_staff_add_and_delete_an_edition(staff_in_admin, world):
    url = reverse("admin:awards_edition_add")
    data = admin_form_data(
        staff_in_admin.get(url),
        competition=str(world.competition.pk),
        year="2031",
        nominations_open_0="2031-03-01",
        nominations_open_1="08:00:00",
        nominations_close_0="2031-04-01",
        nominations_close_1="16:00:00",
        formal_check_until_0="2031-04-15",
        formal_check_until_1="16:00:00",
        jury_until_0="2031-05-15",
        jury_until_1="16:00:00",
        announcement_at_0="2031-06-01",
        announcement_at_1="12:00:00",
        **{
            "categories-0-name_pl": "Wolontariat",
            "categories-0-position": "1",
            "categories-TOTAL_FORMS": "1",
        },
    )
    response = staff_in_admin.post(url, data)
    assert response.status_code == 302, page_errors(response)
    edition = Edition.objects.get(competition=world.competition, year=2031)
    assert edition.status == Edition.Status.DRAFT
    assert list(edition.categories.values_list("name_pl", flat=True)) == ["Wolontariat"]
    assert set(edition.changes.values_list("action", flat=True)) == {"created", "changed"}

    response = staff_in_admin.post(
        reverse("admin:awards_edition_delete", args=[edition.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Edition.objects.filter(pk=edition.pk).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("admin:awards_edition_changelist:approve_results")
@pytest.mark.write_path("admin:awards_edition_changelist:withdraw_results")
def test_staff_approve_and_withdraw_results(staff_in_admin, world, staff):
    edition = closed_jury(world.jury_edition)
    changelist = reverse("admin:awards_edition_changelist")

    def run(action, *editions, back=None):
        data = {"action": action, "_selected_action": [e.pk for e in editions]}
        if back:
            data["_back_to"] = str(back.pk)
        return staff_in_admin.post(changelist, data, follow=True)

    response = run("approve_results", edition)
    edition.refresh_from_db()
    assert edition.results_approved_at is None  # no laureate: refused, said
    assert "laureate" in response.content.decode() or "laureat" in response.content.decode()

    services.nomination_award_set(
        nomination=world.accepted_nomination, award="laureate", user=staff
    )
    response = run("approve_results", edition, back=edition)
    assert response.redirect_chain[-1][0] == reverse(
        "admin:awards_edition_change", args=[edition.pk]
    )
    edition.refresh_from_db()
    assert edition.results_approved_by == staff

    run("withdraw_results", edition)
    edition.refresh_from_db()
    assert edition.results_approved_at is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("admin:awards_competition_add")
@pytest.mark.write_path("admin:awards_competition_change")
@pytest.mark.write_path("admin:awards_competition_delete")
def test_staff_add_change_and_delete_a_competition(staff_in_admin, world):
    url = reverse("admin:awards_competition_add")
    data = admin_form_data(
        staff_in_admin.get(url),
        name_pl="Miejsce Przyjazne Rodzinom",
        slug="miejsce-przyjazne-rodzinom",
        nominee_place="on",
    )
    response = staff_in_admin.post(url, data)
    assert response.status_code == 302, page_errors(response)
    competition = Competition.objects.get(slug="miejsce-przyjazne-rodzinom")

    url = reverse("admin:awards_competition_change", args=[competition.pk])
    data = admin_form_data(staff_in_admin.get(url), slug=world.competition.slug)
    response = staff_in_admin.post(url, data)
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    data = admin_form_data(staff_in_admin.get(url), position="5")
    assert staff_in_admin.post(url, data).status_code == 302
    competition.refresh_from_db()
    assert competition.position == 5

    response = staff_in_admin.post(
        reverse("admin:awards_competition_delete", args=[competition.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Competition.objects.filter(pk=competition.pk).exists()


@pytest.mark.django_db
def test_an_edition_with_nominations_cannot_be_deleted(staff_client, world):
    url = reverse("admin:awards_edition_delete", args=[world.open_edition.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 403
    assert Edition.objects.filter(pk=world.open_edition.pk).exists()
    assert Nomination.objects.filter(edition=world.open_edition).exists()
