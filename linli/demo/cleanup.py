"""``linli demo --reset``: delete the demo district and everything recorded in it.

Besides the rows the demo created, rows of other apps that point at demo places, departments,
partners or people through a protecting foreign key (for example cases reported in a demo grid)
are removed too, or unlinked where the link is optional; rows outside the demo are never touched.
"""

from __future__ import annotations

from django.db import models
from django.db.models import ProtectedError, Q, RestrictedError
from django.test.utils import override_settings

from linli.core.models import User
from linli.people.models import ContributionEntry, PartyRecord, Person, RoleAssignment, WorkerProfile
from linli.places.models import Area, AreaLevel, Building, BuildingUnit, Department, Household, PartnerUnit, PartyOrg

from .accounts import DEMO_USERNAMES
from .areas import DISTRICT_CODE
from .care import delete_care
from .cases import delete_cases
from .funds import delete_funds
from .meetings import delete_meetings
from .points import delete_points
from .volunteering import delete_volunteering

# Models whose rows the demo creates and deletes itself, in the right order.
OWN = {Area, Building, BuildingUnit, Household, PartyOrg, Department, PartnerUnit, Person, RoleAssignment,
       PartyRecord, WorkerProfile, ContributionEntry, User}


class DemoError(Exception):
    """The demo cannot be loaded or removed; the message says why (Chinese, for the operator)."""


def _release(model: type[models.Model], ids: list[int]) -> None:
    """Delete (or unlink, when the link is optional) other apps' rows that protect these demo rows."""
    for rel in model._meta.related_objects:
        related = rel.related_model
        if (rel.many_to_many or related in OWN or related._meta.concrete_model in OWN
                or rel.on_delete not in (models.PROTECT, models.RESTRICT)):
            continue
        qs = related._base_manager.filter(**{f"{rel.field.name}__in": ids})
        if rel.field.null:
            qs.update(**{rel.field.name: None})
        else:
            qs.delete()


def delete_demo() -> None:
    """Remove the demo district and everything under it: people, roles, ledgers, orgs, accounts."""
    area_ids = list(Area.objects.under(DISTRICT_CODE).values_list("id", flat=True))
    person_ids = list(Person.objects.filter(area_id__in=area_ids).values_list("id", flat=True))
    department_ids = list(Department.objects.filter(area_id__in=area_ids).values_list("id", flat=True))
    partner_ids = list(PartnerUnit.objects.filter(area_id__in=area_ids).values_list("id", flat=True))
    building_ids = list(Building.objects.filter(grid_id__in=area_ids).values_list("id", flat=True))
    household_ids = list(Household.objects.filter(grid_id__in=area_ids).values_list("id", flat=True))
    street_codes = list(Area.objects.filter(id__in=area_ids, level=AreaLevel.STREET).values_list("code", flat=True))
    try:
        # Cases first: their photo files go with them, and categories routed to demo departments get their
        # seed routing back (a department-level category may not lose its department).
        delete_meetings(area_ids, person_ids)  # meeting items point at cases, places and people
        delete_cases(area_ids, department_ids, person_ids, street_codes)
        delete_points(area_ids, person_ids, partner_ids)  # the points ledger refers to people, shops, areas
        delete_care(area_ids, person_ids)  # care recipients, visits, hotline, errands, six helps (before teams)
        delete_volunteering(area_ids, person_ids)  # teams, activities, records, wishes, honours, pledges
        delete_funds(area_ids, person_ids)  # fund ledgers (they protect homes and users), two extra logins
        # Deleting tracked rows would write a "deleted" history entry for each; the demo leaves none.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            # Non-nullable links first (they delete rows that may hold the optional ones).
            for model, ids in ((Area, area_ids), (Department, department_ids), (PartnerUnit, partner_ids),
                               (Building, building_ids), (Household, household_ids), (Person, person_ids)):
                _release(model, ids)
            User.objects.filter(username__in=DEMO_USERNAMES).delete()
            ContributionEntry.objects.filter(Q(person_id__in=person_ids) | Q(area_id__in=area_ids)).delete()
            RoleAssignment.objects.filter(
                Q(person_id__in=person_ids) | Q(area_id__in=area_ids) | Q(building_id__in=building_ids)
                | Q(department_id__in=department_ids) | Q(partner_id__in=partner_ids)).delete()
            Person.objects.filter(id__in=person_ids).delete()
            PartyOrg.objects.filter(area_id__in=area_ids).update(parent=None)
            PartyOrg.objects.filter(area_id__in=area_ids).delete()
            PartnerUnit.objects.filter(id__in=partner_ids).delete()
            Department.objects.filter(id__in=department_ids).delete()
            Building.objects.filter(id__in=building_ids).delete()
            for level in (AreaLevel.GRID, AreaLevel.COMMUNITY, AreaLevel.STREET, AreaLevel.DISTRICT):
                Area.objects.filter(id__in=area_ids, level=level).delete()
    except (ProtectedError, RestrictedError) as exc:
        raise DemoError(f"其他数据仍引用演示数据（{exc.args[0]}），无法重置；请先删除这些数据。") from None
    Person.history.filter(id__in=person_ids).delete()
    for model in (RoleAssignment, PartyRecord, WorkerProfile):
        model.history.filter(person_id__in=person_ids).delete()
