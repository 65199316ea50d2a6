"""Identifiers are NFKC-normalised and validated with ASCII digits only (issue 14, hole 5).

Before: full-width and Arabic-Indic digits passed ``\\d``/``isdigit()``: an Excel import stored ID
``９９０１１３…`` and mobile ``15４00007705`` as a second person beside the ASCII one, staff intake
accepted ``15٤00001111``, and the Open311 ``phone`` was not validated at all.
"""

import pytest
from django.core.exceptions import ValidationError

from linli.conftest import make_id_number
from linli.core.auth import login_key
from linli.core.identifiers import normalise_id_number, normalise_mobile, validate_id_number, validate_mobile
from linli.core.paging import parse_key

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_full_width_identifiers_become_ascii():
    number = make_id_number(5)
    assert normalise_id_number(number.translate(FULL_WIDTH)) == number
    assert normalise_mobile("15４00007705") == "15400007705"
    assert normalise_mobile("＋８６ １３８ ００００ ０１１１") == "13800000111"
    validate_id_number(number.translate(FULL_WIDTH))
    validate_mobile("１３８００００１１１１")


@pytest.mark.parametrize("mobile", ["15٤00001111", "13800001111".translate(ARABIC_INDIC),
                                    "१३८०००००१११"])
def test_other_scripts_digits_are_refused_as_mobile_numbers(mobile):
    with pytest.raises(ValidationError):
        validate_mobile(mobile)


def test_other_scripts_digits_are_refused_in_id_numbers():
    with pytest.raises(ValidationError):
        validate_id_number(make_id_number(5).translate(ARABIC_INDIC))


def test_login_and_paging_keys_take_ascii_digits_only():
    assert login_key("１３８００００１１１１") == "13800001111"
    assert login_key("13800001111".translate(ARABIC_INDIC)) != "13800001111"
    assert parse_key("١٢") is None and parse_key("²") is None and parse_key("12") == 12
