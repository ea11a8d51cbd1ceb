"""The NGO Consultation Team: its page, its contact (relay) form, its meetings'
rooms, documents and calendar files, and its admin."""

import datetime
import re
from html import unescape
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from cooperation.models import (
    TeamContactMessage,
    TeamMeeting,
    TeamMeetingDocument,
    TeamMember,
)
from cooperation.services import team as services
from cwop_portal.dates import at
from cwop_portal.models import SiteSettings
from organizations.models import Organization
from rooms.models import Booking
from rooms.services import bookings as room_services
from tests import mail as failing
from tests.factories import UserFactory
from tests.forms import page_errors, post_form
from tests.organizations.factories import OrganizationFactory
from tests.rooms.factories import ResourceFactory
from tests.rooms.test_views import working_day

MEMBER_EMAIL = "przewodniczaca@example.com"  # the world's chair


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def text(response):
    """The page's text without tags, spaces squeezed (what a reader sees)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def message_data(**changes):
    return {
        "name": "Maria Zielińska",
        "email": "maria@example.net",
        "message": "Czy zespół zaopiniuje projekt programu na przyszły rok?",
        "consent": "on",
        "website": "",
        **changes,
    }


def meeting_at(day, hour, room=None, hours=2, **fields):
    start = at(day, datetime.time(hour))
    return TeamMeeting(
        start=start, end=start + datetime.timedelta(hours=hours), room=room, **fields
    )


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@cwop.example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def room(db):
    return ResourceFactory(capacity=30)


# --- Services: meetings and their rooms ---------------------------------------------------


@pytest.mark.django_db
def test_a_meeting_in_a_room_books_it_for_the_centre_and_notes_its_history(room, superuser):
    day = working_day()
    meeting = services.team_meeting_save(meeting=meeting_at(day, 10, room), user=superuser)
    booking = meeting.room_booking
    assert booking is not None
    assert (booking.resource, booking.organization, booking.status) == (
        room,
        None,
        Booking.Status.CONFIRMED,
    )
    assert (booking.start, booking.end) == (meeting.start, meeting.end)
    assert list(meeting.changes.values_list("action", flat=True)) == ["created"]
    assert room_services.held_for(booking) == meeting


@pytest.mark.django_db
def test_a_room_taken_then_is_an_error_on_the_room_and_nothing_is_saved(room, superuser):
    day = working_day()
    first = services.team_meeting_save(meeting=meeting_at(day, 10, room), user=superuser)
    with pytest.raises(ValidationError) as caught:
        services.team_meeting_save(meeting=meeting_at(day, 11, room), user=superuser)
    assert list(caught.value.message_dict) == ["room"]
    assert TeamMeeting.objects.filter(room=room).get() == first
    assert Booking.objects.filter(resource=room).count() == 1


@pytest.mark.django_db
def test_moving_a_meeting_moves_its_booking_and_a_move_onto_a_taken_room_changes_nothing(
    room, superuser
):
    day = working_day()
    meeting = services.team_meeting_save(meeting=meeting_at(day, 10, room), user=superuser)
    old_booking = meeting.room_booking
    meeting.start += datetime.timedelta(hours=1)
    meeting.end += datetime.timedelta(hours=1)
    services.team_meeting_save(meeting=meeting, user=superuser)
    old_booking.refresh_from_db()
    assert old_booking.status == Booking.Status.CANCELLED
    meeting.refresh_from_db()
    assert meeting.room_booking.start == at(day, datetime.time(11))
    assert meeting.room_booking.is_active
    changed = meeting.changes.get(action="changed")
    assert set(changed.changes) == {"start", "end"}

    # Another meeting may not move onto it: the first keeps its room, the second its time.
    other = services.team_meeting_save(meeting=meeting_at(day, 14, room), user=superuser)
    other.start = at(day, datetime.time(11))
    other.end = at(day, datetime.time(12))
    with pytest.raises(ValidationError) as caught:
        services.team_meeting_save(meeting=other, user=superuser)
    assert "room" in caught.value.message_dict
    other.refresh_from_db()
    assert other.start == at(day, datetime.time(14))
    assert other.room_booking.is_active and other.room_booking.start == other.start


@pytest.mark.django_db
def test_cancelling_a_meeting_frees_its_room_and_the_reason_goes_to_its_history(room, superuser):
    day = working_day()
    meeting = services.team_meeting_save(meeting=meeting_at(day, 10, room), user=superuser)
    with pytest.raises(ValidationError) as caught:
        services.team_meeting_cancel(meeting=meeting, user=superuser, reason="  ")
    assert "reason" in caught.value.message_dict
    services.team_meeting_cancel(meeting=meeting, user=superuser, reason="Brak kworum.")
    meeting.refresh_from_db()
    assert meeting.is_cancelled
    assert meeting.room_booking.status == Booking.Status.CANCELLED
    assert meeting.changes.get(action="cancelled").note == "Brak kworum."
    # The room is free again: someone else can book it then.
    services.team_meeting_save(meeting=meeting_at(day, 10, room), user=superuser)
    # Saving the cancelled meeting again books nothing.
    meeting.agenda_pl = "Odwołane."
    services.team_meeting_save(meeting=meeting, user=superuser)
    assert Booking.objects.active().filter(resource=room).count() == 1
    with pytest.raises(ValidationError):
        services.team_meeting_cancel(meeting=meeting, user=superuser, reason="Znowu.")


@pytest.mark.django_db
def test_the_booking_cannot_be_cancelled_from_the_rooms_side_while_the_meeting_holds_it(
    room, superuser
):
    meeting = services.team_meeting_save(
        meeting=meeting_at(working_day(), 10, room), user=superuser
    )
    with pytest.raises(ValidationError):
        room_services.booking_cancel_by_staff(
            booking=meeting.room_booking, user=superuser, reason="Remont."
        )
    meeting.room_booking.refresh_from_db()
    assert meeting.room_booking.is_active


@pytest.mark.django_db
def test_deleting_a_meeting_frees_its_room(room, superuser):
    meeting = services.team_meeting_save(
        meeting=meeting_at(working_day(), 10, room), user=superuser
    )
    booking = meeting.room_booking
    services.team_meeting_delete(meeting=meeting, user=superuser)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert not TeamMeeting.objects.filter(pk=meeting.pk).exists()


@pytest.mark.django_db
def test_a_meeting_ending_before_it_starts_is_refused_on_its_end(room, superuser):
    meeting = meeting_at(working_day(), 10, room)
    meeting.end = meeting.start - datetime.timedelta(hours=1)
    with pytest.raises(ValidationError) as caught:
        services.team_meeting_save(meeting=meeting, user=superuser)
    assert list(caught.value.message_dict) == ["end"]
    assert not TeamMeeting.objects.exists()
    assert not Booking.objects.exists()


# --- Services: members -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_members_term_and_messages_are_checked_on_their_fields(superuser):
    member = TeamMember(
        name="Jan Nowak",
        affiliation="Departament Spraw Społecznych",
        side=TeamMember.Side.CITY,
        term_start=datetime.date(2026, 1, 1),
        term_end=datetime.date(2025, 12, 31),
        receives_messages=True,
    )
    with pytest.raises(ValidationError) as caught:
        services.team_member_save(member=member, user=superuser)
    assert set(caught.value.message_dict) == {"term_end", "email"}
    assert not TeamMember.objects.filter(name="Jan Nowak").exists()


@pytest.mark.django_db
def test_the_members_history_records_changes_but_never_the_address(superuser):
    member = services.team_member_save(
        member=TeamMember(
            name="Jan Nowak",
            affiliation="Departament Spraw Społecznych",
            term_start=datetime.date(2026, 1, 1),
            email="jan.nowak@um.example.org",
        ),
        user=superuser,
    )
    member.email = "nowy.adres@um.example.org"
    member.role = TeamMember.Role.SECRETARY
    services.team_member_save(member=member, user=superuser)
    records = list(member.changes.order_by("created_at", "pk"))
    assert [r.action for r in records] == ["created", "changed"]
    assert records[1].changes["role"] == ["member", "secretary"]
    assert records[1].changes["email"] == []
    assert "um.example.org" not in str([r.changes for r in records])


# --- The team's page ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_lists_the_serving_members_meetings_and_documents_but_no_address(
    client, world, room, superuser
):
    world.organization.status = Organization.Status.PUBLISHED
    world.organization.save(update_fields=["status"])
    TeamMember.objects.create(
        name="Piotr Dawny",
        affiliation="Stowarzyszenie Dawne",
        term_start=datetime.date(2020, 1, 1),
        term_end=datetime.date(2022, 12, 31),
    )
    TeamMember.objects.create(
        name="Jan Urzędnik",
        side=TeamMember.Side.CITY,
        affiliation="Departament Spraw Społecznych",
        term_start=datetime.date(2024, 1, 1),
        email="jan.urzednik@um.example.org",
        receives_messages=True,
    )
    upcoming = services.team_meeting_save(
        meeting=meeting_at(working_day(), 10, room, agenda_pl="Opinia o **programie**."),
        user=superuser,
    )
    response = client.get(en("cooperation:team"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Katarzyna Wiśniewska" in page and "Jan Urzędnik" in page
    assert "Piotr Dawny" not in page  # their term is over
    assert f'href="{world.organization.get_absolute_url()}"' in page
    assert "Departament Spraw Społecznych" in page
    assert MEMBER_EMAIL not in page and "jan.urzednik" not in page
    assert "<strong>programie</strong>" in page
    assert reverse("cooperation:team_meeting_ics", args=[upcoming.pk]) in page
    document = world.team_meeting_document
    assert reverse("cooperation:team_document", args=[document.pk, document.download_name]) in (
        page
    )
    assert reverse("cooperation:team_contact") in page


@pytest.mark.django_db
def test_the_page_takes_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    organizations = [OrganizationFactory() for _ in range(5)]
    for n in range(60):
        TeamMember.objects.create(
            name=f"Członek {n}",
            organization=organizations[n % 5],
            side=TeamMember.Side.NGO if n % 2 else TeamMember.Side.CITY,
            term_start=datetime.date(2024, 1, 1),
        )
    now = timezone.now()
    for n in range(50):
        start = now + datetime.timedelta(days=n - 30)
        meeting = TeamMeeting.objects.create(
            start=start,
            end=start + datetime.timedelta(hours=2),
            room=world.resource if n % 3 == 0 else None,
            place="Urząd Miejski",
        )
        TeamMeetingDocument.objects.bulk_create(
            TeamMeetingDocument(
                meeting=meeting,
                kind=kind,
                title=f"{kind} {n}",
                file=f"cooperation/team/{n}-{kind}.pdf",
                file_size=1000,
            )
            for kind in ("agenda", "minutes")
        )
    client.get(en("cooperation:team"))  # the site settings cached
    with django_assert_max_num_queries(8):
        response = client.get(en("cooperation:team"))
    assert response.status_code == 200
    assert "Członek 59" in response.content.decode()


@pytest.mark.django_db
def test_a_hostile_page_number_shows_a_page(client, world):
    for value in ["-1", "9999", "abc", "1' OR 1=1", "\x00"]:
        assert client.get(en("cooperation:team"), {"page": value}).status_code == 200


@pytest.mark.django_db
def test_a_document_is_downloaded_under_its_name_and_a_wrong_name_redirects(client, world):
    document = world.team_meeting_document
    response = client.get(en("cooperation:team_document", document.pk, document.download_name))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Protokol"
    wrong = client.get(en("cooperation:team_document", document.pk, "inny.txt"))
    assert wrong.status_code == 301
    assert client.get(en("cooperation:team_document", 999999, "x.txt")).status_code == 404


@pytest.mark.django_db
def test_the_calendar_file_of_a_meeting(client, world, room, superuser):
    meeting = services.team_meeting_save(
        meeting=meeting_at(working_day(), 10, room, agenda_pl="Sprawy bieżące"), user=superuser
    )
    response = client.get(en("cooperation:team_meeting_ics", meeting.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in body and room.name_en in body.replace("\r\n ", "")
    assert "STATUS:CONFIRMED" in body
    services.team_meeting_cancel(meeting=meeting, user=superuser, reason="Brak kworum.")
    body = client.get(en("cooperation:team_meeting_ics", meeting.pk)).content.decode()
    assert "STATUS:CANCELLED" in body
    assert client.get(en("cooperation:team_meeting_ics", 999999)).status_code == 404


# --- The contact form (relay) ------------------------------------------------------------


@pytest.mark.django_db
def test_a_message_goes_to_the_members_who_receive_them_with_reply_to_the_sender(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    TeamMember.objects.create(
        name="Bez wiadomości",
        affiliation="Fundacja",
        term_start=datetime.date(2024, 1, 1),
        email="nie-dostaje@example.com",
    )
    TeamMember.objects.create(
        name="Była członkini",
        affiliation="Fundacja",
        term_start=datetime.date(2020, 1, 1),
        term_end=datetime.date(2021, 1, 1),
        email="byla@example.com",
        receives_messages=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(en("cooperation:team_contact"), message_data(), follow=True)
    assert response.redirect_chain == [(en("cooperation:team"), 302)]
    assert "Your message has been sent to the Consultation Team." in text(response)
    assert MEMBER_EMAIL not in response.content.decode()
    message = TeamContactMessage.objects.get(sender_email="maria@example.net")
    assert message.sender_name == "Maria Zielińska"
    assert [m.to for m in mailoutbox] == [[MEMBER_EMAIL]]
    assert mailoutbox[0].reply_to == ["maria@example.net"]
    assert "zaopiniuje projekt" in mailoutbox[0].body


@pytest.mark.django_db
def test_without_members_receiving_messages_they_go_to_the_centre(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    TeamMember.objects.update(receives_messages=False)
    settings_row = SiteSettings.load()
    settings_row.email = "cwop@um.example.org"
    settings_row.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(en("cooperation:team_contact"), message_data())
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["cwop@um.example.org"]]


@pytest.mark.django_db
def test_with_nobody_to_receive_messages_the_page_says_so_and_nothing_is_kept(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    TeamMember.objects.update(receives_messages=False)
    settings_row = SiteSettings.load()
    settings_row.email = ""
    settings_row.save()
    page = client.get(en("cooperation:team_contact"))
    assert page.status_code == 200
    assert "has nobody to receive messages" in text(page)
    assert 'name="message"' not in page.content.decode()
    before = TeamContactMessage.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(en("cooperation:team_contact"), message_data())
    assert response.status_code == 200
    assert "your message has not been sent" in text(response)
    assert "zaopiniuje projekt" in response.content.decode()  # what was written is kept
    assert TeamContactMessage.objects.count() == before
    assert mailoutbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 5000}, "name"),
        ({"email": "maria-at-example"}, "email"),
        ({"email": "a@" + "b" * 400 + ".pl"}, "email"),
        ({"message": ""}, "message"),
        ({"message": "x" * 200_000}, "message"),
        ({"message": "Zero\x00bajt"}, "message"),
        ({"consent": ""}, "consent"),
    ],
)
def test_hostile_input_is_a_field_error_and_nothing_is_sent(
    client, world, mailoutbox, django_capture_on_commit_callbacks, changes, field
):
    before = TeamContactMessage.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(en("cooperation:team_contact"), message_data(**changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page, page_errors(response)
    assert TeamContactMessage.objects.count() == before
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_filled_honeypot_pretends_success_but_sends_nothing(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    before = TeamContactMessage.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            en("cooperation:team_contact"), message_data(website="https://spam.example.com")
        )
    assert response.status_code == 302
    assert TeamContactMessage.objects.count() == before
    assert mailoutbox == []


@pytest.mark.django_db
def test_too_many_messages_from_one_connection_are_refused_with_429(
    client, world, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "contact_organization": "2/h/ip",
    }
    before = TeamContactMessage.objects.count()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(en("cooperation:team_contact"), message_data()).status_code == 302
    response = client.post(
        en("cooperation:team_contact"), message_data(message="Trzecia wiadomość.")
    )
    assert response.status_code == 429
    assert "Too many messages have been sent from your connection" in text(response)
    assert "Trzecia wiadomość." in response.content.decode()
    assert TeamContactMessage.objects.count() == before + 2
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_the_form_carries_the_information_clause_and_labelled_fields(client, world):
    response = client.get(en("cooperation:team_contact"))
    page = response.content.decode()
    assert 'id="contact-rodo-heading"' in page
    assert reverse("privacy") in page
    for field in ("name", "email", "message", "consent"):
        assert f'for="id_{field}"' in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("cooperation:team_contact")
def test_with_the_mail_server_down_the_message_is_kept_and_the_page_says_so(
    client, world, settings
):
    settings.EMAIL_BACKEND = "tests.mail.DownBackend"
    failing.attempts.clear()
    response = client.post(en("cooperation:team_contact"), message_data(), follow=True)
    assert response.status_code == 200
    page = text(response)
    assert "has been saved, but the e-mail could not be sent just now" in page
    assert "has been sent to the Consultation Team" not in page
    assert TeamContactMessage.objects.filter(sender_email="maria@example.net").exists()
    assert failing.attempts


@pytest.mark.django_db
def test_old_messages_are_purged(world):
    old = TeamContactMessage.objects.create(
        sender_name="Dawny",
        sender_email="dawny@example.com",
        body="Stara wiadomość.",
        created_at=timezone.now() - datetime.timedelta(days=400),
    )
    assert services.team_messages_purge(dry_run=True) == 1
    assert TeamContactMessage.objects.filter(pk=old.pk).exists()
    call_command("purge_team_messages")
    assert not TeamContactMessage.objects.filter(pk=old.pk).exists()
    assert TeamContactMessage.objects.filter(pk=world.team_contact_message.pk).exists()


# --- The admin ---------------------------------------------------------------------------


def admin_url(model, view, *args):
    return reverse(f"admin:cooperation_{model}_{view}", args=args)


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path(
    "admin:cooperation_teammeeting_add",
    "admin:cooperation_teammeeting_change",
    "admin:cooperation_teammeeting_changelist:cancel",
    "admin:cooperation_teammeeting_delete",
)
def test_staff_plan_a_meeting_in_the_admin_which_books_its_room(client, world, superuser, room):
    client.force_login(superuser)
    day = working_day()
    url = admin_url("teammeeting", "add")
    form = post_form(client.get(url), form_id="teammeeting_form")
    data = form.data(
        start_0=day.isoformat(),
        start_1="10:00",
        end_0=day.isoformat(),
        end_1="12:00",
        room=str(room.pk),
        agenda_pl="1. Opinia o programie.",
        **{
            "documents-TOTAL_FORMS": "1",
            "documents-0-kind": "agenda",
            "documents-0-title": "Porządek obrad",
        },
    )
    data["documents-0-file"] = SimpleUploadedFile("porzadek.txt", b"1. Otwarcie.", "text/plain")
    data["_save"] = "Zapisz"
    response = client.post(url, data)
    assert response.status_code == 302, page_errors(response)
    meeting = TeamMeeting.objects.get(agenda_pl="1. Opinia o programie.")
    assert meeting.room_booking.is_active and meeting.room_booking.resource == room
    assert meeting.documents.get().title == "Porządek obrad"
    assert meeting.changes.filter(action="created").exists()

    # A second meeting in the same room at the same time: an error on the room, nothing
    # saved, its document neither.
    data["agenda_pl"] = "Drugie spotkanie."
    data["documents-0-title"] = "Drugi porządek"
    data["documents-0-file"] = SimpleUploadedFile("drugi.txt", b"2.", "text/plain")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "errors field-room" in response.content.decode()  # the error is on the room
    assert not TeamMeeting.objects.filter(agenda_pl="Drugie spotkanie.").exists()
    assert not TeamMeetingDocument.objects.filter(title="Drugi porządek").exists()

    # Moved by an hour: the booking moves with it.
    change = admin_url("teammeeting", "change", meeting.pk)
    form = post_form(client.get(change), form_id="teammeeting_form")
    response = client.post(change, {**form.data(start_1="11:00", end_1="13:00"), "_save": "Zapisz"})
    assert response.status_code == 302, page_errors(response)
    meeting.refresh_from_db()
    assert meeting.room_booking.is_active
    assert meeting.room_booking.start == at(day, datetime.time(11))

    # Cancelled with a reason: the room is freed.
    changelist = admin_url("teammeeting", "changelist")
    asked = client.post(changelist, {"action": "cancel", "_selected_action": [str(meeting.pk)]})
    assert asked.status_code == 200
    assert 'name="reason"' in asked.content.decode()
    meeting.refresh_from_db()
    assert not meeting.is_cancelled
    response = client.post(
        changelist,
        {
            "action": "cancel",
            "_selected_action": [str(meeting.pk)],
            "confirm": "1",
            "reason": "Brak kworum.",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_cancelled
    assert not meeting.room_booking.is_active

    # Deleted: gone with its documents.
    response = client.post(admin_url("teammeeting", "delete", meeting.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not TeamMeeting.objects.filter(pk=meeting.pk).exists()
    assert not TeamMeetingDocument.objects.filter(title="Porządek obrad").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("admin:cooperation_teammeeting_changelist:delete_selected")
def test_deleting_meetings_from_the_list_frees_their_rooms(client, world, superuser, room):
    client.force_login(superuser)
    meeting = services.team_meeting_save(
        meeting=meeting_at(working_day(), 10, room), user=superuser
    )
    booking = meeting.room_booking
    response = client.post(
        admin_url("teammeeting", "changelist"),
        {"action": "delete_selected", "_selected_action": [str(meeting.pk)], "post": "yes"},
    )
    assert response.status_code == 302
    assert not TeamMeeting.objects.filter(pk=meeting.pk).exists()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path(
    "admin:cooperation_teammember_add",
    "admin:cooperation_teammember_change",
    "admin:cooperation_teammember_delete",
    "admin:cooperation_teammember_changelist:delete_selected",
)
def test_staff_keep_the_members_in_the_admin(client, world, superuser):
    client.force_login(superuser)
    url = admin_url("teammember", "add")
    form = post_form(client.get(url), form_id="teammember_form")
    bad = form.data(
        name="Jan Urzędnik",
        side="city",
        affiliation="Departament Spraw Społecznych",
        term_start="2026-01-01",
        term_end="2025-01-01",
        receives_messages="on",
    )
    response = client.post(url, {**bad, "_save": "Zapisz"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_term_end_error"' in page or "errors field-term_end" in page
    assert "field-email" in page and not TeamMember.objects.filter(name="Jan Urzędnik").exists()

    good = {**bad, "term_end": "2028-12-31", "email": "jan@um.example.org"}
    response = client.post(url, {**good, "_save": "Zapisz"})
    assert response.status_code == 302, page_errors(response)
    member = TeamMember.objects.get(name="Jan Urzędnik")
    assert member.changes.get().action == "created"

    change = admin_url("teammember", "change", member.pk)
    form = post_form(client.get(change), form_id="teammember_form")
    response = client.post(change, {**form.data(role="secretary"), "_save": "Zapisz"})
    assert response.status_code == 302, page_errors(response)
    member.refresh_from_db()
    assert member.role == TeamMember.Role.SECRETARY
    assert member.changes.filter(action="changed").get().changes["role"] == [
        "member",
        "secretary",
    ]

    response = client.post(admin_url("teammember", "delete", member.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not TeamMember.objects.filter(pk=member.pk).exists()
    other = TeamMember.objects.create(
        name="Do usunięcia", affiliation="Fundacja", term_start=datetime.date(2024, 1, 1)
    )
    response = client.post(
        admin_url("teammember", "changelist"),
        {"action": "delete_selected", "_selected_action": [str(other.pk)], "post": "yes"},
    )
    assert response.status_code == 302
    assert not TeamMember.objects.filter(pk=other.pk).exists()


@pytest.mark.django_db
def test_the_messages_are_read_only_in_the_admin_and_expired_ones_hidden(client, world, superuser):
    client.force_login(superuser)
    TeamContactMessage.objects.create(
        sender_name="Dawny Nadawca",
        sender_email="dawny@example.com",
        body="Stara.",
        created_at=timezone.now() - datetime.timedelta(days=400),
    )
    response = client.get(admin_url("teamcontactmessage", "changelist"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Jan Mieszkaniec" in page and "Dawny Nadawca" not in page
    assert client.get(admin_url("teamcontactmessage", "add")).status_code == 403
    mail.outbox = []


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


class Failure(Exception):
    """Something going wrong after the meeting's documents were stored."""


def new_meeting_data(client, room, day, title):
    url = admin_url("teammeeting", "add")
    form = post_form(client.get(url), form_id="teammeeting_form")
    data = form.data(
        start_0=day.isoformat(),
        start_1="10:00",
        end_0=day.isoformat(),
        end_1="12:00",
        room=str(room.pk),
        **{
            "documents-TOTAL_FORMS": "1",
            "documents-0-kind": "minutes",
            "documents-0-title": title,
        },
    )
    data["documents-0-file"] = SimpleUploadedFile("protokol-nowy.txt", b"Protokol.", "text/plain")
    data["_save"] = "Zapisz"
    return url, data


@pytest.mark.django_db(transaction=True)
def test_a_room_taken_meanwhile_is_refused_by_the_service_and_nothing_is_stored(
    client, world, superuser, room, settings
):
    """Between the form's check and the booking someone took the room: the admin says
    why, and neither the meeting, nor its document, nor its file is kept."""
    from cooperation.admin import team as team_admin

    client.force_login(superuser)
    day = working_day()
    before = stored_files(settings)
    url, data = new_meeting_data(client, room, day, "Protokół wyścigu")
    services.team_meeting_save(meeting=meeting_at(day, 11, room), user=superuser)
    with mock.patch.object(team_admin.services, "team_meeting_problems", return_value={}):
        response = client.post(url, data, follow=True)
    assert response.status_code == 200
    refusals = [m for m in response.context["messages"] if m.level_tag == "error"]
    assert len(refusals) == 1  # the service's refusal, shown to staff
    assert TeamMeeting.objects.filter(room=room).count() == 1
    assert not TeamMeetingDocument.objects.filter(title="Protokół wyścigu").exists()
    assert stored_files(settings) == before


@pytest.mark.django_db(transaction=True)
def test_a_failure_after_the_documents_were_stored_leaves_no_meeting_booking_or_file(
    client, world, superuser, room, settings
):
    from cooperation.admin.team import TeamMeetingAdmin

    client.force_login(superuser)
    before = stored_files(settings)
    url, data = new_meeting_data(client, room, working_day(), "Protokół awarii")
    with (
        mock.patch.object(TeamMeetingAdmin, "log_addition", side_effect=Failure),
        pytest.raises(Failure),
    ):
        client.post(url, data)
    assert not TeamMeeting.objects.filter(room=room).exists()
    assert not Booking.objects.filter(resource=room).exists()
    assert not TeamMeetingDocument.objects.filter(title="Protokół awarii").exists()
    assert stored_files(settings) == before
