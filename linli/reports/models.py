"""Targets of the five case KPIs per unit (an area or a department), editable in the admin.

A unit without its own target takes its nearest ancestor's (a community takes its street's), and
without any, the default below (the 12345 hotline's usual marks).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.places.models import Area, Department


class Kpi(models.TextChoices):
    RESPONSE = "response", _("Response rate")
    RESOLUTION = "resolution", _("Resolution rate")
    SATISFACTION = "satisfaction", _("Satisfaction rate")
    CLOSURE = "closure", _("Closure rate")
    ON_TIME = "on_time", _("On-time closure rate")


DEFAULT_TARGETS: dict[str, int] = {Kpi.RESPONSE: 95, Kpi.RESOLUTION: 90, Kpi.SATISFACTION: 90,
                                   Kpi.CLOSURE: 90, Kpi.ON_TIME: 85}


class Target(models.Model):
    area = models.ForeignKey(Area, models.CASCADE, null=True, blank=True, related_name="kpi_targets",
                             verbose_name=_("area"))
    department = models.ForeignKey(Department, models.CASCADE, null=True, blank=True, related_name="kpi_targets",
                                   verbose_name=_("department"))
    kpi = models.CharField(_("figure"), max_length=12, choices=Kpi.choices)
    percent = models.PositiveSmallIntegerField(_("target (%)"), validators=[MaxValueValidator(100)])
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        ordering = ["area__code", "department__name", "kpi"]
        constraints = [
            models.UniqueConstraint(fields=["area", "kpi"], name="reports_target_area_kpi"),
            models.UniqueConstraint(fields=["department", "kpi"], name="reports_target_department_kpi"),
            models.CheckConstraint(condition=models.Q(area__isnull=True) ^ models.Q(department__isnull=True),
                                   name="reports_target_one_unit"),
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="reports_target_percent"),
        ]

    def __str__(self) -> str:
        unit = self.area or self.department
        return f"{unit} · {self.get_kpi_display()} {self.percent}%"

    def clean(self) -> None:
        if bool(self.area_id) == bool(self.department_id):
            raise ValidationError(_("A target belongs to either an area or a department."))


class CaseDay(models.Model):
    """The daily case rollup: how many cases reported on ``day`` (local date) in ``area`` of ``category`` by
    ``channel`` are now in ``status`` with ``department`` handling them.  Kept by ``rollup.on_case_event``
    (a case hook) on every step, rebuilt from the cases by ``linli rollup``; see ``linli/reports/rollup.py``."""

    day = models.DateField(_("day reported"))
    area = models.ForeignKey(Area, models.CASCADE, related_name="+", verbose_name=_("area"))
    category = models.ForeignKey("cases.Category", models.CASCADE, related_name="+", verbose_name=_("category"))
    channel = models.CharField(_("channel"), max_length=10)
    status = models.CharField(_("status"), max_length=12)
    department = models.ForeignKey(Department, models.CASCADE, null=True, blank=True, related_name="+",
                                   verbose_name=_("department"))
    cases = models.IntegerField(_("cases"), default=0)

    class Meta:
        verbose_name = _("daily case rollup")
        verbose_name_plural = _("daily case rollups")
        indexes = [models.Index(fields=["day", "area"], name="caseday_day_area"),
                   models.Index(fields=["department", "day"], name="caseday_department_day")]
        constraints = [  # NULL departments are distinct in a plain unique index, hence two partial ones
            models.UniqueConstraint(fields=["day", "area", "category", "channel", "status", "department"],
                                    condition=models.Q(department__isnull=False), name="caseday_key"),
            models.UniqueConstraint(fields=["day", "area", "category", "channel", "status"],
                                    condition=models.Q(department__isnull=True), name="caseday_key_nodept"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.area_id} {self.category_id} {self.channel} {self.status}: {self.cases}"
