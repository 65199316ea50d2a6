"""Personal API tokens: ``Authorization: Bearer <token>`` acts as the token's user, with that user's scope."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.keys import HashedKey, HashedKeyQuerySet


class ApiToken(HashedKey):
    """A personal token of one user: stored hashed, shown once, revocable."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens",
                             verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=50, help_text=_("What the token is for, e.g. a script."))
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)

    PREFIX_LENGTH = 12  # "ll_" and 9 random characters: the indexed part used to find the row
    KEY_MARKER = "ll_"  # tells a token apart from other keys
    objects = HashedKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.user} / {self.name}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
