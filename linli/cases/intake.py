"""Intake: every channel into one loop.

The phone page (随手拍), anonymous reports where a street allows them, and staff intake of hotline calls,
WeChat-group messages, opinion drives and grid patrols all end in ``submit_report``, which checks the
photos, finds the place, files the case through ``services.file_case`` and stores the photos, in one
transaction.  A retried submit carrying the same client token returns the first case.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core import roles
from linli.core.counters import bump, current
from linli.core.identifiers import normalise_mobile, validate_mobile
from linli.core.scope import scope_for
from linli.places.geo import InvalidCoordinates, locate, parse_lat_lng
from linli.places.models import Area, AreaLevel

from .models import Case, CaseEvent, CasePhoto, Category, Channel, StreetCaseSettings
from .photos import MAX_REPORT_PHOTOS, CheckedImage, ProbedImage, finish_image, probe_upload, save_photo
from .presentation import event_label
from .services import distance_m, file_case, support, suspected_duplicates
from .workflow import RATEABLE

MAX_DESCRIPTION = 500
MAX_STAFF_DESCRIPTION = 2000
STAFF_CHANNELS = (Channel.HOTLINE, Channel.WECHAT, Channel.OPINION, Channel.PATROL)
INTAKE_ROLES = {roles.GRID_WORKER, roles.PART_TIME_GRID_MEMBER, roles.COMMUNITY_STAFF, roles.STREET_STAFF,
                roles.DISTRICT_ADMIN, roles.HOTLINE_DUTY}
_LANDLINE_RE = re.compile(r"^(0[0-9]{2,3})?[0-9]{7,8}$")


class IntakeError(ValidationError):
    """A report that cannot be filed as sent; the message says why, nothing was stored."""


# --- Categories -------------------------------------------------------------------------------------

def category_groups() -> list[tuple[str, list[tuple[int, str]]]]:
    """Active leaf categories grouped under their top level, for a grouped ``<select>`` (one query)."""
    groups: dict[int, tuple[str, list]] = {}
    leaves = (Category.objects.filter(active=True, parent__isnull=False, parent__active=True)
              .select_related("parent").order_by("parent__order", "parent__code", "order", "code"))
    for leaf in leaves:
        groups.setdefault(leaf.parent_id, (leaf.parent.name, []))[1].append((leaf.pk, leaf.name))
    return list(groups.values())


class CategoryField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Category.objects.filter(active=True, parent__isnull=False),
                         label=gettext_lazy("Category"),
                         error_messages={"required": gettext_lazy("Choose a category."),
                                         "invalid_choice": gettext_lazy("Choose a category from the list.")},
                         **kwargs)


def _grouped_choices() -> list:
    return [("", "—")] + [(name, options) for name, options in category_groups()]


# --- Forms ------------------------------------------------------------------------------------------

class _LocationMixin:
    def clean_location(self) -> tuple[float, float] | None:
        lat, lng = self.cleaned_data.get("lat", ""), self.cleaned_data.get("lng", "")
        if not lat and not lng:
            return None
        try:
            return parse_lat_lng(lat, lng)
        except InvalidCoordinates as exc:
            raise forms.ValidationError(str(exc)) from None


class ReportForm(_LocationMixin, forms.Form):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _grouped_choices()

    def clean_client_token(self) -> str | None:
        token = (self.cleaned_data.get("client_token") or "").strip()
        if not token:
            return None
        try:
            return str(uuid.UUID(token))
        except ValueError:
            raise forms.ValidationError(_("The form is out of date; reload the page.")) from None

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["location"] = self.clean_location()
        except forms.ValidationError as exc:
            self.add_error("lat", exc)
        return cleaned


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


class StaffIntakeForm(_LocationMixin, forms.Form):
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

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _grouped_choices()
        self.fields["area"].queryset = areas if areas is not None else Area.objects.none()

    def clean_callback_phone(self) -> str:
        value = self.cleaned_data.get("callback_phone", "").strip()
        return validate_callback_phone(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["location"] = self.clean_location()
        except forms.ValidationError as exc:
            self.add_error("lat", exc)
        if cleaned.get("channel") == Channel.HOTLINE:
            if not cleaned.get("caller_name", "").strip():
                self.add_error("caller_name", _("A hotline case needs the caller's name."))
            if not cleaned.get("callback_phone") and "callback_phone" not in self.errors:
                self.add_error("callback_phone", _("A hotline case needs a callback number."))
        if not cleaned.get("location") and not cleaned.get("area") and "lat" not in self.errors:
            self.add_error("area", _("Pick the place on the map or choose a grid."))
        return cleaned


# --- Who may report where ---------------------------------------------------------------------------

def can_take_intake(user) -> bool:
    """Staff, grid workers and hotline operators take reports from the other channels."""
    scope = scope_for(user)
    return scope.everything or bool(scope.roles & INTAKE_ROLES)


def intake_area_codes(user) -> tuple[str, ...] | None:
    """Area codes a staff user may file cases in (``None``: everywhere)."""
    scope = scope_for(user)
    if scope.everything:
        return None
    from linli.people.models import RoleAssignment

    hotline = RoleAssignment.objects.current().filter(
        person_id=scope.person_id, role=roles.HOTLINE_DUTY, area__isnull=False).values_list("area__code", flat=True)
    return tuple(sorted(set(scope.area_codes) | set(hotline)))


def intake_areas(user):
    """Grids and communities a staff user may choose (a range query per unit of scope)."""
    qs = Area.objects.filter(level__in=[AreaLevel.GRID, AreaLevel.COMMUNITY]).select_related("parent")
    codes = intake_area_codes(user)
    if codes is None:
        return qs
    from django.db.models import Q

    q = Q(pk__in=[])
    for code in codes:
        q |= Q(pk__in=Area.objects.under(code).values("pk"))
    return qs.filter(q)


def anonymous_streets():
    return Area.objects.filter(level=AreaLevel.STREET, case_settings__allow_anonymous=True)


def anonymous_allowed(street: Area | None) -> bool:
    return street is not None and StreetCaseSettings.objects.filter(street=street, allow_anonymous=True).exists()


def anonymous_limit() -> int:
    return int(getattr(settings, "LINLI_ANONYMOUS_REPORTS_PER_HOUR", 5))


def _rate_key(ip: str) -> str:
    return f"linli:cases:anon:{ip}"


def check_rate(ip: str) -> None:
    if current(_rate_key(ip)) >= anonymous_limit():
        raise IntakeError(_("Too many anonymous reports from this network; please try again in an hour "
                            "or sign in."))


def count_rate(ip: str) -> None:
    bump(_rate_key(ip), timeout=3600)


def user_report_limit() -> int:
    return int(getattr(settings, "LINLI_REPORTS_PER_USER_PER_HOUR", 20))


def photo_day_limit() -> int:
    return int(getattr(settings, "LINLI_REPORT_PHOTOS_PER_DAY", 60))


def _who(user, anonymous_ip: str | None) -> str:
    return f"user:{user.pk}" if getattr(user, "is_authenticated", False) else f"ip:{anonymous_ip or 'unknown'}"


def check_user_rate(user) -> None:
    """Signed-in phone reports per account per hour (staff intake channels are not limited)."""
    if current(f"linli:cases:user:{user.pk}") >= user_report_limit():
        raise IntakeError(_("You have sent many reports in the last hour; please try again later."))


def check_photo_cap(who: str, n: int) -> None:
    """Report photos per account (or per network address when anonymous) per day."""
    if n and current(f"linli:cases:photos:{who}") + n > photo_day_limit():
        raise IntakeError(_("You have sent the most photos allowed today (%(n)d); send the report without "
                            "photos or try again tomorrow.") % {"n": photo_day_limit()})


def count_report(user, who: str, photos: int, *, limited: bool) -> None:
    if limited:
        bump(f"linli:cases:user:{user.pk}", timeout=3600)
    for _i in range(photos):
        bump(f"linli:cases:photos:{who}", timeout=86400)


# --- Filing -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Located:
    lat: float | None
    lng: float | None
    area: Area
    source: str


def check_photos(uploads) -> list[ProbedImage]:
    """The uploads' headers (type, pixel count, EXIF position), checked before anything is decoded."""
    uploads = list(uploads or [])
    if len(uploads) > MAX_REPORT_PHOTOS:
        raise IntakeError(_("A report takes at most %(n)d photos.") % {"n": MAX_REPORT_PHOTOS})
    return [probe_upload(upload) for upload in uploads]


def find_place(location: tuple[float, float] | None, photos: list[ProbedImage] | list[CheckedImage], *,
               source: str = "",
               area: Area | None = None) -> Located:
    """The reported point (given, else the first photo's EXIF GPS) and its grid, else the chosen area."""
    if location is None:
        first_gps = next((p.gps for p in photos if p.gps), None)
        if first_gps is not None:
            location, source = first_gps, "photo"
    if location is not None:
        try:
            grid = locate(*location)
        except InvalidCoordinates as exc:
            raise IntakeError(str(exc)) from None
        if grid is None:
            raise IntakeError(_("This location is outside our service area."))
        return Located(location[0], location[1], grid, source or "typed")
    if area is not None:
        return Located(None, None, area, "area")
    raise IntakeError(_("We need to know where the problem is: allow location, use a photo taken there, "
                        "or tap the map."))


def existing_case(client_token: str | None, user) -> Case | None:
    """The case an earlier submit with this token created (only the same reporter's)."""
    if not client_token:
        return None
    case = Case.objects.filter(client_token=client_token).first()
    if case is None:
        return None
    if case.reporter_id != (user.pk if getattr(user, "is_authenticated", False) else None):
        raise IntakeError(_("The form is out of date; reload the page."))
    return case


def submit_report(*, user, category: Category, description: str, location: tuple[float, float] | None,
                  uploads=(), client_token: str | None = None, location_source: str = "",
                  channel: str = Channel.H5, area: Area | None = None, allowed_codes: tuple[str, ...] | None = None,
                  anonymous_ip: str | None = None, caller_name: str = "", callback_phone: str = "",
                  channel_ref: str = "", address: str = "") -> tuple[Case, bool]:
    """File one report with its photos; returns ``(case, created)``.

    ``anonymous_ip`` marks an anonymous report (its street must allow them; limited per IP).
    ``allowed_codes`` limits staff intake to their units.  Raises ``IntakeError`` (nothing stored).
    """
    signed_in = getattr(user, "is_authenticated", False)
    if (case := existing_case(client_token, user)) is not None:
        return case, False
    # Cheap checks first (limits, headers, place, permissions); photos are decoded only when all pass.
    description = (description or "").strip()
    uploads = list(uploads or [])
    limited = signed_in and channel == Channel.H5
    who = _who(user, anonymous_ip)
    if limited:
        check_user_rate(user)
    if not signed_in:
        check_rate(anonymous_ip or "unknown")
    check_photo_cap(who, len(uploads))
    probed = check_photos(uploads)
    if not description and not probed:
        raise IntakeError(_("Write a few words or add a photo."))
    place = find_place(location, probed, source=location_source, area=area)
    if allowed_codes is not None and not any(place.area.code.startswith(c) for c in allowed_codes):
        raise IntakeError(_("This place is outside the units you work for."))
    if not signed_in and not anonymous_allowed(place.area.ancestor(AreaLevel.STREET)):
        raise IntakeError(_("This street does not take anonymous reports; please sign in first."))
    photos = [finish_image(p) for p in probed]
    staff_channel = channel != Channel.H5
    reporter = user if signed_in and channel in (Channel.H5, Channel.PATROL) else None
    with transaction.atomic():
        data: dict = {"location": place.source}
        if staff_channel:
            data["entered_by"] = user.pk
        if not signed_in:
            data["anonymous"] = True
        case = file_case(category=category, channel=channel, description=description, reporter=reporter,
                         lat=place.lat, lng=place.lng, area=place.area, address=address,
                         client_token=client_token, caller_name=caller_name, callback_phone=callback_phone,
                         channel_ref=channel_ref, actor=user if signed_in else None, event_data=data)
        for photo in photos:
            save_photo(case, photo, kind=CasePhoto.Kind.REPORT, user=user if signed_in else None)
    if not signed_in:
        count_rate(anonymous_ip or "unknown")
    count_report(user, who, len(photos), limited=limited)
    return case, True


def duplicates_for(category: Category | None, location: tuple[float, float] | None) -> list[Case]:
    if category is None or location is None:
        return []
    return suspected_duplicates(category, *location)


@dataclass(frozen=True)
class DuplicateHint:
    """What a reporter is shown of a suspected duplicate, and nothing more: no number, no description, no
    reporter, no date; ``ref`` names the case for "me too" without telling its number."""

    ref: str
    category_id: int
    category: str
    status: str
    metres: int


def duplicate_ref(case: Case) -> str:
    return salted_hmac("linli.cases.duplicate", str(case.pk)).hexdigest()[:24]


def duplicate_hints(category: Category | None, location: tuple[float, float] | None) -> list[DuplicateHint]:
    """The suspected duplicates of a report being written, as the reporter may see them (distance to 10 m)."""
    if category is None or location is None:
        return []
    return [DuplicateHint(ref=duplicate_ref(c), category_id=c.category_id, category=c.category.name,
                          status=str(c.get_status_display()),
                          metres=int(round(distance_m(location[0], location[1], c.lat, c.lng), -1)))
            for c in duplicates_for(category, location)]


def lookup_limit() -> int:
    return int(getattr(settings, "LINLI_DUPLICATE_LOOKUPS_PER_MINUTE", 30))


def check_lookup_rate(who: str) -> None:
    """Duplicate look-ups per account (or per IP address when anonymous) per minute."""
    key = f"linli:cases:duplookup:{who}"
    if bump(key, timeout=60) > lookup_limit():
        raise IntakeError(_("Too many look-ups; please wait a minute."))


def me_too(*, user, ref: str, category: Category, location: tuple[float, float] | None,
           anonymous_ip: str | None = None) -> Case:
    """Add a "me too" to a suspected duplicate of the report being written (once per user)."""
    ref = (ref or "").strip()
    case = next((c for c in duplicates_for(category, location) if ref and constant_time_compare(duplicate_ref(c), ref)),
                None)
    if case is None:
        raise IntakeError(_("That case is no longer open near this place; please file your report."))
    signed_in = getattr(user, "is_authenticated", False)
    if signed_in:
        if case.reporter_id == user.pk or CaseEvent.objects.filter(case=case, action="support", actor=user).exists():
            return case
    else:
        if not anonymous_allowed(case.street):
            raise IntakeError(_("This street does not take anonymous reports; please sign in first."))
        check_rate(anonymous_ip or "unknown")
        count_rate(anonymous_ip or "unknown")
    return support(case, user if signed_in else None)


# --- My reports ------------------------------------------------------------------------------------

def my_cases(user):
    """The user's own reports, newest first, with what the list shows (no per-row queries)."""
    photos = CasePhoto.objects.filter(kind=CasePhoto.Kind.REPORT, hidden=False).order_by("id")
    return (Case.objects.filter(reporter=user).select_related("category", "category__parent", "area")
            .prefetch_related(Prefetch("photos", queryset=photos, to_attr="report_photos")).order_by("-id"))


def my_case(user, number: str) -> Case:
    from django.http import Http404

    photos = CasePhoto.objects.filter(hidden=False).order_by("id")
    events = CaseEvent.objects.select_related("actor").order_by("at", "id")
    case = (Case.objects.filter(reporter=user, number=number)
            .select_related("category", "category__parent", "area", "handler_area", "handler_department")
            .prefetch_related(Prefetch("photos", queryset=photos, to_attr="visible_photos"),
                              Prefetch("events", queryset=events, to_attr="timeline")).first())
    if case is None:
        raise Http404
    for event in case.timeline:
        event.label = event_label(event.action)
    return case




def can_rate(case: Case) -> bool:
    """Resolved (or later) and not yet rated since the last resolution."""
    if case.status not in RATEABLE:
        return False
    timeline = getattr(case, "timeline", None)
    if timeline is None:
        timeline = list(case.events.filter(action__in=["rate", "resolve"]).order_by("at", "id"))
    last = next((e.action for e in reversed(timeline) if e.action in ("rate", "resolve")), None)
    return last != "rate"
