from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """Role home pages and the navigation bar, built from the links each app contributes (``nav.py``)."""

    name = "linli.home"
    label = "home"
    verbose_name = _("Home")

    def ready(self) -> None:
        autodiscover_modules("nav")  # every app's nav.py registers its links with linli.core.nav
