"""Small pieces every stage of the import shares: the error that refuses a whole
file, names in quotation marks, and lookups in chunks."""

from django.utils.translation import gettext as _

# Lookups by a list of values go in chunks of this size (database parameter limits).
CHUNK = 500


class ImportFileError(Exception):
    """The file as a whole cannot be imported (the message says why)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def quoted(name):
    """A name in the quotation marks of the active language (Polish „…”)."""
    return _("“%(name)s”") % {"name": name}


def chunks(values, size=CHUNK):
    """The values in lists of at most `size`, so that no query has more
    parameters than a database accepts."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]
