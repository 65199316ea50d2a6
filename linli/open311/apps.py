from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "linli.open311"
    label = "open311"
    verbose_name = _("Open311 GeoReport v2")

    def ready(self) -> None:
        from linli.cases.models import Category

        from . import catalogue
        from .models import ApiKey, ServiceAttribute, StreetOpen311Settings

        # What the catalogue's per-process copies hold: the answers, a POST's category, the keys, the review settings.
        for model in (Category, ServiceAttribute, ApiKey, StreetOpen311Settings):
            post_save.connect(catalogue.changed, sender=model, dispatch_uid=f"open311-catalogue-save-{model.__name__}")
            post_delete.connect(catalogue.changed, sender=model,
                                dispatch_uid=f"open311-catalogue-delete-{model.__name__}")
