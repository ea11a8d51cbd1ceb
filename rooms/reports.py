"""What the centre's staff read about the rooms: the agenda and the usage report.

`agenda` lays out the bookings of every active resource over one day or one week;
`usage_report` adds up the confirmed bookings of a range of months for the yearly
report of the Cooperation Programme, with `report_csv` and `report_xlsx` to download
it. Both read a fixed number of queries whatever the number of bookings, and both
count in local time (settings.TIME_ZONE, Europe/Warsaw).

The usage report counts in hours the resources booked by time slots (rooms and the
workstation); notice-board and leaflet-stand space, booked by whole days and for
posters rather than people, is counted apart, in days, so a fortnight of posters
does not swamp the hours of the rooms.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cwop_portal.spreadsheets import neutralise_formula, text_cell
from organizations.search import normalize
from rooms.models import Booking, Closure, OpeningHours, Resource
from rooms.schedule import DAY, local_zone, start_of_day

# Dates outside these years are taken for a mistake (and stay far from date.max).
MIN_YEAR, MAX_YEAR = 2000, 2100
# The longest range of months one report covers.
MAX_REPORT_MONTHS = 60


def year_is_sane(day):
    return MIN_YEAR <= day.year <= MAX_YEAR


def add_months(day, months):
    """The first day of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def _local(moment):
    return timezone.localtime(moment, local_zone())


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
        return self.day == timezone.localdate(timezone=local_zone())


@dataclass
class Agenda:
    first_day: datetime.date
    last_day: datetime.date
    days: list
    rows: list

    @property
    def booking_count(self):
        return len({e.booking.pk for row in self.rows for c in row.cells for e in c.entries})


def _holidays(first_day, last_day):
    import holidays
    from django.utils.translation import get_language

    language = "en_US" if (get_language() or "pl").startswith("en") else "pl"
    return holidays.Poland(years=range(first_day.year, last_day.year + 1), language=language)


def _time_label(booking, day):
    """The times of `booking` on `day`, e.g. 10:00–12:00; a booking by whole days
    (or one running past midnight) shows which part of it falls on `day`."""
    local_start, local_end = _local(booking.start), _local(booking.end)
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
    public_holidays = _holidays(first_day, last_day)

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
class UsageReport:
    first_month: datetime.date
    last_month: datetime.date
    months: list
    by_resource: list  # time-slot resources, in hours
    by_organization: list  # time-slot resources, in hours
    per_month: ReportRow  # time-slot resources: hours, bookings, attendees
    board_space: list  # board space, in days

    @property
    def month_labels(self):
        return [f"{month:%Y-%m}" for month in self.months]

    @property
    def period_label(self):
        if self.first_month == self.last_month:
            return f"{self.first_month:%Y-%m}"
        return f"{self.first_month:%Y-%m} – {self.last_month:%Y-%m}"

    @property
    def is_empty(self):
        return not self.by_resource and not self.board_space


def usage_report(first_month, last_month):
    """Confirmed bookings starting in the months from `first_month` to `last_month`
    (inclusive, local time): one query, added up here so that SQLite and PostgreSQL
    give the same numbers."""
    first_month, last_month = first_month.replace(day=1), last_month.replace(day=1)
    months = []
    month = first_month
    while month <= last_month:
        months.append(month)
        month = add_months(month, 1)
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
        local_start, local_end = _local(record["start"]), _local(record["end"])
        index = (local_start.year - first_month.year) * 12 + local_start.month - first_month.month
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


def report_csv(report):
    """UTF-8 with a byte order mark, so that Excel reads the Polish letters."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(report_header())
    for record in report_records(report):
        writer.writerow([neutralise_formula(value) for value in record])
    return "\ufeff" + buffer.getvalue()


def _sheet_title(text):
    for character in "[]:*?/\\":
        text = text.replace(character, " ")
    return text[:31]


def report_xlsx(report):
    """The report as an Excel workbook: one sheet per table, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    workbook = Workbook()
    workbook.remove(workbook.active)

    def sheet_of(title, first_header, rows, unit):
        sheet = workbook.create_sheet(_sheet_title(title))
        header = [first_header, *report.month_labels, _("Total")]
        for column, value in enumerate(header, start=1):
            text_cell(sheet, 1, column, value).font = bold
        for row_number, row in enumerate(rows, start=2):
            text_cell(sheet, row_number, 1, row.label)
            for column, figures in enumerate([*row.months, row.total], start=2):
                value = figures.hours if unit == "hours" else figures.days
                cell = sheet.cell(row=row_number, column=column, value=value)
                cell.number_format = "0.00" if unit == "hours" else "0"
        width = max([len(str(first_header)), *(len(row.label) for row in rows)], default=10)
        sheet.column_dimensions["A"].width = min(60, width + 2)
        for column in range(2, len(header) + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 11
        sheet.freeze_panes = "B2"

    sheet_of(_("Hours per resource"), _("Resource"), report.by_resource, "hours")
    sheet_of(_("Hours per organisation"), _("Organisation"), report.by_organization, "hours")

    sheet = workbook.create_sheet(_sheet_title(_("Per month")))
    header = [_("Month"), _("Hours"), _("Bookings"), _("Expected attendees")]
    for column, value in enumerate(header, start=1):
        text_cell(sheet, 1, column, value).font = bold
    lines = [
        *zip(report.month_labels, report.per_month.months, strict=True),
        (_("Total"), report.per_month.total),
    ]
    for row_number, (label, figures) in enumerate(lines, start=2):
        text_cell(sheet, row_number, 1, label)
        sheet.cell(row=row_number, column=2, value=figures.hours).number_format = "0.00"
        sheet.cell(row=row_number, column=3, value=figures.bookings).number_format = "0"
        sheet.cell(row=row_number, column=4, value=figures.attendees).number_format = "0"
    sheet.column_dimensions["A"].width = 12
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 22
    sheet.freeze_panes = "A2"

    sheet_of(
        _("Board space (days)"),
        _("Resource"),
        report.board_space,
        "days",
    )

    about = workbook.create_sheet(_sheet_title(_("About")))
    notes = [
        (_("Period"), report.period_label),
        (_("Counted"), counted_note()),
        (_("Board space"), board_note()),
        (_("Created"), date_format(_local(timezone.now()), "DATETIME_FORMAT")),
    ]
    for row_number, (label, value) in enumerate(notes, start=1):
        text_cell(about, row_number, 1, label).font = bold
        text_cell(about, row_number, 2, value)
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 100

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
