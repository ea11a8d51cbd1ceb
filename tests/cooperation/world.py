"""Cooperation's part of the `world` fixture (tests/conftest.py): an open public
consultation of a draft act with two provisions, the member's organisation's remark
on the first and a general one, an open meeting in the world's room (booked for the
centre); a consultation closed with a published report; a published programme year;
the Consultation Team with a member, a meeting with its minutes, and a message to it."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from cooperation.models import (
    AlertOptOut,
    ConsultationMeeting,
    ProgrammeYear,
    Provision,
    PublicConsultation,
    Remark,
    TeamContactMessage,
    TeamMeeting,
    TeamMeetingDocument,
    TeamMember,
)
from cwop_portal.history import change_record
from rooms.models import Booking


def build(w):
    now = timezone.now()
    staff = w.personas["staff"]
    member = w.personas["ngo_member"]
    w.programme_year = ProgrammeYear.objects.create(
        year=timezone.localdate().year,
        title_pl="Program współpracy Miasta Białystok z organizacjami pozarządowymi",
        title_en="The City of Białystok's Cooperation Programme with NGOs",
        priorities_pl="- Wsparcie wolontariatu\n- Aktywność seniorów",
        is_published=True,
        report_published=True,
        figures={  # as cooperation.services.programme freezes them (Polish only here)
            "pl": [
                {
                    "key": "public_consultations",
                    "title": "Konsultacje społeczne",
                    "note": "",
                    "rows": [
                        {"label": "Uwagi zgłoszone", "value": 3, "kind": "count"},
                        {"label": "Udział uwag uwzględnionych", "value": "66.7", "kind": "percent"},
                    ],
                    "tables": [
                        {
                            "title": "Uwagi według organizacji",
                            "first_header": "Organizacja",
                            "columns": [{"label": "Uwagi", "kind": "count"}],
                            "rows": [{"label": "Stowarzyszenie A", "values": [3]}],
                        }
                    ],
                }
            ]
        },
        figures_computed_at=now,
    )
    change_record(w.programme_year, user=staff, action="created")
    w.public_consultation = PublicConsultation.objects.create(
        title_pl="Projekt uchwały w sprawie programu współpracy",
        title_en="Draft resolution on the cooperation programme",
        slug="program-wspolpracy",
        summary_pl="Projekt programu na **przyszły rok**.",
        office="Departament Spraw Społecznych",
        contact_name="Anna Kowalska",
        contact_email="konsultacje@um.example.org",
        start=now - datetime.timedelta(days=2),
        end=now + datetime.timedelta(days=12),
        status=PublicConsultation.Status.OPEN,
        opened_at=now - datetime.timedelta(days=2),
        programme_year=w.programme_year,
        created_by=staff,
    )
    w.public_consultation.file.save("projekt.txt", ContentFile(b"Projekt uchwaly"), save=True)
    w.public_consultation.fields_of_activity.add(*w.organization.fields_of_activity.all())
    change_record(w.public_consultation, user=staff, action="opened")
    w.provision = Provision.objects.create(
        consultation=w.public_consultation,
        position=1,
        label="§ 1",
        text="Program określa cele i zasady współpracy.",
    )
    w.provision_b = Provision.objects.create(
        consultation=w.public_consultation,
        position=2,
        label="§ 2 ust. 1",
        text="Priorytetem jest wolontariat.",
    )
    w.remark = Remark.objects.create(
        consultation=w.public_consultation,
        provision=w.provision,
        organization=w.organization,
        organization_name=w.organization.name,
        author=member,
        author_name=member.get_full_name() or member.email,
        author_email=member.email,
        proposed_wording="Program określa cele, zasady i formy współpracy.",
        justification="Brakuje form współpracy.",
    )
    change_record(w.remark, user=member, action="submitted")
    w.general_remark = Remark.objects.create(
        consultation=w.public_consultation,
        organization=w.organization,
        organization_name=w.organization.name,
        author=member,
        author_name=member.get_full_name() or member.email,
        author_email=member.email,
        justification="Program powinien mieć harmonogram.",
    )
    meeting_start = w.booking.start + datetime.timedelta(days=2)
    booking = Booking.objects.create(
        resource=w.resource,
        organization=None,
        start=meeting_start,
        end=meeting_start + datetime.timedelta(hours=2),
        status=Booking.Status.CONFIRMED,
        title="Spotkanie konsultacyjne",
        attendees=15,
        created_by=staff,
    )
    w.consultation_meeting = ConsultationMeeting.objects.create(
        consultation=w.public_consultation,
        start=booking.start,
        end=booking.end,
        room=w.resource,
        room_booking=booking,
        description_pl="Otwarte spotkanie konsultacyjne.",
    )
    w.alert_opt_out = AlertOptOut.objects.create(
        user=w.personas["other_ngo_member"], organization=w.other_organization
    )

    w.reported_consultation = PublicConsultation.objects.create(
        title_pl="Projekt uchwały o inicjatywie lokalnej",
        slug="inicjatywa-lokalna",
        office="Biuro Rady Miasta",
        start=now - datetime.timedelta(days=60),
        end=now - datetime.timedelta(days=30),
        status=PublicConsultation.Status.REPORT_PUBLISHED,
        opened_at=now - datetime.timedelta(days=60),
        report_published_at=now - datetime.timedelta(days=20),
        report_summary_pl="Wpłynęła jedna uwaga.",
    )
    provision = Provision.objects.create(
        consultation=w.reported_consultation, position=1, label="§ 1", text="Treść § 1."
    )
    w.reported_remark = Remark.objects.create(
        consultation=w.reported_consultation,
        provision=provision,
        organization=w.organization,
        organization_name=w.organization.name,
        author=member,
        author_name="Ewa Nowak",
        author_email=member.email,
        proposed_wording="Nowa treść.",
        justification="Uzasadnienie uwagi.",
        position=Remark.Position.PARTLY,
        position_justification="Uwzględniono w części dotyczącej terminów.",
        created_at=now - datetime.timedelta(days=40),
    )

    w.team_member = TeamMember.objects.create(
        name="Katarzyna Wiśniewska",
        role=TeamMember.Role.CHAIR,
        organization=w.organization,
        term_start=timezone.localdate() - datetime.timedelta(days=300),
        term_end=timezone.localdate() + datetime.timedelta(days=400),
        email="przewodniczaca@example.com",
        receives_messages=True,
    )
    change_record(w.team_member, user=staff, action="created")
    w.team_meeting = TeamMeeting.objects.create(
        start=now - datetime.timedelta(days=14),
        end=now - datetime.timedelta(days=14) + datetime.timedelta(hours=2),
        place="Urząd Miejski, sala 10",
        agenda_pl="1. Otwarcie.\n2. Opinia o projekcie programu.",
    )
    change_record(w.team_meeting, user=staff, action="created")
    w.team_meeting_document = TeamMeetingDocument(
        meeting=w.team_meeting, kind=TeamMeetingDocument.Kind.MINUTES, title="Protokół"
    )
    w.team_meeting_document.file.save("protokol.txt", ContentFile(b"Protokol"), save=True)
    w.team_contact_message = TeamContactMessage.objects.create(
        sender_name="Jan Mieszkaniec", sender_email="jan@example.com", body="Pytanie do zespołu."
    )
