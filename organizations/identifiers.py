"""Polish identifiers of organisations, checked with python-stdnum and normalised.

Each `clean_*` function takes what a person typed and returns the stored form, or
raises ValidationError with a message that says what is wrong.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.pl import nip, regon

_POSTAL_CODE = re.compile(r"^\d{2}-\d{3}$")


def clean_krs(value):
    """KRS: up to 10 digits, stored zero-padded ("359730" -> "0000359730")."""
    digits = re.sub(r"[\s-]", "", value or "")
    if not digits:
        return ""
    if not digits.isdigit() or len(digits) > 10:
        raise ValidationError(
            _("A KRS number has up to 10 digits, e.g. 0000359730."), code="invalid_krs"
        )
    if int(digits) == 0:
        raise ValidationError(_("A KRS number cannot be all zeros."), code="invalid_krs")
    return digits.zfill(10)


def clean_nip(value):
    if not (value or "").strip():
        return ""
    try:
        return nip.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("This is not a valid NIP: it must have 10 digits with a correct check digit."),
            code="invalid_nip",
        ) from exc


def clean_regon(value):
    """REGON: 9 or 14 digits with check digits; a 14-digit number that is a 9-digit
    REGON padded with zeros is stored as the 9 digits."""
    if not (value or "").strip():
        return ""
    digits = regon.compact(value)
    if len(digits) == 14 and digits.endswith("00000") and regon.is_valid(digits[:9]):
        return digits[:9]
    try:
        return regon.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("This is not a valid REGON: it must have 9 or 14 digits with correct check digits."),
            code="invalid_regon",
        ) from exc


def clean_postal_code(value):
    value = (value or "").strip()
    if not value:
        return ""
    if re.fullmatch(r"\d{5}", value):
        value = f"{value[:2]}-{value[2:]}"
    if not _POSTAL_CODE.match(value):
        raise ValidationError(
            _("Enter the postal code as NN-NNN, e.g. 15-950."), code="invalid_postal_code"
        )
    return value


def validate_krs(value):
    if value and clean_krs(value) != value:
        raise ValidationError(_("A KRS number has exactly 10 digits."), code="invalid_krs")


def validate_nip(value):
    if value and clean_nip(value) != value:
        raise ValidationError(_("Enter the NIP as 10 digits."), code="invalid_nip")


def validate_regon(value):
    if value and clean_regon(value) != value:
        raise ValidationError(_("Enter the REGON as 9 or 14 digits."), code="invalid_regon")


def validate_postal_code(value):
    if value and not _POSTAL_CODE.match(value):
        raise ValidationError(
            _("Enter the postal code as NN-NNN, e.g. 15-950."), code="invalid_postal_code"
        )
