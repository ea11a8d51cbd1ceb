"""Writes to trainings and registrations: the site, the admin and the commands all
call these.

Seats are never oversold: every write that gives or frees a seat first locks the
training's row (PostgreSQL: SELECT … FOR UPDATE; SQLite: the IMMEDIATE
transaction already serialises writers), then counts the registered people and
gives a seat or a place on the waiting list. Freeing a seat (or adding seats in
the admin) promotes the first people waiting (by `created_at`) in the same
transaction. Locks are always taken in the same order: the training, then its
registrations, then room bookings.

Publishing reserves the room of each session through `rooms.services.bookings` (the
centre's own use), all or nothing; cancelling a training (or moving a session)
releases them with `rooms.services.bookings.booking_release` (a line in the booking's
history, no e-mail: the people registered hear from this module). E-mails go out
after the commit, each with a calendar (ICS) file of the sessions, in the language
of the pages the person was registered on (`Registration.language`); how to join
an online training is only in e-mails to people with a seat.

Rules break as `ValidationError`: `{field: [messages]}` where a field of the
registration form is at fault (name, email, organization, reason), plain
messages otherwise (the training is cancelled, closed, …).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import (
    Aggregate,
    Count,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from consultations.ics import trainings as training_ics
from consultations.models import Registration, Training, TrainingSession, client_language
from cwop_portal.dates import DAY, local, start_of_day
from cwop_portal.emails import Delivery, send_email_now, send_email_on_commit
from cwop_portal.history import change_record
from organizations.models import Membership, Organization
from rooms.models import Booking, Resource
from rooms.services import bookings as room_services

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from cwop_portal.models import User

# A resident's confirmation link works this long; the link to see or cancel a
# registration has no time limit (it is useless once the training is over).
CONFIRM_MAX_AGE = datetime.timedelta(days=7)
SIGNING_SALT = "consultations.registration"
CONFIRM = "confirm"
MANAGE = "manage"
MAX_NAME_LENGTH = 200
MAX_EMAIL_LENGTH = 254


# --- Tokens --------------------------------------------------------------------------


def _signer(purpose: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"{SIGNING_SALT}.{purpose}")


def registration_token_make(registration: Registration, purpose: str = MANAGE) -> str:
    """A signed token for the links in e-mails: CONFIRM (the resident's e-mail
    confirmation, valid for CONFIRM_MAX_AGE) or MANAGE (see or cancel)."""
    return _signer(purpose).sign(str(registration.pk))


def registration_token_read(token: str | None, purpose: str = MANAGE) -> Registration | None:
    """The registration a token names, or None when it is tampered with, expired
    or names nothing (never an exception)."""
    max_age = CONFIRM_MAX_AGE if purpose == CONFIRM else None
    try:
        value = _signer(purpose).unsign(str(token or ""), max_age=max_age)
        pk = int(value)
    except (signing.BadSignature, ValueError):
        return None
    return Registration.objects.select_related("training", "organization").filter(pk=pk).first()


# --- Helpers ---------------------------------------------------------------------------


def session_label(session: TrainingSession) -> str:
    """ "Tuesday, 12 March 2030, 10:00–12:00" on the centre's clock."""
    start, end = local(session.start), local(session.end)
    if start.date() == end.date():
        return f"{date_format(start, 'l, j E Y')}, {start:%H:%M}–{end:%H:%M}"
    return f"{date_format(start, 'l, j E Y, H:i')} – {date_format(end, 'l, j E Y, H:i')}"


def _sessions(training: Training) -> list[TrainingSession]:
    return list(
        TrainingSession.objects.filter(training_id=training.pk)
        .select_related("room")
        .order_by("start", "pk")
    )


def first_start(training: Training) -> datetime.datetime | None:
    return TrainingSession.objects.filter(training_id=training.pk).aggregate(first=Min("start"))[
        "first"
    ]


def _lock_training(training: Training) -> Training:
    return Training.objects.select_for_update().get(pk=training.pk)


def _lock_registration(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("training", "organization")
        .get(pk=registration.pk)
    )


def seats_taken(training: Training) -> int:
    return Registration.objects.filter(
        training_id=training.pk, status=Registration.Status.REGISTERED
    ).count()


def waiting_list_position(registration: Registration) -> int | None:
    """1 for the first person waiting; None when not waiting."""
    if registration.status != Registration.Status.WAITING:
        return None
    ahead = (
        Registration.objects.filter(
            training_id=registration.training_id, status=Registration.Status.WAITING
        )
        .filter(
            Q(created_at__lt=registration.created_at)
            | Q(created_at=registration.created_at, pk__lt=registration.pk)
        )
        .count()
    )
    return ahead + 1


def registration_closed_reason(
    training: Training,
    *,
    now: datetime.datetime | None = None,
    starts: datetime.datetime | None = None,
) -> str | None:
    """Why nobody can register now (a message), or None while registration is open."""
    now = now or timezone.now()
    if training.status == Training.Status.CANCELLED:
        return _("This training has been cancelled.")
    if training.status != Training.Status.PUBLISHED:
        return _("Registration for this training is not open.")
    if now >= training.registration_deadline:
        return _("Registration closed on %(deadline)s.") % {
            "deadline": date_format(local(training.registration_deadline), "j E Y, H:i")
        }
    starts = starts if starts is not None else first_start(training)
    if starts is not None and now >= starts:
        return _("This training has already started.")
    return None


def _context(
    training: Training,
    sessions: list[TrainingSession],
    registration: Registration,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "training": training,
        "sessions": sessions,
        "registration": registration,
        "token": registration_token_make(registration, MANAGE),
        "show_online_details": (
            training.is_online
            and bool(training.online_details)
            and registration.status == Registration.Status.REGISTERED
        ),
        **extra,
    }


def _send_status_email(
    training: Training,
    registration: Registration,
    name: str,
    sessions: list[TrainingSession] | None = None,
    *,
    send: Callable[..., Delivery] = send_email_on_commit,
    **extra: Any,
) -> Delivery:
    """The letter about a registration's new status, with the calendar file, in the
    language of the pages of the registration (its links lead to those pages).
    Returns its `Delivery`; `send`: `send_email_now` for a reminder, marked only
    once it went out."""
    sessions = sessions if sessions is not None else _sessions(training)
    cancelled = registration.status == Registration.Status.CANCELLED
    return send(
        name,
        _context(training, sessions, registration, **extra),
        [registration.email],
        language=registration.language,
        attachments=[
            training_ics.registration_attachment(
                training, sessions, registration, cancelled=cancelled
            )
        ],
    )


def _give_place(training: Training, registration: Registration) -> None:
    """Registered if a seat is free, otherwise on the waiting list (training locked)."""
    if seats_taken(training) < training.capacity:
        registration.status = Registration.Status.REGISTERED
    else:
        registration.status = Registration.Status.WAITING


def _record_status(
    subject: Training | Registration,
    user: User | AnonymousUser | None,
    action: str,
    previous: str,
    note: str = "",
) -> None:
    """The training's or registration's history: `action` took its status from
    `previous` to the one it has now."""
    changes = {"status": [previous, subject.status]}
    change_record(subject, user=user, action=action, changes=changes, note=note)


def _fill_seats(
    training: Training,
    now: datetime.datetime,
    sessions: list[TrainingSession] | None = None,
) -> list[Registration]:
    """Promote the first people waiting (by created_at) while seats are free; the
    training's row is locked by the caller. Returns the promoted registrations."""
    free = training.capacity - seats_taken(training)
    if free <= 0:
        return []
    waiting = list(
        Registration.objects.select_for_update(of=("self",))
        .filter(training_id=training.pk, status=Registration.Status.WAITING)
        .order_by("created_at", "pk")[:free]
    )
    for registration in waiting:
        registration.status = Registration.Status.REGISTERED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        _record_status(registration, None, "promoted", Registration.Status.WAITING)
        _send_status_email(training, registration, "registration_promoted", sessions)
    return waiting


def _clean_person(name: str, email: str) -> tuple[str, str, dict[str, list[str]]]:
    errors = {}
    name = " ".join((name or "").split())
    email = (email or "").strip().lower()
    if not name:
        errors["name"] = [_("Give the name of this person.")]
    elif len(name) > MAX_NAME_LENGTH:
        errors["name"] = [
            _("The name is too long (at most %(count)s characters).") % {"count": MAX_NAME_LENGTH}
        ]
    try:
        if len(email) > MAX_EMAIL_LENGTH:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid e-mail address.")]
    return name, email, errors


def _is_member(user: User, organization: Organization) -> bool:
    return organization.memberships.filter(user=user, status=Membership.Status.ACTIVE).exists()


def _account(user: User | AnonymousUser | None) -> User | None:
    """The signed-in account behind `user`; None for nobody or an anonymous visitor."""
    return user if user is not None and user.is_authenticated else None


def _account_email(user: User | AnonymousUser | None) -> str:
    return (getattr(user, "email", "") or "").strip().lower()


def _already_registered(email: str) -> str:
    return _("%(email)s is already registered for this training.") % {"email": email}


# --- Publishing and cancelling a training ------------------------------------------------


def _conflict_note(session: TrainingSession) -> str:
    """What holds the session's room at its time (for the staff's message)."""
    taken = (
        Booking.objects.active()
        .filter(resource_id=session.room_id)
        .overlapping(session.start, session.end)
        .select_related("organization")
        .order_by("start")
        .first()
    )
    if taken is None:
        return ""
    start, end = local(taken.start), local(taken.end)
    return _("The room is booked %(start)s–%(end)s for “%(title)s” (%(who)s).") % {
        "start": f"{start:%H:%M}",
        "end": f"{end:%H:%M}",
        "title": taken.title,
        "who": taken.organization.name if taken.organization else _("the centre's own use"),
    }


def _reserve_room(
    session: TrainingSession, room: Resource, training: Training, user: User
) -> Booking:
    """Book the session's room for the centre (returns the booking); raises the
    rooms service's ValidationError when the room cannot be booked then."""
    current = session.room_booking
    if (
        current is not None
        and current.is_active
        and current.resource_id == session.room_id
        and current.start == session.start
        and current.end == session.end
    ):
        return current
    if current is not None and current.is_active and current.end > timezone.now():
        # Freed first, so that the session may move within its own old time; if the
        # new time cannot be booked, the caller's transaction undoes this too.
        room_services.booking_release(
            booking=current, user=user, reason=_("The training session has moved.")
        )
    return room_services.booking_create(
        resource=room,
        organization=None,
        user=user,
        start=session.start,
        end=session.end,
        title=_("Training: %(title)s") % {"title": training.title_pl},
        attendees=min(training.capacity, room.capacity),
        by_staff=True,
        notify=False,
    )


@transaction.atomic
def training_publish(*, training: Training, user: User) -> Training:
    """A draft with at least one session becomes published; the room of every
    session is reserved, all or nothing. A conflict raises ValidationError naming
    each session that cannot have its room, and why."""
    training = _lock_training(training)
    if training.status != Training.Status.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    sessions = list(
        TrainingSession.objects.select_for_update(of=("self",))
        .filter(training_id=training.pk)
        .select_related("room", "room_booking")
        .order_by("start", "pk")
    )
    if not sessions:
        raise ValidationError(_("Add at least one session (date and time) before publishing."))
    problems = []
    for session in sessions:
        label = session_label(session)
        room = session.room
        if room is None:
            if not training.is_online and not training.place.strip():
                problems.append(
                    _("Session %(session)s: choose a room, give the place or mark it online.")
                    % {"session": label}
                )
            continue
        try:
            booking = _reserve_room(session, room, training, user)
        except ValidationError as error:
            details = " ".join(error.messages)
            note = _conflict_note(session)
            problems.append(
                _("Session %(session)s (%(room)s): %(problem)s")
                % {
                    "session": label,
                    "room": room.name,
                    "problem": f"{details} {note}".strip(),
                }
            )
            continue
        if session.room_booking_id != booking.pk:
            session.room_booking = booking
            session.save(update_fields=["room_booking"])
    if problems:
        # Raising undoes the bookings made above: nothing is reserved or published.
        raise ValidationError([_("The training was not published.")] + problems)
    training.status = Training.Status.PUBLISHED
    training.save(update_fields=["status", "updated_at"])
    _record_status(training, user, "published", Training.Status.DRAFT)
    return training


@transaction.atomic
def training_cancel(*, training: Training, user: User, reason: str) -> Training:
    """Cancel a training: its future room bookings are cancelled and every active
    registrant gets an e-mail with the reason (and a calendar file that removes it),
    except those who never confirmed their address: their confirmation e-mail
    promised not to write again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the cancellation.")]})
    training = _lock_training(training)
    if training.status == Training.Status.CANCELLED:
        raise ValidationError(_("This training is already cancelled."))
    now = timezone.now()
    previous = training.status
    training.status = Training.Status.CANCELLED
    training.cancellation_reason = reason
    training.save(update_fields=["status", "cancellation_reason", "updated_at"])
    _record_status(training, user, "cancelled", previous, note=reason)
    sessions = _sessions(training)
    for session in (
        TrainingSession.objects.filter(training_id=training.pk, room_booking__isnull=False)
        .select_related("room_booking")
        .order_by("start")
    ):
        booking = session.room_booking
        if booking is not None and booking.is_active and booking.end > now:
            # The centre's own booking: released (history, no e-mail); the people
            # registered hear from this service below.
            room_services.booking_release(
                booking=booking,
                user=user,
                reason=_("Training cancelled: %(reason)s") % {"reason": reason},
                now=now,
            )
    registrations = list(
        Registration.objects.select_for_update(of=("self",))
        .filter(training_id=training.pk, status__in=Registration.ACTIVE_STATUSES)
        .order_by("created_at", "pk")
    )
    for registration in registrations:
        previous = registration.status
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        _record_status(registration, user, "cancelled", previous, note=reason)
        if previous != Registration.Status.UNCONFIRMED:
            _send_status_email(
                training, registration, "training_cancelled", sessions, reason=reason
            )
    return training


def capacity_refusal(training: Training, capacity: int | None) -> str | None:
    """Why a saved training cannot have `capacity` seats (a message), or None: never
    fewer seats than people registered (nobody loses a seat given to them)."""
    if capacity is None or capacity < 1:
        return _("A training has at least one seat.")
    if training.pk is None:
        return None
    taken = seats_taken(training)
    if capacity < taken:
        return _(
            "Seats taken: %(count)s. The training cannot have fewer seats than people registered."
        ) % {"count": taken}
    return None


@transaction.atomic
def training_capacity_change(
    *,
    training: Training,
    capacity: int,
    user: User | None = None,
    now: datetime.datetime | None = None,
) -> tuple[Training, list[Registration]]:
    """Give a training `capacity` seats (the admin). Fewer seats than the people
    registered are refused (ValidationError on "capacity"). New seats of a
    published training that has not started go at once to the first people
    waiting (by `created_at`), each e-mailed as when a seat is freed. Returns
    (the training, the registrations promoted)."""
    now = now or timezone.now()
    training = _lock_training(training)
    problem = capacity_refusal(training, capacity)
    if problem:
        raise ValidationError({"capacity": [problem]})
    if capacity == training.capacity:
        return training, []
    change_record(
        training, user=user, action="capacity", changes={"capacity": [training.capacity, capacity]}
    )
    training.capacity = capacity
    training.save(update_fields=["capacity", "updated_at"])
    promoted = []
    if training.status == Training.Status.PUBLISHED:
        starts = first_start(training)
        if starts is None or now < starts:
            promoted = _fill_seats(training, now)
    return training, promoted


# --- Registrations -----------------------------------------------------------------------


@transaction.atomic
def registration_create(
    *,
    training: Training,
    name: str,
    email: str,
    user: User | AnonymousUser | None = None,
    organization: Organization | None = None,
    language: str | None = None,
    now: datetime.datetime | None = None,
) -> Registration:
    """Register one person for a training.

    A signed-in member registering for one of their organisations (themselves or a
    colleague), or a signed-in person registering their own account's address, is
    registered (or put on the waiting list) at once. Anybody else gets an
    unconfirmed registration and an e-mail with the confirmation link; the seat is
    given on confirming. `language`: of the pages the registration is made on (the
    active one); the e-mails to the person are written in it.
    """
    now = now or timezone.now()
    name, email, errors = _clean_person(name, email)
    account = _account(user)
    if organization is not None:
        if account is None:
            errors["organization"] = [_("Log in to register people for an organisation.")]
        elif organization.status != Organization.Status.PUBLISHED or not (
            account.is_staff or _is_member(account, organization)
        ):
            errors["organization"] = [
                _("You can register people only for a published organisation you are a member of.")
            ]
    if errors:
        raise ValidationError(errors)
    training = _lock_training(training)
    closed = registration_closed_reason(training, now=now)
    if closed:
        raise ValidationError(closed)
    vouched = organization is not None or (account is not None and email == _account_email(account))
    existing = (
        Registration.objects.select_for_update(of=("self",))
        .filter(training_id=training.pk, email=email, status__in=Registration.ACTIVE_STATUSES)
        .first()
    )
    if existing is not None and existing.status != Registration.Status.UNCONFIRMED:
        raise ValidationError({"email": [_already_registered(email)]})
    if existing is not None:
        # Waiting for the e-mail confirmation: a second try sends a new link, and a
        # member or the account's owner confirms it at once.
        registration = existing
        registration.name = name
        if language is not None:
            registration.language = client_language(language)
        if organization is not None:
            registration.organization = organization
        if account is not None:
            registration.registered_by = account
    else:
        registration = Registration(
            training=training,
            name=name,
            email=email,
            organization=organization,
            registered_by=account,
            status=Registration.Status.UNCONFIRMED,
            language=client_language(language),
            created_at=now,
        )
    if not vouched:
        _save_new_or_existing(registration, email)
        change_record(
            registration, user=user, action="registered", changes={"status": "unconfirmed"}
        )
        send_email_on_commit(
            "registration_confirm",
            {
                "training": training,
                "sessions": _sessions(training),
                "registration": registration,
                "confirm_token": registration_token_make(registration, CONFIRM),
                "confirm_days": CONFIRM_MAX_AGE.days,
            },
            [email],
            language=registration.language,
        )
        return registration
    _fill_seats(training, now)
    _give_place(training, registration)
    registration.confirmed_at = now
    _save_new_or_existing(registration, email)
    change_record(
        registration, user=user, action="registered", changes={"status": registration.status}
    )
    _send_status_email(
        training,
        registration,
        (
            "registration_registered"
            if registration.status == Registration.Status.REGISTERED
            else "registration_waiting"
        ),
        position=waiting_list_position(registration),
    )
    return registration


def _save_new_or_existing(registration: Registration, email: str) -> None:
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:
        if "one_active_registration_per_email" in str(exc) or "UNIQUE" in str(exc).upper():
            raise ValidationError({"email": [_already_registered(email)]}) from exc
        raise


@transaction.atomic
def registration_confirm_email(
    *, registration: Registration, now: datetime.datetime | None = None
) -> Registration:
    """The resident clicked the link: a seat if one is free, otherwise the waiting
    list. Confirming again changes nothing."""
    now = now or timezone.now()
    training = _lock_training(registration.training)
    registration = _lock_registration(registration)
    if registration.status in (Registration.Status.REGISTERED, Registration.Status.WAITING):
        return registration
    if registration.status == Registration.Status.CANCELLED:
        raise ValidationError(_("This registration has been cancelled."))
    closed = registration_closed_reason(training, now=now)
    if closed:
        raise ValidationError(closed)
    _fill_seats(training, now)
    previous = registration.status
    _give_place(training, registration)
    registration.confirmed_at = now
    registration.save(update_fields=["status", "confirmed_at"])
    _record_status(registration, None, "confirmed", previous)
    _send_status_email(
        training,
        registration,
        (
            "registration_registered"
            if registration.status == Registration.Status.REGISTERED
            else "registration_waiting"
        ),
        position=waiting_list_position(registration),
    )
    return registration


def can_cancel_registration(
    registration: Registration,
    *,
    now: datetime.datetime | None = None,
    starts: datetime.datetime | None = None,
) -> bool:
    """Whether the person (by the link) may still cancel: active, and the training
    has not started."""
    if registration.status not in Registration.ACTIVE_STATUSES:
        return False
    if registration.training.status != Training.Status.PUBLISHED:
        return False
    now = now or timezone.now()
    starts = starts if starts is not None else first_start(registration.training)
    return starts is None or now < starts


@transaction.atomic
def registration_cancel(
    *,
    registration: Registration,
    user: User | AnonymousUser | None = None,
    by_link: bool = False,
    now: datetime.datetime | None = None,
) -> Registration:
    """Cancel a registration: by its link (the person), by staff, or by the member
    who made it or a member of its organisation. A freed seat goes to the first
    person waiting, who gets an e-mail, in the same transaction. The person is
    e-mailed unless they never confirmed their address (the confirmation e-mail
    promised not to write again)."""
    now = now or timezone.now()
    training = _lock_training(registration.training)
    registration = _lock_registration(registration)
    account = _account(user)
    is_staff = account is not None and account.is_staff
    allowed = (
        by_link
        or is_staff
        or (account is not None and registration.registered_by_id == account.pk)
        or (
            account is not None
            and registration.organization is not None
            and _is_member(account, registration.organization)
        )
    )
    if not allowed:
        raise PermissionDenied
    if registration.status == Registration.Status.CANCELLED:
        raise ValidationError(_("This registration is already cancelled."))
    if training.status == Training.Status.CANCELLED:
        raise ValidationError(_("This training has been cancelled."))
    registration.training = training
    starts = first_start(training)
    if not is_staff and not can_cancel_registration(registration, now=now, starts=starts):
        raise ValidationError(
            _("The training has already started: please write or call the centre.")
        )
    previous = registration.status
    held_seat = previous == Registration.Status.REGISTERED
    confirmed = previous != Registration.Status.UNCONFIRMED
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    _record_status(registration, user, "cancelled", previous)
    sessions = _sessions(training)
    if confirmed:
        _send_status_email(training, registration, "registration_cancelled", sessions)
    if (
        held_seat
        and training.status == Training.Status.PUBLISHED
        and (starts is None or now < starts)
    ):
        _fill_seats(training, now, sessions)
    return registration


@transaction.atomic
def registration_mark_attendance(
    *, registration: Registration, attended: bool | None, user: User | AnonymousUser | None
) -> Registration:
    """Staff mark whether a registered person came (None: not known)."""
    if user is None or not user.is_authenticated or not user.is_staff:
        raise PermissionDenied
    if attended not in (True, False, None):
        raise ValidationError({"attended": [_("Choose whether the person came.")]})
    registration = _lock_registration(registration)
    if registration.status != Registration.Status.REGISTERED:
        raise ValidationError(_("Attendance is marked for registered people only."))
    starts = first_start(registration.training)
    if starts is None or timezone.now() < starts:
        raise ValidationError(_("The training has not started yet."))
    changes = {"attended": [registration.attended, attended]}
    registration.attended = attended
    registration.save(update_fields=["attended"])
    if changes["attended"][0] != attended:
        change_record(registration, user=user, action="attendance", changes=changes)
    return registration


def training_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """E-mail registered people the day before a training's first session
    (tomorrow on the centre's clock), once each; returns how many were sent. The
    registration's row stays locked while its reminder is sent, and is marked only
    when the mail went out: a failed one is tried again by the next run, and a run
    that stops between the mail and the commit sends it once more (a duplicate
    rather than a lost reminder)."""
    now = now or timezone.now()
    tomorrow = local(now).date() + DAY
    window_start, window_end = start_of_day(tomorrow), start_of_day(tomorrow + DAY)
    trainings = list(
        Training.objects.filter(status=Training.Status.PUBLISHED)
        .annotate(first=Min("sessions__start"))
        .filter(first__gte=window_start, first__lt=window_end)
    )
    sent = 0
    for training in trainings:
        sessions = _sessions(training)
        pks = list(
            Registration.objects.filter(
                training_id=training.pk,
                status=Registration.Status.REGISTERED,
                reminder_sent_at__isnull=True,
            ).values_list("pk", flat=True)
        )
        for pk in pks:
            with transaction.atomic():
                registration = (
                    Registration.objects.select_for_update(of=("self",))
                    .filter(
                        pk=pk,
                        status=Registration.Status.REGISTERED,
                        reminder_sent_at__isnull=True,
                    )
                    .first()
                )
                if registration is None:
                    continue
                delivery = _send_status_email(
                    training, registration, "registration_reminder", sessions, send=send_email_now
                )
                if delivery.failed:
                    continue
                registration.reminder_sent_at = now
                registration.save(update_fields=["reminder_sent_at"])
                sent += delivery.sent
    return sent


# --- Reads for the pages -----------------------------------------------------------------


def _per_training(
    queryset: QuerySet[TrainingSession] | QuerySet[Registration],
    field: str,
    aggregate: type[Aggregate],
) -> Subquery:
    return Subquery(
        queryset.filter(training=OuterRef("pk"))
        .order_by()
        .values("training")
        .annotate(value=aggregate(field))
        .values("value")[:1]
    )


class TrainingFacts(TypedDict):
    """What `trainings_with_facts` annotates on each training."""

    first_start: datetime.datetime | None
    last_end: datetime.datetime | None
    registered_count: int
    waiting_count: int


def trainings_with_facts() -> QuerySet[WithAnnotations[Training, TrainingFacts]]:
    """Trainings with `first_start`, `last_end`, `registered_count` and
    `waiting_count` annotated (one query, whatever the number of rows)."""
    registrations = Registration.objects.all()
    return Training.objects.annotate(
        first_start=_per_training(TrainingSession.objects.all(), "start", Min),
        last_end=_per_training(TrainingSession.objects.all(), "end", Max),
        registered_count=Coalesce(
            _per_training(registrations.filter(status=Registration.Status.REGISTERED), "pk", Count),
            0,
        ),
        waiting_count=Coalesce(
            _per_training(registrations.filter(status=Registration.Status.WAITING), "pk", Count),
            0,
        ),
    )


def upcoming_trainings(
    *, now: datetime.datetime | None = None, include_cancelled: bool = False
) -> QuerySet[WithAnnotations[Training, TrainingFacts]]:
    """Published trainings that are not over yet, the soonest first, with their
    sessions (and rooms) prefetched."""
    now = now or timezone.now()
    statuses = [Training.Status.PUBLISHED]
    if include_cancelled:
        statuses.append(Training.Status.CANCELLED)
    return (
        trainings_with_facts()
        .filter(status__in=statuses, last_end__gt=now)
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=TrainingSession.objects.select_related("room").order_by("start", "pk"),
            )
        )
        .order_by("first_start", "pk")
    )
