"""The closed loop (随手拍 → 交办 → 处理 → 反馈 → 核查结案 → 评价).

A ``Case`` is the cached current state; ``CaseEvent`` is the append-only log every state change
writes, with who, when, a note and photos.  The state machine lives in ``workflow.py`` as a table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.places.models import Area, Department

if TYPE_CHECKING:
    from linli.core.scope import Scope


class HandlerLevel(models.TextChoices):
    GRID = "grid", _("Grid")
    COMMUNITY = "community", _("Community")
    STREET = "street", _("Street")
    DEPARTMENT = "department", _("District department")


# The article's three-level linkage: grid → community → street → district department.
ESCALATION_ORDER: list[str] = [HandlerLevel.GRID, HandlerLevel.COMMUNITY, HandlerLevel.STREET, HandlerLevel.DEPARTMENT]


class CategoryKind(models.TextChoices):
    COMPONENT = "component", _("Component (部件)")
    EVENT = "event", _("Event (事件)")


class Category(models.Model):
    """Two-level catalogue seeded from GB/T 30428 plus the article's own problems."""

    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent category"))
    kind = models.CharField(_("kind"), max_length=10, choices=CategoryKind.choices)
    code = models.SlugField(_("service code"), max_length=40, unique=True,
                            help_text=_("Also the Open311 service_code."))
    name = models.CharField(_("name"), max_length=50)
    description = models.CharField(_("description"), max_length=200, blank=True)
    handler_level = models.CharField(_("default handler level"), max_length=12, choices=HandlerLevel.choices,
                                     default=HandlerLevel.GRID)
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="categories",
                                   verbose_name=_("department"))
    accept_hours = models.PositiveSmallIntegerField(_("working hours to accept"), default=2)
    resolve_days = models.PositiveSmallIntegerField(_("working days to resolve"), default=5)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(handler_level="department") | Q(department__isnull=False),
                name="category_department_level_needs_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent is not None else self.name


class Channel(models.TextChoices):
    H5 = "h5", _("Snap-and-report (phone)")
    HOTLINE = "hotline", _("Hotline call")
    WECHAT = "wechat", _("WeChat group message")
    MEETING = "meeting", _("Meeting item")
    OPINION = "opinion", _("Opinion drive")
    PATROL = "patrol", _("Grid worker patrol")
    OPEN311 = "open311", _("Open311")


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    DISPATCHED = "dispatched", _("Dispatched")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.RESOLVED,
                 Status.VERIFIED)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=24, unique=True)
    category = models.ForeignKey(Category, models.PROTECT, related_name="cases", verbose_name=_("category"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, db_index=True)
    channel_ref = models.CharField(_("channel reference"), max_length=100, blank=True,
                                   help_text=_("e.g. the API key name or the meeting"))
    description = models.TextField(_("description"), max_length=2000)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Where the problem is (its grid, else the community/street the reporter chose) — the scope key.
    area = models.ForeignKey(Area, models.PROTECT, related_name="cases", verbose_name=_("area"))
    street = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("street"), editable=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REPORTED)
    # Who handles it now: a level and a unit (an area for grid/community/street, or a department).
    level = models.CharField(_("handler level"), max_length=12, choices=HandlerLevel.choices)
    handler_area = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="handled_cases",
                                     verbose_name=_("handling unit"))
    handler_department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True,
                                           related_name="cases", verbose_name=_("handling department"))
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                 related_name="reported_cases", verbose_name=_("reporter"))
    caller_name = models.CharField(_("caller name"), max_length=50, blank=True)
    callback_phone = models.CharField(_("callback number"), max_length=20, blank=True)
    client_token = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    duplicate_of = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="duplicates",
                                     verbose_name=_("duplicate of"))
    supporters = models.PositiveIntegerField(_("me too"), default=0)
    supervised = models.BooleanField(_("under supervision"), default=False, db_index=True)
    escalated = models.BooleanField(_("escalated"), default=False, db_index=True)
    accept_due = models.DateTimeField(_("accept by"), null=True, blank=True)
    resolve_due = models.DateTimeField(_("resolve by"), null=True, blank=True, db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    overdue = models.BooleanField(_("overdue"), default=False, db_index=True)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices, blank=True)
    public_hidden = models.BooleanField(_("hidden from the public"), default=False)
    public_hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["area", "status", "id"], name="case_area_status"),
            models.Index(fields=["handler_department", "status", "id"], name="case_dept_status"),
            # The case KPIs (cases.kpis): a street's cases of a period are one range of it, and every column
            # the figures read is in it (SQLite answers from the index alone); replaces (street, created_at).
            models.Index(fields=["street", "created_at", "status", "accepted_at", "accept_due", "resolve_due",
                                 "closed_at", "overdue", "rating", "area"], name="case_street_kpis"),
            models.Index(fields=["category", "created_at"], name="case_category_created"),
            models.Index(fields=["status", "created_at"], name="case_status_created"),  # Open311 status=closed
            models.Index(fields=["reporter", "id"], name="case_reporter"),
        ]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def scope_q(cls, scope: Scope) -> Q:
        q: Q = scope.area_q("area__code")
        if scope.department_ids:
            q |= Q(handler_department_id__in=scope.department_ids)
        if scope.person_id:
            q |= Q(reporter__person_id=scope.person_id)
        return q

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class CaseEvent(models.Model):
    """One step of a case's life: append-only, never edited."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="events", verbose_name=_("case"))
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("by"))
    note = models.TextField(_("note"), max_length=2000, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_at")]

    def __str__(self) -> str:
        return f"{self.case.number} {self.action}"


def photo_path(instance: CasePhoto, filename: str) -> str:
    return f"cases/{instance.case.created_at:%Y/%m}/{instance.case.number}/{instance.uuid}.jpg"


class CasePhoto(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("Reported photo")
        RESULT = "result", _("Result photo")

    uuid = models.UUIDField(unique=True, editable=False)
    case = models.ForeignKey(Case, models.CASCADE, related_name="photos", verbose_name=_("case"))
    event = models.ForeignKey(CaseEvent, models.SET_NULL, null=True, blank=True, related_name="photos")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    image = models.ImageField(_("image"), upload_to=photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to="cases/thumbs/", blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    gps_lat = models.FloatField(null=True, blank=True)
    gps_lng = models.FloatField(null=True, blank=True)
    public_approved = models.BooleanField(_("approved for the public page"), default=False)
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case photo")
        verbose_name_plural = _("case photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_kind_display()}"


class Holiday(models.Model):
    """A day that differs from the normal week: a public holiday, or a weekend working day (调休)."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"), default=False)
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("holiday or adjusted working day")
        verbose_name_plural = _("working calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Message(models.Model):
    """An in-site notification."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="messages",
                                  verbose_name=_("recipient"))
    case = models.ForeignKey(Case, models.CASCADE, null=True, blank=True, related_name="+")
    text = models.CharField(_("text"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-id"], name="message_inbox")]

    def __str__(self) -> str:
        return self.text


class Webhook(models.Model):
    """A WeCom or DingTalk group robot that hears about the cases of an org unit."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    url = models.URLField(_("URL"), max_length=500)
    area = models.ForeignKey(Area, models.CASCADE, null=True, blank=True, related_name="webhooks")
    department = models.ForeignKey(Department, models.CASCADE, null=True, blank=True, related_name="webhooks")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.area or self.department}"


class CaseCounter(models.Model):
    """The last sequence number used per street and day, for case numbers."""

    key = models.CharField(max_length=20, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"


class StreetCaseSettings(models.Model):
    """Per-street intake settings (added by cases-intake): whether residents may report without signing in."""

    street = models.OneToOneField(Area, models.CASCADE, related_name="case_settings", verbose_name=_("street"),
                                  limit_choices_to={"level": "street"})
    allow_anonymous = models.BooleanField(
        _("allow anonymous reports"), default=False,
        help_text=_("Anonymous reporters get no callback and are limited per IP address."))

    class Meta:
        verbose_name = _("street case settings")
        verbose_name_plural = _("street case settings")

    def __str__(self) -> str:
        return str(self.street)
