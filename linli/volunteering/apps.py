from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteeringConfig(AppConfig):
    name = "linli.volunteering"
    label = "volunteering"
    verbose_name = _("Volunteers and points")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from linli.cases.models import CaseEvent

        from .earning import on_case_event

        post_save.connect(on_case_event, sender=CaseEvent, dispatch_uid="volunteering.points_for_verified_case")

        from . import admin_activities  # noqa: F401  (teams, activities, records, wishes, honours, pledges)
