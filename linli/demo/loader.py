"""``linli demo``: the article's three neighbourhoods, at the article's figures, with invented people.

``load_demo()`` builds, in one transaction and with bulk inserts, the Banan district tree
(龙洲湾、花溪、鱼洞 streets; 龙锦/龙海、走马梁、下新新 communities; 14 grids with polygons),
buildings, units and homes, about 3,300 invented people, the party tree, departments, partner units,
roles, party records, worker profiles, trainings, a few contribution-ledger entries, ten demo
accounts, about four hundred cases of the past year in every state (``cases``), and the 先锋骑士 points
scheme with its sponsors' rewards and a year of points (``points``).  Everything
comes from one ``random.Random(seed)``, so two loads on the same day give the same data.  Running it
again does nothing; ``reset=True`` deletes the demo and loads it afresh.
See ``areas`` (codes), ``names`` (ID-card and mobile ranges) and ``figures`` (the article's numbers).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from io import TextIOBase
from typing import TextIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.dbstats import refresh_planner_statistics
from linli.people.models import ContributionEntry, PartyRecord, Person, RoleAssignment, Training, WorkerProfile
from linli.places.models import Area, Department
from linli.reports import rollup

from .accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, create_accounts
from .areas import DEMO_MARKER, DISTRICT_CODE, build_places
from .care import build_care
from .cases import build_cases
from .cleanup import DemoError, delete_demo
from .figures import headline_figures
from .funds import build_funds
from .meetings import build_meetings
from .names import NameMaker
from .orgs import build_orgs
from .people import (
    Cast,
    Census,
    cast_other_residents,
    cast_staff,
    cast_workers,
    cast_xiaxinxin,
    cast_zouma,
    central_household_orgs,
)
from .points import build_points
from .stations import build_stations
from .volunteering import build_volunteering

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "DEMO_SEED", "DemoError", "DemoSummary", "is_loaded", "load_demo",
           "write_logins"]

DEMO_SEED = 20240701
BATCH = 500


@dataclass
class DemoSummary:
    created: bool
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    figures: list[tuple[str, str]] = field(default_factory=list)

    def write(self, out: TextIO | TextIOBase) -> None:
        if self.created:
            out.write(_("Demo data loaded in %(seconds).1f s.") % {"seconds": self.seconds} + "\n")
        else:
            out.write(_("The demo data are already loaded; nothing was changed (use --reset to reload them).")
                      + "\n")
        if self.counts:
            out.write("  " + "，".join(f"{k} {v}" for k, v in self.counts.items()) + "\n")
        for label, value in self.figures:
            out.write(f"  {label}: {value}\n")
        out.write(_("Demo logins (password: %(password)s):") % {"password": DEMO_PASSWORD} + "\n")
        width = max(len(u) for u, _d in DEMO_ACCOUNTS)
        for username, description in DEMO_ACCOUNTS:
            out.write(f"  {username:<{width}}  {description}\n")


def write_logins(out: TextIO | TextIOBase) -> None:
    """The demo logins that exist in the database, with the password (nothing if there are none)."""
    from django.contrib.auth import get_user_model

    existing = set(get_user_model().objects.filter(username__in=[u for u, _d in DEMO_ACCOUNTS])
                   .values_list("username", flat=True))
    accounts = [(u, str(d)) for u, d in DEMO_ACCOUNTS if u in existing]
    if not accounts:
        return
    width = max(len(u) for u, _d in accounts)
    out.write(_("Demo logins (password: %(password)s):") % {"password": DEMO_PASSWORD} + "\n")
    for username, description in accounts:
        out.write(f"  {username:<{width}}  {description}\n")


def is_loaded() -> bool:
    """True if the demo district exists (and was made by the demo)."""
    return Area.objects.filter(code=DISTRICT_CODE, description=DEMO_MARKER).exists()


def _build(seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    names = NameMaker(rng)
    places = build_places(rng)
    orgs = build_orgs(places, rng, names)
    census = Census(rng, timezone.localdate(), names)
    residents = {name: census.populate(grid, places.homes[name], places.grid_specs[name].residents,
                                       places.grid_specs[name].elderly_share)
                 for name, grid in places.grids.items()}
    cast = Cast()
    grid_workers = cast_staff(census, places, orgs, cast)
    cast_zouma(census, places, orgs, cast, residents, grid_workers)
    cast_xiaxinxin(census, places, orgs, cast, residents, grid_workers)
    cast_other_residents(census, places, orgs, cast, residents)
    cast_workers(census, places, orgs, cast)

    Person.objects.bulk_create(census.people, batch_size=BATCH)
    central_household_orgs(orgs, cast)
    WorkerProfile.objects.bulk_create(cast.workers, batch_size=BATCH)
    through = WorkerProfile.work_grids.through
    through.objects.bulk_create([through(workerprofile_id=wp.pk, area_id=g.pk) for wp, g in cast.work_grids],
                                batch_size=BATCH)
    PartyRecord.objects.bulk_create(cast.party, batch_size=BATCH)
    RoleAssignment.objects.bulk_create(cast.roles, batch_size=BATCH)
    Training.objects.bulk_create(cast.trainings, batch_size=BATCH)
    for code, person in cast.department_contacts.items():
        orgs.departments[code].contact_name, orgs.departments[code].contact_phone = person.name, person.mobile
    Department.objects.bulk_update(orgs.departments.values(), ["contact_name", "contact_phone"])

    users = create_accounts(cast.accounts)
    checkers = {"龙洲湾街道": users["street-longzhouwan"], "鱼洞街道": users["community-xiaxinxin"],
                "花溪街道": users["grid-zouma"]}
    street_of = {g.id: g.parent.parent.name for g in places.grids.values()}
    street_of.update({c.id: c.parent.name for c in places.communities.values()})
    for entry in cast.contributions:
        entry.verified_by = checkers.get(street_of.get(entry.area.pk) if entry.area else None,
                                         users["street-longzhouwan"])
    ContributionEntry.objects.bulk_create(cast.contributions, batch_size=BATCH)
    return {
        "网格": len(places.grids), "楼栋": sum(len(b) for b in places.buildings.values()),
        "户": sum(len(h) for h in places.homes.values()), "人": len(census.people),
        "角色": len(cast.roles), "党员及后备": len(cast.party), "账号": len(users),
    }


def load_demo(reset: bool = False, stdout: TextIO | TextIOBase | None = None,
              seed: int = DEMO_SEED) -> DemoSummary:
    """Load the demo data unless they are there already; with ``reset``, delete and reload them.

    Raises ``DemoError`` if district 500113 exists but was not created by the demo.
    """
    started = time.perf_counter()
    with transaction.atomic():
        district = Area.objects.filter(code=DISTRICT_CODE).first()
        if district is not None and district.description != DEMO_MARKER:
            raise DemoError("数据库中已有巴南区（500113）的非演示数据，演示数据不会覆盖它。")
        if district is not None and not reset:
            summary = DemoSummary(created=False, figures=headline_figures())
        else:
            if district is not None:
                refresh_planner_statistics()  # the demo's rows may be fresh (a reset right after a load)
                delete_demo()
            from linli.cases.catalogue import seed_categories

            seed_categories()  # the catalogue may be missing (e.g. a flushed test database)
            counts = _build(seed)
            # Each part reads what the ones before wrote: fresh statistics keep those reads fast on PostgreSQL.
            for build, offset in ((build_cases, 1), (build_points, 2), (build_volunteering, 3), (build_stations, 4),
                                  (build_funds, 5), (build_care, 4), (build_meetings, 4)):
                refresh_planner_statistics()
                counts.update(build(seed + offset))
            rollup.rebuild()  # the demo's cases were bulk-written around the services and their hooks
            refresh_planner_statistics()
            summary = DemoSummary(created=True, counts=counts, figures=headline_figures())
    summary.seconds = time.perf_counter() - started
    if stdout is not None:
        summary.write(stdout)
    return summary
