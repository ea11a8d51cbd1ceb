"""Circulation: lending, returning, renewing and the holds queue.

The site (readers renew and reserve), the admin, the staff desk and the
commands all call these functions; nothing else writes loans or holds or
changes a copy's status. Each function runs in one transaction and locks what
it changes first (PostgreSQL: SELECT … FOR UPDATE; SQLite serialises writers
anyway): the copy for lending and returning, the book for its holds queue, the
borrower's user row for their loan limit. The database adds its own guards: one
active loan per copy, one active hold per reader and title, one ready hold per
copy (library/models.py).

A copy's status follows its loans and holds: ON_LOAN while a loan is active,
HELD while a READY hold has set it aside, AVAILABLE otherwise, WITHDRAWN only
by staff. When a copy comes back (or a held copy is released) it goes to the
first reader waiting for the title, who gets an e-mail and
`LibrarySettings.hold_pickup_days` days to collect it.

Rules break as `ValidationError({field: message})`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cwop_portal.dates import format_date
from cwop_portal.emails import Delivery, send_email_now, send_email_on_commit
from cwop_portal.history import change_record
from library.models import Author, Book, Copy, Hold, LibrarySettings, Loan, Subject
from organizations.models import Organization

if TYPE_CHECKING:
    from cwop_portal.models import User

# What the catalogue's vocabulary admin edits.
CatalogueEntry = Subject | Author


def _today(now: datetime.datetime) -> datetime.date:
    return timezone.localdate(now)


# --- who may act -------------------------------------------------------------


def bookable_organizations(user: User) -> QuerySet[Organization]:
    """The published organisations `user` may borrow or reserve for (as a member)."""
    return Organization.objects.published().managed_by(user).order_by("name")


def user_can_borrow_for(user: User, organization: Organization) -> bool:
    return bookable_organizations(user).filter(pk=organization.pk).exists()


def _check_reader(user: User | None, organization: Organization | None, field: str) -> None:
    if user is None or not user.is_active:
        raise ValidationError({field: _("This account is not active.")})
    if organization is not None and not user_can_borrow_for(user, organization):
        raise ValidationError(
            {
                "organization": _("%(person)s is not an active member of %(organization)s.")
                % {"person": user.get_full_name() or user.email, "organization": organization}
            }
        )


# --- finding and locking -----------------------------------------------------


def find_copy(inventory_number: str | None) -> Copy:
    """The copy with this inventory number (spaces around and letter case ignored)."""
    number = " ".join((inventory_number or "").split())
    if not number:
        raise ValidationError({"inventory_number": _("Type the inventory number.")})
    copy = Copy.objects.select_related("book").filter(inventory_number__iexact=number).first()
    if copy is None:
        raise ValidationError(
            {
                "inventory_number": _("There is no copy with the inventory number “%(number)s”.")
                % {"number": number}
            }
        )
    return copy


def _lock_copy(copy: Copy) -> Copy:
    return Copy.objects.select_for_update().select_related("book").get(pk=copy.pk)


def _lock_book(book: Book) -> Book:
    return Book.objects.select_for_update().get(pk=book.pk)


def _lock_user(user: User) -> User:
    return get_user_model().objects.select_for_update().get(pk=user.pk)


def _active_loan(copy: Copy) -> Loan | None:
    return (
        Loan.objects.select_for_update(of=("self",))
        .select_related("borrower", "organization")
        .filter(copy=copy, returned_at__isnull=True)
        .first()
    )


def _ready_hold(copy: Copy) -> Hold | None:
    return (
        Hold.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(copy=copy, status=Hold.Status.READY)
        .first()
    )


# --- e-mails -----------------------------------------------------------------


def _mail_hold_ready(hold: Hold) -> None:
    send_email_on_commit(
        "library_hold_ready",
        {"hold": hold, "book": hold.book, "copy": hold.copy, "expires_on": hold.expires_on},
        [hold.user.email],
    )


def _mail_loan(
    name: str,
    loan: Loan,
    *,
    send: Callable[..., Delivery] = send_email_on_commit,
    **extra: Any,
) -> Delivery:
    """The letter to the borrower about a loan; returns its `Delivery`. `send`:
    `send_email_now` for a reminder, marked only once it went out."""
    if loan.borrower is None:
        return Delivery(name, [])
    return send(
        name,
        {"loan": loan, "book": loan.copy.book, "copy": loan.copy, **extra},
        [loan.borrower.email],
    )


# --- the holds queue ---------------------------------------------------------


def _serve_queue(
    copy: Copy, *, now: datetime.datetime, settings: LibrarySettings | None = None
) -> Hold | None:
    """Set the (locked, free) copy aside for the first reader waiting for its title,
    or put it back on the shelf. Returns the hold that became READY, or None."""
    settings = settings or LibrarySettings.load()
    _lock_book(copy.book)
    hold = (
        Hold.objects.select_for_update(of=("self",))
        .select_related("user", "book")
        .filter(book=copy.book_id, status=Hold.Status.WAITING, user__is_active=True)
        .order_by("created_at", "pk")
        .first()
    )
    if hold is None:
        copy.status = Copy.Status.AVAILABLE
        copy.save(update_fields=["status"])
        return None
    copy.status = Copy.Status.HELD
    copy.save(update_fields=["status"])
    hold.status = Hold.Status.READY
    hold.copy = copy
    hold.ready_at = now
    hold.expires_on = _today(now) + datetime.timedelta(days=settings.hold_pickup_days)
    hold.save(update_fields=["status", "copy", "ready_at", "expires_on"])
    _mail_hold_ready(hold)
    return hold


def queue_position(hold: Hold) -> int:
    """1 for the first reader waiting for the title (only for WAITING holds)."""
    return (
        Hold.objects.filter(book=hold.book_id, status=Hold.Status.WAITING)
        .filter(Q(created_at__lt=hold.created_at) | Q(created_at=hold.created_at, pk__lt=hold.pk))
        .count()
        + 1
    )


def hold_place(
    *,
    book: Book,
    user: User | AnonymousUser,
    organization: Organization | None = None,
    now: datetime.datetime | None = None,
) -> Hold:
    """Reserve a title for `user`: a free copy is set aside at once, otherwise the
    reader joins the queue."""
    now = now or timezone.now()
    settings = LibrarySettings.load()
    if not user.is_authenticated:
        raise ValidationError({"book": _("Log in to reserve a book.")})
    _check_reader(user, organization, "book")
    try:
        with transaction.atomic():
            book = _lock_book(book)
            copies = Copy.objects.filter(book=book).exclude(status=Copy.Status.WITHDRAWN)
            if not copies.exists():
                raise ValidationError({"book": _("The library has no copy of this book to lend.")})
            if Hold.objects.active().filter(book=book, user=user).exists():
                raise ValidationError({"book": _("You have already reserved this book.")})
            if Loan.objects.active().filter(copy__book=book, borrower=user).exists():
                raise ValidationError({"book": _("You already have this book on loan.")})
            _lock_user(user)
            active = Hold.objects.active().filter(user=user).count()
            if active >= settings.max_active_holds:
                raise ValidationError(
                    {
                        "book": ngettext(
                            "You may have %(limit)d reservation at a time.",
                            "You may have %(limit)d reservations at a time.",
                            settings.max_active_holds,
                        )
                        % {"limit": settings.max_active_holds}
                    }
                )
            hold = Hold.objects.create(
                book=book, user=user, organization=organization, created_at=now
            )
            # A free copy goes to the first reader in the queue: this one, unless
            # others were waiting already (then there is no free copy anyway).
            free = (
                Copy.objects.select_for_update()
                .filter(book=book, status=Copy.Status.AVAILABLE)
                .order_by("inventory_number")
                .first()
            )
            if free is not None:
                free.book = book
                _serve_queue(free, now=now, settings=settings)
                hold.refresh_from_db()
    except IntegrityError as exc:
        raise ValidationError({"book": _("You have already reserved this book.")}) from exc
    return hold


def _release(copy: Copy, *, now: datetime.datetime) -> Hold | None:
    """A held copy whose hold ended: to the next reader or back on the shelf."""
    if copy.status == Copy.Status.HELD:
        return _serve_queue(copy, now=now)
    return None


def hold_cancel(*, hold: Hold, by: User | None, now: datetime.datetime | None = None) -> Hold:
    now = now or timezone.now()
    with transaction.atomic():
        _lock_book(hold.book)
        hold = Hold.objects.select_for_update(of=("self",)).select_related("book").get(pk=hold.pk)
        if hold.status not in Hold.ACTIVE_STATUSES:
            raise ValidationError({"hold": _("This reservation has already ended.")})
        copy = hold.copy
        hold.status = Hold.Status.CANCELLED
        hold.closed_at = now
        hold.save(update_fields=["status", "closed_at"])
        if copy is not None and copy.status == Copy.Status.HELD:
            _release(_lock_copy(copy), now=now)
    return hold


def holds_expire(*, now: datetime.datetime | None = None) -> int:
    """READY holds not collected by their date expire; their copies pass on."""
    now = now or timezone.now()
    today = _today(now)
    expired = 0
    due = Hold.objects.filter(status=Hold.Status.READY, expires_on__lt=today).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            hold = (
                Hold.objects.select_for_update(of=("self",))
                .select_related("book", "copy", "user")
                .filter(pk=pk, status=Hold.Status.READY, expires_on__lt=today)
                .first()
            )
            if hold is None:
                continue
            _lock_book(hold.book)
            hold.status = Hold.Status.EXPIRED
            hold.closed_at = now
            hold.save(update_fields=["status", "closed_at"])
            send_email_on_commit(
                "library_hold_expired", {"hold": hold, "book": hold.book}, [hold.user.email]
            )
            if hold.copy_id:
                _release(_lock_copy(hold.copy), now=now)
            expired += 1
    return expired


# --- loans -------------------------------------------------------------------


def copy_lend(
    *,
    copy: Copy,
    borrower: User | None,
    organization: Organization | None = None,
    by: User | AnonymousUser | None,
    now: datetime.datetime | None = None,
) -> Loan:
    """Lend `copy` to `borrower` (for themselves or on behalf of `organization`)."""
    now = now or timezone.now()
    settings = LibrarySettings.load()
    if borrower is None:
        raise ValidationError({"borrower": _("Choose the reader.")})
    _check_reader(borrower, organization, "borrower")
    try:
        with transaction.atomic():
            copy = _lock_copy(copy)
            if copy.status == Copy.Status.WITHDRAWN:
                raise ValidationError({"copy": _("This copy is withdrawn from circulation.")})
            if copy.status == Copy.Status.ON_LOAN or _active_loan(copy) is not None:
                raise ValidationError({"copy": _("This copy is already on loan.")})
            hold = _ready_hold(copy) if copy.status == Copy.Status.HELD else None
            if hold is not None and hold.user_id != borrower.pk:
                raise ValidationError(
                    {
                        "copy": _("This copy is set aside for another reader until %(date)s.")
                        % {"date": format_date(hold.expires_on) if hold.expires_on else "—"}
                    }
                )
            _lock_user(borrower)
            active = Loan.objects.active().filter(borrower=borrower).count()
            if active >= settings.max_active_loans:
                raise ValidationError(
                    {
                        "borrower": ngettext(
                            "%(person)s already has %(count)d book on loan, the limit.",
                            "%(person)s already has %(count)d books on loan, the limit.",
                            active,
                        )
                        % {"person": borrower.get_full_name() or borrower.email, "count": active}
                    }
                )
            if hold is None:
                # The reader may also have a WAITING hold for this title: it is served now.
                hold = (
                    Hold.objects.select_for_update(of=("self",))
                    .filter(book=copy.book_id, user=borrower, status=Hold.Status.WAITING)
                    .first()
                )
            loan = Loan.objects.create(
                copy=copy,
                borrower=borrower,
                organization=organization or (hold.organization if hold else None),
                lent_at=now,
                due_on=settings.due_date(_today(now)),
                lent_by=by if by is not None and by.is_authenticated else None,
            )
            if hold is not None:
                hold.status = Hold.Status.COLLECTED
                hold.closed_at = now
                hold.save(update_fields=["status", "closed_at"])
            copy.status = Copy.Status.ON_LOAN
            copy.save(update_fields=["status"])
            _mail_loan("library_loan_receipt", loan)
    except IntegrityError as exc:
        raise ValidationError({"copy": _("This copy is already on loan.")}) from exc
    return loan


def copy_return(
    *, copy: Copy, by: User | AnonymousUser | None, now: datetime.datetime | None = None
) -> tuple[Loan, Hold | None]:
    """Close the copy's active loan; the copy goes to the first reader waiting."""
    now = now or timezone.now()
    with transaction.atomic():
        copy = _lock_copy(copy)
        loan = _active_loan(copy)
        if loan is None:
            raise ValidationError({"copy": _("This copy is not on loan.")})
        loan.returned_at = max(now, loan.lent_at)
        loan.returned_to = by if by is not None and by.is_authenticated else None
        loan.save(update_fields=["returned_at", "returned_to"])
        hold = _serve_queue(copy, now=now)
    return loan, hold


def waiting_count(book: Book | int) -> int:
    return Hold.objects.filter(book=book, status=Hold.Status.WAITING).count()


def can_renew(
    loan: Loan,
    *,
    user: User | None = None,
    settings: LibrarySettings | None = None,
    waiting: int | None = None,
) -> tuple[bool, str]:
    """(True, "") or (False, the reason in words). `waiting`: readers waiting for the
    title, when the caller already counted them (lists)."""
    settings = settings or LibrarySettings.load()
    if loan.returned_at is not None:
        return False, _("This book has been returned.")
    if user is not None and not user.is_staff and loan.borrower_id != user.pk:
        return False, _("Only the reader who borrowed the book may renew it.")
    if loan.renewals >= settings.max_renewals:
        return False, _("The loan has been renewed as many times as the rules allow.")
    if waiting is None:
        waiting = waiting_count(loan.copy.book_id)
    if waiting:
        return False, _("Another reader is waiting for this book.")
    return True, ""


def loan_renew(*, loan: Loan, by: User | None, now: datetime.datetime | None = None) -> Loan:
    """Extend an active loan by the loan length, counted from today (never shortened)."""
    now = now or timezone.now()
    settings = LibrarySettings.load()
    with transaction.atomic():
        copy = _lock_copy(loan.copy)
        _lock_book(copy.book)
        loan = Loan.objects.select_for_update(of=("self",)).select_related("copy").get(pk=loan.pk)
        allowed, reason = can_renew(loan, user=by, settings=settings)
        if not allowed:
            raise ValidationError({"loan": reason})
        loan.due_on = max(loan.due_on, settings.due_date(_today(now)))
        loan.renewals += 1
        loan.due_reminder_sent_at = None
        loan.overdue_reminder_sent_on = None
        loan.save(
            update_fields=["due_on", "renewals", "due_reminder_sent_at", "overdue_reminder_sent_on"]
        )
        _mail_loan("library_loan_renewed", loan)
    return loan


# --- copies --------------------------------------------------------------------


def copy_withdraw(*, copy: Copy, by: User, reason: str = "") -> Copy:
    """Take a copy out of circulation (only when it is not lent or set aside)."""
    with transaction.atomic():
        copy = _lock_copy(copy)
        if copy.status == Copy.Status.ON_LOAN:
            raise ValidationError({"copy": _("Return the copy before withdrawing it.")})
        if copy.status == Copy.Status.HELD:
            raise ValidationError(
                {"copy": _("The copy is set aside for a reader: cancel the reservation first.")}
            )
        changes = {"status": [copy.status, Copy.Status.WITHDRAWN]}
        copy.status = Copy.Status.WITHDRAWN
        if reason:
            copy.notes = (copy.notes + "\n" if copy.notes else "") + reason
        copy.save(update_fields=["status", "notes"])
        change_record(copy, user=by, action="withdrawn", changes=changes, note=reason)
    return copy


def copy_restore(*, copy: Copy, by: User, now: datetime.datetime | None = None) -> Copy:
    """Put a withdrawn copy back into circulation (to a waiting reader first)."""
    now = now or timezone.now()
    with transaction.atomic():
        copy = _lock_copy(copy)
        if copy.status != Copy.Status.WITHDRAWN:
            raise ValidationError({"copy": _("This copy is not withdrawn.")})
        _serve_queue(copy, now=now)
        changes = {"status": [Copy.Status.WITHDRAWN, copy.status]}
        change_record(copy, user=by, action="restored", changes=changes)
    return copy


# --- what the pages show ---------------------------------------------------------


@dataclass(frozen=True)
class Availability:
    total: int = 0  # copies that are not withdrawn
    available: int = 0
    next_due_on: datetime.date | None = None
    waiting: int = 0  # readers waiting in the queue

    @property
    def lendable(self) -> bool:
        return self.total > 0


def availability(books: Iterable[Book | int]) -> dict[int, Availability]:
    """Per book pk, an `Availability`: three queries whatever the number of books."""
    pks = [b.pk if hasattr(b, "pk") else b for b in books]
    result = {pk: Availability() for pk in pks}
    if not pks:
        return result
    counts = (
        Copy.objects.filter(book__in=pks)
        .exclude(status=Copy.Status.WITHDRAWN)
        .values("book")
        .annotate(total=Count("pk"), available=Count("pk", filter=Q(status=Copy.Status.AVAILABLE)))
    )
    due = dict(
        Loan.objects.filter(copy__book__in=pks, returned_at__isnull=True)
        .values("copy__book")
        .annotate(first=Min("due_on"))
        .values_list("copy__book", "first")
    )
    waiting = dict(
        Hold.objects.filter(book__in=pks, status=Hold.Status.WAITING)
        .values("book")
        .annotate(n=Count("pk"))
        .values_list("book", "n")
    )
    for row in counts:
        pk = row["book"]
        result[pk] = Availability(
            total=row["total"],
            available=row["available"],
            next_due_on=due.get(pk),
            waiting=waiting.get(pk, 0),
        )
    return result


# --- reminders -------------------------------------------------------------------


def library_reminders_send(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """E-mail readers whose books are due soon (once per loan period) and whose
    books are overdue (again every `overdue_reminder_every_days`); returns how
    many of each were sent. The loan's row stays locked while its reminder is
    sent, and is marked only when the mail went out: a re-run the same day sends
    nothing, a failed reminder is tried again by the next run, and a run that stops
    between the mail and the commit sends it once more (a duplicate rather than a
    lost reminder)."""
    now = now or timezone.now()
    today = _today(now)
    settings = LibrarySettings.load()
    soon_until = today + datetime.timedelta(days=settings.reminder_days_before)
    every = datetime.timedelta(days=settings.overdue_reminder_every_days)
    sent = {"due_soon": 0, "overdue": 0}
    active = Loan.objects.active().filter(borrower__isnull=False, borrower__is_active=True)
    due_soon = active.filter(
        due_on__gte=today, due_on__lte=soon_until, due_reminder_sent_at__isnull=True
    ).values_list("pk", flat=True)
    overdue = (
        active.filter(due_on__lt=today)
        .filter(
            Q(overdue_reminder_sent_on__isnull=True)
            | Q(overdue_reminder_sent_on__lte=today - every)
        )
        .values_list("pk", flat=True)
    )
    for pk in list(due_soon):
        with transaction.atomic():
            loan = (
                Loan.objects.select_for_update(of=("self",))
                .select_related("copy__book", "borrower")
                .filter(pk=pk, returned_at__isnull=True, due_reminder_sent_at__isnull=True)
                .first()
            )
            if loan is None:
                continue
            delivery = _mail_loan("library_due_reminder", loan, send=send_email_now)
            if delivery.failed:
                continue
            loan.due_reminder_sent_at = now
            loan.save(update_fields=["due_reminder_sent_at"])
            sent["due_soon"] += delivery.sent
    for pk in list(overdue):
        with transaction.atomic():
            loan = (
                Loan.objects.select_for_update(of=("self",))
                .select_related("copy__book", "borrower")
                .filter(pk=pk, returned_at__isnull=True, due_on__lt=today)
                .first()
            )
            if loan is None or (
                loan.overdue_reminder_sent_on and loan.overdue_reminder_sent_on > today - every
            ):
                continue
            delivery = _mail_loan(
                "library_overdue_reminder",
                loan,
                send=send_email_now,
                days_overdue=(today - loan.due_on).days,
            )
            if delivery.failed:
                continue
            loan.overdue_reminder_sent_on = today
            loan.save(update_fields=["overdue_reminder_sent_on"])
            sent["overdue"] += delivery.sent
    return sent


# --- The catalogue (new copies; subjects and authors) ------------------------------


@transaction.atomic
def copy_add(*, copy: Copy, by: User | None, now: datetime.datetime | None = None) -> Copy:
    """A new copy joins the library (the admin): like a returned one, it goes to the
    first reader waiting for its title, who is e-mailed, or on the shelf."""
    now = now or timezone.now()
    copy.status = Copy.Status.AVAILABLE
    copy.save()
    copy = _lock_copy(copy)
    _serve_queue(copy, now=now)
    change_record(copy, user=by, action="created", changes={"status": copy.status})
    return copy


def _books_naming(entry: CatalogueEntry) -> list[int]:
    """The books whose search text names a subject or an author."""
    if isinstance(entry, Subject):
        books = Book.objects.filter(subjects=entry)
    elif isinstance(entry, Author):
        books = Book.objects.filter(book_authors__author=entry)
    else:
        raise TypeError(f"Not a subject or an author: {entry!r}")
    return list(books.values_list("pk", flat=True).distinct())


def _entry_names(entry: CatalogueEntry) -> list[str | None]:
    return [getattr(entry, name, None) for name in ("name", "name_pl", "name_en")]


@transaction.atomic
def catalogue_entry_save(*, entry: CatalogueEntry) -> CatalogueEntry:
    """Save a subject or an author (the admin); the search text of the books that
    name it follows a new name."""
    stored = type(entry).objects.filter(pk=entry.pk).first() if entry.pk else None
    entry.save()
    if stored is not None and _entry_names(stored) != _entry_names(entry):
        Book.objects.rebuild_search_documents(_books_naming(entry))
    return entry


@transaction.atomic
def catalogue_entry_delete(*, entry: CatalogueEntry) -> None:
    """Delete a subject (its books lose it, and their search text its name) or an
    author no book names (the database refuses the others)."""
    books = _books_naming(entry)
    entry.delete()
    Book.objects.rebuild_search_documents(books)
