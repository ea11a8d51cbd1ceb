"""An advisor with an account sees and manages only their own schedule at
/konto/doradztwo/: appointments (marked, annotated), weekly hours and exceptions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse
from django.utils import timezone

from consultations import client_links, urls
from consultations.models import Appointment, AppointmentChange, AvailabilityRule, Mode
from consultations.services import appointments as services
from tests.consultations.factories import (
    AdvisorFactory,
    AppointmentFactory,
    AvailabilityExceptionFactory,
    AvailabilityRuleFactory,
)
from tests.factories import next_weekday
from tests.organizations.factories import OrganizationFactory
from tests.rooms.factories import ResourceFactory

pytestmark = pytest.mark.django_db

SCHEDULE = "/konto/doradztwo/"
SECRET = "NOTATKA-POUFNA-7431"


def hours_ago(hours):
    return (timezone.now() - datetime.timedelta(hours=hours)).replace(second=0, microsecond=0)


@pytest.fixture
def mine(advisor):
    """The Advisor row of the `advisor` persona (a user in the Advisors group)."""
    return AdvisorFactory(name="Ewa Doradczyni", user=advisor)


@pytest.fixture
def theirs():
    return AdvisorFactory(name="Jan Innydoradca")


@pytest.fixture
def advisor_client(client, advisor, mine):
    client.force_login(advisor)
    return client


def own_urls(rule, exception):
    return [
        SCHEDULE,
        reverse("consultations:advisor_rule_create"),
        reverse("consultations:advisor_rule_edit", args=[rule.pk]),
        reverse("consultations:advisor_rule_delete", args=[rule.pk]),
        reverse("consultations:advisor_exception_create"),
        reverse("consultations:advisor_exception_delete", args=[exception.pk]),
    ]


def test_the_paths_of_the_advisors_pages():
    assert reverse("consultations:advisor_schedule") == SCHEDULE
    assert reverse("consultations:advisor_rule_create") == "/konto/doradztwo/reguly/nowa/"
    assert reverse("consultations:advisor_rule_edit", args=[7]) == "/konto/doradztwo/reguly/7/"
    assert reverse("consultations:advisor_exception_delete", args=[7]) == (
        "/konto/doradztwo/wyjatki/7/usun/"
    )


# --- Who gets in ---------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, mine):
    rule, exception = (
        AvailabilityRuleFactory(advisor=mine),
        AvailabilityExceptionFactory(advisor=mine, date=datetime.date.today()),
    )
    for url in own_urls(rule, exception):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/konto/login/")


@pytest.mark.parametrize("persona", ["ngo_member", "staff"])
def test_people_who_are_not_advisors_get_404(client, request, mine, persona):
    rule, exception = (
        AvailabilityRuleFactory(advisor=mine),
        AvailabilityExceptionFactory(advisor=mine, date=datetime.date.today()),
    )
    client.force_login(request.getfixturevalue(persona))
    for url in own_urls(rule, exception):
        assert client.get(url).status_code == 404, url
    assert client.post(SCHEDULE, {"appointment": "1", "action": "attended"}).status_code == 404


def test_an_advisor_in_the_group_without_an_advisor_row_gets_404(client, advisor):
    client.force_login(advisor)
    assert client.get(SCHEDULE).status_code == 404


def test_another_advisors_rules_and_exceptions_are_404(advisor_client, theirs):
    rule = AvailabilityRuleFactory(advisor=theirs)
    exception = AvailabilityExceptionFactory(advisor=theirs, date=datetime.date.today())
    for name in ("advisor_rule_edit", "advisor_rule_delete"):
        url = reverse(f"consultations:{name}", args=[rule.pk])
        assert advisor_client.get(url).status_code == 404
        assert advisor_client.post(url, {"weekday": "2"}).status_code == 404
    url = reverse("consultations:advisor_exception_delete", args=[exception.pk])
    assert advisor_client.get(url).status_code == 404
    assert advisor_client.post(url).status_code == 404
    rule.refresh_from_db()
    assert rule.weekday == 1
    assert theirs.exceptions.count() == 1


# --- The schedule ----------------------------------------------------------------------------


def test_the_schedule_shows_own_appointments_with_the_clients_contact(advisor_client, mine, theirs):
    organization = OrganizationFactory(name="Stowarzyszenie Brzoza")
    AppointmentFactory(
        advisor=mine,
        client_name="Maria Mieszkanka",
        client_email="maria@example.net",
        client_phone="+48 600 100 200",
        organization=organization,
        question="Jak założyć stowarzyszenie?",
    )
    AppointmentFactory(advisor=mine, client_name="Piotr Przeszły", start=hours_ago(30))
    AppointmentFactory(advisor=theirs, client_name="Klient Cudzy")
    response = advisor_client.get(SCHEDULE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Maria Mieszkanka" in html and "Piotr Przeszły" in html
    assert "Klient Cudzy" not in html
    assert 'href="mailto:maria@example.net"' in html and 'href="tel:+48600100200"' in html
    assert "Stowarzyszenie Brzoza" in html and "Jak założyć stowarzyszenie?" in html
    assert [a.client_name for a in response.context["upcoming"]] == ["Maria Mieszkanka"]
    assert [a.client_name for a in response.context["recent"]] == ["Piotr Przeszły"]


def test_only_appointments_that_have_started_can_be_marked(advisor_client, mine):
    AppointmentFactory(advisor=mine, client_name="Przyszły")
    AppointmentFactory(advisor=mine, client_name="Przeszły", start=hours_ago(2))
    response = advisor_client.get(SCHEDULE)
    (upcoming,) = response.context["upcoming"]
    (recent,) = response.context["recent"]
    assert not upcoming.can_mark and recent.can_mark
    html = response.content.decode()
    assert html.count('name="action" value="attended"') == 1


def test_the_advisor_marks_an_appointment_through_the_service(advisor_client, advisor, mine):
    came = AppointmentFactory(advisor=mine, start=hours_ago(2))
    missed = AppointmentFactory(advisor=mine, start=hours_ago(26))
    response = advisor_client.post(
        SCHEDULE, {"appointment": came.pk, "action": "attended"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"{SCHEDULE}#appointment-{came.pk}"
    advisor_client.post(SCHEDULE, {"appointment": missed.pk, "action": "no_show"})
    came.refresh_from_db()
    missed.refresh_from_db()
    assert came.status == Appointment.Status.ATTENDED
    assert missed.status == Appointment.Status.NO_SHOW
    assert AppointmentChange.objects.filter(appointment=came, user=advisor).exists()
    # And corrected.
    advisor_client.post(SCHEDULE, {"appointment": missed.pk, "action": "attended"})
    missed.refresh_from_db()
    assert missed.status == Appointment.Status.ATTENDED


def test_marking_before_the_start_shows_the_services_message(advisor_client, mine):
    appointment = AppointmentFactory(advisor=mine)
    response = advisor_client.post(
        SCHEDULE, {"appointment": appointment.pk, "action": "attended"}, follow=True
    )
    (message,) = response.context["messages"]
    assert message.level_tag == "error"
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED


def test_another_advisors_appointment_cannot_be_marked_or_annotated(advisor_client, theirs):
    appointment = AppointmentFactory(advisor=theirs, start=hours_ago(2))
    for data in (
        {"appointment": appointment.pk, "action": "attended"},
        {
            "appointment": appointment.pk,
            "action": "notes",
            f"appointment-{appointment.pk}-private_notes": "x",
        },
        {"appointment": "abc", "action": "attended"},
    ):
        assert advisor_client.post(SCHEDULE, data).status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED
    assert appointment.private_notes == ""


def test_an_unknown_action_changes_nothing(advisor_client, mine):
    appointment = AppointmentFactory(advisor=mine, start=hours_ago(2))
    response = advisor_client.post(
        SCHEDULE, {"appointment": appointment.pk, "action": "cancelled"}, follow=True
    )
    assert response.status_code == 200
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED


def test_the_advisor_keeps_private_notes(advisor_client, advisor, mine):
    appointment = AppointmentFactory(advisor=mine)
    field = f"appointment-{appointment.pk}-private_notes"
    response = advisor_client.post(
        SCHEDULE,
        {"appointment": appointment.pk, "action": "notes", field: "  Przynieść statut.  "},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.private_notes == "Przynieść statut."
    assert AppointmentChange.objects.filter(
        appointment=appointment, user=advisor, action="notes"
    ).exists()
    html = advisor_client.get(SCHEDULE).content.decode()
    assert "Przynieść statut." in html


def test_too_long_notes_are_an_error_on_the_field(advisor_client, mine):
    appointment = AppointmentFactory(advisor=mine, private_notes="stare")
    field = f"appointment-{appointment.pk}-private_notes"
    response = advisor_client.post(
        SCHEDULE, {"appointment": appointment.pk, "action": "notes", field: "x" * 10_001}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "is-invalid" in html and f'id="id_{field}"' in html
    assert response.context["form"].errors  # the page's title says "Error:"
    appointment.refresh_from_db()
    assert appointment.private_notes == "stare"


def test_the_schedule_reads_a_fixed_number_of_queries(advisor_client, mine):
    room = ResourceFactory()
    AvailabilityRuleFactory(advisor=mine, weekday=2, mode=Mode.IN_PERSON, room=room)
    AvailabilityExceptionFactory(advisor=mine, date=timezone.localdate(), room=room)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert advisor_client.get(SCHEDULE).status_code == 200
        return len(queries)

    AppointmentFactory(advisor=mine, organization=OrganizationFactory())
    AppointmentFactory(advisor=mine, start=hours_ago(5))
    count()  # (the footer's contact details are cached after the first page)
    before = count()
    for n in range(8):
        AppointmentFactory(
            advisor=mine,
            organization=OrganizationFactory(),
            start=next_weekday(3, days_ahead=7 + 7 * n),
        )
        AppointmentFactory(advisor=mine, start=hours_ago(24 * (n + 2)))
        AvailabilityRuleFactory(
            advisor=mine,
            weekday=4,
            starts=datetime.time(8 + n),
            ends=datetime.time(8 + n, 45),
            mode=Mode.IN_PERSON,
            room=room,
        )
        AvailabilityExceptionFactory(
            advisor=mine, date=timezone.localdate() + datetime.timedelta(days=n + 1)
        )
    assert count() == before


# --- Weekly hours ------------------------------------------------------------------------------


RULE = {
    "weekday": "1",
    "starts": "10:00",
    "ends": "12:00",
    "slot_minutes": "45",
    "buffer_minutes": "15",
    "mode": Mode.PHONE,
    "room": "",
    "valid_from": "2025-01-01",
    "valid_until": "",
}


def test_the_advisor_adds_weekly_hours(advisor_client, mine):
    url = reverse("consultations:advisor_rule_create")
    assert advisor_client.get(url).status_code == 200
    response = advisor_client.post(url, RULE)
    assert response.status_code == 302 and response["Location"] == f"{SCHEDULE}#rules"
    rule = AvailabilityRule.objects.get()
    assert rule.advisor == mine
    assert (rule.weekday, rule.starts, rule.ends) == (1, datetime.time(10), datetime.time(12))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts": "12:00", "ends": "10:00"}, "ends"),
        ({"starts": "11:00", "ends": "13:00"}, "starts"),  # overlaps the saved rule
        ({"mode": Mode.IN_PERSON}, "room"),
        ({"valid_until": "2024-01-01"}, "valid_until"),
        ({"slot_minutes": "5"}, "slot_minutes"),
    ],
)
def test_the_models_validation_is_shown_on_the_fields(advisor_client, mine, changes, field):
    AvailabilityRuleFactory(
        advisor=mine, weekday=1, starts=datetime.time(10), ends=datetime.time(12)
    )
    response = advisor_client.post(
        reverse("consultations:advisor_rule_create"), {**RULE, "starts": "14:00", "ends": "15:00"}
    )
    assert response.status_code == 302
    response = advisor_client.post(
        reverse("consultations:advisor_rule_create"), {**RULE, **changes}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    html = response.content.decode()
    assert "error-summary" in html and "is-invalid" in html
    assert mine.rules.count() == 2


def test_another_advisors_rule_does_not_count_as_an_overlap(advisor_client, mine, theirs):
    AvailabilityRuleFactory(advisor=theirs, weekday=1)
    response = advisor_client.post(reverse("consultations:advisor_rule_create"), RULE)
    assert response.status_code == 302
    assert mine.rules.count() == 1


def test_the_advisor_edits_and_deletes_their_hours(advisor_client, mine):
    rule = AvailabilityRuleFactory(advisor=mine)
    url = reverse("consultations:advisor_rule_edit", args=[rule.pk])
    assert advisor_client.get(url).context["form"].initial["starts"] == datetime.time(10)
    response = advisor_client.post(url, {**RULE, "starts": "09:00", "ends": "11:00"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.starts == datetime.time(9)  # (an edit is no overlap with itself)
    url = reverse("consultations:advisor_rule_delete", args=[rule.pk])
    assert advisor_client.get(url).status_code == 200
    assert AvailabilityRule.objects.filter(pk=rule.pk).exists()
    assert advisor_client.post(url).status_code == 302
    assert not AvailabilityRule.objects.filter(pk=rule.pk).exists()


# --- Exceptions ----------------------------------------------------------------------------------


def test_the_advisor_adds_and_deletes_days_off_and_extra_hours(advisor_client, mine):
    url = reverse("consultations:advisor_exception_create")
    assert advisor_client.get(url).status_code == 200
    day = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    base = {"date": day, "slot_minutes": "45", "buffer_minutes": "15", "note": "Urlop"}
    response = advisor_client.post(url, {**base, "kind": "day_off"})
    assert response.status_code == 302
    response = advisor_client.post(url, {**base, "kind": "extra"})
    assert response.status_code == 200
    assert {"starts", "mode"} <= set(response.context["form"].errors)
    extra = {**base, "kind": "extra", "starts": "16:00", "ends": "18:00", "mode": Mode.ONLINE}
    # Extra hours on the whole day off would never be offered: refused, naming it.
    response = advisor_client.post(url, extra)
    assert response.status_code == 200
    assert "starts" in response.context["form"].errors
    next_day = (timezone.localdate() + datetime.timedelta(days=11)).isoformat()
    response = advisor_client.post(url, {**extra, "date": next_day})
    assert response.status_code == 302
    assert mine.exceptions.count() == 2
    html = advisor_client.get(SCHEDULE).content.decode()
    assert "Urlop" in html
    exception = mine.exceptions.get(kind="day_off")
    url = reverse("consultations:advisor_exception_delete", args=[exception.pk])
    assert advisor_client.get(url).status_code == 200
    assert advisor_client.post(url).status_code == 302
    assert mine.exceptions.count() == 1


EXTRA_HOURS = {
    "kind": "extra",
    "starts": "16:00",
    "ends": "18:00",
    "slot_minutes": "45",
    "buffer_minutes": "15",
    "mode": Mode.ONLINE,
    "room": "",
    "note": "",
}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slot_minutes", "99999999999", "mniejsza lub równa 240"),
        ("slot_minutes", "2000000000", "mniejsza lub równa 240"),
        ("slot_minutes", "241", "mniejsza lub równa 240"),
        ("buffer_minutes", "99999999999", "mniejsza lub równa 120"),
        ("buffer_minutes", "2000000000", "mniejsza lub równa 120"),
        ("buffer_minutes", "121", "mniejsza lub równa 120"),
    ],
)
@pytest.mark.parametrize("kind", ["rule", "exception"])
def test_slots_and_breaks_have_the_same_limits_on_hours_and_exceptions(
    advisor_client, mine, kind, field, value, message
):
    day = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    if kind == "rule":
        url, data = reverse("consultations:advisor_rule_create"), {**RULE, field: value}
    else:
        url = reverse("consultations:advisor_exception_create")
        data = {**EXTRA_HOURS, "date": day, field: value}
    response = advisor_client.post(url, data)
    assert response.status_code == 200
    (error,) = response.context["form"].errors[field]
    assert message in error
    assert not mine.rules.exists() and not mine.exceptions.exists()
    html = response.content.decode()
    limit = "240" if field == "slot_minutes" else "120"
    assert f'max="{limit}"' in html  # the browser knows the limit too


def test_the_longest_slot_and_break_are_accepted_on_an_exception(advisor_client, mine):
    day = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    data = {**EXTRA_HOURS, "date": day, "slot_minutes": "240", "buffer_minutes": "120"}
    response = advisor_client.post(reverse("consultations:advisor_exception_create"), data)
    assert response.status_code == 302
    assert (mine.exceptions.get().slot_minutes, mine.exceptions.get().buffer_minutes) == (240, 120)


# --- Private notes stay private ---------------------------------------------------------


def client_facing_urls(appointment):
    """The consultations pages a client reaches, with arguments for `appointment`."""
    token = client_links.make_client_token(appointment)
    values = {"token": token, "slug": appointment.advisor.slug}
    found = []
    for pattern in urls.urlpatterns:
        if not isinstance(pattern, URLPattern) or "doradztwo" in str(pattern.pattern):
            continue
        names = set(pattern.pattern.converters)
        if names - set(values):
            continue
        if str(pattern.pattern).startswith("szkolenia/") and names:
            continue  # trainings: not about appointments
        found.append(reverse(f"consultations:{pattern.name}", kwargs={n: values[n] for n in names}))
    return found


def test_private_notes_never_reach_the_client(
    client, ngo_member, mine, mailoutbox, django_capture_on_commit_callbacks, advisor
):
    appointment = AppointmentFactory(
        advisor=mine, user=ngo_member, private_notes=SECRET, client_email=ngo_member.email
    )
    pages = client_facing_urls(appointment)
    assert any(str(appointment.pk) in page or "wizyta" in page for page in pages)
    for signed_in in (False, True):
        if signed_in:
            client.force_login(ngo_member)
        for page in pages:
            response = client.get(page)
            assert SECRET not in response.content.decode(errors="replace"), page
    # Nor the e-mails (here: the cancellation, and the advisor's own list of course
    # shows them).
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(appointment=appointment, user=advisor, reason="Choroba")
    to_client = None
    for message in mailoutbox:
        if message.to == [appointment.client_email]:
            to_client = message
        assert SECRET not in message.body  # (not even in the advisor's and staff's)
        for content, _type in getattr(message, "alternatives", []):
            assert SECRET not in str(content)
    assert to_client
