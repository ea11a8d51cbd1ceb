"""The catalogue import: the "Biblioteczka" spreadsheet (XLSX, XLS or CSV) in.

Staff upload a file; it goes through one module per stage:

- `reading`: `read_table` reads its first sheet (the first non-empty row is the
  header, column names in Polish or English, see `columns.COLUMNS`);
- `validation`: each row's texts become the values stored, or errors;
- `planning`: `make_plan` works out what the file would change, and
  `Plan.summary()` is the preview kept in `CatalogueImport.summary`;
- `writing`: `execute` carries a plan out in bulk;
- `applying`: nothing is written until `apply_import`, which reads the stored
  file again, checks that the plan is still the one previewed and carries it
  out in one transaction.

`common` holds what they share; this package exposes what the views use.

Each data row describes a book and, when it has an inventory number, one copy of
it. The book a row belongs to is found by:

1. its inventory number: the book that copy belongs to (but when the row's ISBN
   is that of another book in the catalogue, that other book, and the copy moves
   to it: a copy on loan or set aside for a reader never moves, that is an error);
2. else its ISBN (stored as ISBN-13; ISBN-10 or -13, with or without dashes);
3. else title + first author + year, ignoring case, diacritics and punctuation.

Rows of one file with the same ISBN (or, without an ISBN, the same title, first
author and year) are copies of one book; their book columns must agree.

Updating: an empty cell leaves the field as it is (to clear a field, edit the
book in the admin); a filled cell replaces it, a list (authors, subjects) as a
whole. The import never deletes a book or a copy, never changes a copy's status
(loans and holds stay as they are) and never writes anything when the file has
errors. Re-importing a file (or the catalogue's own export) changes nothing.
"""

from library.importing.applying import ImportRefused, apply_import, discard_import
from library.importing.columns import COLUMNS_BY_KEY, recognised_columns
from library.importing.common import ImportFileError
from library.importing.planning import MAX_LISTED, preview
from library.importing.reading import MAX_ROWS, validate_upload
from library.importing.writing import execute

__all__ = [
    "COLUMNS_BY_KEY",
    "MAX_LISTED",
    "MAX_ROWS",
    "ImportFileError",
    "ImportRefused",
    "apply_import",
    "discard_import",
    "execute",
    "preview",
    "recognised_columns",
    "validate_upload",
]
