"""The consultations' part of "download my data" and of deleting an account.

A person's appointments (with the question they asked and their history) and
training registrations are found by their account and by their confirmed e-mail
addresses (residents book and register without an account). The advisor's private
notes are the centre's working notes and are not exported. Registrations the
person made for somebody else are listed without that person's name and address.

On deletion, the person's upcoming appointments and registrations are cancelled
as if they had cancelled them by their link (the advisor, the centre and the next
person on the waiting list are told); then every appointment of theirs keeps only
what the statistics need (advisor, topic, time, mode, organisation, outcome) and
loses name, e-mail, phone, question, private notes and the notes of its history;
every registration keeps the training, its status and attendance and loses name
and e-mail. An appointment that can no longer be cancelled online, or an advisor
profile residents can book that is linked to the account, holds the deletion up.
"""

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext

from consultations.models import (
    Advisor,
    AdvisorChange,
    Appointment,
    AppointmentChange,
    ConsultationSettings,
    ConsultationSettingsChange,
    Registration,
    RegistrationChange,
    TrainingChange,
)
from consultations.services import appointments as services
from consultations.services import trainings as training_services
from cwop_portal.history import exported
from cwop_portal.personal_data import (
    DeletionBlocker,
    person_emails,
    register,
    register_deletion_blocker,
    register_eraser,
)


def _any_of(field, emails):
    condition = Q(pk__in=[])
    for email in emails:
        condition |= Q(**{f"{field}__iexact": email})
    return condition


def _appointments(emails):
    """The person's own appointments: those with their address as the client's, by
    whomever booked (the account, the person as a resident, staff on the phone).
    One the account booked for another address is that client's: it is listed
    without the client's data and only loses the link to the account."""
    return Appointment.objects.filter(_any_of("client_email", emails))


def _registrations(emails):
    """The person's own registrations (whoever made them)."""
    return Registration.objects.filter(_any_of("email", emails))


def _history(subject, user):
    """The history of the person's own appointment or registration (prefetched)."""
    return [
        exported(change, user)
        for change in sorted(subject.changes.all(), key=lambda c: (c.created_at, c.pk))
    ]


@register("consultations")
def export_consultations(user):
    emails = person_emails(user)
    appointments = (
        Appointment.objects.filter(Q(user=user) | _any_of("client_email", emails))
        .select_related("advisor", "topic", "organization")
        .prefetch_related("changes")
        .order_by("start", "pk")
    )
    registrations = (
        Registration.objects.filter(Q(registered_by=user) | _any_of("email", emails))
        .select_related("training", "organization")
        .prefetch_related("changes")
        .order_by("created_at", "pk")
    )
    # What an advisor or a member of staff did to other people's appointments: the
    # action and when (the client's data and the notes are not theirs).
    other_changes = (
        AppointmentChange.objects.filter(user=user)
        .exclude(appointment__in=_appointments(emails))
        .order_by("created_at", "pk")
    )
    other_registration_changes = (
        RegistrationChange.objects.filter(user=user)
        .exclude(registration__in=_registrations(emails))
        .order_by("created_at", "pk")
    )
    advisor = Advisor.objects.filter(user=user).first()
    return {
        "appointments": [_appointment(appointment, user, emails) for appointment in appointments],
        "training_registrations": [
            _registration(registration, user, emails) for registration in registrations
        ],
        "appointment_history_entries": [
            {"appointment": change.appointment_id, "action": change.action, "at": _iso(change)}
            for change in other_changes
        ],
        "registration_history_entries": [
            {"registration": change.registration_id, "action": change.action, "at": _iso(change)}
            for change in other_registration_changes
        ],
        "training_history_entries": [
            {"training": change.training_id, **exported(change, user)}
            for change in TrainingChange.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "advisor_history_entries": [
            {"advisor": change.advisor_id, **exported(change, user)}
            for change in AdvisorChange.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "settings_history_entries": [
            exported(change, user)
            for change in ConsultationSettingsChange.objects.filter(user=user).order_by(
                "created_at", "pk"
            )
        ],
        "advisor_profile": {
            "name": advisor.name,
            "address": advisor.slug,
            "active": advisor.is_active,
        }
        if advisor
        else None,
    }


def _iso(change):
    return change.created_at.isoformat()


def _appointment(appointment, user, emails):
    own = appointment.client_email.lower() in emails
    exported = {
        "advisor": appointment.advisor.name,
        "topic": appointment.topic.name_pl if appointment.topic_id else None,
        "start": appointment.start.isoformat(),
        "mode": appointment.mode,
        "status": appointment.status,
        "for_you": own,
        "booked_by_you": appointment.user_id == user.pk,
        "organization": appointment.organization.name if appointment.organization_id else None,
    }
    if own:
        exported.update(
            {
                "organization_as_given": appointment.client_organization_name,
                "name": appointment.client_name,
                "email": appointment.client_email,
                "phone": appointment.client_phone,
                "question": appointment.question,
                "history": _history(appointment, user),
            }
        )
    return exported


def _registration(registration, user, emails):
    own = registration.email.lower() in emails
    return {
        "training": registration.training.title_pl,
        "for_you": own,
        "name": registration.name if own else None,
        "email": registration.email if own else None,
        "organization": registration.organization.name if registration.organization_id else None,
        "status": registration.status,
        "attended": registration.attended,
        "registered_by_you": registration.registered_by_id == user.pk,
        "registered_at": registration.created_at.isoformat(),
        "history": _history(registration, user) if own else None,
    }


@register_deletion_blocker
def advisor_and_imminent_appointments(user, *, lock):
    blockers = []
    advisor = Advisor.objects.filter(user=user, is_active=True).first()
    if advisor is not None:
        blockers.append(
            DeletionBlocker(
                message=gettext(
                    "This account is linked to the advisor profile “%(name)s”, which "
                    "residents can book. Before the account is deleted, the centre's staff "
                    "have to link the profile to another account or deactivate it."
                )
                % {"name": advisor.name}
            )
        )
    now = timezone.now()
    settings_row = ConsultationSettings.load()
    upcoming = (
        _appointments(person_emails(user))
        .filter(status__in=services.ACTIVE, start__gt=now)
        .order_by("start", "pk")
    )
    for appointment in upcoming:
        if services.client_can_cancel(appointment, now, settings_row):
            continue  # the deletion cancels it
        start = formats.date_format(timezone.localtime(appointment.start), "j E Y, H:i")
        blockers.append(
            DeletionBlocker(
                message=gettext(
                    "This account has a consultation on %(start)s that can no longer be "
                    "cancelled online. The account can be deleted after the consultation, "
                    "or once the centre has cancelled it."
                )
                % {"start": start}
            )
        )
    return blockers


@register_eraser
def erase_consultations(user, *, emails, now):
    settings_row = ConsultationSettings.load()
    appointments = _appointments(emails)
    for appointment in appointments.filter(status__in=services.ACTIVE, start__gt=now):
        if services.client_can_cancel(appointment, now, settings_row):
            services.appointment_cancel(appointment=appointment, by_client=True, now=now)
    registrations = _registrations(emails).select_related("training")
    for registration in registrations.filter(status__in=Registration.ACTIVE_STATUSES):
        if training_services.can_cancel_registration(registration, now=now):
            training_services.registration_cancel(registration=registration, by_link=True, now=now)

    pks = list(appointments.values_list("pk", flat=True))
    # The notes the client wrote (a reason for cancelling, through the link) or the
    # account did; those of the advisor and staff are theirs.
    AppointmentChange.objects.filter(
        Q(user=user) | Q(user__isnull=True), appointment__in=pks
    ).update(note="")
    Appointment.objects.filter(pk__in=pks).update(
        user=None,
        client_name="",
        client_email="",
        client_phone="",
        client_organization_name="",
        question="",
        private_notes="",
    )
    for registration in registrations:
        # The address is replaced, not emptied: the database allows one active
        # registration per address and training, and ".invalid" never receives mail.
        registration.name = ""
        registration.email = f"deleted-{registration.pk}@example.invalid"
        registration.registered_by = None
        registration.save(update_fields=["name", "email", "registered_by"])
