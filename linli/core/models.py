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
    # Set when the worker starts the job and at every step: a running job whose worker was killed goes quiet.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        return 100 if self.status == self.Status.DONE else (100 * self.done // self.total if self.total else 0)


class AppendOnlyError(Exception):
    """The audit log is append-only: an entry is never changed or removed."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("the audit log is append-only")

    def delete(self):
        raise AppendOnlyError("the audit log is append-only")

    bulk_update = update  # type: ignore[assignment]


class AuditEntry(models.Model):
    """One staff action (a write request or a console command): who, when, from where, on what.

    Append-only: ``save`` only inserts, ``delete`` and queryset updates or deletes raise, the admin
    shows entries read-only, and a database trigger refuses an UPDATE.  The values sent are not kept
    (they may hold personal data), only the names of the fields; what changed in a person is in its history.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    # No foreign-key constraint and no cascade: an entry outlives the account (and is never updated by it).
    user = models.ForeignKey("core.User", models.DO_NOTHING, null=True, blank=True, db_constraint=False,
                             related_name="+", verbose_name=_("user"))
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("address"), max_length=300)
    action = models.CharField(_("action"), max_length=100, blank=True, db_index=True,
                              help_text=_("the page or command, e.g. people:edit"))
    target = models.CharField(_("object"), max_length=200, blank=True)
    fields = models.JSONField(_("fields sent"), default=list, blank=True)
    status = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    # The areas the user acted for at the time ("*": the whole district), so a log can be read by scope.
    scope = models.CharField(_("scope"), max_length=300, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "-at"], name="audit_user_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.method} {self.path}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("the audit log is append-only")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the audit log is append-only")
