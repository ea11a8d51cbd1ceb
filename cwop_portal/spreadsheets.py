"""The portal's CSV and XLSX downloads, written one way for every app.

CSV (`csv_response`): UTF-8 with a byte order mark, so that Excel reads the Polish
letters; the separator and the decimal point are those of Python's `csv` module (a
comma, a point), as the downloads have always been written. A long file is streamed
while its rows are read, in the request's language.

XLSX (`Workbook`, `xlsx_response`): openpyxl's write-only workbook, filled row by
row, so memory stays flat however long the file: text stays text, numbers stay
numbers (with a number format per column), headers in bold. A long file is written
into a temporary file and sent from there.

Cells that a spreadsheet would run: a cell starting like a formula (=, +, -, @,
tab, carriage return) gets a leading apostrophe in CSV; in XLSX a text cell is
stored as text, never as a formula. Characters XLSX cannot hold (control
characters) are left out of XLSX cells.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from cwop_portal.dates import format_datetime

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Makes Excel read a CSV file as UTF-8 (Polish letters).
BYTE_ORDER_MARK = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# What a sheet's name may not contain, and its longest length (Excel's rules).
SHEET_TITLE_FORBIDDEN = "[]:*?/\\"
SHEET_TITLE_MAX = 31

BOLD = Font(bold=True)


def neutralise_formula(value: Any) -> Any:
    """`value`, with a leading apostrophe if it is text that starts like a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- CSV -------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() returns what it was given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def polish_number(value: Any) -> Any:
    """A fraction as a Polish spreadsheet reads it (decimal comma); other values as
    they are."""
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, float):
        text = repr(value)
        return (format(value, "f") if "e" in text else text).replace(".", ",")
    return value


def csv_lines(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], *, polish_excel: bool = False
) -> Iterator[str]:
    """The lines of a CSV file: the byte order mark and `header`, then `rows` (None
    is an empty cell), cells that start like a formula neutralised. `polish_excel`:
    as a Polish Excel opens it with a double click (`;` between cells, decimal
    comma)."""
    writer = csv.writer(_Echo(), delimiter=";" if polish_excel else ",")
    yield BYTE_ORDER_MARK + writer.writerow(header)
    for row in rows:
        cells = [neutralise_formula(value) for value in row]
        if polish_excel:
            cells = [polish_number(value) for value in cells]
        yield writer.writerow(cells)


def _in_language(language: str | None, lines: Iterable[str]) -> Iterator[str]:
    # A streamed file is written while the response is sent: keep the request's language.
    with translation.override(language):
        yield from lines


def csv_response(
    filename: str,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    streamed: bool = False,
    polish_excel: bool = False,
) -> HttpResponse | StreamingHttpResponse:
    """A CSV download named `filename`; `streamed`: sent while `rows` is read (a
    long list: a file of any length in little memory); `polish_excel`: see
    `csv_lines`."""
    lines = csv_lines(header, rows, polish_excel=polish_excel)
    if streamed:
        response = StreamingHttpResponse(
            _in_language(translation.get_language(), lines),
            content_type=CSV_CONTENT_TYPE,
        )
    else:
        response = HttpResponse("".join(lines), content_type=CSV_CONTENT_TYPE)
    return _attachment(response, filename)


# --- XLSX ------------------------------------------------------------------------------


def sheet_title(text: str) -> str:
    """`text` as a sheet's name Excel accepts."""
    for character in SHEET_TITLE_FORBIDDEN:
        text = text.replace(character, " ")
    return text[:SHEET_TITLE_MAX]


def fitting_width(texts: Iterable[Any], *, minimum: int = 0, maximum: int = 60) -> int:
    """The width of a column that shows `texts` whole (up to `maximum` characters)."""
    return min(maximum, max([minimum, *(len(str(text)) for text in texts)]) + 2)


class Sheet:
    """One sheet of a `Workbook`, written row by row."""

    def __init__(self, worksheet: Any) -> None:
        self.worksheet = worksheet

    def cell(self, value: Any, *, number_format: str | None = None, bold: bool = False) -> Cell:
        """A cell of this sheet: text stays text (never a formula), without the
        characters XLSX cannot hold; a number gets `number_format` (e.g. "0.00")."""
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = WriteOnlyCell(self.worksheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        elif number_format and value is not None:
            cell.number_format = number_format
        if bold:
            cell.font = BOLD
        return cell

    def append(self, cells: Iterable[Cell]) -> None:
        """The next row, of cells made by `cell`."""
        self.worksheet.append(list(cells))

    def row(
        self, values: Iterable[Any] = (), *, formats: Sequence[str | None] = (), bold: bool = False
    ) -> None:
        """The next row: `values`, the number in column i in `formats[i]` (if any)."""
        self.append(
            self.cell(value, number_format=formats[i] if i < len(formats) else None, bold=bold)
            for i, value in enumerate(values)
        )

    def table(
        self,
        header: Sequence[Any],
        rows: Iterable[Sequence[Any]],
        *,
        formats: Sequence[str | None] = (),
    ) -> None:
        """A header row in bold, then `rows`."""
        self.row(header, bold=True)
        for values in rows:
            self.row(values, formats=formats)


class Workbook:
    """An XLSX workbook for people: sheets filled row by row (openpyxl's write-only
    mode), its first sheet the first one added."""

    def __init__(self) -> None:
        self.workbook = OpenpyxlWorkbook(write_only=True)

    def sheet(
        self,
        title: str,
        *,
        widths: Sequence[float | None] = (),
        freeze: str | None = None,
    ) -> Sheet:
        """A new sheet named `title`: column i `widths[i]` characters wide (None: the
        default); `freeze`: the first cell that scrolls ("A2": the header row stays in
        view, "B2": also the first column)."""
        worksheet = self.workbook.create_sheet(sheet_title(str(title)))
        for column, width in enumerate(widths, start=1):
            if width is not None:
                worksheet.column_dimensions[get_column_letter(column)].width = width
        if freeze:
            worksheet.freeze_panes = freeze
        return Sheet(worksheet)

    def about(self, notes: Iterable[tuple[Any, Any]]) -> Sheet:
        """The last sheet, "About": a label (in bold) and a text per line, `notes`
        and then when the file was created."""
        sheet = self.sheet(_("About"), widths=(16, 100))
        for label, value in [*notes, (_("Created"), format_datetime(timezone.now()))]:
            sheet.append([sheet.cell(label, bold=True), sheet.cell(value)])
        return sheet

    def save(self, handle: Any) -> None:
        """Write the workbook into the binary file `handle` (once)."""
        self.workbook.save(handle)

    def content(self) -> bytes:
        buffer = io.BytesIO()
        self.save(buffer)
        return buffer.getvalue()


def xlsx_response(
    filename: str, workbook: Workbook, *, streamed: bool = False
) -> HttpResponse | FileResponse:
    """An XLSX download named `filename`; `streamed`: written into a temporary file
    and sent from there (a long file: little memory)."""
    if not streamed:
        return _attachment(
            HttpResponse(workbook.content(), content_type=XLSX_CONTENT_TYPE), filename
        )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    try:
        workbook.save(handle)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
