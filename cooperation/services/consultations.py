"""The staff's side of a public consultation: saving it, its provisions and open
meetings, announcing it, the city's position on each remark and the report.

The stored status goes draft → open → reported (and back to open when a report is
withdrawn for corrections). Whether the deadline has passed is asked of the
database's clock (`Now()`), the clock that decides whether a remark still comes in:
a position is recorded and a report published only once no remark can arrive.
Rows two staff members may act on at once are locked (`select_for_update`).
"""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Now
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cooperation import provisions as parsing
from cooperation.models import (
    ConsultationMeeting,
    Provision,
    PublicConsultation,
    Remark,
)
from cooperation.services import alerts
from cooperation.services.meetings import meeting_room_release, meeting_room_reserve
from cwop_portal.dates import format_short_datetime
from cwop_portal.history import change_record, changes_between, rows_saved, snapshot
from cwop_portal.models import User

# How many unanswered remarks a refusal to publish names (then "and N more").
NAMED_REMARKS = 20
POSITION_FIELDS = ["position", "position_justification"]


def _lock(consultation: PublicConsultation) -> PublicConsultation:
    return PublicConsultation.objects.select_for_update().get(pk=consultation.pk)


def deadline_passed(consultation: PublicConsultation) -> bool:
    """Whether the consultation's deadline has passed, by the database's clock."""
    return PublicConsultation.objects.filter(pk=consultation.pk, end__lte=Now()).exists()


# --- The consultation --------------------------------------------------------------------


def consultation_errors(consultation: PublicConsultation) -> dict[str, list[str]]:
    """What is wrong with a consultation about to be saved, by field."""
    errors: dict[str, list[str]] = {}
    if not (consultation.title_pl or "").strip():
        errors["title_pl"] = [_("Give the title in Polish.")]
    if consultation.start and consultation.end and consultation.end <= consultation.start:
        errors["end"] = [_("The deadline must be after the start.")]
    slug = (consultation.slug or "").strip()
    if not slug:
        errors["slug"] = [_("Give the address.")]
    elif PublicConsultation.objects.filter(slug=slug).exclude(pk=consultation.pk).exists():
        errors["slug"] = [_("Another public consultation has this address.")]
    return errors


@transaction.atomic
def consultation_save(
    *,
    consultation: PublicConsultation,
    user: User | None,
    changes: dict[str, Any] | None = None,
    update_fields: Iterable[str] | None = None,
) -> PublicConsultation:
    """Save a consultation staff added or edited (its fields, not its status):
    ValidationError by field for a deadline not after the start or an address in
    use. `changes`: what the form changed, for the history; `update_fields`: only
    these fields of an existing row are written (a status changed meanwhile stays)."""
    adding = consultation.pk is None
    if not adding:
        _lock(consultation)
    errors = consultation_errors(consultation)
    if errors:
        raise ValidationError(errors)
    if adding:
        consultation.created_by = user
        consultation.status = PublicConsultation.Status.DRAFT
        consultation.save()
    elif update_fields is not None:
        fields = [*update_fields]
        if "file" in fields:
            fields.append("file_size")
        if fields:
            consultation.save(update_fields=[*fields, "updated_at"])
    else:
        consultation.save()
    if adding or changes:
        change_record(
            consultation,
            user=user,
            action="created" if adding else "changed",
            changes=changes or {},
        )
    return consultation


@transaction.atomic
def consultation_open(*, consultation: PublicConsultation, user: User) -> PublicConsultation:
    """Announce a draft: it is published (taking remarks from its start) and the
    organisations invited by e-mail. Refused without provisions or with its
    deadline already past."""
    consultation = _lock(consultation)
    if consultation.status != PublicConsultation.Status.DRAFT:
        raise ValidationError(_("Only a draft can be announced."))
    if not consultation.provisions.exists():
        raise ValidationError(
            _("Split the draft act into provisions first: remarks refer to them.")
        )
    if deadline_passed(consultation):
        raise ValidationError({"end": [_("The deadline has already passed.")]})
    consultation.status = PublicConsultation.Status.OPEN
    consultation.opened_at = timezone.now()
    consultation.save(update_fields=["status", "opened_at", "updated_at"])
    change_record(
        consultation,
        user=user,
        action="opened",
        changes={"status": [PublicConsultation.Status.DRAFT, PublicConsultation.Status.OPEN]},
    )
    alerts.consultation_invitations_send(consultation=consultation)
    return consultation


# --- Provisions --------------------------------------------------------------------------


def provisions_refusal(consultation: PublicConsultation) -> str | None:
    """Why the provisions cannot be changed now (None: they can)."""
    if Remark.objects.filter(consultation_id=consultation.pk).exists():
        return _(
            "Remarks have been sent on this draft act: its provisions can no longer be "
            "changed (the remarks refer to them)."
        )
    return None


@transaction.atomic
def provisions_lock(*, consultation: PublicConsultation) -> PublicConsultation:
    """Lock the consultation for a change of its provisions (the admin's inline):
    ValidationError once any remark exists."""
    consultation = _lock(consultation)
    problem = provisions_refusal(consultation)
    if problem:
        raise ValidationError(problem)
    return consultation


@transaction.atomic
def provisions_replace(
    *,
    consultation: PublicConsultation,
    text: str | None = None,
    docx: IO[bytes] | None = None,
    user: User | None,
) -> list[Provision]:
    """Replace the draft act's provisions by those split from `text` (pasted) or
    from the DOCX file `docx`. Refused once any remark exists, or when nothing
    could be split (ValidationError on "text" or "docx")."""
    consultation = provisions_lock(consultation=consultation)
    if docx is not None:
        parsed = parsing.split_docx(docx, field="docx")
        field = "docx"
    else:
        parsed = parsing.split_text(text or "")
        field = "text"
    if not parsed:
        raise ValidationError({field: [_("No provisions were found in the act's text.")]})
    before = Provision.objects.filter(consultation_id=consultation.pk).count()
    Provision.objects.filter(consultation_id=consultation.pk).delete()
    created = Provision.objects.bulk_create(
        Provision(consultation=consultation, position=number, label=item.label, text=item.text)
        for number, item in enumerate(parsed, start=1)
    )
    change_record(
        consultation, user=user, action="changed", changes={"provisions": [before, len(created)]}
    )
    return created


# --- Open meetings -----------------------------------------------------------------------


def _meeting_name(meeting: ConsultationMeeting) -> str:
    where = meeting.room.name if meeting.room_id and meeting.room else meeting.place
    return f"{format_short_datetime(meeting.start)}, {where}".strip(", ")


def meeting_errors(meeting: ConsultationMeeting) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if meeting.start and meeting.end and meeting.end <= meeting.start:
        errors["end"] = [_("The end must be after the start.")]
    if not meeting.room_id and not (meeting.place or "").strip():
        errors["place"] = [_("Choose a room of the centre or give the place.")]
    return errors


@transaction.atomic
def consultation_meeting_save(
    *, meeting: ConsultationMeeting, user: User | None
) -> ConsultationMeeting:
    """Save an open meeting; its room (if any) is booked for the centre, the old
    booking freed when it moves. A room taken then: ValidationError on "room" and
    nothing saved (the transaction is undone)."""
    errors = meeting_errors(meeting)
    if errors:
        raise ValidationError(errors)
    consultation = _lock(meeting.consultation)
    adding = meeting.pk is None
    if not adding:
        stored = (
            ConsultationMeeting.objects.select_for_update(of=("self",))
            .select_related("room_booking")
            .get(pk=meeting.pk)
        )
        meeting.room_booking = stored.room_booking
    # Stored once, in the portal's main language: the rooms' calendar shows it.
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Open meeting: %(title)s") % {"title": consultation.title_pl}
    booking = meeting_room_reserve(meeting=meeting, user=user, title=title)
    meeting.room_booking = booking
    meeting.save()
    name = _meeting_name(meeting)
    done = rows_saved(added=[name]) if adding else rows_saved(changed=[name])
    change_record(consultation, user=user, action="changed", changes={"meetings": done})
    return meeting


@transaction.atomic
def consultation_meeting_delete(*, meeting: ConsultationMeeting, user: User | None) -> None:
    """Delete an open meeting and free its room."""
    meeting = (
        ConsultationMeeting.objects.select_for_update(of=("self",))
        .select_related("room_booking", "room", "consultation")
        .get(pk=meeting.pk)
    )
    consultation = _lock(meeting.consultation)
    meeting_room_release(
        meeting=meeting,
        user=user,
        reason=_("The open meeting has been cancelled."),
    )
    name = _meeting_name(meeting)
    meeting.delete()
    change_record(
        consultation, user=user, action="changed", changes={"meetings": rows_saved(deleted=[name])}
    )


# --- Positions and the report ------------------------------------------------------------


def position_refusal(remark: Remark) -> str | None:
    """Why the city's position on `remark` cannot be recorded now (None: it can)."""
    consultation = remark.consultation
    if consultation.status == PublicConsultation.Status.REPORT_PUBLISHED:
        return _("The report is published: withdraw it to correct the positions.")
    if consultation.status != PublicConsultation.Status.OPEN or not deadline_passed(consultation):
        return _("Positions are recorded after the deadline for remarks.")
    if remark.status != Remark.Status.ACTIVE:
        return _("The remark has been withdrawn.")
    return None


def position_errors(position: str, justification: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if position not in Remark.Position.values:
        errors["position"] = [_("Choose a position from the list.")]
    elif position in (Remark.Position.PARTLY, Remark.Position.REJECTED) and not justification:
        errors["position_justification"] = [
            _("Justify a position of partly accepted or not accepted.")
        ]
    if len(justification) > 10000:
        errors["position_justification"] = [_("At most 10,000 characters.")]
    return errors


@transaction.atomic
def remark_position_record(
    *, remark: Remark, user: User, position: str, justification: str
) -> Remark:
    """Record the city's position on a remark (after the deadline, before the
    report is published); partly accepted and not accepted need a justification."""
    remark = (
        Remark.objects.select_for_update(of=("self",))
        .select_related("consultation", "provision")
        .get(pk=remark.pk)
    )
    remark.consultation = _lock(remark.consultation)
    justification = (justification or "").replace("\x00", "").strip()
    position = position or ""
    problem = position_refusal(remark)
    if problem:
        raise ValidationError({"position": [problem]})
    errors = position_errors(position, justification)
    if errors:
        raise ValidationError(errors)
    before = snapshot(remark, POSITION_FIELDS)
    remark.position = position
    remark.position_justification = justification
    changes = changes_between(before, remark, POSITION_FIELDS)
    if changes:
        remark.save(update_fields=[*POSITION_FIELDS, "updated_at"])
        change_record(remark, user=user, action="position", changes=changes)
    return remark


def unanswered_remarks(consultation: PublicConsultation) -> list[Remark]:
    return list(
        Remark.objects.filter(
            consultation_id=consultation.pk,
            status=Remark.Status.ACTIVE,
            position=Remark.Position.NONE,
        )
        .select_related("provision")
        .order_by(F("provision__position").asc(nulls_first=True), "created_at", "pk")
    )


@transaction.atomic
def report_publish(*, consultation: PublicConsultation, user: User) -> PublicConsultation:
    """Publish the report: after the deadline, once every remark still sent has
    the city's position (refused otherwise, naming the remarks without one)."""
    consultation = _lock(consultation)
    if consultation.status != PublicConsultation.Status.OPEN:
        raise ValidationError(_("Only an announced consultation without a report can have one."))
    if not deadline_passed(consultation):
        raise ValidationError(_("The report is published after the deadline for remarks."))
    missing = unanswered_remarks(consultation)
    if missing:
        named = ", ".join(str(remark) for remark in missing[:NAMED_REMARKS])
        more = len(missing) - NAMED_REMARKS
        if more > 0:
            named += " " + (
                ngettext("and %(count)d more", "and %(count)d more", more) % {"count": more}
            )
        raise ValidationError(
            ngettext(
                "The report cannot be published: %(count)d remark has no position yet: "
                "%(remarks)s.",
                "The report cannot be published: %(count)d remarks have no position yet: "
                "%(remarks)s.",
                len(missing),
            )
            % {"count": len(missing), "remarks": named}
        )
    consultation.status = PublicConsultation.Status.REPORT_PUBLISHED
    consultation.report_published_at = timezone.now()
    consultation.save(update_fields=["status", "report_published_at", "updated_at"])
    change_record(
        consultation,
        user=user,
        action="report_published",
        changes={
            "status": [
                PublicConsultation.Status.OPEN,
                PublicConsultation.Status.REPORT_PUBLISHED,
            ]
        },
    )
    return consultation


@transaction.atomic
def report_withdraw(*, consultation: PublicConsultation, user: User) -> PublicConsultation:
    """Take a published report back for corrections: the consultation is closed
    again (announced, past its deadline) and its positions may be changed."""
    consultation = _lock(consultation)
    if consultation.status != PublicConsultation.Status.REPORT_PUBLISHED:
        raise ValidationError(_("The report of this consultation is not published."))
    consultation.status = PublicConsultation.Status.OPEN
    consultation.report_published_at = None
    consultation.save(update_fields=["status", "report_published_at", "updated_at"])
    change_record(
        consultation,
        user=user,
        action="report_withdrawn",
        changes={
            "status": [
                PublicConsultation.Status.REPORT_PUBLISHED,
                PublicConsultation.Status.OPEN,
            ]
        },
    )
    return consultation


# --- The report's figures ----------------------------------------------------------------


def report_figures(consultation: PublicConsultation) -> dict[str, Any]:
    """The report's figures, in one query: remarks still sent, the organisations
    that sent them (and whether residents did), and how many the city accepted,
    partly accepted and did not accept, with their shares of all remarks (percent,
    one decimal place)."""
    active = Remark.objects.filter(consultation_id=consultation.pk, status=Remark.Status.ACTIVE)
    figures = active.aggregate(
        remarks=Count("pk"),
        organizations=Count("organization_name", distinct=True, filter=~Q(organization_name="")),
        residents=Count("pk", filter=Q(organization_name="")),
        accepted=Count("pk", filter=Q(position=Remark.Position.ACCEPTED)),
        partly=Count("pk", filter=Q(position=Remark.Position.PARTLY)),
        rejected=Count("pk", filter=Q(position=Remark.Position.REJECTED)),
    )
    total = figures["remarks"]
    for name in ("accepted", "partly", "rejected"):
        figures[f"{name}_share"] = (
            (Decimal(100) * figures[name] / total).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if total
            else None
        )
    return figures
