"""Consultations' part of the `world` fixture (tests/conftest.py).

Trainings: one open for registration a week after the room booking (in the room),
with its one seat taken, a person waiting and a resident who has not confirmed yet;
and one that took place, with a material. Advice: the advisor persona is an advisor
with weekly hours, a day off on the booking's day and an appointment that has started
(so it can be marked); a group of advisors with one member."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from consultations.models import (
    Advisor,
    AdvisorGroup,
    Appointment,
    AvailabilityException,
    AvailabilityRule,
    ConsultationSettings,
    Registration,
    Topic,
    Training,
    TrainingMaterial,
    TrainingSession,
)
from consultations.services import trainings as training_services
from cwop_portal.dates import at
from cwop_portal.history import change_record
from tests.factories import MINIMAL_PDF


def build(w):
    start_day = timezone.localdate(w.booking.start)
    build_trainings(w, start_day)
    build_advice(w, start_day)


def build_trainings(w, start_day):
    ngo_member = w.personas["ngo_member"]
    w.training = Training.objects.create(
        title_pl="Jak napisać wniosek grantowy",
        title_en="Writing a grant application",
        slug="wniosek-grantowy",
        description_pl="Warsztaty **praktyczne** dla zarządów.",
        trainer="Ewa Trenerska",
        target_audience_pl="Członkowie zarządów",
        capacity=1,
        registration_deadline=at(start_day + datetime.timedelta(days=5), datetime.time(12)),
        status=Training.Status.PUBLISHED,
    )
    change_record(
        w.training,
        user=w.personas["staff"],
        action="published",
        changes={"status": ["draft", "published"]},
        note="Po uzgodnieniu z trenerką",
    )
    TrainingSession.objects.create(
        training=w.training,
        start=at(start_day + datetime.timedelta(days=7), datetime.time(12)),
        end=at(start_day + datetime.timedelta(days=7), datetime.time(15)),
        room=w.resource,
    )
    w.registration = Registration.objects.create(
        training=w.training,
        name="Anna Nowak",
        email=ngo_member.email,
        organization=w.organization,
        registered_by=ngo_member,
        status=Registration.Status.REGISTERED,
    )
    change_record(
        w.registration,
        user=ngo_member,
        action="registered",
        changes={"status": "registered"},
        note="Zapis przez konto organizacji",
    )
    w.waiting_registration = Registration.objects.create(
        training=w.training,
        name="Jan Zapasowy",
        email="jan.zapasowy@example.org",
        organization=w.organization,
        registered_by=ngo_member,
        status=Registration.Status.WAITING,
    )
    w.unconfirmed_registration = Registration.objects.create(
        training=w.training,
        name="Maria Mieszkanka",
        email="maria.mieszkanka@example.org",
        status=Registration.Status.UNCONFIRMED,
    )
    w.registration_manage_token = training_services.registration_token_make(
        w.waiting_registration, training_services.MANAGE
    )
    w.registration_confirm_token = training_services.registration_token_make(
        w.unconfirmed_registration, training_services.CONFIRM
    )
    past_day = start_day - datetime.timedelta(days=35)
    w.past_training = Training.objects.create(
        title_pl="Statut stowarzyszenia",
        title_en="The statutes of an association",
        slug="statut-stowarzyszenia",
        description_pl="Jak napisać statut.",
        trainer="Jan Prawnik",
        capacity=20,
        registration_deadline=at(past_day - datetime.timedelta(days=2), datetime.time(12)),
        status=Training.Status.PUBLISHED,
    )
    TrainingSession.objects.create(
        training=w.past_training,
        start=at(past_day, datetime.time(10)),
        end=at(past_day, datetime.time(13)),
        room=w.resource,
    )
    w.training_material = TrainingMaterial(training=w.past_training, title="Wzór statutu")
    w.training_material.file.save("wzor-statutu.pdf", ContentFile(MINIMAL_PDF), save=True)


def build_advice(w, start_day):
    ngo_member = w.personas["ngo_member"]
    w.advisor = Advisor.objects.create(
        name="Katarzyna Doradczyni",
        slug="katarzyna-doradczyni",
        bio_pl="Prawniczka.",
        user=w.personas["advisor"],
    )
    w.topic = Topic.objects.get(slug="pozyskiwanie-funduszy")
    w.advisor.topics.add(w.topic)
    w.advisor_rule = AvailabilityRule.objects.create(
        advisor=w.advisor, weekday=1, starts=datetime.time(9), ends=datetime.time(13), mode="phone"
    )
    w.advisor_exception = AvailabilityException.objects.create(
        advisor=w.advisor, date=start_day, kind="day_off", note="Urlop"
    )
    change_record(
        w.advisor,
        user=w.personas["advisor"],
        action="changed",
        changes={"rules": {"added": [str(w.advisor_rule)]}},
    )
    begun = timezone.now() - datetime.timedelta(minutes=30)
    w.appointment = Appointment.objects.create(
        advisor=w.advisor,
        topic=w.topic,
        start=begun,
        end=begun + datetime.timedelta(minutes=45),
        mode="phone",
        status=Appointment.Status.CONFIRMED,
        user=ngo_member,
        organization=w.organization,
        client_name="Anna Nowak",
        client_email=ngo_member.email,
        client_phone="500 600 700",
        client_organization_name="Stowarzyszenie Seniorów Bojary",
        question="Jak napisać budżet projektu?",
        private_notes="Notatka doradczyni",
    )
    change_record(w.appointment, user=ngo_member, action="booked", note="Z formularza")
    change_record(
        ConsultationSettings.load(),
        user=w.personas["staff"],
        action="changed",
        changes={"booking_notice_hours": [48, 24]},
    )
    w.advisor_group = AdvisorGroup.objects.create(
        name_pl="Centrum Informacji Administracyjnej",
        slug="centrum-informacji-administracyjnej",
        description_pl="Studenci prawa administracyjnego.",
    )
    Advisor.objects.create(
        name="Student Prawa", slug="student-prawa", group=w.advisor_group
    ).topics.add(Topic.objects.get(slug="prawo-administracyjne"))
