from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login.  What it may see and do follows from the roles of the person it links to."""

    person = models.OneToOneField("people.Person", models.SET_NULL, null=True, blank=True,
                                  related_name="user", verbose_name=_("person"))

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")  # type: ignore[assignment]  # the stubs type Meta names as str, not lazy
        verbose_name_plural = _("users")  # type: ignore[assignment]


# What ``request.user`` can be: a login, or nobody signed in.
UserLike: TypeAlias = User | AnonymousUser


class Job(models.Model):
    """A long task run by the background worker (imports, exports), with progress a page can poll."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40)
    created_by = models.ForeignKey("core.User", models.SET_NULL, null=True, blank=True, related_name="jobs",
                                   verbose_name=_("created by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        return 100 if self.status == self.Status.DONE else (100 * self.done // self.total if self.total else 0)
