"""``linli gen``: deterministic synthetic data at estate, street or district scale, for the benchmarks.

District scale is 1 million people in 20 streets, 200 communities and 2,000 grids with polygons,
1 million cases over five years in every state with their event logs, 2 million points transfers and
200,000 volunteer service records; street and estate scale are 1/20 and 1/200 of it.  Names, ID-card
numbers (GB 11643 check character, the demo's non-existent region prefix 990113) and mobile numbers
(the unallocated 154 block) come from the demo's ``NameMaker``.  Everything is drawn from one
``random.Random(seed)`` and written as plain rows in batches (``bulk``: ``executemany`` on SQLite, ``COPY`` on
PostgreSQL, no model instance per row); on SQLite the load runs with ``synchronous=OFF``.  Photos are left
out (cases carry no files).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

from django.db import connection, transaction
from django.utils import timezone

from linli.cases.catalogue import seed_categories
from linli.cases.models import Case, CaseEvent, Category, HandlerLevel, Status
from linli.core.dbstats import refresh_planner_statistics
from linli.people.models import Person
from linli.places.models import Area, AreaLevel
from linli.points.models import Account, AccountKind, Scheme, Transfer
from linli.reports import rollup
from linli.volunteering.models import ServiceRecord

from ..areas import DISTRICT_CODE
from ..names import NameMaker
from . import bulk

__all__ = ["SCALES", "GenError", "Scale", "digest", "generate"]

BATCH = 5_000
GEN_MARKER = "linli gen 生成的合成数据（人物均为虚构）"
# Along the workflow; a case stops at one of these states (rejected ones branch off after reporting).
PATH = [Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS, Status.RESOLVED,
        Status.VERIFIED, Status.CLOSED]
STATE_WEIGHTS = {Status.REPORTED: 2, Status.ACCEPTED: 2, Status.DISPATCHED: 2, Status.IN_PROGRESS: 4,
                 Status.RESOLVED: 3, Status.VERIFIED: 3, Status.CLOSED: 80, Status.REJECTED: 4}
STATES, STATE_WEIGHTS_LIST = list(STATE_WEIGHTS), list(STATE_WEIGHTS.values())
DESCRIPTIONS = ["楼道堆放杂物，影响通行", "路灯不亮已有三天", "井盖松动，有安全隐患", "垃圾桶满溢无人清运",
                "小区门口占道经营", "楼上漏水到我家", "广场舞噪音扰民", "绿化带被毁种菜", "电动车楼道充电",
                "路面破损积水"]
SERVICES = ["助老送餐", "楼道清扫", "文明劝导", "义诊咨询", "垃圾分类宣传", "陪伴独居老人", "交通疏导"]


class GenError(Exception):
    """The generator cannot run here (e.g. the database is not empty)."""


@dataclass(frozen=True)
class Scale:
    name: str
    streets: int
    communities: int
    grids: int
    people: int
    cases: int
    transfers: int
    services: int


def _scale(name: str, divisor: int) -> Scale:
    return Scale(name, max(1, 20 // divisor), max(1, 200 // divisor), 2_000 // divisor, 1_000_000 // divisor,
                 1_000_000 // divisor, 2_000_000 // divisor, 200_000 // divisor)


SCALES = {s.name: s for s in (_scale("district", 1), _scale("street", 20), _scale("estate", 200))}


class Progress:
    """A one-line progress counter on stderr (tqdm is not in the lock)."""

    def __init__(self, out: TextIO | None, total: int):
        self.out, self.total, self.done, self.started, self._shown = out, total, 0, time.perf_counter(), -1.0

    def step(self, what: str, n: int) -> None:
        self.done += n
        if self.out is None:
            return
        share = self.done / self.total
        if share - self._shown >= 0.01 or self.done >= self.total:
            self._shown = share
            self.out.write(f"\r  {share:6.1%}  {self.done:>10,}/{self.total:,} rows  {what:<10} "
                           f"{time.perf_counter() - self.started:7.1f} s")
            self.out.flush()

    def close(self) -> None:
        if self.out is not None:
            self.out.write("\n")


@contextmanager
def _fast_sqlite() -> Iterator[None]:
    if connection.vendor != "sqlite" or connection.in_atomic_block:  # PRAGMAs only outside a transaction
        yield
        return
    with connection.cursor() as c:
        for pragma in ("synchronous=OFF", "cache_size=-200000", "temp_store=MEMORY"):
            c.execute(f"PRAGMA {pragma}")
    try:
        yield
    finally:
        with connection.cursor() as c:
            c.execute("PRAGMA synchronous=NORMAL")


def _is_empty() -> bool:
    return not (Area.objects.exists() or Person.objects.exists() or Case.objects.exists())


def _box(lat: float, lng: float, w: float, h: float) -> dict:
    ring = [[lng, lat], [lng + w, lat], [lng + w, lat + h], [lng, lat + h], [lng, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def _places(scale: Scale) -> tuple[Area, list[Area], dict[int, Area], dict[int, Area]]:
    """District, streets, communities and grids laid out as a raster of 0.004° squares near Banan."""
    district = Area.objects.create(level=AreaLevel.DISTRICT, code=DISTRICT_CODE, name="巴南区",
                                   description=GEN_MARKER, centre_lat=29.38, centre_lng=106.54)
    per_street = scale.communities // scale.streets
    per_community = scale.grids // scale.communities
    cell = 0.004
    cols = max(1, int(scale.grids ** 0.5))
    streets = Area.objects.bulk_create([
        Area(level=AreaLevel.STREET, code=f"{DISTRICT_CODE}{s + 1:03d}", name=f"合成第{s + 1}街道", parent=district)
        for s in range(scale.streets)])
    communities = Area.objects.bulk_create([
        Area(level=AreaLevel.COMMUNITY, code=f"{streets[c // per_street].code}{c % per_street + 1:03d}",
             name=f"合成第{c + 1}社区", parent=streets[c // per_street]) for c in range(scale.communities)])
    grids = []
    for g in range(scale.grids):
        community = communities[g // per_community]
        lat, lng = 29.30 + (g // cols) * cell, 106.45 + (g % cols) * cell
        grids.append(Area(level=AreaLevel.GRID, code=f"{community.code}{g % per_community + 1:03d}",
                          name=f"{community.name}第{g % per_community + 1}网格", parent=community,
                          boundary=_box(lat, lng, cell, cell), centre_lat=lat + cell / 2, centre_lng=lng + cell / 2))
    Area.objects.bulk_create(grids, batch_size=BATCH)
    grid_street = {g.pk: streets[i // per_community // per_street] for i, g in enumerate(grids)}
    grid_community = {g.pk: communities[i // per_community] for i, g in enumerate(grids)}
    return district, grids, grid_street, grid_community


def _people(rng: random.Random, scale: Scale, grids: list[Area], progress: Progress) -> list[int]:
    names = NameMaker(rng)
    today = dt.date(2026, 1, 1)
    now = timezone.now()
    table = bulk.Table(Person, ["id", "name", "gender", "birth_date", "id_number", "id_suffix", "mobile",
                                "mobile_suffix", "area_id", "created_at", "updated_at"])
    first = pk = bulk.next_id(Person)
    batch: list[tuple] = []
    for i in range(scale.people):
        gender = "M" if rng.random() < 0.5 else "F"
        birth = today - dt.timedelta(days=rng.randrange(365 * 1, 365 * 95))
        id_number = names.id_number(birth, gender)
        mobile = names.mobile() if rng.random() < 0.8 else ""
        batch.append((pk, names.name(gender, birth.year), gender, birth, id_number, id_number[-4:], mobile,
                      mobile[-4:], grids[i % len(grids)].pk, now, now))
        pk += 1
        if len(batch) == BATCH or i == scale.people - 1:
            table.write(batch)
            progress.step("people", len(batch))
            batch = []
    return list(range(first, pk))


def _case_row(rng: random.Random, pk: int, number: str, categories: list[int], grid: Area, street: Area,
              community: Area, created: dt.datetime) -> tuple[tuple, list[tuple]]:
    """One case's row and its events' rows (without their ids): the workflow walked to a drawn state."""
    final = rng.choices(STATES, STATE_WEIGHTS_LIST)[0]
    path = [Status.REPORTED, Status.REJECTED] if final == Status.REJECTED else PATH[:PATH.index(final) + 1]
    at, events = created, [(pk, "report", "", Status.REPORTED.value, created)]
    accepted = resolved = None
    for before, after in zip(path, path[1:], strict=False):
        at += dt.timedelta(minutes=rng.randrange(10, 3 * 24 * 60))
        events.append((pk, after.value, before.value, after.value, at))
        accepted = accepted or at
        resolved = at if after == Status.RESOLVED else resolved
    category = categories[rng.randrange(len(categories))]
    description = rng.choice(DESCRIPTIONS)
    lat = (grid.centre_lat or 0.0) + rng.uniform(-0.0015, 0.0015)
    lng = (grid.centre_lng or 0.0) + rng.uniform(-0.0015, 0.0015)
    handler = grid.pk if rng.random() < 0.8 else community.pk
    row = (pk, number, category, "app", description, lat, lng, grid.pk, street.pk, final.value,
           HandlerLevel.GRID.value, handler, created, at,
           accepted if final not in (Status.REPORTED, Status.REJECTED) else None, resolved,
           at if final == Status.CLOSED else None, created + dt.timedelta(days=7))
    return row, events


CASE_COLUMNS = ["id", "number", "category_id", "channel", "description", "lat", "lng", "area_id", "street_id",
                "status", "level", "handler_area_id", "created_at", "updated_at", "accepted_at", "resolved_at",
                "closed_at", "resolve_due"]


def _cases(rng: random.Random, scale: Scale, grids: list[Area], grid_street: dict[int, Area],
           grid_community: dict[int, Area], progress: Progress) -> None:
    categories = list(Category.objects.filter(parent__isnull=False, active=True).order_by("code")
                      .values_list("pk", flat=True)) or list(Category.objects.order_by("code")
                                                             .values_list("pk", flat=True))
    start = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
    span = 5 * 365 * 86_400
    # Case numbers are street code + date + a per-street-day counter, so cases are made in time order.
    moments = sorted(rng.randrange(span) for _ in range(scale.cases))
    counters: dict[str, int] = {}
    cases, events = bulk.Table(Case, CASE_COLUMNS), bulk.Table(CaseEvent, ["id", "case_id", "action",
                                                                            "from_status", "to_status", "at"])
    pk, event_pk = bulk.next_id(Case), bulk.next_id(CaseEvent)
    batch: list[tuple] = []
    event_batch: list[tuple] = []
    for i, offset in enumerate(moments):
        grid = grids[rng.randrange(len(grids))]
        street = grid_street[grid.pk]
        created = start + dt.timedelta(seconds=offset)
        key = f"{street.code}{created:%Y%m%d}"
        counters[key] = counters.get(key, 0) + 1
        row, steps = _case_row(rng, pk, f"{key}{counters[key]:04d}", categories, grid, street,
                               grid_community[grid.pk], created)
        batch.append(row)
        for step in steps:
            event_batch.append((event_pk, *step))
            event_pk += 1
        pk += 1
        if len(batch) == BATCH or i == len(moments) - 1:
            cases.write(batch)
            events.write(event_batch)
            progress.step("cases", len(batch))
            batch, event_batch = [], []


def _points(rng: random.Random, scale: Scale, district: Area, person_ids: list[int], progress: Progress) -> None:
    """Earnings from the issuance account, some points expired: every transfer moves, never creates, points.

    The members' accounts are written last, with their final balances (the foreign keys are checked at
    the commit), so no balance is updated afterwards."""
    scheme = Scheme.objects.create(code="gen-points", name="合成积分", area=district)
    issuance = Account.objects.create(kind=AccountKind.ISSUANCE, scheme=scheme)
    expiry = Account.objects.create(kind=AccountKind.EXPIRY, scheme=scheme)
    members = person_ids[::10]
    first = bulk.next_id(Account)
    accounts = list(range(first, first + len(members)))
    balance = dict.fromkeys(accounts, 0)
    balance[issuance.pk] = balance[expiry.pk] = 0
    start = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
    table = bulk.Table(Transfer, ["id", "debit_id", "credit_id", "amount", "key", "source", "at"])
    pk = bulk.next_id(Transfer)
    batch: list[tuple] = []
    for i in range(scale.transfers):
        account = accounts[rng.randrange(len(accounts))]
        if balance[account] >= 20 and rng.random() < 0.1:
            debit, credit, amount, source = account, expiry.pk, rng.randrange(1, balance[account] + 1), "expiry"
        else:
            debit, credit, amount, source = issuance.pk, account, rng.choice((3, 5, 10, 20)), "service"
        balance[debit] -= amount
        balance[credit] += amount
        batch.append((pk + i, debit, credit, amount, f"gen:{i}", source,
                      start + dt.timedelta(seconds=rng.randrange(5 * 365 * 86_400))))
        if len(batch) == BATCH or i == scale.transfers - 1:
            table.write(batch)
            progress.step("points", len(batch))
            batch = []
    bulk.Table(Account, ["id", "kind", "person_id", "balance"]).write(
        (pk, AccountKind.PERSON.value, person, balance[pk]) for pk, person in zip(accounts, members, strict=True))
    for system in (issuance, expiry):
        Account.objects.filter(pk=system.pk).update(balance=balance[system.pk])


def _services(rng: random.Random, scale: Scale, grids: list[Area], person_ids: list[int],
              progress: Progress) -> None:
    start = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
    volunteers = person_ids[::5]
    table = bulk.Table(ServiceRecord, ["id", "volunteer_id", "area_id", "content", "place", "started_at",
                                       "ended_at", "computed_minutes", "minutes", "organiser_name", "status",
                                       "recorded_at", "confirmed_at"])
    pk = bulk.next_id(ServiceRecord)
    batch: list[tuple] = []
    for i in range(scale.services):
        began = start + dt.timedelta(minutes=rng.randrange(5 * 365 * 24 * 60))
        minutes = rng.choice((30, 60, 90, 120, 180))
        batch.append((pk + i, volunteers[rng.randrange(len(volunteers))], grids[rng.randrange(len(grids))].pk,
                      rng.choice(SERVICES), "社区服务站", began, began + dt.timedelta(minutes=minutes), minutes,
                      minutes, "社区志愿服务队", ServiceRecord.Status.CONFIRMED.value, began,
                      began + dt.timedelta(days=1)))
        if len(batch) == BATCH or i == scale.services - 1:
            table.write(batch)
            progress.step("services", len(batch))
            batch = []


def generate(scale: str, seed: int = 1, out: TextIO | None = sys.stderr) -> dict[str, int]:
    """Fill an empty database with ``scale``'s synthetic data; returns the row counts.

    Raises ``GenError`` for an unknown scale or a database that already holds areas, people or cases.
    """
    if scale not in SCALES:
        raise GenError(f"未知规模“{scale}”，可选：{'、'.join(SCALES)}。")
    if not _is_empty():
        raise GenError("数据库不是空的（已有区域、人员或事件），linli gen 只写入空数据库：请换一个新的 LINLI_HOME。")
    s = SCALES[scale]
    rng = random.Random(seed)
    progress = Progress(out, s.people + s.cases + s.transfers + s.services)
    with _fast_sqlite(), transaction.atomic():
        seed_categories()
        district, grids, grid_street, grid_community = _places(s)
        person_ids = _people(rng, s, grids, progress)
        _cases(rng, s, grids, grid_street, grid_community, progress)
        rollup.rebuild()  # the cases were bulk-written around the services and their hooks
        _points(rng, s, district, person_ids, progress)
        _services(rng, s, grids, person_ids, progress)
        bulk.reset_sequences(Person, Case, CaseEvent, Account, Transfer, ServiceRecord)
        refresh_planner_statistics()
    progress.close()
    return counts()


def counts() -> dict[str, int]:
    """Row counts of what the generator writes."""
    return {"areas": Area.objects.count(), "grids": Area.objects.filter(level=AreaLevel.GRID).count(),
            "people": Person.objects.count(), "cases": Case.objects.count(), "events": CaseEvent.objects.count(),
            "transfers": Transfer.objects.count(), "services": ServiceRecord.objects.count()}


def digest() -> str:
    """A SHA-256 over the generated rows' contents (not their keys, not 'now'): equal for equal data."""
    h = hashlib.sha256()
    for rows in (Person.objects.order_by("id_number").values_list("name", "id_number", "mobile", "area__code"),
                 Case.objects.order_by("number").values_list("number", "status", "area__code", "created_at"),
                 Transfer.objects.order_by("key").values_list("key", "amount", "source"),
                 ServiceRecord.objects.order_by("started_at", "minutes", "volunteer__id_number")
                 .values_list("volunteer__id_number", "started_at", "minutes")):
        for row in rows.iterator(chunk_size=10_000):
            h.update(repr(row).encode())
    return h.hexdigest()
