"""The rooms' part of the yearly report (cwop_portal.yearly_figures): the use of the
rooms, the workstation and the notice-board space in the calendar year (the usage
report's confirmed bookings) and the mail handled at the correspondence address."""

import datetime

from django.db.models import Count, Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from cwop_portal import yearly_figures
from cwop_portal.yearly_figures import DAYS, HOURS, Column, Row, Section, Table, TableRow
from rooms.models import Booking, MailItem
from rooms.reports import counted_note, usage_report


def rooms(year: int) -> Section:
    """Two queries: the usage report of the year's months, and the organisations
    that had a confirmed booking starting in the year (any resource)."""
    report = usage_report(datetime.date(year, 1, 1), datetime.date(year, 12, 1))
    start, end = yearly_figures.year_range(year)
    served = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            start__gte=start,
            start__lt=end,
            organization__isnull=False,
        )
        .values("organization_id")
        .distinct()
        .count()
    )
    total = report.per_month.total
    board_days = sum(row.total.days for row in report.board_space)
    board_bookings = sum(row.total.bookings for row in report.board_space)
    tables = [
        Table(
            title=_("Rooms and the workstation"),
            first_header=_("Resource"),
            columns=(Column(_("Hours booked"), HOURS), Column(_("Bookings"))),
            rows=tuple(
                TableRow(row.label, (yearly_figures.hours(row.total.minutes), row.total.bookings))
                for row in report.by_resource
            ),
        )
    ]
    if report.board_space:
        tables.append(
            Table(
                title=_("Notice-board and leaflet-stand space"),
                first_header=_("Resource"),
                columns=(Column(_("Days booked"), DAYS), Column(_("Bookings"))),
                rows=tuple(
                    TableRow(row.label, (row.total.days, row.total.bookings))
                    for row in report.board_space
                ),
            )
        )
    return Section(
        title=_("Rooms, the workstation and the notice boards"),
        rows=(
            Row(
                _("Hours booked in the rooms and at the workstation"),
                yearly_figures.hours(total.minutes),
                HOURS,
            ),
            Row(_("Bookings of the rooms and the workstation"), total.bookings),
            Row(_("Expected attendees"), total.attendees),
            Row(_("Days of notice-board and leaflet-stand space booked"), board_days, DAYS),
            Row(_("Bookings of notice-board and leaflet-stand space"), board_bookings),
            Row(_("Organisations served (any booking)"), served),
        ),
        tables=tuple(tables),
        note=lazy(counted_note, str)(),
    )


def mail(year: int) -> Section:
    """One query: the mail items received in the year (their date is a local one)."""
    figures = MailItem.objects.filter(
        received_on__gte=datetime.date(year, 1, 1), received_on__lte=datetime.date(year, 12, 31)
    ).aggregate(
        items=Count("pk"),
        collected=Count("pk", filter=Q(collected_at__isnull=False)),
        organizations=Count("organization_id", distinct=True),
    )
    return Section(
        title=_("Correspondence address"),
        rows=(
            Row(_("Mail items received for organisations"), figures["items"]),
            Row(_("Of which already collected"), figures["collected"]),
            Row(_("Organisations that received mail"), figures["organizations"]),
        ),
    )


def register() -> None:
    yearly_figures.register(20, "rooms", rooms)
    yearly_figures.register(40, "mail", mail)
