"""Cells of the portal's CSV and XLSX downloads that a spreadsheet will not run.

A cell starting like a formula (=, +, -, @, tab, carriage return) is run by
spreadsheet programs when the file is opened: in CSV it gets a leading apostrophe;
in XLSX (openpyxl) a text cell is stored as text, never as a formula.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """`value`, with a leading apostrophe if it is text that starts like a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def text_cell(sheet, row, column, value):
    """Write `value` into an openpyxl sheet; text stays text (never a formula)."""
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell
