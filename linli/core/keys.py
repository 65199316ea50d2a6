"""Secrets handed to clients (Open311 API keys, personal API tokens): generated once, stored only hashed.

A key is 256 random bits, so one SHA-256 is enough to store it (no password stretching needed); its
first characters are kept in clear, indexed, to find the row, and the hash is compared in constant time.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TypeVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_KEY_LENGTH = 100

_K = TypeVar("_K", bound="HashedKey")


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class HashedKeyQuerySet(models.QuerySet[_K]):
    def active(self) -> HashedKeyQuerySet[_K]:
        return self.filter(revoked_at__isnull=True)

    def for_raw(self, raw: str) -> _K | None:
        """The active row whose key is ``raw``, or None."""
        length = self.model.PREFIX_LENGTH
        if not raw or len(raw) < length or len(raw) > MAX_KEY_LENGTH:
            return None
        row = self.active().filter(prefix=raw[:length]).first()
        if row is None or not secrets.compare_digest(row.key_hash, hash_key(raw)):
            return None
        return row


class HashedKey(models.Model):
    """A stored key: its hash and life.  Subclasses add ``prefix`` (indexed) sized ``PREFIX_LENGTH``."""

    PREFIX_LENGTH = 8
    KEY_MARKER = ""  # a fixed start that tells what kind of key it is, e.g. "ll_"

    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        abstract = True

    def set_new_key(self) -> str:
        """Generate a key, keep only its prefix and hash, and return it (shown once)."""
        raw = self.KEY_MARKER + secrets.token_urlsafe(32)
        self.prefix, self.key_hash = raw[: self.PREFIX_LENGTH], hash_key(raw)
        return raw

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
