"""Personal API tokens: ``Authorization: Bearer <token>`` acts as the token's user, with that user's scope."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "ll_"  # noqa: S105 - a fixed marker, not a secret
PREFIX_LENGTH = 12  # "ll_" and 9 random characters: the indexed part used to find the row
MAX_TOKEN_LENGTH = 100


def hash_token(raw: str) -> str:
    """Tokens are 256-bit random strings, so one SHA-256 is enough (no password stretching needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)

    def for_raw(self, raw: str) -> ApiToken | None:
        """The active token matching ``raw`` (with its user), or ``None``."""
        if not raw or len(raw) < PREFIX_LENGTH or len(raw) > MAX_TOKEN_LENGTH:
            return None
        token = self.active().select_related("user").filter(prefix=raw[:PREFIX_LENGTH]).first()
        if token is None or not secrets.compare_digest(token.key_hash, hash_token(raw)):
            return None
        return token


class ApiToken(models.Model):
    """A personal token of one user: stored hashed, shown once, revocable."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens",
                             verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=50, help_text=_("What the token is for, e.g. a script."))
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.user} / {self.name}"

    def set_new_key(self) -> str:
        """Generate a token, keep only its hash, and return it (shown once)."""
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.prefix, self.key_hash = raw[:PREFIX_LENGTH], hash_token(raw)
        return raw

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])

    @property
    def active(self) -> bool:
        return self.revoked_at is None
