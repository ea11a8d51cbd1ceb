"""What the centre's staff read about the rooms: the agenda and the usage report.

`agenda` lays out the bookings of every active resource over one day or one week;
`usage_report` adds up the confirmed bookings of a range of months for the yearly
report of the Cooperation Programme, with `report_header` and `report_records` (the
CSV) and `report_workbook` (the XLSX) to download it. Both read a fixed number of
queries whatever the number of bookings, and both count in local time
(settings.TIME_ZONE, Europe/Warsaw).

The usage report counts in hours the resources booked by time slots (rooms and the
workstation); notice-board and leaflet-stand space, booked by whole days and for
posters rather than people, is counted apart, in days, so a fortnight of posters
does not swamp the hours of the rooms.
"""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from cwop_portal.dates import DAY, add_months, local, local_today, polish_holidays, start_of_day
from cwop_portal.periods import MonthRange, months_apart, months_between
from cwop_portal.search import normalize
from cwop_portal.spreadsheets import Workbook, fitting_width
from rooms.models import Booking, Closure, OpeningHours, Resource

# --- Agenda ---------------------------------------------------------------------


@dataclass
class AgendaEntry:
    booking: Booking
    url: str
    time_label: str


@dataclass
class AgendaCell:
    day: datetime.date
    entries: list = field(default_factory=list)
    closed_reason: str = ""


@dataclass
class AgendaRow:
    resource: Resource
    cells: list


@dataclass
class AgendaDay:
    day: datetime.date
    holiday: str = ""

    @property
    def is_today(self):
        return self.day == local_today()


@dataclass
class Agenda:
    first_day: datetime.date
    last_day: datetime.date
    days: list
    rows: list

    @property
    def booking_count(self):
        return len({e.booking.pk for row in self.rows for c in row.cells for e in c.entries})


def _time_label(booking, day):
    """The times of `booking` on `day`, e.g. 10:00–12:00; a booking by whole days
    (or one running past midnight) shows which part of it falls on `day`."""
    local_start, local_end = local(booking.start), local(booking.end)
    day_start, day_end = start_of_day(day), start_of_day(day + DAY)
    if local_start <= day_start and local_end >= day_end:
        return _("all day")
    start = f"{local_start:%H:%M}" if local_start >= day_start else "…"
    end = f"{local_end:%H:%M}" if local_end <= day_end else "…"
    if local_end == day_end:
        end = "24:00"
    return f"{start}–{end}"


def agenda(first_day, last_day):
    """The pending and confirmed bookings of every active resource, day by day, with
    the days each resource is closed (closures, public holidays, weekdays without
    opening hours). Four queries, whatever the number of resources and bookings."""
    resources = list(Resource.objects.active())
    range_start, range_end = start_of_day(first_day), start_of_day(last_day + DAY)
    bookings = list(
        Booking.objects.active()
        .filter(resource__is_active=True)
        .overlapping(range_start, range_end)
        .select_related("resource", "organization")
        .order_by("start", "pk")
    )
    closures = list(
        Closure.objects.filter(start_date__lte=last_day, end_date__gte=first_day).order_by(
            "start_date", "pk"
        )
    )
    hours_rows = list(OpeningHours.objects.all())
    centre_hours = {row.weekday for row in hours_rows if row.resource_id is None}
    own_hours = {}
    for row in hours_rows:
        if row.resource_id is not None:
            own_hours.setdefault(row.resource_id, set()).add(row.weekday)
    public_holidays = polish_holidays(range(first_day.year, last_day.year + 1), language=None)

    days = []
    day = first_day
    while day <= last_day:
        days.append(AgendaDay(day, public_holidays.get(day) or ""))
        day += DAY

    by_resource = {}
    for booking in bookings:
        by_resource.setdefault(booking.resource_id, []).append(booking)

    rows = []
    for resource in resources:
        weekdays_open = own_hours.get(resource.pk, centre_hours)
        cells = []
        for agenda_day in days:
            day = agenda_day.day
            cell = AgendaCell(day)
            closure = next(
                (
                    c
                    for c in closures
                    if c.start_date <= day <= c.end_date and c.resource_id in (None, resource.pk)
                ),
                None,
            )
            if closure:
                cell.closed_reason = closure.reason
            elif not resource.books_whole_days:
                if agenda_day.holiday:
                    cell.closed_reason = _("Public holiday: %(name)s") % {
                        "name": agenda_day.holiday
                    }
                elif day.weekday() not in weekdays_open:
                    cell.closed_reason = _("Closed on this day of the week")
            day_start, day_end = start_of_day(day), start_of_day(day + DAY)
            for booking in by_resource.get(resource.pk, ()):
                if booking.start < day_end and booking.end > day_start:
                    cell.entries.append(
                        AgendaEntry(
                            booking,
                            reverse("admin:rooms_booking_change", args=[booking.pk]),
                            _time_label(booking, day),
                        )
                    )
            cells.append(cell)
        rows.append(AgendaRow(resource, cells))
    return Agenda(first_day, last_day, days, rows)


# --- Usage report ------------------------------------------------------------------


@dataclass
class Figures:
    """What the confirmed bookings of one row add up to in one month (or in all)."""

    minutes: int = 0
    days: int = 0
    bookings: int = 0
    attendees: int = 0

    def add(self, *, minutes=0, days=0, attendees=0):
        self.minutes += minutes
        self.days += days
        self.bookings += 1
        self.attendees += attendees

    @property
    def hours(self):
        return round(self.minutes / 60, 2)


@dataclass
class ReportRow:
    label: str
    months: list
    total: Figures = field(default_factory=Figures)
    sort_key: tuple = ()

    @classmethod
    def empty(cls, label, month_count, sort_key=()):
        return cls(label, [Figures() for _ in range(month_count)], Figures(), sort_key)

    def add(self, month_index, **amounts):
        self.months[month_index].add(**amounts)
        self.total.add(**amounts)


@dataclass
class UsageReport(MonthRange):
    by_resource: list  # time-slot resources, in hours
    by_organization: list  # time-slot resources, in hours
    per_month: ReportRow  # time-slot resources: hours, bookings, attendees
    board_space: list  # board space, in days

    @property
    def is_empty(self):
        return not self.by_resource and not self.board_space


def usage_report(first_month, last_month):
    """Confirmed bookings starting in the months from `first_month` to `last_month`
    (inclusive, local time): one query, added up here so that SQLite and PostgreSQL
    give the same numbers."""
    first_month, last_month = first_month.replace(day=1), last_month.replace(day=1)
    months = months_between(first_month, last_month)
    count = len(months)
    records = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        start__gte=start_of_day(first_month),
        start__lt=start_of_day(add_months(last_month, 1)),
    ).values(
        "start",
        "end",
        "attendees",
        "resource_id",
        "resource__name_pl",
        "resource__kind",
        "resource__position",
        "organization_id",
        "organization__name",
    )
    resources, organizations, board = {}, {}, {}
    per_month = ReportRow.empty(_("All rooms and the workstation"), count)
    for record in records:
        local_start, local_end = local(record["start"]), local(record["end"])
        index = months_apart(first_month, local_start)
        resource_key = (record["resource__position"], record["resource__name_pl"])
        if record["resource__kind"] == Resource.Kind.BOARD_SPACE:
            row = board.setdefault(
                record["resource_id"],
                ReportRow.empty(record["resource__name_pl"], count, resource_key),
            )
            row.add(index, days=(local_end.date() - local_start.date()).days)
            continue
        minutes = int((record["end"] - record["start"]).total_seconds() // 60)
        amounts = {"minutes": minutes, "attendees": record["attendees"]}
        resources.setdefault(
            record["resource_id"], ReportRow.empty(record["resource__name_pl"], count, resource_key)
        ).add(index, **amounts)
        name = record["organization__name"] or str(_("the centre's own use"))
        organizations.setdefault(
            record["organization_id"], ReportRow.empty(name, count, (normalize(name), name))
        ).add(index, **amounts)
        per_month.add(index, **amounts)

    def ordered(rows):
        return sorted(rows.values(), key=lambda row: row.sort_key)

    return UsageReport(
        first_month,
        last_month,
        months,
        ordered(resources),
        ordered(organizations),
        per_month,
        ordered(board),
    )


# --- Downloads ---------------------------------------------------------------------


def report_filename(report, extension):
    return f"rezerwacje-{report.first_month:%Y-%m}-{report.last_month:%Y-%m}.{extension}"


def report_records(report):
    """The report as flat records (table, name, month, hours, days, bookings,
    attendees): the CSV's rows, one per name and month with a booking, and a total
    per name."""
    total_label = _("Total")
    tables = [
        (_("Hours per resource"), report.by_resource, "hours"),
        (_("Hours per organisation"), report.by_organization, "hours"),
        (_("Per month"), [report.per_month], "hours"),
        (_("Notice-board and leaflet-stand space (days)"), report.board_space, "days"),
    ]
    for table, rows, unit in tables:
        for row in rows:
            cells = list(zip(report.month_labels, row.months, strict=True))
            for month_label, figures in [*cells, (total_label, row.total)]:
                if not figures.bookings:
                    continue
                yield [
                    table,
                    row.label,
                    month_label,
                    figures.hours if unit == "hours" else "",
                    figures.days if unit == "days" else "",
                    figures.bookings,
                    figures.attendees if unit == "hours" else "",
                ]


def report_header():
    return [
        _("Table"),
        _("Name"),
        _("Month"),
        _("Hours"),
        _("Days"),
        _("Bookings"),
        _("Expected attendees"),
    ]


def report_workbook(report):
    """The report as an Excel workbook: one sheet per table, numbers as numbers."""
    workbook = Workbook()

    def sheet_of(title, first_header, rows, unit):
        def amount(figures):
            return figures.hours if unit == "hours" else figures.days

        header = [first_header, *report.month_labels, _("Total")]
        numbers = len(header) - 1
        width = fitting_width([first_header, *(row.label for row in rows)])
        workbook.sheet(title, widths=[width, *[11] * numbers], freeze="B2").table(
            header,
            ([row.label, *map(amount, [*row.months, row.total])] for row in rows),
            formats=[None, *["0.00" if unit == "hours" else "0"] * numbers],
        )

    sheet_of(_("Hours per resource"), _("Resource"), report.by_resource, "hours")
    sheet_of(_("Hours per organisation"), _("Organisation"), report.by_organization, "hours")

    lines = [
        *zip(report.month_labels, report.per_month.months, strict=True),
        (_("Total"), report.per_month.total),
    ]
    workbook.sheet(_("Per month"), widths=[12, 22, 22, 22], freeze="A2").table(
        [_("Month"), _("Hours"), _("Bookings"), _("Expected attendees")],
        ([label, figures.hours, figures.bookings, figures.attendees] for label, figures in lines),
        formats=[None, "0.00", "0", "0"],
    )

    sheet_of(_("Board space (days)"), _("Resource"), report.board_space, "days")

    workbook.about(
        [
            (_("Period"), report.period_label),
            (_("Counted"), counted_note()),
            (_("Board space"), board_note()),
        ]
    )
    return workbook


def counted_note():
    return _(
        "Confirmed bookings only (not those waiting for approval, rejected or "
        "cancelled), counted in the month in which they start (Polish time)."
    )


def board_note():
    return _(
        "Notice-board and leaflet-stand space is booked by whole days for posters, "
        "so it is counted apart, in days, and not in the hours or the attendees."
    )
