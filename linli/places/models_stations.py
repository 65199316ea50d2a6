"""The 15-minute service circle (15分钟服务圈): service stations, their amenities, opening hours and closures.

A station is a party-mass service centre (党群服务中心), a station (驿站) or a service point (服务点) at a
partner outlet; it has a map pin, a contact, an editable list of amenities (rest, rain shelter, charging …),
opening intervals per weekday and dated closures.  An interval whose closing time is not after its opening
time runs past midnight into the next day; ``all_day`` makes the weekday open around the clock.  A closure
date closes the intervals that *start* on that date (the night of a holiday's eve still ends normally).
The rules that read these rows live in ``places.stations``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import cast

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .models import Area, PartnerUnit

__all__ = ["Amenity", "OpeningHours", "ServiceStation", "StationClosure", "StationKind", "StationPhoto", "Weekday"]

phone_validator = RegexValidator(r"^[0-9+\-() ]{5,20}$", _("Enter a phone number of digits, spaces, + or -."))


class Amenity(models.Model):
    """One kind of service a station may offer (the editable catalogue)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("offered"), default=True,
                                 help_text=_("Amenities no longer offered are hidden from the search."))

    class Meta:
        verbose_name = _("amenity")
        verbose_name_plural = _("amenities")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class StationKind(models.TextChoices):
    CENTRE = "centre", _("Party-mass service centre")
    STATION = "station", _("Service station")
    POINT = "point", _("Service point")


class ServiceStation(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=StationKind.choices, default=StationKind.POINT)
    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey(Area, models.PROTECT, related_name="service_stations", verbose_name=_("area"),
                             help_text=_("The community or grid the station belongs to."))
    operator = models.ForeignKey(PartnerUnit, models.SET_NULL, null=True, blank=True, related_name="stations",
                                 verbose_name=_("operator"),
                                 help_text=_("The partner unit that runs the station, if not the community."))
    address = models.CharField(_("address"), max_length=200)
    lat = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lng = models.FloatField(_("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True, validators=[phone_validator])
    description = models.TextField(_("description"), max_length=1000, blank=True)
    amenities = models.ManyToManyField(Amenity, blank=True, related_name="stations", verbose_name=_("amenities"))
    active = models.BooleanField(_("in service"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service station")
        verbose_name_plural = _("service stations")
        ordering = ["kind", "name"]
        indexes = [models.Index(fields=["active", "lat", "lng"], name="station_active_lat_lng")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope) -> Q:
        return scope.area_q("area__code")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """One opening interval on a weekday; closing at or before the opening time means past midnight."""

    station = models.ForeignKey(ServiceStation, models.CASCADE, related_name="hours", verbose_name=_("station"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    all_day = models.BooleanField(_("open 24 hours"), default=False)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True,
                              help_text=_("A closing time before the opening time is on the next day."))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["station", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(all_day=True) | (Q(opens__isnull=False) & Q(closes__isnull=False) & ~Q(opens=F("closes"))),
                name="hours_all_day_or_interval"),
        ]

    def __str__(self) -> str:
        if self.all_day:
            return f"{self.get_weekday_display()} 24h"
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.all_day:
            self.opens = self.closes = None
            return
        if self.opens is None or self.closes is None:
            raise ValidationError(_("Give the opening and closing times, or tick “open 24 hours”."))
        if self.opens == self.closes:
            raise ValidationError(_("Opening and closing times are the same; tick “open 24 hours” instead."))

    @property
    def overnight(self) -> bool:
        # Both times are set unless the station is open all day (``clean`` sees to it).
        return not self.all_day and cast(dt.time, self.closes) <= cast(dt.time, self.opens)


class StationClosure(models.Model):
    """Dates on which the station does not open (holidays, repairs), both ends included."""

    station = models.ForeignKey(ServiceStation, models.CASCADE, related_name="closures", verbose_name=_("station"))
    starts_on = models.DateField(_("closed from"))
    ends_on = models.DateField(_("closed until"))
    reason = models.CharField(_("reason"), max_length=100)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["station", "starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")),
                                              name="closure_ends_after_start")]
        indexes = [models.Index(fields=["station", "ends_on"], name="closure_station_end")]

    def __str__(self) -> str:
        return f"{self.station}: {self.starts_on}–{self.ends_on}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(_("The closure cannot end before it starts."))


MAX_STATION_PHOTO_BYTES = 5 * 1024 * 1024


def _station_photo_path(instance: StationPhoto, filename: str) -> str:
    return f"stations/{instance.station_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:5]}"


def _photo_size(image) -> None:
    if image and image.size > MAX_STATION_PHOTO_BYTES:
        raise ValidationError(_("A photo may be at most 5 MB."))


def _real_photo(image) -> None:
    """A JPEG, PNG or WebP that Pillow can read (not only a file named like one)."""
    from PIL import Image, UnidentifiedImageError

    try:
        image.open("rb")
        with Image.open(image) as opened:
            kind = opened.format
            opened.verify()
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError):
        raise ValidationError(_("This file is not a photo we can read (JPEG, PNG or WebP).")) from None
    finally:
        image.seek(0)
    if kind not in {"JPEG", "PNG", "WEBP"}:
        raise ValidationError(_("This file is not a photo we can read (JPEG, PNG or WebP)."))


class StationPhoto(models.Model):
    """A photo of a station for its public page (uploaded by staff in the admin; an image Pillow can read)."""

    station = models.ForeignKey(ServiceStation, models.CASCADE, related_name="photos", verbose_name=_("station"))
    image = models.ImageField(_("photo"), upload_to=_station_photo_path, validators=[_photo_size, _real_photo])
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("station photo")
        verbose_name_plural = _("station photos")
        ordering = ["station", "order", "id"]

    def __str__(self) -> str:
        return self.caption or str(self.station)
