"""What a room booking and an advisor's appointment share: a time taken on the
centre's calendar and its life — created, changed, cancelled, reminded the day
before — and whether it is demo data.

`Reservation` is the abstract model both derive from: the fields, the "ends after it
starts" constraint, the local times; each model adds its own statuses (a `Status`
with at least CONFIRMED and CANCELLED, and `ACTIVE_STATUSES`, the ones that hold the
time) and the constraints that go with them. `ReservationQuerySet` has the queries
both run, and `reminders_send` the one way a day-before reminder goes out.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TypeVar

from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cwop_portal.dates import DAY, local, start_of_day
from cwop_portal.emails import Delivery

R = TypeVar("R", bound="Reservation")


class ReservationQuerySet(models.QuerySet):
    def active(self) -> ReservationQuerySet:
        """The rows that hold their time (the model's ACTIVE_STATUSES)."""
        return self.filter(status__in=self.model.ACTIVE_STATUSES)

    def overlapping(self, start: datetime.datetime, end: datetime.datetime) -> ReservationQuerySet:
        return self.filter(start__lt=end, end__gt=start)

    def reminder_due(self, now: datetime.datetime) -> ReservationQuerySet:
        """Confirmed rows starting tomorrow (local) whose reminder has not gone out."""
        tomorrow = local(now).date() + DAY
        return self.filter(
            status=self.model.Status.CONFIRMED,
            reminder_sent_at__isnull=True,
            start__gte=start_of_day(tomorrow),
            start__lt=start_of_day(tomorrow + DAY),
        )


class Reservation(models.Model):
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Set by each model: the statuses that hold the time.
    ACTIVE_STATUSES: list[str] = []

    class Meta:
        abstract = True
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="%(app_label)s_%(class)s_end_after_start"
            ),
        ]

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES  # type: ignore[attr-defined]

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def local_start(self) -> datetime.datetime:
        return timezone.localtime(self.start)

    @property
    def local_end(self) -> datetime.datetime:
        return timezone.localtime(self.end)


def reminders_send(
    rows: models.QuerySet[R],
    send: Callable[[R], Delivery],
    *,
    now: datetime.datetime,
    related: tuple[str, ...] = (),
) -> int:
    """E-mail the day-before reminder of each of `rows` due one (`reminder_due`),
    once each, with `send(row)`; returns how many e-mails went out.

    Each row stays locked while its reminder is sent and is marked only when the
    mail went out: a failed one is tried again by the next run, and a run that stops
    between the mail and the commit sends it once more (a duplicate rather than a
    lost reminder). Only the row itself is locked (`of=("self",)`): PostgreSQL cannot
    lock the nullable side of an outer join to the `related` rows."""
    sent = 0
    for pk in list(rows.reminder_due(now).values_list("pk", flat=True)):  # type: ignore[attr-defined]
        with transaction.atomic():
            row = (
                rows.select_for_update(of=("self",))
                .select_related(*related)
                .reminder_due(now)  # type: ignore[attr-defined]
                .filter(pk=pk)
                .first()
            )
            if row is None:
                continue
            delivery = send(row)
            if delivery.failed:
                continue
            row.reminder_sent_at = now
            row.save(update_fields=["reminder_sent_at", "updated_at"])
            sent += delivery.sent
    return sent
