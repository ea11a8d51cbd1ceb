"""The consultations' part of "download my data": a person's appointments (with
the question they asked) and training registrations, found by their account and
by their e-mail address (residents book and register without an account).
The advisor's private notes are the centre's working notes and are not included."""

from django.db.models import Q

from consultations.models import Appointment, Registration
from cwop_portal.personal_data import register


@register("consultations")
def export_consultations(user):
    appointments = (
        Appointment.objects.filter(Q(user=user) | Q(client_email__iexact=user.email))
        .select_related("advisor", "topic", "organization")
        .order_by("start", "pk")
    )
    registrations = (
        Registration.objects.filter(Q(registered_by=user) | Q(email__iexact=user.email))
        .select_related("training", "organization")
        .order_by("created_at", "pk")
    )
    return {
        "appointments": [
            {
                "advisor": appointment.advisor.name,
                "topic": appointment.topic.name_pl if appointment.topic_id else None,
                "start": appointment.start.isoformat(),
                "mode": appointment.mode,
                "status": appointment.status,
                "organization": appointment.organization.name
                if appointment.organization_id
                else appointment.client_organization_name,
                "name": appointment.client_name,
                "email": appointment.client_email,
                "phone": appointment.client_phone,
                "question": appointment.question,
            }
            for appointment in appointments
        ],
        "training_registrations": [
            {
                "training": registration.training.title_pl,
                "name": registration.name,
                "email": registration.email,
                "organization": registration.organization.name
                if registration.organization_id
                else None,
                "status": registration.status,
                "registered_by_you": registration.registered_by_id == user.pk,
            }
            for registration in registrations
        ],
    }
