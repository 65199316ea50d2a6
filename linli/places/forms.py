"""Forms of the department and partner-unit pages; the rules are checked again in ``units``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Department, PartnerUnit
from .models_stations import phone_validator
from .units import DEPARTMENT_FIELDS, PARTNER_FIELDS


class _UnitForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_phone"].validators.append(phone_validator)
        self.fields["name"].error_messages["required"] = _("Please give the name.")


class DepartmentForm(_UnitForm):
    class Meta:
        model = Department
        fields = list(DEPARTMENT_FIELDS)


class PartnerForm(_UnitForm):
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)

    class Meta:
        model = PartnerUnit
        fields = list(PARTNER_FIELDS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("lat") is None) != (data.get("lng") is None) and not self.has_error("lat") \
                and not self.has_error("lng"):
            raise forms.ValidationError(_("A position needs both latitude and longitude."))
        return data
