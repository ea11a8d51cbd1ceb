"""The consultation pages as people use them: the offer and its filters, an
advisor's free times, the booking form (resident, member, mistakes, a slot just
taken, spam), the e-mailed link to confirm, manage (cancel, move) and download the
calendar file, bad links, and the cost of the lists with many advisors.

The clock is frozen on Friday 8 March 2030, 09:00 (the pages read it); the pages
are read in English, under /en/.
"""

import datetime
import io
import re
from html import unescape

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import clear_url_caches, reverse
from django.utils import translation
from PIL import Image

from consultations import client_links
from consultations.models import Appointment, Mode
from consultations.services import appointments as services
from consultations.views import appointments as views
from tests.consultations.factories import (
    AdvisorFactory,
    AdvisorGroupFactory,
    AppointmentFactory,
    AvailabilityRuleFactory,
    TopicFactory,
)
from tests.factories import local
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.rooms.factories import BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db

NOW = local(2030, 3, 8, 9)  # Friday morning


def tue(hour, minute=0, day=12):
    return local(2030, 3, day, hour, minute)


@pytest.fixture(autouse=True)
def _frozen_clock():
    # Fresh URL caches: a test that made English the default language leaves its
    # prefix-less English addresses cached in the resolver.
    clear_url_caches()
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def advisor(advisor):
    """Ewa, with an account, on fundraising and statutes; Tuesdays 10:00–12:00 by
    phone (slots at 10:00 and 11:00)."""
    profile = AdvisorFactory(
        name="Ewa Doradczyni",
        slug="ewa-doradczyni",
        bio_en="Twenty years of fundraising for local NGOs.",
        user=advisor,
        topics=["pozyskiwanie-funduszy", "statuty"],
    )
    AvailabilityRuleFactory(advisor=profile, weekday=1)
    return profile


@pytest.fixture
def organization(ngo_member):
    organization = OrganizationFactory(name="Stowarzyszenie Seniorów Bojary")
    MembershipFactory(user=ngo_member, organization=organization)
    return organization


def en(name, *args):
    """The English page's address (/en/konsultacje/...)."""
    with translation.override("en"):
        return reverse(f"consultations:{name}", args=args)


def book_url(advisor, start=None):
    url = en("appointment_book", advisor.slug)
    return f"{url}?start={start:%Y-%m-%dT%H:%M}" if start else url


def resident_data(start, **changes):
    return {
        "start": f"{start:%Y-%m-%dT%H:%M}",
        "client_name": "Maria Mieszkanka",
        "client_email": "maria@example.net",
        "client_phone": "+48 600 100 200",
        "client_organization_name": "Grupa sąsiedzka z Bojar",
        "topic": "pozyskiwanie-funduszy",
        "question": "Jak zdobyć pieniądze na festyn?",
        "consent": "on",
        "website": "",
        **changes,
    }


def post(client, capture, url, data):
    with capture(execute=True):
        return client.post(url, data)


def text(response):
    """The page's text without tags and with single spaces, as a reader gets it."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    return re.sub(r" ([,.])", r"\1", words)


def results(response):
    """The text of the list's results (without the filter form)."""
    return text(response).split("Clear filters")[-1].split("Show", 1)[-1]


def link_in(letter, kind):
    """The path of the letter's link: to the English pages the client booked on."""
    match = re.search(rf"https?://[^/\s]+(/en/konsultacje/{kind}/[^/\s]+/)", letter.body)
    assert match, letter.body
    return match.group(1)


def free_times(client, advisor):
    page = text(client.get(en("advisor_detail", advisor.slug)))
    return re.findall(r"Book Tuesday, 12 March, (\d\d:\d\d)", page)


# --- The offer -----------------------------------------------------------------------------


def test_the_list_shows_advisors_and_a_group_as_one_offer_with_their_next_free_times(
    client, advisor
):
    clinic = AdvisorGroupFactory(name_pl="Studencka poradnia prawa", name_en="Students' law clinic")
    for name in ["Student Adam", "Studentka Beata"]:
        student = AdvisorFactory(name=name, group=clinic, topics=["prawo-administracyjne"])
        AvailabilityRuleFactory(
            advisor=student, weekday=3, starts=datetime.time(14), ends=datetime.time(15)
        )
    AdvisorFactory(name="Nieaktywny Doradca", is_active=False)

    response = client.get(en("consultation_list"))

    assert response.status_code == 200
    page = text(response)
    assert "2 offers" in page
    assert page.count("Students' law clinic") >= 2  # the filter's option and the offer
    assert "Advisors: Student Adam, Studentka Beata" in page
    assert "Nieaktywny" not in page
    assert "Ewa Doradczyni" in page and "Topics: Fundraising, Statutes" in page
    assert "Book: Tuesday, 12 March, 10:00–10:45 – by phone" in page
    assert "Thursday, 14 March, 14:00–14:45 – by phone, Student Adam" in page
    assert f'href="/en/konsultacje/zarezerwuj/{advisor.slug}/?start=2030-03-12T10%3A00"' in (
        response.content.decode()
    )


def test_the_list_filters_by_topic_and_by_advisor_or_group(client, advisor):
    clinic = AdvisorGroupFactory(name_en="Students' law clinic", slug="poradnia")
    student = AdvisorFactory(name="Student Adam", group=clinic, topics=["prawo-administracyjne"])
    AvailabilityRuleFactory(advisor=student, weekday=3)

    by_topic = results(client.get(en("consultation_list"), {"temat": "prawo-administracyjne"}))
    by_group = results(client.get(en("consultation_list"), {"doradca": "poradnia"}))
    by_member = results(client.get(en("consultation_list"), {"doradca": student.slug}))
    nonsense = client.get(en("consultation_list"), {"temat": "<b>x</b>", "doradca": "nikt"})

    assert "1 offer on “Administrative law" in by_topic and "Ewa Doradczyni" not in by_topic
    assert "Student Adam" in by_group and "Ewa Doradczyni" not in by_group
    assert "1 offer" in by_member and "Thursday, 14 March" in by_member
    assert nonsense.status_code == 200
    assert "2 offers" in text(nonsense)


def test_the_advisors_page_shows_bio_photo_topics_and_free_times_by_day(client, advisor):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "PNG")
    advisor.photo.save("ewa.png", ContentFile(buffer.getvalue()), save=False)
    advisor.photo_alt = "Ewa przy biurku"
    advisor.save()
    AppointmentFactory(advisor=advisor, start=tue(11), end=tue(11, 45), client_name="Tajny Klient")

    response = client.get(en("advisor_detail", advisor.slug))

    page = text(response)
    assert response.status_code == 200
    assert "Twenty years of fundraising" in page
    assert 'alt="Ewa przy biurku"' in response.content.decode()
    assert "Topics Fundraising Statutes" in page
    assert "Tuesday, 12 March 2030 Book Tuesday, 12 March, 10:00–10:45 by phone" in page
    assert "Tuesday, 19 March 2030" in page
    assert free_times(client, advisor) == ["10:00"]
    assert "Tajny" not in page and "maria@example.net" not in page


def test_an_unknown_or_inactive_advisor_is_not_found(client, advisor):
    advisor.is_active = False
    advisor.save()

    assert client.get(en("advisor_detail", advisor.slug)).status_code == 404
    assert client.get(en("advisor_detail", "nikt")).status_code == 404
    assert client.get(book_url(advisor, tue(10))).status_code == 404


def test_the_lists_cost_a_constant_number_of_queries(
    client, advisor, ngo_member, django_assert_max_num_queries
):
    rooms = [ResourceFactory(name_pl=f"Sala {n}") for n in range(4)]
    group = AdvisorGroupFactory()
    advisors = []
    for n in range(20):
        one = AdvisorFactory(group=group if n < 4 else None, topics=["inne", "statuty"])
        advisors.append(one)
        for weekday in range(5):
            in_person = (n + weekday) % 3 == 0
            AvailabilityRuleFactory(
                advisor=one,
                weekday=weekday,
                starts=datetime.time(8 + n % 3),
                ends=datetime.time(12 + n % 3),
                mode=Mode.IN_PERSON if in_person else Mode.PHONE,
                room=rooms[n % 4] if in_person else None,
            )
    rows = []
    for n, one in enumerate(advisors):
        for week in range(8):
            day = datetime.date(2030, 3, 11) + datetime.timedelta(weeks=week, days=n % 5)
            start = local(day.year, day.month, day.day, 8 + n % 3)
            rows.append(
                Appointment(
                    advisor=one,
                    topic=TopicFactory(slug="inne"),
                    start=start,
                    end=start + datetime.timedelta(minutes=45),
                    mode=Mode.PHONE,
                    status=Appointment.Status.CONFIRMED,
                    client_name="Klient",
                    client_email="klient@example.net",
                    question="?",
                )
            )
    Appointment.objects.bulk_create(rows)
    for week in range(8):
        for room in rooms:
            day = datetime.date(2030, 3, 12) + datetime.timedelta(weeks=week)
            BookingFactory(
                resource=room,
                start=local(day.year, day.month, day.day, 13),
                end=local(day.year, day.month, day.day, 14),
            )

    with django_assert_max_num_queries(10):
        assert client.get(en("consultation_list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(en("consultation_list"), {"temat": "statuty"}).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(en("advisor_detail", advisors[7].slug)).status_code == 200
    client.force_login(ngo_member)
    with django_assert_max_num_queries(14):
        assert client.get(en("consultation_list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(book_url(advisors[7], tue(9))).status_code == 200


# --- The booking form -------------------------------------------------------------------------


def test_a_resident_sees_the_form_with_the_information_clause(client, advisor):
    response = client.get(book_url(advisor, tue(10)) + "&temat=statuty")

    page = text(response)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your time Tuesday, 12 March, 10:00–10:45 – by phone" in page
    for label in ["Your name", "Your e-mail address", "Phone", "Topic"]:
        assert label in page
    assert '<option value="statuty" selected>Statutes</option>' in html
    assert "zbiorki-publiczne" not in html  # only the advisor's topics
    assert "Information on personal data processing" in page
    assert 'href="/en/polityka-prywatnosci/"' in html
    assert 'name="website"' in html  # the honeypot


def test_a_member_chooses_the_organisation_instead_of_giving_details(
    client, advisor, ngo_member, organization
):
    client.force_login(ngo_member)

    page = text(client.get(book_url(advisor, tue(10))))

    assert "Organisation" in page and "Stowarzyszenie Seniorów Bojary" in page
    assert "Your e-mail address" not in page
    assert "the consultation is confirmed at once" in page


def test_a_time_that_is_not_free_shows_the_nearest_free_ones(client, advisor):
    AppointmentFactory(advisor=advisor, start=tue(10), end=tue(10, 45))

    taken = text(client.get(book_url(advisor, tue(10))))
    nonsense = client.get(book_url(advisor) + "?start=yesterday")

    assert "The time you chose (Tuesday, 12 March 2030, 10:00) is not free" in taken
    assert "The nearest free times Book: Tuesday, 12 March, 11:00–11:45" in taken
    assert nonsense.status_code == 200
    assert "Choose a free time" in text(nonsense)


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00+14:00", "9999-12-31T23:59-14:00", "0001-01-01T00:00"]
)
def test_a_time_at_the_end_of_the_calendar_is_no_error(
    client, advisor, value, django_capture_on_commit_callbacks
):
    """A tampered ?start= (or form field) whose UTC time would overflow."""
    page = client.get(book_url(advisor), {"start": value})
    response = post(
        client,
        django_capture_on_commit_callbacks,
        book_url(advisor),
        {**resident_data(tue(10)), "start": value},
    )

    assert page.status_code == 200
    assert "Choose a free time" in text(page)
    assert response.status_code == 200
    assert "Choose a time from the list of free slots." in text(response)
    assert Appointment.objects.count() == 0


def test_a_resident_books_confirms_gets_the_calendar_cancels_and_the_slot_is_free_again(
    client, advisor, staff, django_capture_on_commit_callbacks
):
    """The journey of the issue: a resident without an account books a fundraising
    consultation for next week, confirms the e-mail, gets the calendar file,
    cancels through the link, and the slot is free again."""
    response = post(
        client, django_capture_on_commit_callbacks, book_url(advisor), resident_data(tue(10))
    )

    assert response.status_code == 200
    assert "Check your e-mail to confirm the appointment" in text(response)
    assert "maria@example.net" not in response.content.decode()
    assert free_times(client, advisor) == ["11:00"]
    (letter,) = mail.outbox
    confirm_url = link_in(letter, "potwierdz")

    page = text(client.get(confirm_url))
    assert "The time is held for you until 09:30" in page
    mail.outbox.clear()
    response = post(client, django_capture_on_commit_callbacks, confirm_url, {})
    manage_url = response["Location"]
    assert manage_url.startswith("/en/konsultacje/wizyta/")
    page = text(client.get(manage_url))
    assert "the consultation is confirmed" in page
    assert "Status Confirmed" in page
    assert "Jak zdobyć pieniądze na festyn?" in page
    assert "maria@example.net" not in page and "600 100 200" not in page
    (client_letter,) = [m for m in mail.outbox if m.to == ["maria@example.net"]]
    assert client_letter.attachments[0][0].endswith(".ics")
    assert [m for m in mail.outbox if staff.email in m.to]

    ics = client.get(manage_url + "kalendarz.ics")
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content and b"DTSTART:20300312T090000Z" in ics.content

    response = post(
        client,
        django_capture_on_commit_callbacks,
        manage_url,
        {"action": "cancel", "reason": "Nie dam rady."},
    )
    assert response.status_code == 302
    page = text(client.get(manage_url))
    assert "The consultation is cancelled" in page
    assert "Status Cancelled" in page
    assert free_times(client, advisor) == ["10:00", "11:00"]


def test_a_member_books_and_goes_straight_to_the_confirmed_appointment(
    client, advisor, ngo_member, organization, django_capture_on_commit_callbacks
):
    client.force_login(ngo_member)

    response = post(
        client,
        django_capture_on_commit_callbacks,
        book_url(advisor),
        {
            "start": "2030-03-12T10:00",
            "organization": str(organization.pk),
            "topic": "statuty",
            "question": "Zmiana statutu",
            "client_phone": "500 100 200",
            "consent": "on",
        },
    )

    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert "The consultation is booked" in page
    assert "Anna Nowak – Stowarzyszenie Seniorów Bojary" in page
    appointment = Appointment.objects.get()
    assert appointment.status == Appointment.Status.CONFIRMED
    assert appointment.client_email == ngo_member.email


def test_mistakes_are_named_on_their_fields_and_nothing_is_booked(client, advisor):
    response = client.post(
        book_url(advisor),
        resident_data(tue(10), client_email="maria(at)example", consent="", client_phone="abc"),
    )

    page = text(response)
    assert response.status_code == 200
    assert page.startswith("Error:")
    assert "The form has errors" in page
    assert "Your e-mail address: Enter a valid email address." in page
    assert "Phone: Give the phone number in digits" in page
    assert "Tick this box to agree" in page
    assert "Jak zdobyć pieniądze na festyn?" in page  # what was typed is kept
    assert Appointment.objects.count() == 0


def test_a_slot_just_taken_keeps_the_form_and_offers_the_nearest_free_times(
    client, advisor, django_capture_on_commit_callbacks
):
    AppointmentFactory(advisor=advisor, start=tue(10), end=tue(10, 45))

    response = client.post(book_url(advisor), resident_data(tue(10)))

    page = text(response)
    assert response.status_code == 200
    assert "This slot has just been booked by someone else" in page
    assert "Book one of the nearest free times instead" in page
    assert '<button type="submit" name="start" value="2030-03-12T11:00"' in (
        response.content.decode()
    )
    assert "Jak zdobyć pieniądze na festyn?" in page

    # Choosing one of them books it with what was typed.
    data = resident_data(tue(10))
    data["start"] = ["2030-03-12T10:00", "2030-03-12T11:00"]  # the hidden field, the button
    response = post(client, django_capture_on_commit_callbacks, book_url(advisor), data)
    assert "Check your e-mail" in text(response)
    booked = Appointment.objects.get(start=tue(11))
    assert (booked.local_start.hour, booked.question) == (11, "Jak zdobyć pieniądze na festyn?")


def test_a_bot_filling_the_honeypot_books_nothing(client, advisor):
    response = client.post(book_url(advisor), resident_data(tue(10), website="http://spam"))

    assert response.status_code == 200
    assert Appointment.objects.count() == 0
    assert mail.outbox == []


def test_bookings_are_rate_limited_per_address(client, advisor, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "book_consultation": "1/h/ip"}
    client.post(book_url(advisor), resident_data(tue(10)))

    response = client.post(book_url(advisor), resident_data(tue(11)))

    assert response.status_code == 429
    assert "Too many bookings have been made from your connection" in text(response)
    assert Appointment.objects.count() == 1


def test_without_a_configured_rate_the_default_limit_applies(
    client, advisor, settings, monkeypatch
):
    settings.ACCOUNT_RATE_LIMITS = {
        k: v for k, v in settings.ACCOUNT_RATE_LIMITS.items() if k != "book_consultation"
    }
    monkeypatch.setattr(views, "DEFAULT_RATE", "1/h/ip")
    client.post(book_url(advisor), resident_data(tue(10)))

    assert client.post(book_url(advisor), resident_data(tue(11))).status_code == 429


# --- The client's link -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["appointment_confirm", "appointment_manage", "appointment_ics"])
def test_a_tampered_or_expired_link_gets_a_clear_page_and_changes_nothing(client, advisor, name):
    appointment = AppointmentFactory(advisor=advisor, start=tue(10), end=tue(10, 45))
    token = client_links.make_client_token(appointment)
    old = AppointmentFactory(
        advisor=advisor, start=local(2030, 1, 8, 10), end=local(2030, 1, 8, 10, 45)
    )

    for bad in [token[:-2] + "xx", client_links.make_client_token(old), "1-2:3:4"]:
        response = client.get(en(name, bad))
        assert response.status_code == 404
        assert "This link is not valid or has expired" in text(response)
        assert response["Cache-Control"] == "private, no-store"
    response = client.post(en("appointment_manage", token[:-2] + "xx"), {"action": "cancel"})
    assert response.status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED


def test_the_clients_pages_link_no_page_of_an_advisor_who_no_longer_consults(client, advisor):
    """An inactive advisor's page is "not found": the client's pages do not link it."""
    late = AppointmentFactory(
        advisor=advisor,
        start=tue(10),
        end=tue(10, 45),
        status=Appointment.Status.HELD,
        held_until=NOW - datetime.timedelta(minutes=1),
    )
    token = client_links.make_client_token(late)
    advisor.is_active = False
    advisor.save()

    for url in [en("appointment_confirm", token), en("appointment_manage", token)]:
        html = client.get(url).content.decode()
        assert "Ewa Doradczyni" in html
        assert en("advisor_detail", advisor.slug) not in html
        assert f'href="{en("consultation_list")}"' in html
    assert client.get(en("advisor_detail", advisor.slug)).status_code == 404


def test_confirming_too_late_says_the_slot_is_free_again(client, advisor):
    appointment = AppointmentFactory(
        advisor=advisor,
        start=tue(10),
        end=tue(10, 45),
        status=Appointment.Status.HELD,
        held_until=NOW - datetime.timedelta(minutes=1),
    )
    url = en("appointment_confirm", client_links.make_client_token(appointment))

    assert "The time to confirm has passed" in text(client.get(url))
    response = client.post(url)

    assert response.status_code == 200
    assert "The time to confirm has passed" in text(response)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.EXPIRED


def test_the_client_moves_the_appointment_to_another_free_time(
    client, advisor, django_capture_on_commit_callbacks
):
    appointment = AppointmentFactory(advisor=advisor, start=tue(10), end=tue(10, 45))
    manage_url = en("appointment_manage", client_links.make_client_token(appointment))

    page = client.get(manage_url)
    assert '<button type="submit" name="start" value="2030-03-12T11:00"' in page.content.decode()
    response = post(
        client,
        django_capture_on_commit_callbacks,
        manage_url,
        {"action": "reschedule", "start": "2030-03-12T11:00"},
    )

    assert response.status_code == 302
    assert response["Location"] != manage_url
    page = text(client.get(response["Location"]))
    assert "moved to the new time" in page
    assert "Tuesday, 12 March 2030, 11:00–11:45" in page
    assert free_times(client, advisor) == ["10:00"]
    assert "Cancelled" in text(client.get(manage_url))


def test_the_link_to_a_moved_appointment_leads_to_its_new_time(
    client, advisor, django_capture_on_commit_callbacks
):
    """The first e-mail's link opens the old (cancelled) time: it says where it went."""
    appointment = AppointmentFactory(advisor=advisor, start=tue(10), end=tue(10, 45))
    token = client_links.make_client_token(appointment)
    moved = post(
        client,
        django_capture_on_commit_callbacks,
        en("appointment_manage", token),
        {"action": "reschedule", "start": "2030-03-12T11:00"},
    )["Location"]

    for url in [en("appointment_manage", token), en("appointment_confirm", token)]:
        response = client.get(url)
        page = text(response)
        assert (
            "This consultation has been moved to another time: Tuesday, 12 March 2030, 11:00."
            in page
        )
        assert "This appointment has been cancelled" not in page
        assert f'href="{moved}"' in response.content.decode()
    cancelled = AppointmentFactory(
        advisor=advisor, start=tue(10), end=tue(10, 45), status=Appointment.Status.CANCELLED
    )
    page = text(client.get(en("appointment_manage", client_links.make_client_token(cancelled))))
    assert "moved" not in page


def test_moving_to_a_time_just_taken_says_so_and_changes_nothing(client, advisor):
    appointment = AppointmentFactory(advisor=advisor, start=tue(10), end=tue(10, 45))
    AppointmentFactory(advisor=advisor, start=tue(11), end=tue(11, 45))
    manage_url = en("appointment_manage", client_links.make_client_token(appointment))

    response = client.post(manage_url, {"action": "reschedule", "start": "2030-03-12T11:00"})

    assert response.status_code == 302
    assert "This slot has just been booked" in text(client.get(manage_url))
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED


def test_after_the_cut_off_the_client_is_told_to_call(client, advisor):
    appointment = AppointmentFactory(advisor=advisor, start=tue(10), end=tue(10, 45))
    manage_url = en("appointment_manage", client_links.make_client_token(appointment))

    with time_machine.travel(tue(8, 30), tick=False):
        page = text(client.get(manage_url))
        response = client.post(manage_url, {"action": "cancel"})
        follow = text(client.get(manage_url))

    assert "Cancel the appointment" not in page
    assert "until 2 hours before the start" in page
    assert response.status_code == 302
    assert "until 2 hours before the start" in follow
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED


@pytest.mark.parametrize(
    ("reason", "problem"),
    [
        ("Choroba\x00", "Null characters are not allowed."),
        ("x" * 1001, "Ensure this value has at most 1000 characters (it has 1001)."),
    ],
)
def test_a_reason_the_form_refuses_is_named_and_nothing_is_cancelled(
    client, advisor, reason, problem
):
    appointment = AppointmentFactory(advisor=advisor, start=tue(10), end=tue(10, 45))
    manage_url = en("appointment_manage", client_links.make_client_token(appointment))

    response = client.post(manage_url, {"action": "cancel", "reason": reason})

    assert response.status_code == 302
    page = text(client.get(manage_url))
    assert f"The reason could not be accepted: {problem}" in page
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED


def test_private_notes_never_appear_on_the_clients_page(client, advisor, staff):
    appointment = AppointmentFactory(advisor=advisor, start=tue(10), end=tue(10, 45))
    services.appointment_set_notes(
        appointment=appointment, notes="Poufne: trudna sytuacja w zarządzie.", user=staff
    )

    page = client.get(en("appointment_manage", client_links.make_client_token(appointment)))

    assert "Poufne" not in page.content.decode()


def test_the_pages_work_in_polish(client, advisor):
    appointment = AppointmentFactory(advisor=advisor, start=tue(10), end=tue(10, 45))
    token = client_links.make_client_token(appointment)
    for url in [
        "/konsultacje/",
        f"/konsultacje/doradcy/{advisor.slug}/",
        f"/konsultacje/zarezerwuj/{advisor.slug}/?start=2030-03-12T11:00",
        f"/konsultacje/potwierdz/{token}/",
        f"/konsultacje/wizyta/{token}/",
        f"/konsultacje/wizyta/{token}/kalendarz.ics",
    ]:
        with translation.override("pl"):
            assert client.get(url).status_code == 200, url


def test_a_consultation_by_phone_asks_for_the_number_and_refuses_without_it(
    client, advisor, django_capture_on_commit_callbacks
):
    form_page = client.get(book_url(advisor) + "?start=2030-03-12T10:00")
    phone = form_page.context["form"]["client_phone"]
    assert phone.field.required
    response = post(
        client,
        django_capture_on_commit_callbacks,
        book_url(advisor),
        {
            "start": "2030-03-12T10:00",
            "client_name": "Maria Mieszkanka",
            "client_email": "maria@example.net",
            "topic": "statuty",
            "question": "Zmiana statutu",
            "consent": "on",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["client_phone"] == [
        "This consultation is by phone: give the number the advisor should call."
    ]
    assert not Appointment.objects.exists()
