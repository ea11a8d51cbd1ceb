"""The client's signed links to their appointment (confirm it, cancel or move it,
download its calendar file), for a client without an account.

The token names the appointment and its start, signed with the site's secret: moving
the appointment makes the old links stop working, and a link keeps working until the
appointment's end plus `LINK_MARGIN` (so that a late click shows what happened instead
of an error).
"""

import datetime

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from consultations.models import Appointment

TOKEN_SALT = "consultations.appointment.client-link"  # noqa: S105  # nosec B105
LINK_MARGIN = datetime.timedelta(days=7)


def _signer():
    return signing.TimestampSigner(salt=TOKEN_SALT)


def make_client_token(appointment: Appointment) -> str:
    """The secret part of the client's links (confirm, manage, calendar file)."""
    return _signer().sign(f"{appointment.pk}-{int(appointment.start.timestamp())}")


def read_client_token(
    token: str | None, *, now: datetime.datetime | None = None
) -> Appointment | None:
    """The appointment of a valid token, or None (tampered, unknown or expired)."""
    try:
        value = _signer().unsign(token or "")
        pk, stamp = value.split("-", 1)
        pk, stamp = int(pk), int(stamp)
    except (signing.BadSignature, ValueError):
        return None
    appointment = (
        Appointment.objects.select_related(
            "advisor", "advisor__group", "topic", "room_booking__resource", "organization"
        )
        .filter(pk=pk)
        .first()
    )
    if appointment is None or int(appointment.start.timestamp()) != stamp:
        return None
    if (now or timezone.now()) > appointment.end + LINK_MARGIN:
        return None
    return appointment


def manage_path(appointment: Appointment) -> str:
    """The path of the client's page to cancel or move `appointment`, in the active
    language."""
    return reverse("consultations:appointment_manage", args=[make_client_token(appointment)])
