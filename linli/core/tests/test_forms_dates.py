"""Dates and times typed far outside any real use (year 1, 9999) or with digits of another script are refused
with a message, never a 500 nor stored: in every form of Linli."""

import contextlib
import importlib
import inspect

import pytest
from django import forms
from django.core.exceptions import ValidationError

from linli.core.forms import SaneDateTimeField
from linli.core.paging import parse_time_key


class _Form(forms.Form):
    at = SaneDateTimeField(input_formats=["%Y-%m-%dT%H:%M"])


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "9999-12-31T23:59", "1999-12-31T09:00", "2101-01-01T09:00"])
def test_a_time_outside_2000_to_2100_is_refused(value):
    form = _Form({"at": value})
    assert not form.is_valid() and "2000" in form.errors["at"][0]


def test_a_time_inside_is_kept_in_the_local_zone():
    form = _Form({"at": "2026-12-07T09:30"})
    assert form.is_valid() and form.cleaned_data["at"].year == 2026 and form.cleaned_data["at"].tzinfo is not None


# --- every date and time a form of Linli takes is bounded --------------------------------------------------

FORM_MODULES = [f"linli.{name}" for name in ("care.forms", "cases.forms", "core.forms", "funds.forms",
                                             "meetings.forms", "people.forms", "places.forms_stations",
                                             "points.forms", "reports.forms", "volunteering.forms")]


def date_fields() -> list[tuple[str, str]]:
    """(form class, field name) of every date or time field declared by a form class of Linli."""
    found = []
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for name, cls in sorted(vars(module).items()):
            if inspect.isclass(cls) and issubclass(cls, forms.BaseForm) and cls.__module__ == module_name:
                found += [(f"{module_name}.{name}", field) for field, f in cls.base_fields.items()
                          if isinstance(f, (forms.DateField, forms.DateTimeField))]
    return found


DATE_FIELDS = date_fields()


def test_the_forms_with_dates_are_found():
    assert len(DATE_FIELDS) >= 25, DATE_FIELDS


@pytest.mark.parametrize(("form", "field"), DATE_FIELDS)
def test_year_1_and_year_9999_are_a_form_error_in_every_form(form, field):
    module, name = form.rsplit(".", 1)
    f = getattr(importlib.import_module(module), name).base_fields[field]
    times = isinstance(f, forms.DateTimeField)
    sane = ["2026-03-02T10:00", "2026-03-02 10:00"] if times else ["2026-03-02"]
    parsed = []
    for value in sane:
        with contextlib.suppress(ValidationError):
            parsed.append(f.clean(value))
    assert parsed, "the field takes no ISO date at all"
    for year in ("0001", "9999", "2026".translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))):
        for value in sane:
            with pytest.raises(ValidationError):
                f.clean(year + value[4:])


@pytest.mark.parametrize("url", ["/meetings/?after=0001-01-01T00:00_5", "/meetings/?after=9999-12-31T23:59_5",
                                 "/volunteering/activities/?after=0001-01-01T00:00_5",
                                 "/volunteering/activities/?when=past&after=0001-01-01T00:00_5"])
def test_a_page_cursor_in_year_1_starts_from_the_first_page(client, tree, make_user, url):
    """Before: ``?after=0001-01-01T00:00_5`` was a 500 (OverflowError converting to UTC)."""
    client.force_login(make_user("staff", "community_staff", tree.comm_a1))
    assert client.get(url).status_code == 200


def test_time_keys_outside_the_years_or_in_other_digits_are_no_key():
    assert parse_time_key("0001-01-01T00:00") is None and parse_time_key("9999-12-31T23:59") is None
    assert parse_time_key("٢٠٢٦-03-02T10:00") is None and parse_time_key("2026-02-30T10:00") is None
    assert parse_time_key("2026-03-02T10:00").tzinfo is not None
