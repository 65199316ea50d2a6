"""Open311 GeoReport v2: API keys, the extra questions of a service, and what a request brought."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.cases.models import Case, Category
from linli.core.keys import HashedKey, HashedKeyQuerySet
from linli.places.models import Area


class ApiKey(HashedKey):
    """A client's key: stored hashed, tied to the org unit whose scope its requests are filed into."""

    name = models.SlugField(_("name"), max_length=50, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True, editable=False)
    area = models.ForeignKey(Area, models.PROTECT, related_name="api_keys", verbose_name=_("org unit"))
    contact = models.CharField(_("contact"), max_length=100, blank=True)

    objects = HashedKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Datatype(models.TextChoices):
    STRING = "string", _("Short text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLE = "singlevaluelist", _("One of a list")
    MULTI = "multivaluelist", _("Several of a list")


class ServiceAttribute(models.Model):
    """An extra question a category asks (GeoReport service definition)."""

    category = models.ForeignKey(Category, models.CASCADE, related_name="attributes", verbose_name=_("category"))
    code = models.SlugField(_("code"), max_length=40)
    variable = models.BooleanField(_("asks for input"), default=True)
    datatype = models.CharField(_("data type"), max_length=20, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(_("required"), default=False)
    description = models.CharField(_("question"), max_length=200)
    datatype_description = models.CharField(_("input hint"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    values = models.JSONField(_("choices"), default=list, blank=True,
                              help_text=_('For lists: [{"key": "k", "name": "Name"}, …]'))

    class Meta:
        verbose_name = _("service attribute")
        verbose_name_plural = _("service attributes")
        ordering = ["category", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="attribute_code_per_category")]

    def __str__(self) -> str:
        return f"{self.category.code}:{self.code}"


class Open311Request(models.Model):
    """What arrived through Open311 for a case (or, while a street reviews it first, instead of one)."""

    token = models.UUIDField(_("token"), unique=True)
    api_key = models.ForeignKey(ApiKey, models.PROTECT, related_name="requests", verbose_name=_("API key"))
    case = models.OneToOneField(Case, models.CASCADE, null=True, blank=True, related_name="open311",
                                verbose_name=_("case"))
    data = models.JSONField(_("submitted fields"), default=dict)
    attributes = models.JSONField(_("attribute answers"), default=dict, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    rejected = models.BooleanField(_("rejected in review"), default=False)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    # The client's own key for this report (header Idempotency-Key or field idempotency_key): a retry
    # with the same key from the same API key gets the first answer instead of a second case.
    client_key = models.CharField(_("client request key"), max_length=64, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["api_key", "client_key"], condition=~models.Q(client_key=""),
                                               name="open311_request_unique_client_key")]

    def __str__(self) -> str:
        return str(self.case or self.token)


class StreetOpen311Settings(models.Model):
    street = models.OneToOneField(Area, models.CASCADE, related_name="open311_settings", verbose_name=_("street"))
    review_before_filing = models.BooleanField(
        _("review Open311 reports before filing"), default=False,
        help_text=_("Clients get a token; the case is filed once staff accept the report."))

    class Meta:
        verbose_name = _("Open311 street setting")
        verbose_name_plural = _("Open311 street settings")

    def __str__(self) -> str:
        return self.street.name
