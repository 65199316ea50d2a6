from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "linli.places"
    label = "places"
    verbose_name = _("Places and organisations")

    def ready(self) -> None:
        from . import geo
        from .models import Area, Community, District, Grid, Street

        # Signals are sent with the proxy class as sender, so connect each of them.
        for model in (Area, District, Street, Community, Grid):
            post_save.connect(geo.invalidate, sender=model, dispatch_uid=f"places-geo-save-{model.__name__}")
            post_delete.connect(geo.invalidate, sender=model, dispatch_uid=f"places-geo-delete-{model.__name__}")
