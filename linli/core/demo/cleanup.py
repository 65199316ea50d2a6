"""``linli demo --reset``: delete everything the demo created, and nothing else."""

from __future__ import annotations

from django.db.models import ProtectedError, Q, RestrictedError
from django.test.utils import override_settings

from linli.core.models import User
from linli.people.models import ContributionEntry, PartyRecord, Person, RoleAssignment, WorkerProfile
from linli.places.models import Area, AreaLevel, Building, Department, PartnerUnit, PartyOrg

from .accounts import DEMO_USERNAMES
from .areas import DISTRICT_CODE


class DemoError(Exception):
    """The demo cannot be loaded or removed; the message says why (Chinese, for the operator)."""


def delete_demo() -> None:
    """Remove the demo district and everything under it: people, roles, ledgers, orgs, accounts."""
    area_ids = list(Area.objects.under(DISTRICT_CODE).values_list("id", flat=True))
    person_ids = list(Person.objects.filter(area_id__in=area_ids).values_list("id", flat=True))
    try:
        # Deleting tracked rows would write a "deleted" history entry for each; the demo leaves none.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            User.objects.filter(username__in=DEMO_USERNAMES).delete()
            ContributionEntry.objects.filter(Q(person_id__in=person_ids) | Q(area_id__in=area_ids)).delete()
            RoleAssignment.objects.filter(
                Q(person_id__in=person_ids) | Q(area_id__in=area_ids) | Q(building__grid_id__in=area_ids)
                | Q(department__area_id__in=area_ids) | Q(partner__area_id__in=area_ids)).delete()
            Person.objects.filter(id__in=person_ids).delete()
            PartyOrg.objects.filter(area_id__in=area_ids).update(parent=None)
            PartyOrg.objects.filter(area_id__in=area_ids).delete()
            PartnerUnit.objects.filter(area_id__in=area_ids).delete()
            Department.objects.filter(area_id__in=area_ids).delete()
            Building.objects.filter(grid_id__in=area_ids).delete()
            for level in (AreaLevel.GRID, AreaLevel.COMMUNITY, AreaLevel.STREET, AreaLevel.DISTRICT):
                Area.objects.filter(id__in=area_ids, level=level).delete()
    except (ProtectedError, RestrictedError) as exc:
        raise DemoError(f"其他数据仍引用演示数据（{exc.args[0]}），无法重置；请先删除这些数据。") from None
    Person.history.filter(id__in=person_ids).delete()
    for model in (RoleAssignment, PartyRecord, WorkerProfile):
        model.history.filter(person_id__in=person_ids).delete()
