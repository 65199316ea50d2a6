"""Times typed far outside any real use are refused with a message, never a 500."""

import pytest
from django import forms

from linli.core.forms import SaneDateTimeField


class _Form(forms.Form):
    at = SaneDateTimeField(input_formats=["%Y-%m-%dT%H:%M"])


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "9999-12-31T23:59", "1999-12-31T09:00", "2101-01-01T09:00"])
def test_a_time_outside_2000_to_2100_is_refused(value):
    form = _Form({"at": value})
    assert not form.is_valid() and "2000" in form.errors["at"][0]


def test_a_time_inside_is_kept_in_the_local_zone():
    form = _Form({"at": "2026-12-07T09:30"})
    assert form.is_valid() and form.cleaned_data["at"].year == 2026 and form.cleaned_data["at"].tzinfo is not None
