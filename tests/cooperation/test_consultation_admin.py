"""Public consultations in the admin, as production runs them: outside a test
transaction (on PostgreSQL in CI), forms submitted as the pages render them, the
database checked afterwards; and hostile input (a deadline before the start,
foreign ids, huge strings) answered with a form error or a 404, never a 500."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cooperation.models import (
    ConsultationMeeting,
    PublicConsultation,
    PublicConsultationChange,
    Remark,
    RemarkChange,
)
from organizations.models import FieldOfActivity
from rooms.models import Booking
from tests.cooperation.test_provisions import docx_file
from tests.factories import UserFactory
from tests.forms import admin_form_data, page_errors, post_form

pytestmark = pytest.mark.django_db(transaction=True)

ACT = "Projekt uchwały\n§ 1. Uchwała określa zasady.\n§ 2. 1. Pierwszy ustęp.\n2. Drugi ustęp.\n"


@pytest.fixture
def admin_client(client, world):
    user = UserFactory(email="kierownik@cwop.example.org", is_staff=True, is_superuser=True)
    client.force_login(user)
    client.user = user
    return client


def change_url(obj, model="publicconsultation"):
    return reverse(f"admin:cooperation_{model}_change", args=[obj.pk])


def draft(**fields):
    now = timezone.now()
    return PublicConsultation.objects.create(
        **{
            "title_pl": "Projekt uchwały o dotacjach",
            "slug": "dotacje",
            "office": "Departament Spraw Społecznych",
            "start": now - datetime.timedelta(hours=1),
            "end": now + datetime.timedelta(days=14),
            **fields,
        }
    )


def split(date_time):
    local = timezone.localtime(date_time)
    return {"date": local.strftime("%Y-%m-%d"), "time": local.strftime("%H:%M:%S")}


def when(prefix, moment):
    parts = split(moment)
    return {f"{prefix}_0": parts["date"], f"{prefix}_1": parts["time"]}


def close(consultation):
    now = timezone.now()
    PublicConsultation.objects.filter(pk=consultation.pk).update(
        start=now - datetime.timedelta(days=20), end=now - datetime.timedelta(minutes=1)
    )


# --- The consultation --------------------------------------------------------------------


@pytest.mark.write_path("admin:cooperation_publicconsultation_add")
def test_staff_add_a_consultation_and_a_deadline_before_its_start_is_an_error(admin_client, world):
    url = reverse("admin:cooperation_publicconsultation_add")
    start = timezone.now() + datetime.timedelta(days=2)
    values = {
        "title_pl": "Projekt uchwały w sprawie budżetu obywatelskiego",
        "slug": "budzet-obywatelski",
        "office": "Biuro Partycypacji Społecznej",
        "fields_of_activity": [str(FieldOfActivity.objects.order_by("pk").first().pk)],
        **when("start", start),
        **when("end", start - datetime.timedelta(days=1)),
    }
    response = admin_client.post(url, admin_form_data(admin_client.get(url), **values))
    assert response.status_code == 200
    assert "end" in response.context["adminform"].form.errors
    assert not PublicConsultation.objects.filter(slug="budzet-obywatelski").exists()

    values.update(when("end", start + datetime.timedelta(days=21)))
    values["provisions-TOTAL_FORMS"] = "1"
    values.update(
        {
            "provisions-0-position": "1",
            "provisions-0-label": "§ 1",
            "provisions-0-text": "Przyjmuje się zasady budżetu.",
        }
    )
    response = admin_client.post(url, admin_form_data(admin_client.get(url), **values))
    assert response.status_code == 302, page_errors(response)
    consultation = PublicConsultation.objects.get(slug="budzet-obywatelski")
    assert consultation.status == PublicConsultation.Status.DRAFT
    assert consultation.created_by == admin_client.user
    assert consultation.end - consultation.start == datetime.timedelta(days=21)
    assert list(consultation.provisions.values_list("label", flat=True)) == ["§ 1"]
    assert consultation.fields_of_activity.count() == 1
    assert consultation.changes.filter(action="created").exists()


@pytest.mark.write_path("admin:cooperation_publicconsultation_change")
def test_staff_change_a_consultation_but_not_its_status_or_provisions_with_remarks(
    admin_client, world
):
    consultation = world.public_consultation
    url = change_url(consultation)
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "status" not in form.fields
    # Remarks refer to the provisions: the inline is read only.
    assert "provisions-0-label" not in admin_form_data(page)

    response = admin_client.post(
        url,
        admin_form_data(
            page,
            office="Departament Spraw Obywatelskich",
            status="reported",
            **when("end", consultation.end + datetime.timedelta(days=3)),
        ),
    )
    assert response.status_code == 302, page_errors(response)
    consultation.refresh_from_db()
    assert consultation.office == "Departament Spraw Obywatelskich"
    assert consultation.status == PublicConsultation.Status.OPEN
    record = consultation.changes.filter(action="changed").latest("pk")
    assert "office" in record.changes and "end" in record.changes

    # The same form, the deadline moved before the start: an error on the field.
    response = admin_client.post(
        url, admin_form_data(admin_client.get(url), **when("end", consultation.start))
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["end"]


@pytest.mark.write_path("admin:cooperation_publicconsultation_delete")
def test_a_draft_without_remarks_is_deleted_an_announced_one_is_not(admin_client, world):
    consultation = draft()
    response = admin_client.post(
        reverse("admin:cooperation_publicconsultation_delete", args=[consultation.pk]),
        {"post": "yes"},
    )
    assert response.status_code == 302
    assert not PublicConsultation.objects.filter(pk=consultation.pk).exists()
    response = admin_client.post(
        reverse("admin:cooperation_publicconsultation_delete", args=[world.public_consultation.pk]),
        {"post": "yes"},
    )
    assert response.status_code == 403
    assert PublicConsultation.objects.filter(pk=world.public_consultation.pk).exists()


@pytest.mark.write_path("admin:cooperation_publicconsultation_changelist:open_consultation")
def test_staff_announce_a_consultation_with_the_button_of_its_page(admin_client, world):
    consultation = draft()
    consultation.fields_of_activity.add(*world.organization.fields_of_activity.all())
    page = admin_client.get(change_url(consultation))
    buttons = post_form(page, form_id="service-actions")
    data = buttons.data(action="open_consultation")
    response = admin_client.post(reverse("admin:cooperation_publicconsultation_changelist"), data)
    # No provisions yet: refused, said on the page.
    assert response.status_code == 302
    assert response["Location"] == change_url(consultation)
    assert PublicConsultation.objects.get(pk=consultation.pk).status == "draft"

    admin_client.post(
        reverse("admin:cooperation_publicconsultation_provisions", args=[consultation.pk]),
        {"text": ACT, "confirm": "1"},
    )
    response = admin_client.post(reverse("admin:cooperation_publicconsultation_changelist"), data)
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == PublicConsultation.Status.OPEN
    assert consultation.alerts_sent_at is not None
    assert PublicConsultationChange.objects.filter(
        consultation=consultation, action="opened"
    ).exists()


@pytest.mark.write_path(
    "admin:cooperation_publicconsultation_changelist:publish_report",
    "admin:cooperation_publicconsultation_changelist:withdraw_report",
    "admin:cooperation_remark_change",
)
def test_staff_record_the_positions_and_publish_the_report(admin_client, client, world):
    consultation = world.public_consultation
    changelist = reverse("admin:cooperation_publicconsultation_changelist")
    publish = {"action": "publish_report", "_selected_action": [consultation.pk], "index": "0"}

    # Before the deadline: the position is refused on its field.
    url = change_url(world.remark, "remark")
    page = admin_client.get(url)
    assert "position" not in page.context["adminform"].form.fields
    close(consultation)

    # After it: partly accepted needs a justification.
    response = admin_client.post(url, admin_form_data(admin_client.get(url), position="partly"))
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["position_justification"]
    response = admin_client.post(
        url,
        admin_form_data(
            admin_client.get(url),
            position="partly",
            position_justification="Uwzględniono formy pozafinansowe.",
            justification="Changed by staff?",  # read only: not taken
        ),
    )
    assert response.status_code == 302, page_errors(response)
    remark = Remark.objects.get(pk=world.remark.pk)
    assert remark.position == Remark.Position.PARTLY
    assert remark.justification == "Brakuje form współpracy."
    assert RemarkChange.objects.filter(remark=remark, action="position").exists()

    # The general remark has no position: the report is refused, naming it.
    response = admin_client.post(changelist, publish, follow=True)
    assert PublicConsultation.objects.get(pk=consultation.pk).status == "open"
    assert world.organization.name in response.content.decode()

    general = change_url(world.general_remark, "remark")
    admin_client.post(general, admin_form_data(admin_client.get(general), position="accepted"))
    response = admin_client.post(changelist, publish)
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == PublicConsultation.Status.REPORT_PUBLISHED
    report = client.get(reverse("cooperation:public_consultation_report", args=[consultation.slug]))
    assert report.status_code == 200
    assert "Uwzględniono formy pozafinansowe." in report.content.decode()

    response = admin_client.post(
        changelist,
        {"action": "withdraw_report", "_selected_action": [consultation.pk], "index": "0"},
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == PublicConsultation.Status.OPEN
    assert consultation.report_published_at is None
    assert consultation.changes.filter(action="report_withdrawn").exists()


# --- The act split into provisions -------------------------------------------------------


@pytest.mark.write_path("admin:cooperation_publicconsultation_provisions")
def test_staff_split_the_act_pasted_or_from_a_docx_after_a_preview(admin_client, world):
    consultation = draft()
    url = reverse("admin:cooperation_publicconsultation_provisions", args=[consultation.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    data = post_form(page, form_id="split-form").data(text=ACT)
    preview = admin_client.post(url, data)
    assert preview.status_code == 200
    assert [p.label for p in preview.context["parsed"]] == [
        "Preambuła",
        "§ 1",
        "§ 2 ust. 1",
        "§ 2 ust. 2",
    ]
    assert not consultation.provisions.exists()  # a preview changes nothing

    confirm = post_form(preview, form_id="split-form").data(confirm="Zastąp")
    response = admin_client.post(url, confirm)
    assert response.status_code == 302
    assert consultation.provisions.count() == 4
    assert consultation.provisions.get(label="§ 2 ust. 2").text == "Drugi ustęp."

    # A DOCX file: its text is shown for the confirmation.
    upload = SimpleUploadedFile(
        "projekt.docx", docx_file(["§ 1. Z pliku.", "§ 2. Też z pliku."]).getvalue()
    )
    data = post_form(admin_client.get(url), form_id="split-form").data()
    data["docx"] = upload
    preview = admin_client.post(url, data)
    assert [p.text for p in preview.context["parsed"]] == ["Z pliku.", "Też z pliku."]
    response = admin_client.post(
        url, post_form(preview, form_id="split-form").data(confirm="Zastąp")
    )
    assert response.status_code == 302
    assert list(consultation.provisions.values_list("label", "text")) == [
        ("§ 1", "Z pliku."),
        ("§ 2", "Też z pliku."),
    ]
    assert consultation.changes.filter(action="changed").count() == 2


def test_the_split_page_refuses_once_remarks_came_and_takes_hostile_input(admin_client, world):
    url = reverse(
        "admin:cooperation_publicconsultation_provisions", args=[world.public_consultation.pk]
    )
    before = list(world.public_consultation.provisions.values_list("pk", "label"))
    response = admin_client.post(url, {"text": ACT, "confirm": "1"})
    assert response.status_code == 200
    assert response.context["refusal"]
    assert list(world.public_consultation.provisions.values_list("pk", "label")) == before

    draft_url = reverse("admin:cooperation_publicconsultation_provisions", args=[draft().pk])
    for data in [
        {"text": ""},
        {"text": "\x00" * 10},
        {"text": "§ 1. " + "x" * 2_000_001},
        {"docx": SimpleUploadedFile("projekt.docx", b"PK\x03\x04 broken")},
        {
            "docx": SimpleUploadedFile(
                "bomba.docx",
                docx_file(
                    [],
                    document='<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
                ).getvalue(),
            )
        },
    ]:
        response = admin_client.post(draft_url, {**data, "confirm": "1"})
        assert response.status_code == 200
        assert response.context["form"].errors
    assert (
        admin_client.get(
            reverse("admin:cooperation_publicconsultation_provisions", args=[999999])
        ).status_code
        == 404
    )


# --- Open meetings -----------------------------------------------------------------------


@pytest.mark.write_path(
    "admin:cooperation_consultationmeeting_add",
    "admin:cooperation_consultationmeeting_change",
    "admin:cooperation_consultationmeeting_delete",
)
def test_staff_add_move_and_delete_an_open_meeting_with_its_room(admin_client, world):
    url = reverse("admin:cooperation_consultationmeeting_add")
    page = admin_client.get(url + f"?consultation={world.public_consultation.pk}")
    base = {
        "consultation": str(world.public_consultation.pk),
        "room": str(world.resource.pk),
        "description_pl": "Spotkanie otwarte.",
    }
    # The room is taken then: an error on the room, nothing saved.
    taken = {**base, **when("start", world.booking.start), **when("end", world.booking.end)}
    meetings, bookings = ConsultationMeeting.objects.count(), Booking.objects.count()
    response = admin_client.post(url, admin_form_data(page, **taken))
    assert response.status_code == 200
    assert "room" in response.context["adminform"].form.errors
    assert (ConsultationMeeting.objects.count(), Booking.objects.count()) == (meetings, bookings)

    # A foreign consultation id: an error on the field.
    response = admin_client.post(url, admin_form_data(page, **{**taken, "consultation": "999999"}))
    assert response.status_code == 200
    assert "consultation" in response.context["adminform"].form.errors

    start = world.booking.start + datetime.timedelta(hours=3)
    free = {**base, **when("start", start), **when("end", start + datetime.timedelta(hours=2))}
    response = admin_client.post(url, admin_form_data(page, **free))
    assert response.status_code == 302, page_errors(response)
    meeting = ConsultationMeeting.objects.latest("pk")
    booking = meeting.room_booking
    assert booking.is_active and booking.start == start and booking.resource == world.resource

    # Moved an hour on: the old booking is freed, a new one held.
    url = change_url(meeting, "consultationmeeting")
    moved = start + datetime.timedelta(hours=1)
    response = admin_client.post(
        url,
        admin_form_data(
            admin_client.get(url),
            **when("start", moved),
            **when("end", moved + datetime.timedelta(hours=1)),
        ),
    )
    assert response.status_code == 302, page_errors(response)
    meeting.refresh_from_db()
    assert meeting.room_booking.start == moved and meeting.room_booking.is_active
    assert not Booking.objects.get(pk=booking.pk).is_active

    held = meeting.room_booking
    response = admin_client.post(
        reverse("admin:cooperation_consultationmeeting_delete", args=[meeting.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not ConsultationMeeting.objects.filter(pk=meeting.pk).exists()
    assert not Booking.objects.get(pk=held.pk).is_active


# --- Hostile input and read-only lists ---------------------------------------------------


def test_admin_pages_answer_hostile_ids_and_huge_strings_without_a_server_error(
    admin_client, world
):
    admin_client.raise_request_exception = False
    for model in ["publicconsultation", "remark", "consultationmeeting", "alertoptout"]:
        changelist = reverse(f"admin:cooperation_{model}_changelist")
        assert admin_client.get(changelist).status_code == 200
        for bad in ["abc", "0", "99999999999999999999"]:
            assert admin_client.get(f"{changelist}{bad}/change/").status_code < 500
    url = reverse("admin:cooperation_publicconsultation_add")
    response = admin_client.post(
        url,
        admin_form_data(
            admin_client.get(url),
            title_pl="x" * 5000,
            slug="ąę ść",
            office="Urząd",
            **{"start_0": "9999-99-99", "start_1": "25:61", "end_0": "", "end_1": ""},
        ),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"title_pl", "slug", "start", "end"} <= set(errors)

    page = admin_client.get(reverse("admin:cooperation_alertoptout_changelist"))
    assert world.other_organization.name in page.content.decode()
    assert (
        admin_client.get(
            reverse("admin:cooperation_alertoptout_change", args=[world.alert_opt_out.pk])
        ).status_code
        == 200
    )


def test_staff_preview_a_draft_as_residents_will_read_it(admin_client, world):
    consultation = draft(summary_pl="Projekt **zasad** dotacji.")
    admin_client.post(
        reverse("admin:cooperation_publicconsultation_provisions", args=[consultation.pk]),
        {"text": ACT, "confirm": "1"},
    )
    url = reverse("admin:cooperation_publicconsultation_preview", args=[consultation.pk])
    assert url in admin_client.get(change_url(consultation)).content.decode()
    page = admin_client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<strong>zasad</strong>" in html
    assert "Drugi ustęp." in html
    assert admin_client.post(url).status_code == 405
    missing = reverse("admin:cooperation_publicconsultation_preview", args=[999999])
    assert admin_client.get(missing).status_code == 404
