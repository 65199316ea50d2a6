"""ID-card and mobile numbers are validated and always shown masked."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from linli.conftest import make_id_number
from linli.core.identifiers import (
    birth_date_from_id,
    id_check_char,
    mask_id_number,
    mask_mobile,
    validate_id_number,
    validate_mobile,
)

VALID_ID = "11010519491231002X"  # the GB 11643 example number


def test_valid_id_number_with_x_check_character_passes():
    validate_id_number(VALID_ID)
    validate_id_number(VALID_ID.lower())  # a lower-case x is accepted and normalised


def test_id_number_with_wrong_check_digit_is_refused_in_chinese(settings):
    wrong = VALID_ID[:17] + "1"
    with pytest.raises(ValidationError) as exc:
        validate_id_number(wrong)
    assert exc.value.code == "checksum"


@pytest.mark.parametrize("value", ["1101051949123100", "1101051949123100211", "11010519491231002Y", "", "abc"])
def test_id_number_of_wrong_length_or_characters_is_refused(value):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value)
    assert exc.value.code == "format"


def test_id_number_with_impossible_birth_date_is_refused():
    first17 = "11010519490231002"  # 31 February
    with pytest.raises(ValidationError) as exc:
        validate_id_number(first17 + id_check_char(first17))
    assert exc.value.code == "birth_date"


def test_birth_date_is_read_from_the_id_number():
    assert birth_date_from_id(make_id_number(1, dt.date(1990, 3, 4))) == dt.date(1990, 3, 4)


@pytest.mark.parametrize("value", ["13812341234", "19912341234", "+86 138-1234-1234"])
def test_valid_mobile_numbers_pass(value):
    validate_mobile(value)


@pytest.mark.parametrize("value", ["12812341234", "1381234123", "138123412345", "1381234123a", ""])
def test_invalid_mobile_numbers_are_refused(value):
    with pytest.raises(ValidationError):
        validate_mobile(value)


def test_id_number_is_masked_keeping_first_and_last_four():
    assert mask_id_number("50011319900101123X") == "5001**********123X"
    assert mask_id_number("") == ""


def test_mobile_is_masked_keeping_first_three_and_last_four():
    assert mask_mobile("13812341234") == "138****1234"
    assert mask_mobile("") == ""


def test_masked_values_appear_on_the_person(tree, make_person):
    person = make_person(tree.g1, id_number=VALID_ID, mobile="13812341234")
    assert person.masked_id_number == "1101**********002X"
    assert person.masked_mobile == "138****1234"
    assert (person.id_suffix, person.mobile_suffix) == ("002X", "1234")
