"""Forms of the intake: the phone report page (随手拍) and staff intake of the other channels."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.identifiers import normalise_mobile, validate_mobile
from linli.places.geo import InvalidCoordinates, parse_lat_lng
from linli.places.models import Area

from .models import Category, Channel

MAX_DESCRIPTION = 500
MAX_STAFF_DESCRIPTION = 2000
STAFF_CHANNELS = (Channel.HOTLINE, Channel.WECHAT, Channel.OPINION, Channel.PATROL)
_LANDLINE_RE = re.compile(r"^(0[0-9]{2,3})?[0-9]{7,8}$")


def category_groups() -> list[tuple[str, list[tuple[int, str]]]]:
    """Active leaf categories grouped under their top level, for a grouped ``<select>`` (one query)."""
    groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    leaves = (Category.objects.filter(active=True, parent__isnull=False, parent__active=True)
              .select_related("parent").order_by("parent__order", "parent__code", "order", "code"))
    for leaf in leaves:
        assert leaf.parent is not None and leaf.parent_id is not None
        groups.setdefault(leaf.parent_id, (leaf.parent.name, []))[1].append((leaf.pk, leaf.name))
    return list(groups.values())


class CategoryField(forms.ModelChoiceField):
    """An active leaf category, with the intake's error messages."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Category.objects.filter(active=True, parent__isnull=False),
                         label=gettext_lazy("Category"),
                         error_messages={"required": gettext_lazy("Choose a category."),
                                         "invalid_choice": gettext_lazy("Choose a category from the list.")},
                         **kwargs)


def _grouped_choices() -> list[Any]:
    return [("", "—")] + [(name, options) for name, options in category_groups()]


def validate_callback_phone(value: str) -> str:
    """A mobile number (11 digits) or a landline with or without area code; returns it normalised."""
    number = normalise_mobile(value)
    try:
        validate_mobile(number)
        return number
    except ValidationError:
        pass
    if _LANDLINE_RE.match(number.replace("(", "").replace(")", "")):
        return number
    raise forms.ValidationError(_("Enter a mobile number (11 digits) or a landline such as 023-12345678."))


class _IntakeForm(forms.Form):
    """Shared by both forms: the grouped categories and the point from ``lat``/``lng`` as ``location``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _grouped_choices()  # type: ignore[attr-defined]

    def clean_location(self) -> tuple[float, float] | None:
        lat, lng = self.cleaned_data.get("lat", ""), self.cleaned_data.get("lng", "")
        if not lat and not lng:
            return None
        try:
            return parse_lat_lng(lat, lng)
        except InvalidCoordinates as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            cleaned["location"] = self.clean_location()
        except forms.ValidationError as exc:
            self.add_error("lat", exc)
        return cleaned


class ReportForm(_IntakeForm):
    """The phone page's fields; photos come from ``request.FILES.getlist("photos")``."""

    category = CategoryField()
    description = forms.CharField(label=gettext_lazy("What is the problem?"), required=False,
                                  max_length=MAX_DESCRIPTION, widget=forms.Textarea(attrs={"rows": 3}),
                                  error_messages={"max_length": gettext_lazy(
                                      "Please keep the description under %(limit_value)d characters.")})
    lat = forms.CharField(label=gettext_lazy("Latitude"), required=False, max_length=30)
    lng = forms.CharField(label=gettext_lazy("Longitude"), required=False, max_length=30)
    location_source = forms.ChoiceField(required=False, choices=[
        ("", ""), ("gps", "gps"), ("photo", "photo"), ("map", "map"), ("typed", "typed")])
    client_token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_client_token(self) -> str | None:
        token = (self.cleaned_data.get("client_token") or "").strip()
        if not token:
            return None
        try:
            return str(uuid.UUID(token))
        except ValueError:
            raise forms.ValidationError(_("The form is out of date; reload the page.")) from None


class StaffIntakeForm(_IntakeForm):
    """A hotline call, WeChat-group message, opinion or patrol finding typed in by staff."""

    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=[(c.value, c.label) for c in STAFF_CHANNELS])
    category = CategoryField()
    description = forms.CharField(label=gettext_lazy("Description"), max_length=MAX_STAFF_DESCRIPTION,
                                  widget=forms.Textarea(attrs={"rows": 5}),
                                  help_text=gettext_lazy("For a WeChat-group message, paste the text here."),
                                  error_messages={"required": gettext_lazy("Describe the problem.")})
    caller_name = forms.CharField(label=gettext_lazy("Caller name"), max_length=50, required=False)
    callback_phone = forms.CharField(label=gettext_lazy("Callback number"), max_length=20, required=False)
    channel_ref = forms.CharField(label=gettext_lazy("Source"), max_length=100, required=False,
                                  help_text=gettext_lazy("The WeChat group or the opinion drive, if any."))
    area = forms.ModelChoiceField(label=gettext_lazy("Grid or community"), queryset=Area.objects.none(),
                                  required=False,
                                  help_text=gettext_lazy("Used when no point is picked on the map."))
    address = forms.CharField(label=gettext_lazy("Address"), max_length=200, required=False)
    lat = forms.CharField(label=gettext_lazy("Latitude"), required=False, max_length=30)
    lng = forms.CharField(label=gettext_lazy("Longitude"), required=False, max_length=30)

    def __init__(self, *args: Any, areas: QuerySet[Area] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas if areas is not None else Area.objects.none()  # type: ignore[attr-defined]

    def clean_callback_phone(self) -> str:
        value = self.cleaned_data.get("callback_phone", "").strip()
        return validate_callback_phone(value) if value else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("channel") == Channel.HOTLINE:
            if not cleaned.get("caller_name", "").strip():
                self.add_error("caller_name", _("A hotline case needs the caller's name."))
            if not cleaned.get("callback_phone") and "callback_phone" not in self.errors:
                self.add_error("callback_phone", _("A hotline case needs a callback number."))
        if not cleaned.get("location") and not cleaned.get("area") and "lat" not in self.errors:
            self.add_error("area", _("Pick the place on the map or choose a grid."))
        return cleaned
