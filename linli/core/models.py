from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login.  What it may see and do follows from the roles of the person it links to."""

    person = models.OneToOneField("people.Person", models.SET_NULL, null=True, blank=True,
                                  related_name="user", verbose_name=_("person"))

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
