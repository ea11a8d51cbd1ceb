"""Reading the file: the first sheet of an XLSX, XLS or CSV file as a `Table`
of texts by column key, refusing a file that cannot be imported as a whole."""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cwop_portal.spreadsheets import FORMULA_PREFIXES
from cwop_portal.validators import validate_spreadsheet_file
from library.importing.columns import IGNORED_COLUMNS, read_header
from library.importing.common import ImportFileError

# More data rows than this: the file is refused (split it into several).
MAX_ROWS = 50_000
# An XLSX is a ZIP archive: refused when its content unpacks into more than this.
MAX_UNPACKED_XLSX = 300 * 1024 * 1024


@dataclass
class Table:
    """The first sheet: its header and data rows, as text, by column key."""

    header_row: int
    headers: dict  # column key -> header as written in the file
    rows: list  # (row number as in the spreadsheet, {column key: text})
    skipped_rows: list = field(default_factory=list)  # blank, or just a row number
    warnings: list = field(default_factory=list)


def validate_upload(upload):
    """The portal's spreadsheet validator: type, size and content (a CSV may be
    UTF-8 or Windows-1250, as saved by Polish Excel)."""
    validate_spreadsheet_file(upload)


def read_table(data, filename):
    """The first sheet of an XLSX, XLS or CSV file (bytes) as a `Table`.

    Raises ImportFileError when the file cannot be read, is empty, has only a
    header, has unknown or repeated columns, no title column, or too many rows.
    """
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not data:
        raise ImportFileError(_("The file is empty."))
    readers = {"xlsx": _xlsx_rows, "xls": _xls_rows, "csv": _csv_rows}
    if extension not in readers:
        raise ImportFileError(
            _("Files of type “%(ext)s” cannot be imported. Use XLSX, XLS or CSV.")
            % {"ext": extension or "?"}
        )
    return _table(readers[extension](data))


def _not_readable():
    """The one error for every way a file can fail to open: staff can only save
    it again, whatever the library reading it complained about."""
    return ImportFileError(
        _(
            "The file could not be read as a spreadsheet. Save it from your spreadsheet "
            "program as XLSX, XLS or CSV and upload it again."
        )
    )


def _xlsx_rows(data):
    """(row number, cell values) of the first sheet of an XLSX file."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise _not_readable() from exc
    if unpacked > MAX_UNPACKED_XLSX:
        # A small file that unpacks into gigabytes (a "zip bomb"), or far more
        # data than a catalogue has.
        raise _not_readable()
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise _not_readable() from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The file has no sheets."))
        sheet = workbook.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):
            # Some programs store wrong sheet dimensions: read every row there is.
            sheet.reset_dimensions()
        number = 0
        try:
            for row in sheet.iter_rows(values_only=True):
                number += 1
                yield number, row
        except ImportFileError:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged sheet
            raise _not_readable() from exc
    finally:
        workbook.close()


def _xls_rows(data):
    """(row number, cell values) of the first sheet of an old Excel (XLS) file."""
    import xlrd

    try:
        workbook = xlrd.open_workbook(file_contents=data, on_demand=True)
        if workbook.nsheets == 0:
            raise ImportFileError(_("The file has no sheets."))
        sheet = workbook.sheet_by_index(0)
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - xlrd raises many kinds for a bad file
        raise _not_readable() from exc
    for index in range(sheet.nrows):
        values = []
        for cell in sheet.row(index):
            if cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    values.append(xlrd.xldate_as_datetime(cell.value, workbook.datemode))
                except Exception:  # noqa: BLE001 - a date Excel cannot show either
                    values.append(cell.value)
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                values.append(None)
            else:
                values.append(cell.value)
        yield index + 1, values


def _decode_csv(data):
    """A CSV file's text: UTF-8 (with or without a BOM) or Windows-1250."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Polish Excel saves "CSV" in Windows-1250.
        return data.decode("cp1250", errors="replace")


def _csv_delimiter(text):
    """ ";", "," or a tab: the one found most often in the first non-empty line,
    outside quotes (header names have none of them)."""
    for line in text.splitlines():
        if line.strip():
            unquoted = re.sub(r'"[^"]*"', "", line)
            counts = {d: unquoted.count(d) for d in (";", ",", "\t")}
            best = max(counts, key=counts.get)
            return best if counts[best] else ","
    return ","


def _csv_rows(data):
    """(row number, cells) of a CSV file; a binary file is not a CSV."""
    if b"\x00" in data[:4096]:
        raise _not_readable()
    text = _decode_csv(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_csv_delimiter(text))
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise _not_readable() from exc


def _cell_text(value):
    """A cell as text: numbers without a needless ".0", dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    text = str(value)
    # The portal's own CSV export puts an apostrophe before text that starts
    # like a formula (see cwop_portal.spreadsheets): read it back as it was.
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    return text


def _column_name(index):
    """The spreadsheet's name of a column: 0 -> A, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        name = chr(65 + remainder) + name
    return name


def _table(numbered_rows):
    """The `Table` of numbered rows: the first non-empty row is the header; rows
    without a book are skipped, and columns without a name are warned about."""
    header_row = None
    positions = {}  # column key -> index in the row
    headers = {}
    rows, skipped, blank, warnings = [], [], [], []
    unnamed_with_data = set()
    data_rows = 0
    for number, raw in numbered_rows:
        cells = [_cell_text(value) for value in raw]
        if header_row is None:
            if not any(cell.strip() for cell in cells):
                continue
            header_row = number
            positions, headers = read_header(cells)
            named = set(positions.values())
            continue
        if not any(cell.strip() for cell in cells):
            blank.append(number)  # skipped, unless no book follows
            continue
        values = {}
        for key, index in positions.items():
            if index < len(cells) and cells[index].strip():
                values[key] = cells[index]
        for index, cell in enumerate(cells):
            if index not in named and cell.strip():
                unnamed_with_data.add(index)
        skipped += blank
        blank = []
        if not any(key not in IGNORED_COLUMNS for key in values):
            skipped.append(number)  # blank but for a row number or availability
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            raise ImportFileError(
                _(
                    "The file has more than %(max)s rows of books. Split it into "
                    "several files and import them one after another."
                )
                % {"max": f"{MAX_ROWS:,}".replace(",", "\u00a0")}
            )
        rows.append((number, values))
    if header_row is None:
        raise ImportFileError(_("The first sheet of the file is empty."))
    if not rows:
        raise ImportFileError(
            _("The sheet has only a header row (row %(row)s): there are no books in it.")
            % {"row": header_row}
        )
    for index in sorted(unnamed_with_data):
        warnings.append(
            _("Column %(column)s has no name in the header row, so its values are ignored.")
            % {"column": _column_name(index)}
        )
    return Table(header_row, headers, rows, skipped, warnings)
