from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "linli.people"
    label = "people"
    verbose_name = _("People and ledgers")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from .models import Person
        from .privacy import scrub_history_on_delete

        # After simple-history's own post_delete (connected when the model was built) wrote the last row.
        post_delete.connect(scrub_history_on_delete, sender=Person, dispatch_uid="people.scrub_history_on_delete")
