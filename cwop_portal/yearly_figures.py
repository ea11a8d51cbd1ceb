"""The yearly report figures: what each module adds to the report of the City–NGO
Cooperation Programme, counted over one calendar year (Polish time).

The base imports no app, and the module that shows the report (cooperation) may not
import the others, so each app registers its provider here from its
`AppConfig.ready()`:

    yearly_figures.register(30, "consultations", consultation_figures)

A provider is `callable(year) -> Section` and reads a fixed number of queries
whatever the amount of data. `collect(year)` runs them in their order. A Section
has a title, rows (label, value, kind) and optional tables (rows of a name and one
value per column, e.g. consultations per topic: held, no-show). Values are int,
Decimal (hours, percentages) or None (nothing to divide by). Labels may be lazy
translations: `freeze` writes the sections in every language of the site as
JSON-ready data (a Decimal as a string), which `thaw` turns back into sections, so
that a published report shows the figures computed when it was published.

The downloads of a report, live or frozen, are written here too: `csv_header` and
`csv_rows` (for `csv_response(..., polish_excel=True)`) and `workbook`.
"""

import dataclasses
import datetime
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cwop_portal import params
from cwop_portal.dates import start_of_day
from cwop_portal.spreadsheets import Workbook, fitting_width

FIRST_YEAR, LAST_YEAR = params.FIRST_YEAR, params.LAST_YEAR

# The kinds of value: a count, hours (2 decimal places), days, a percentage.
COUNT, HOURS, DAYS, PERCENT = "count", "hours", "days", "percent"
KINDS = (COUNT, HOURS, DAYS, PERCENT)

Value = int | Decimal | None


def shown(value: Value, kind: str) -> str:
    """A value as a page shows it, in the active language's number format."""
    if value is None:
        return "—"
    if kind == PERCENT:
        return f"{number_format(value, 1)} %"
    if kind == HOURS:
        return str(number_format(value, 2))
    return str(number_format(value))


@dataclasses.dataclass(frozen=True)
class Row:
    label: Any  # str or a lazy translation
    value: Value
    kind: str = COUNT

    @property
    def display(self) -> str:
        return shown(self.value, self.kind)

    @property
    def unit(self) -> str:
        return unit(self.kind)


@dataclasses.dataclass(frozen=True)
class Column:
    label: Any
    kind: str = COUNT


@dataclasses.dataclass(frozen=True)
class TableRow:
    label: Any
    values: tuple[Value, ...]


@dataclasses.dataclass(frozen=True)
class Table:
    """A table of a section: a first column of names (`first_header`), then one
    column per `columns`."""

    title: Any
    first_header: Any
    columns: tuple[Column, ...]
    rows: tuple[TableRow, ...]

    @property
    def headers(self) -> list[str]:
        """The columns' headers, with their unit."""
        return [
            f"{column.label} ({unit(column.kind)})" if unit(column.kind) else str(column.label)
            for column in self.columns
        ]

    @property
    def cells(self) -> list[tuple[Any, list[str]]]:
        """(label, [value as shown]) per row, for the templates."""
        kinds = [column.kind for column in self.columns]
        return [
            (row.label, [shown(v, k) for v, k in zip(row.values, kinds, strict=True)])
            for row in self.rows
        ]


@dataclasses.dataclass(frozen=True)
class Section:
    title: Any
    rows: tuple[Row, ...] = ()
    tables: tuple[Table, ...] = ()
    note: Any = ""
    key: str = ""


Provider = Callable[[int], Section]

_providers: dict[str, tuple[int, Provider]] = {}


def register(order: int, key: str, provider: Provider) -> None:
    """Add `provider` (`callable(year) -> Section`) to the report, at `order` (lower
    first); registering a `key` again replaces it."""
    _providers[key] = (order, provider)


def providers() -> list[tuple[int, str, Provider]]:
    return sorted(
        ((order, key, provider) for key, (order, provider) in _providers.items()),
        key=lambda item: (item[0], item[1]),
    )


def collect(year: int) -> list[Section]:
    """The report's sections for `year`, in their order."""
    return [dataclasses.replace(provider(year), key=key) for _order, key, provider in providers()]


def year_range(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The calendar `year` on the centre's clock: [local midnight of 1 January,
    local midnight of the next 1 January)."""
    return start_of_day(datetime.date(year, 1, 1)), start_of_day(datetime.date(year + 1, 1, 1))


def hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def percent(part: int, whole: int) -> Decimal | None:
    """`part` of `whole` in per cent, one decimal place; None when `whole` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


# --- Frozen figures (JSON) ------------------------------------------------------------


def _json_value(value: Value) -> int | str | None:
    return str(value) if isinstance(value, Decimal) else value


def _value(raw: object) -> Value:
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    try:
        return Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return None


def _kind(raw: object) -> str:
    return raw if isinstance(raw, str) and raw in KINDS else COUNT


def _section_json(section: Section) -> dict[str, Any]:
    return {
        "key": section.key,
        "title": str(section.title),
        "note": str(section.note),
        "rows": [
            {"label": str(row.label), "value": _json_value(row.value), "kind": row.kind}
            for row in section.rows
        ],
        "tables": [
            {
                "title": str(table.title),
                "first_header": str(table.first_header),
                "columns": [
                    {"label": str(column.label), "kind": column.kind} for column in table.columns
                ],
                "rows": [
                    {"label": str(row.label), "values": [_json_value(v) for v in row.values]}
                    for row in table.rows
                ],
            }
            for table in section.tables
        ],
    }


def freeze(sections: Sequence[Section]) -> dict[str, list[dict[str, Any]]]:
    """The sections as JSON-ready data, their labels in each language of the site:
    {"pl": [section, …], "en": […]}."""
    frozen = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            frozen[code] = [_section_json(section) for section in sections]
    return frozen


def _dicts(raw: object) -> list[dict[str, Any]]:
    return [item for item in raw if isinstance(item, dict)] if isinstance(raw, list) else []


def thaw(frozen: object, language: str | None = None) -> list[Section]:
    """The sections `freeze` wrote, in `language` (the active one by default; Polish
    when the figures have none in it). Whatever is malformed is left out."""
    if not isinstance(frozen, dict):
        return []
    code = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    raw_sections = frozen.get(code) or frozen.get(settings.LANGUAGE_CODE[:2]) or []
    sections = []
    for raw in _dicts(raw_sections):
        tables = []
        for raw_table in _dicts(raw.get("tables")):
            columns = tuple(
                Column(str(c.get("label", "")), _kind(c.get("kind")))
                for c in _dicts(raw_table.get("columns"))
            )
            rows = []
            for raw_row in _dicts(raw_table.get("rows")):
                values = raw_row.get("values")
                values = values if isinstance(values, list) else []
                cells = tuple(_value(v) for v in values[: len(columns)])
                cells += (None,) * (len(columns) - len(cells))
                rows.append(TableRow(str(raw_row.get("label", "")), cells))
            tables.append(
                Table(
                    str(raw_table.get("title", "")),
                    str(raw_table.get("first_header", "")),
                    columns,
                    tuple(rows),
                )
            )
        sections.append(
            Section(
                title=str(raw.get("title", "")),
                rows=tuple(
                    Row(str(r.get("label", "")), _value(r.get("value")), _kind(r.get("kind")))
                    for r in _dicts(raw.get("rows"))
                ),
                tables=tuple(tables),
                note=str(raw.get("note", "")),
                key=str(raw.get("key", "")),
            )
        )
    return sections


# --- Downloads ------------------------------------------------------------------------


def unit(kind: str) -> str:
    return {HOURS: _("hours"), DAYS: _("days"), PERCENT: "%"}.get(kind, "")


def csv_header() -> list[str]:
    return [_("Section"), _("Table"), _("Name"), _("Figure"), _("Value"), _("Unit")]


def csv_rows(sections: Sequence[Section]) -> Iterator[list[Any]]:
    """One line per figure: (section, table, name, figure, value, unit); a section's
    own rows have no table and no figure."""
    for section in sections:
        for row in section.rows:
            yield [str(section.title), "", str(row.label), "", row.value, unit(row.kind)]
        for table in section.tables:
            for table_row in table.rows:
                for column, value in zip(table.columns, table_row.values, strict=True):
                    yield [
                        str(section.title),
                        str(table.title),
                        str(table_row.label),
                        str(column.label),
                        value,
                        unit(column.kind),
                    ]


NUMBER_FORMATS = {COUNT: "0", HOURS: "0.00", DAYS: "0", PERCENT: "0.0"}


def _cell(value: Value) -> int | float | None:
    # Excel stores numbers as floats; openpyxl writes a Decimal as text.
    return float(value) if isinstance(value, Decimal) else value


def workbook(sections: Sequence[Section], *, title: str, computed: str) -> Workbook:
    """The report as an Excel workbook: a summary sheet of every section's rows,
    then a sheet per table; numbers as numbers."""
    book = Workbook()
    labels = [str(row.label) for section in sections for row in section.rows]
    summary = book.sheet(_("Summary"), widths=[fitting_width(labels, minimum=30), 14, 10])
    for section in sections:
        summary.row([str(section.title)], bold=True)
        for row in section.rows:
            summary.row(
                [str(row.label), _cell(row.value), unit(row.kind)],
                formats=[None, NUMBER_FORMATS.get(row.kind, "0")],
            )
        summary.row([])
    for section in sections:
        for table in section.tables:
            names = [str(row.label) for row in table.rows]
            width = fitting_width([str(table.first_header), *names], minimum=12)
            sheet = book.sheet(
                str(table.title), widths=[width, *[16] * len(table.columns)], freeze="B2"
            )
            sheet.table(
                [str(table.first_header), *table.headers],
                ([str(row.label), *map(_cell, row.values)] for row in table.rows),
                formats=[None, *(NUMBER_FORMATS.get(c.kind, "0") for c in table.columns)],
            )
    book.about([(_("Report"), title), (_("Figures computed"), computed)])
    return book
