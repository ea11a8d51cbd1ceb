"""What the centre's staff report about its advice: consultations and trainings.

`consultation_stats` counts, for a range of months (Polish time), the consultations
per month, per topic and per advisor by outcome (attended, did not come, cancelled,
confirmed but not yet marked), and the attendance of the trainings whose first
meeting falls in those months (seats, registered, attended, did not come, waiting
list, cancelled). Three queries whatever the number of appointments: the database
groups and counts, Python only adds up. The downloads for the yearly report: two
CSV files (`consultations_header` and `consultation_records`, `trainings_header` and
`training_records`) and one XLSX (`stats_workbook`).

Appointments that were never confirmed (held, expired, or cancelled while still
waiting for the e-mail confirmation) are not consultations and are not counted; a
cancelled one counts in the month it was booked for. A consultation the client
moved to another time counts once, at its new time: the old appointment (cancelled
by the move) is not a cancellation.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.models import Appointment, AppointmentChange, Registration, Training
from cwop_portal.dates import add_months, local, local_zone, start_of_day
from cwop_portal.periods import MonthRange, months_apart, months_between
from cwop_portal.search import normalize
from cwop_portal.spreadsheets import Workbook, fitting_width

# The history's action of an appointment moved to another time (services).
RESCHEDULED = "rescheduled"

# Appointment status -> the Counts attribute it adds to.
COUNTED = {
    Appointment.Status.ATTENDED: "attended",
    Appointment.Status.NO_SHOW: "no_show",
    Appointment.Status.CANCELLED: "cancelled",
    Appointment.Status.CONFIRMED: "confirmed",
}


@dataclass
class Counts:
    """Consultations of one row in one month (or in the whole period), by outcome."""

    attended: int = 0
    no_show: int = 0
    cancelled: int = 0
    confirmed: int = 0  # confirmed, not marked attended or not yet

    def add(self, status, number):
        attribute = COUNTED[status]
        setattr(self, attribute, getattr(self, attribute) + number)

    @property
    def total(self):
        return self.attended + self.no_show + self.cancelled + self.confirmed

    def as_list(self):
        return [self.attended, self.no_show, self.cancelled, self.confirmed, self.total]


@dataclass
class StatsRow:
    label: str
    months: list
    total: Counts = field(default_factory=Counts)
    sort_key: tuple = ()

    @classmethod
    def empty(cls, label, month_count, sort_key=()):
        return cls(label, [Counts() for _ in range(month_count)], Counts(), sort_key)

    def add(self, month_index, status, number):
        self.months[month_index].add(status, number)
        self.total.add(status, number)

    def months_with_counts(self, month_labels):
        """(month label, counts) of the months with at least one consultation."""
        return [
            (label, counts)
            for label, counts in zip(month_labels, self.months, strict=True)
            if counts.total
        ]


@dataclass
class TrainingRow:
    pk: int
    title: str
    first_start: datetime.datetime  # local time
    status: str
    status_label: str
    seats: int
    registered: int = 0
    attended: int = 0
    absent: int = 0  # registered and marked as not having come
    waiting: int = 0
    cancelled: int = 0

    def as_list(self):
        return [
            self.seats,
            self.registered,
            self.attended,
            self.absent,
            self.waiting,
            self.cancelled,
        ]


@dataclass
class ConsultationStats(MonthRange):
    per_month: StatsRow  # every consultation
    by_topic: list
    by_advisor: list
    trainings: list

    @property
    def months_with_counts(self):
        return list(zip(self.months, self.per_month.months, strict=True))

    def _detail(self, rows):
        return [
            (
                row,
                [
                    (month, counts)
                    for month, counts in zip(self.months, row.months, strict=True)
                    if counts.total
                ],
            )
            for row in rows
        ]

    @property
    def by_topic_detail(self):
        """[(row, [(month, counts) of the months with consultations])] for the page."""
        return self._detail(self.by_topic)

    @property
    def by_advisor_detail(self):
        return self._detail(self.by_advisor)

    @property
    def has_consultations(self):
        return bool(self.per_month.total.total)

    @property
    def training_totals(self):
        totals = [0] * 6
        for row in self.trainings:
            totals = [a + b for a, b in zip(totals, row.as_list(), strict=True)]
        return totals


def _local_month(value, zone):
    """The first day of the (local) month TruncMonth gave, whatever the backend."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(zone)
        value = value.date()
    return value.replace(day=1)


def consultation_stats(first_month, last_month):
    """The statistics of the months from `first_month` to `last_month` (inclusive,
    local time)."""
    first_month, last_month = first_month.replace(day=1), last_month.replace(day=1)
    months = months_between(first_month, last_month)
    count = len(months)
    zone = local_zone()
    range_start = start_of_day(first_month)
    range_end = start_of_day(add_months(last_month, 1))

    groups = (
        Appointment.objects.filter(start__gte=range_start, start__lt=range_end)
        .filter(
            # A cancelled one counts if it had been confirmed (not a hold let go) and
            # was not moved to another time (the new appointment counts instead).
            Q(status__in=[s for s in COUNTED if s != Appointment.Status.CANCELLED])
            | Q(status=Appointment.Status.CANCELLED, confirmed_at__isnull=False)
            & ~Exists(
                AppointmentChange.objects.filter(appointment=OuterRef("pk"), action=RESCHEDULED)
            )
        )
        .annotate(month=TruncMonth("start", tzinfo=zone))
        .values(
            "month",
            "status",
            "advisor_id",
            "advisor__name",
            "topic_id",
            "topic__name_pl",
            "topic__position",
        )
        .annotate(number=Count("pk"))
        .order_by()
    )
    per_month = StatsRow.empty(_("All consultations"), count)
    topics, advisors = {}, {}
    for group in groups:
        month = _local_month(group["month"], zone)
        index = months_apart(first_month, month)
        if not 0 <= index < count:  # cannot happen; a guard against a backend's quirk
            continue
        status, number = group["status"], group["number"]
        per_month.add(index, status, number)
        topic_name = group["topic__name_pl"]
        topics.setdefault(
            group["topic_id"],
            StatsRow.empty(topic_name, count, (group["topic__position"], normalize(topic_name))),
        ).add(index, status, number)
        advisor_name = group["advisor__name"]
        advisors.setdefault(
            group["advisor_id"],
            StatsRow.empty(advisor_name, count, (normalize(advisor_name), advisor_name)),
        ).add(index, status, number)

    return ConsultationStats(
        first_month,
        last_month,
        months,
        per_month,
        sorted(topics.values(), key=lambda row: row.sort_key),
        sorted(advisors.values(), key=lambda row: row.sort_key),
        training_attendance(range_start, range_end),
    )


def training_attendance(range_start, range_end):
    """Published and cancelled trainings whose first meeting starts in the range,
    with their registrations counted: two queries."""
    statuses = dict(Training.Status.choices)
    trainings = (
        Training.objects.exclude(status=Training.Status.DRAFT)
        .annotate(first_start=Min("sessions__start"))
        .filter(first_start__gte=range_start, first_start__lt=range_end)
        .values("pk", "title_pl", "status", "capacity", "first_start")
        .order_by("first_start", "pk")
    )
    rows = {
        record["pk"]: TrainingRow(
            pk=record["pk"],
            title=record["title_pl"],
            first_start=local(record["first_start"]),
            status=record["status"],
            status_label=str(statuses.get(record["status"], record["status"])),
            seats=record["capacity"],
        )
        for record in trainings
    }
    if not rows:
        return []
    counts = (
        Registration.objects.filter(training_id__in=list(rows))
        .values("training_id", "status", "attended")
        .annotate(number=Count("pk"))
        .order_by()
    )
    for group in counts:
        row = rows[group["training_id"]]
        status, number = group["status"], group["number"]
        if status == Registration.Status.REGISTERED:
            row.registered += number
            if group["attended"] is True:
                row.attended += number
            elif group["attended"] is False:
                row.absent += number
        elif status == Registration.Status.WAITING:
            row.waiting += number
        elif status == Registration.Status.CANCELLED:
            row.cancelled += number
    return list(rows.values())


# --- Downloads ---------------------------------------------------------------------


def stats_filename(stats, part, extension):
    return f"{part}-{stats.first_month:%Y-%m}-{stats.last_month:%Y-%m}.{extension}"


def counts_header():
    return [
        _("Attended"),
        _("No-shows"),
        _("Cancelled"),
        _("Confirmed, not yet marked"),
        _("Total"),
    ]


def consultation_tables(stats):
    return [
        (_("Per topic"), _("Topic"), stats.by_topic),
        (_("Per advisor"), _("Advisor"), stats.by_advisor),
    ]


def consultations_header():
    return [_("Table"), _("Name"), _("Month"), *counts_header()]


def consultation_records(stats):
    """Flat records (table, name, month, attended, did not come, cancelled,
    confirmed, total): one per name and month with a consultation, and a total per
    name."""
    total_label = _("Total")
    tables = [(_("Per month"), [stats.per_month])] + [
        (title, rows) for title, _header, rows in consultation_tables(stats)
    ]
    for table, rows in tables:
        for row in rows:
            for month_label, counts in [
                *row.months_with_counts(stats.month_labels),
                (total_label, row.total),
            ]:
                if not counts.total:
                    continue
                yield [table, row.label, month_label, *counts.as_list()]


def trainings_header():
    return [
        _("Training"),
        _("First meeting"),
        _("Status"),
        _("Seats"),
        _("Registered"),
        _("Present"),
        _("Absent"),
        _("Waiting list"),
        _("Cancelled registrations"),
    ]


def training_records(stats):
    for row in stats.trainings:
        yield [
            row.title,
            f"{row.first_start:%Y-%m-%d %H:%M}",
            row.status_label,
            *row.as_list(),
        ]


def stats_workbook(stats):
    """The statistics as an Excel workbook: one sheet per table, numbers as numbers."""
    workbook = Workbook()
    counts_formats = [None, *["0"] * len(counts_header())]

    lines = [
        *zip(stats.month_labels, stats.per_month.months, strict=True),
        (_("Total"), stats.per_month.total),
    ]
    workbook.sheet(_("Per month"), widths=[12], freeze="A2").table(
        [_("Month"), *counts_header()],
        ([label, *counts.as_list()] for label, counts in lines),
        formats=counts_formats,
    )

    for title, first_header, rows in consultation_tables(stats):
        width = fitting_width([first_header, *(row.label for row in rows)])
        sheet = workbook.sheet(title, widths=[width], freeze="A2")
        sheet.row([first_header, _("Month"), *counts_header()], bold=True)
        for row in rows:
            for month_label, counts in [
                *row.months_with_counts(stats.month_labels),
                (_("Total"), row.total),
            ]:
                sheet.row(
                    [row.label, month_label, *counts.as_list()],
                    formats=[None, *counts_formats],
                    bold=month_label == _("Total"),
                )

    width = fitting_width([row.title for row in stats.trainings], minimum=10)
    workbook.sheet(_("Trainings"), widths=[width, 18], freeze="A2").table(
        trainings_header(),
        training_records(stats),
        formats=[None, None, None, *["0"] * 6],
    )

    workbook.about(
        [
            (_("Period"), stats.period_label),
            (_("Counted"), counted_note()),
            (_("Trainings"), trainings_note()),
        ]
    )
    return workbook


def counted_note():
    return _(
        "Consultations booked for the months of the period (Polish time), by outcome; "
        "bookings never confirmed by e-mail are not counted, and a consultation moved to "
        "another time counts once, at its new time. “Confirmed, not yet marked”: upcoming "
        "ones, and past ones that nobody has yet marked as attended or not attended."
    )


def trainings_note():
    return _(
        "Trainings (published or cancelled) whose first meeting falls in the period. "
        "“Registered” counts the seats taken; “Present” and “Absent” only those "
        "marked; registrations waiting for their e-mail confirmation are not counted."
    )
