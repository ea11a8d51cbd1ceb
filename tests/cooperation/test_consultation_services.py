"""The staff's services of a public consultation: announcing it, its provisions,
open meetings with a room, the city's positions and the report."""

import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from cooperation.models import (
    ConsultationMeeting,
    Provision,
    PublicConsultation,
    PublicConsultationChange,
    Remark,
    RemarkChange,
)
from cooperation.services import consultations as services
from rooms.models import Booking
from rooms.services.bookings import held_for
from tests.cooperation.test_provisions import docx_file

pytestmark = pytest.mark.django_db

ACT = """Projekt uchwały w sprawie zasad udzielania dotacji
§ 1. Uchwała określa zasady udzielania dotacji.
§ 2. 1. Dotacje udziela się w trybie konkursu.
2. Ogłoszenie konkursu zawiera:
1) rodzaj zadania;
2) wysokość środków.
"""


def draft(world, **fields):
    now = timezone.now()
    values = {
        "title_pl": "Projekt uchwały o dotacjach",
        "slug": "dotacje",
        "office": "Departament Spraw Społecznych",
        "start": now + datetime.timedelta(days=1),
        "end": now + datetime.timedelta(days=15),
        **fields,
    }
    return PublicConsultation.objects.create(**values)


def close(consultation):
    """Move the deadline into the past (the remarks stay)."""
    now = timezone.now()
    PublicConsultation.objects.filter(pk=consultation.pk).update(
        start=now - datetime.timedelta(days=20), end=now - datetime.timedelta(minutes=1)
    )
    consultation.refresh_from_db()
    return consultation


# --- Saving and announcing ---------------------------------------------------------------


def test_a_deadline_before_the_start_is_an_error_on_the_end_field(world):
    consultation = PublicConsultation(
        title_pl="Projekt",
        slug="projekt",
        office="Urząd",
        start=timezone.now(),
        end=timezone.now() - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        services.consultation_save(consultation=consultation, user=world.personas["staff"])
    assert "end" in error.value.error_dict
    assert not PublicConsultation.objects.filter(slug="projekt").exists()


def test_an_address_in_use_is_an_error_on_the_slug(world):
    consultation = PublicConsultation(
        title_pl="Inny projekt",
        slug=world.public_consultation.slug,
        office="Urząd",
        start=timezone.now(),
        end=timezone.now() + datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError) as error:
        services.consultation_save(consultation=consultation, user=world.personas["staff"])
    assert list(error.value.error_dict) == ["slug"]


def test_a_new_consultation_is_a_draft_with_its_author_and_history(world):
    staff = world.personas["staff"]
    consultation = PublicConsultation(
        title_pl="Nowy projekt",
        slug="nowy-projekt",
        office="Urząd",
        start=timezone.now(),
        end=timezone.now() + datetime.timedelta(days=14),
        status=PublicConsultation.Status.REPORT_PUBLISHED,  # not the form's to set
    )
    services.consultation_save(consultation=consultation, user=staff)
    consultation.refresh_from_db()
    assert consultation.status == PublicConsultation.Status.DRAFT
    assert consultation.created_by == staff
    assert consultation.changes.get().action == "created"


def test_announcing_needs_provisions_then_invites_the_organisations(
    world, django_capture_on_commit_callbacks
):
    staff = world.personas["staff"]
    consultation = draft(world, start=timezone.now() - datetime.timedelta(hours=1))
    consultation.fields_of_activity.add(*world.organization.fields_of_activity.all())
    with pytest.raises(ValidationError):
        services.consultation_open(consultation=consultation, user=staff)
    assert PublicConsultation.objects.get(pk=consultation.pk).status == "draft"

    services.provisions_replace(consultation=consultation, text=ACT, user=staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_open(consultation=consultation, user=staff)
    with pytest.raises(ValidationError):  # only a draft is announced: a second click
        services.consultation_open(consultation=consultation, user=staff)
    consultation.refresh_from_db()
    assert consultation.status == PublicConsultation.Status.OPEN
    assert consultation.opened_at is not None
    assert consultation.changes.filter(action="opened").count() == 1
    assert consultation.alerts_sent_at is not None
    assert any(world.personas["ngo_member"].email in message.to for message in mail.outbox)


def test_a_consultation_announced_ahead_of_its_start_invites_nobody_yet(world):
    consultation = draft(world)
    services.provisions_replace(consultation=consultation, text=ACT, user=None)
    services.consultation_open(consultation=consultation, user=world.personas["staff"])
    consultation.refresh_from_db()
    assert consultation.status == PublicConsultation.Status.OPEN
    assert consultation.alerts_sent_at is None
    assert mail.outbox == []


def test_a_consultation_past_its_deadline_is_not_announced(world):
    consultation = draft(world)
    services.provisions_replace(consultation=consultation, text=ACT, user=None)
    close(consultation)
    with pytest.raises(ValidationError) as error:
        services.consultation_open(consultation=consultation, user=world.personas["staff"])
    assert "end" in error.value.error_dict


# --- Provisions --------------------------------------------------------------------------


def test_provisions_are_replaced_from_text_and_from_a_docx(world):
    consultation = draft(world)
    created = services.provisions_replace(consultation=consultation, text=ACT, user=None)
    labels = [p.label for p in consultation.provisions.order_by("position")]
    assert labels == [
        "Preambuła",
        "§ 1",
        "§ 2 ust. 1",
        "§ 2 ust. 2",
        "§ 2 ust. 2 pkt 1",
        "§ 2 ust. 2 pkt 2",
    ]
    assert len(created) == 6
    services.provisions_replace(
        consultation=consultation,
        docx=docx_file(["§ 1. Jedyny przepis.", "§ 2. Drugi przepis."]),
        user=None,
    )
    assert list(consultation.provisions.values_list("label", "text")) == [
        ("§ 1", "Jedyny przepis."),
        ("§ 2", "Drugi przepis."),
    ]
    assert consultation.changes.filter(action="changed").count() == 2


def test_provisions_cannot_be_replaced_once_a_remark_exists(world):
    consultation = world.public_consultation
    before = list(consultation.provisions.values_list("pk", flat=True))
    with pytest.raises(ValidationError):
        services.provisions_replace(consultation=consultation, text=ACT, user=None)
    assert list(consultation.provisions.values_list("pk", flat=True)) == before


def test_a_text_without_provisions_is_an_error_on_the_text(world):
    with pytest.raises(ValidationError) as error:
        services.provisions_replace(consultation=draft(world), text="  \n ", user=None)
    assert "text" in error.value.error_dict


def test_a_broken_docx_is_an_error_on_the_file(world):
    with pytest.raises(ValidationError) as error:
        services.provisions_replace(
            consultation=draft(world), docx=io.BytesIO(b"not a zip"), user=None
        )
    assert "docx" in error.value.error_dict


# --- Open meetings -----------------------------------------------------------------------


def meeting(world, start, hours=2, **fields):
    fields.setdefault("room", world.resource)
    return ConsultationMeeting(
        consultation=world.public_consultation,
        start=start,
        end=start + datetime.timedelta(hours=hours),
        **fields,
    )


def test_a_meeting_holds_its_room_and_frees_it_when_deleted(world):
    staff = world.personas["staff"]
    saved = services.consultation_meeting_save(
        meeting=meeting(world, world.booking.start + datetime.timedelta(hours=3)), user=staff
    )
    booking = saved.room_booking
    assert booking.is_active and booking.resource == world.resource
    assert held_for(booking) == saved
    # Moved: the old booking is freed, a new one held.
    saved.start += datetime.timedelta(hours=1)
    saved.end += datetime.timedelta(hours=1)
    services.consultation_meeting_save(meeting=saved, user=staff)
    assert not Booking.objects.get(pk=booking.pk).is_active
    new_booking = ConsultationMeeting.objects.get(pk=saved.pk).room_booking
    assert new_booking.is_active and new_booking.start == saved.start

    services.consultation_meeting_delete(meeting=saved, user=staff)
    assert not ConsultationMeeting.objects.filter(pk=saved.pk).exists()
    assert not Booking.objects.get(pk=new_booking.pk).is_active
    history = world.public_consultation.changes.filter(action="changed")
    assert history.count() == 3


def test_a_room_taken_then_is_an_error_on_the_room_and_nothing_is_saved(world):
    meetings, bookings = ConsultationMeeting.objects.count(), Booking.objects.count()
    with pytest.raises(ValidationError) as error:
        services.consultation_meeting_save(
            meeting=meeting(world, world.booking.start), user=world.personas["staff"]
        )
    assert "room" in error.value.error_dict
    assert ConsultationMeeting.objects.count() == meetings
    assert Booking.objects.count() == bookings


def test_a_moved_meeting_whose_new_time_is_taken_keeps_its_old_booking(world):
    existing = world.consultation_meeting
    old_booking = existing.room_booking
    existing.start, existing.end = world.booking.start, world.booking.end
    with pytest.raises(ValidationError):
        services.consultation_meeting_save(meeting=existing, user=world.personas["staff"])
    existing.refresh_from_db()
    assert existing.room_booking == old_booking
    assert Booking.objects.get(pk=old_booking.pk).is_active


def test_a_meeting_needs_a_room_or_a_place_and_an_end_after_its_start(world):
    start = world.booking.start + datetime.timedelta(days=1)
    nowhere = meeting(world, start, room=None)
    with pytest.raises(ValidationError) as error:
        services.consultation_meeting_save(meeting=nowhere, user=None)
    assert "place" in error.value.error_dict
    backwards = meeting(world, start, hours=-1)
    with pytest.raises(ValidationError) as error:
        services.consultation_meeting_save(meeting=backwards, user=None)
    assert "end" in error.value.error_dict
    elsewhere = meeting(world, start, room=None, place="Urząd Miejski, sala 10")
    assert services.consultation_meeting_save(meeting=elsewhere, user=None).room_booking is None


# --- Positions and the report ------------------------------------------------------------


def test_a_position_before_the_deadline_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.remark_position_record(
            remark=world.remark,
            user=world.personas["staff"],
            position=Remark.Position.ACCEPTED,
            justification="",
        )
    assert "position" in error.value.error_dict
    assert Remark.objects.get(pk=world.remark.pk).position == ""


def test_partly_and_not_accepted_need_a_justification(world):
    close(world.public_consultation)
    for position in (Remark.Position.PARTLY, Remark.Position.REJECTED):
        with pytest.raises(ValidationError) as error:
            services.remark_position_record(
                remark=world.remark,
                user=world.personas["staff"],
                position=position,
                justification="   ",
            )
        assert list(error.value.error_dict) == ["position_justification"]
    services.remark_position_record(
        remark=world.remark,
        user=world.personas["staff"],
        position=Remark.Position.PARTLY,
        justification="Uwzględniono formy współpracy finansowej.",
    )
    remark = Remark.objects.get(pk=world.remark.pk)
    assert remark.position == Remark.Position.PARTLY
    record = RemarkChange.objects.get(remark=remark, action="position")
    assert record.changes["position"] == ["", "partly"]


def test_the_report_is_refused_naming_the_remarks_without_a_position(world):
    consultation = close(world.public_consultation)
    staff = world.personas["staff"]
    with pytest.raises(ValidationError) as error:
        services.report_publish(consultation=consultation, user=staff)
    message = " ".join(error.value.messages)
    assert f"§ 1 — {world.organization.name}" in message
    assert world.organization.name in message
    assert PublicConsultation.objects.get(pk=consultation.pk).status == "open"

    services.remark_position_record(
        remark=world.remark, user=staff, position=Remark.Position.ACCEPTED, justification=""
    )
    # A withdrawn remark needs no position.
    Remark.objects.filter(pk=world.general_remark.pk).update(status=Remark.Status.WITHDRAWN)
    services.report_publish(consultation=consultation, user=staff)
    consultation.refresh_from_db()
    assert consultation.status == PublicConsultation.Status.REPORT_PUBLISHED
    assert consultation.report_published_at is not None
    assert PublicConsultationChange.objects.filter(
        consultation=consultation, action="report_published"
    ).exists()

    # Published: positions wait for the report to be withdrawn.
    with pytest.raises(ValidationError):
        services.remark_position_record(
            remark=world.remark, user=staff, position=Remark.Position.REJECTED, justification="X"
        )
    services.report_withdraw(consultation=consultation, user=staff)
    consultation.refresh_from_db()
    assert consultation.status == PublicConsultation.Status.OPEN
    assert consultation.report_published_at is None
    assert consultation.changes.filter(action="report_withdrawn").exists()
    services.remark_position_record(
        remark=world.remark, user=staff, position=Remark.Position.REJECTED, justification="X"
    )


def test_the_report_is_not_published_before_the_deadline(world):
    Remark.objects.filter(consultation=world.public_consultation).update(position="accepted")
    with pytest.raises(ValidationError):
        services.report_publish(
            consultation=world.public_consultation, user=world.personas["staff"]
        )
    assert PublicConsultation.objects.get(pk=world.public_consultation.pk).status == "open"


def test_a_refusal_names_at_most_twenty_remarks(world):
    consultation = close(world.public_consultation)
    Remark.objects.bulk_create(
        Remark(
            consultation=consultation,
            provision=world.provision_b,
            organization_name=f"Fundacja {n}",
            author_name="A",
            author_email="a@example.org",
            justification="J.",
        )
        for n in range(30)
    )
    with pytest.raises(ValidationError) as error:
        services.report_publish(consultation=consultation, user=world.personas["staff"])
    message = " ".join(error.value.messages)
    assert "32" in message  # 30 + the world's two
    assert message.count("§ 2 ust. 1 — Fundacja") == 18


def test_the_figures_count_remarks_organisations_and_shares(world):
    figures = services.report_figures(world.reported_consultation)
    assert figures["remarks"] == 1
    assert figures["organizations"] == 1
    assert figures["partly"] == 1
    assert str(figures["partly_share"]) == "100.0"
    assert figures["accepted_share"] == 0
    empty = services.report_figures(draft(world))
    assert empty["remarks"] == 0 and empty["accepted_share"] is None


def test_provision_rows_are_all_in_one_consultation(world):
    consultation = draft(world)
    services.provisions_replace(consultation=consultation, text=ACT, user=None)
    positions = list(Provision.objects.filter(consultation=consultation).values_list("position"))
    assert [p for (p,) in positions] == list(range(1, 7))
