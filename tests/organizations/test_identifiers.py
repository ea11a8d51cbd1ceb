"""Polish identifiers: what people type is normalised, or refused with a message."""

import pytest
from django.core.exceptions import ValidationError

from organizations.identifiers import (
    clean_krs,
    clean_nip,
    clean_postal_code,
    clean_regon,
    validate_krs,
    validate_nip,
    validate_regon,
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("359730", "0000359730"),
        ("0000359730", "0000359730"),
        ("0000 359 730", "0000359730"),
        (" 359730 ", "0000359730"),
        ("", ""),
    ],
)
def test_krs_is_stored_as_ten_digits(typed, stored):
    assert clean_krs(typed) == stored


@pytest.mark.parametrize("typed", ["KRS359730", "00003597301", "0000000000", "000"])
def test_krs_with_letters_too_many_digits_or_only_zeros_is_refused(typed):
    with pytest.raises(ValidationError) as error:
        clean_krs(typed)
    assert error.value.code == "invalid_krs"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("8567346215", "8567346215"),
        ("856-734-62-15", "8567346215"),
        ("856 734 62 15", "8567346215"),
    ],
)
def test_nip_with_a_correct_check_digit_is_accepted_with_or_without_dashes(typed, stored):
    assert clean_nip(typed) == stored


@pytest.mark.parametrize("typed", ["8567346216", "856734621", "85673462150", "NIP8567346"])
def test_nip_with_a_wrong_check_digit_or_length_is_refused(typed):
    with pytest.raises(ValidationError) as error:
        clean_nip(typed)
    assert error.value.code == "invalid_nip"
    assert "NIP" in error.value.messages[0]


@pytest.mark.parametrize("typed", ["192598184", "123456785", "12345678512347"])
def test_valid_nine_and_fourteen_digit_regon_numbers_are_kept(typed):
    assert clean_regon(typed) == typed


def test_a_fourteen_digit_regon_padding_a_nine_digit_one_is_stored_as_nine_digits():
    assert clean_regon("19259818400000") == "192598184"


@pytest.mark.parametrize("typed", ["192598185", "12345678512348", "1234567"])
def test_regon_with_wrong_check_digits_or_length_is_refused(typed):
    with pytest.raises(ValidationError) as error:
        clean_regon(typed)
    assert error.value.code == "invalid_regon"


@pytest.mark.parametrize(("typed", "stored"), [("15950", "15-950"), ("15-950", "15-950")])
def test_postal_code_is_stored_as_nn_nnn(typed, stored):
    assert clean_postal_code(typed) == stored


@pytest.mark.parametrize("typed", ["15-95", "1595", "15 950", "AB-123"])
def test_malformed_postal_code_is_refused(typed):
    with pytest.raises(ValidationError) as error:
        clean_postal_code(typed)
    assert error.value.code == "invalid_postal_code"


def test_the_model_validators_accept_only_the_normalised_forms():
    validate_krs("0000359730")
    validate_nip("8567346215")
    validate_regon("192598184")
    for validator, typed in [
        (validate_krs, "359730"),
        (validate_nip, "856-734-62-15"),
        (validate_regon, "19259818400000"),
    ]:
        with pytest.raises(ValidationError):
            validator(typed)
