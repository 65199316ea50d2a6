"""Validation and masking of the two personal identifiers Linli holds, ID-card and mobile numbers (PIPL)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of a resident ID number."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def _nfkc(value: str) -> str:
    """Full-width digits and letters (``９``, ``Ｘ``) become ASCII; other scripts' digits (``٤``) stay as they
    are, so the ASCII-only patterns below refuse them instead of storing a second spelling of a number."""
    return unicodedata.normalize("NFKC", value or "")


def normalise_id_number(value: str) -> str:
    return _nfkc(value).strip().upper().replace(" ", "")


def validate_id_number(value: str) -> None:
    """18 characters, a real birth date at positions 7–14, and the GB 11643 checksum."""
    value = normalise_id_number(value)
    if not _ID_RE.match(value):
        raise ValidationError(_("An ID-card number has 17 digits followed by a digit or X."), code="format")
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date inside the ID-card number is not a real date."),
                              code="birth_date") from None
    if id_check_char(value[:17]) != value[17]:
        raise ValidationError(_("The ID-card number's check digit is wrong; please check it."), code="checksum")


def birth_date_from_id(value: str) -> dt.date:
    value = normalise_id_number(value)
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def normalise_mobile(value: str) -> str:
    value = re.sub(r"[\s-]", "", _nfkc(value))
    if value.startswith("+86"):
        value = value[3:]
    return value


def validate_mobile(value: str) -> None:
    if not _MOBILE_RE.match(normalise_mobile(value)):
        raise ValidationError(_("A mobile number has 11 digits and starts with 13–19."), code="mobile")


def mask_id_number(value: str) -> str:
    """``500113199001011234`` → ``5001**********1234``."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_mobile(value: str) -> str:
    """``13812341234`` → ``138****1234``."""
    if not value:
        return ""
    return value[:3] + "****" + value[-4:]


def mask_phone(value: str) -> str:
    """Any phone number: a mobile as ``mask_mobile``; a shorter one (a landline) keeps its last two digits."""
    value = (value or "").strip()
    if len(value) >= 11:
        return mask_mobile(value)
    return "*" * max(len(value) - 2, 1) + value[-2:] if len(value) > 2 else "*" * len(value)


def mask_name(value: str) -> str:
    """``张三丰`` → ``张**``; ``Li Lei`` → ``L*****``: the first character only."""
    value = (value or "").strip()
    return value[:1] + "*" * (len(value) - 1) if value else ""
