"""Demo self-management fund of 新河街网格 (鱼洞街道下新新社区), at the article's figures.

380 households pay 10 yuan per household per month, voluntarily, for 2 cleaners; the 21 building
guardians (守护楼员) supervise the collection.  A year of payments with realistic arrears: most homes pay
monthly or a quarter ahead, some half a year ahead, some irregularly, a few not at all; six homes are
exempt (低保户 and solitary residents over 80).  Every month the two cleaners' wages are claimed by the
community and approved by the chair of the 新河街 self-management group (新河街自治管理小组组长, holding the
council-chair role), plus a few repairs and cleaning supplies; one payment entered twice is reversed.

Two extra logins (password as the other demo accounts) show the roles: ``chair-xinhejie`` (approves
spending) and ``guardian-xinhejie`` (building guardian of 1栋, collects there).  Payments of 1栋 are
recorded by that guardian, the others by the grid worker ``grid-xinhejie``.
Deterministic from one ``random.Random(seed)``; payment rows are bulk-inserted with the same shape the
``funds.services`` functions write, spending and corrections go through those functions.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from linli.core import roles
from linli.core.models import User
from linli.funds import services
from linli.funds.access import access_for
from linli.funds.models import (
    Entry,
    EntryKind,
    Exemption,
    ExemptionCancellation,
    FeeRate,
    Fund,
    PaidMonth,
    SpendingClaim,
)
from linli.people.models import RoleAssignment
from linli.places.models import Area, Household

from .accounts import DEMO_PASSWORD

FUND_NAME = "新河街自治管理服务费"
GRID = "新河街网格"
FEE_FEN = 1000
WAGE_FEN = 140_000  # per cleaner per month
CLEANERS = ("保洁员 刘某", "保洁员 陈某")
EXTRA_USERS = ("chair-xinhejie", "guardian-xinhejie")
REPAIRS = [
    (2, "repairs", 18_000, "更换3栋楼道声控灯", "鱼洞五金电料店"),
    (4, "repairs", 26_000, "疏通7栋下水管道", "便民管道疏通"),
    (6, "supplies", 32_000, "购置分类垃圾桶8个", "鱼洞日杂批发部"),
    (9, "repairs", 15_000, "维修11栋单元门闭门器", "鱼洞五金电料店"),
    (10, "supplies", 9_600, "扫帚、拖把等清洁用品", "鱼洞日杂批发部"),
]


def _habits(rng: random.Random, n: int) -> list[str]:
    pool = ["monthly"] * 52 + ["quarterly"] * 24 + ["half"] * 8 + ["irregular"] * 11 + ["never"] * 5
    return [rng.choice(pool) for _ in range(n)]


def build_funds(seed: int, today: dt.date | None = None) -> dict[str, int]:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    this_month = services.month_start(today)
    first = services.add_months(this_month, -12)
    grid = Area.objects.get(level="grid", name=GRID, code__startswith="500113")
    staff = User.objects.get(username="community-xiaxinxin")
    grid_user = User.objects.get(username="grid-xinhejie")

    # The chair of the self-management group and one guardian get logins.
    heads = list(RoleAssignment.objects.filter(area=grid, role=roles.BUILDING_HEAD)
                 .select_related("person", "building").order_by("building__name", "id"))
    chair_person = heads[0].person
    RoleAssignment.objects.create(person=chair_person, role=roles.COUNCIL_CHAIR, area=grid,
                                  starts_on=first - dt.timedelta(days=60), note="新河街自治管理小组组长")
    guardian_role = (RoleAssignment.objects.filter(area=grid, role=roles.BUILDING_GUARDIAN, note__contains="居民")
                     .select_related("person", "building").order_by("building__name", "id").first())
    password = make_password(DEMO_PASSWORD)
    chair = User.objects.create(username=EXTRA_USERS[0], password=password, first_name=chair_person.name,
                                person=chair_person)
    guardian = User.objects.create(username=EXTRA_USERS[1], password=password,
                                   first_name=guardian_role.person.name, person=guardian_role.person)

    fund = Fund.objects.create(name=FUND_NAME, area=grid, starts_on=first,
                               purpose="每户每月10元，自愿缴纳，聘请2名保洁员；21名守护楼员监督收缴")
    services.set_rate(fund, amount_fen=FEE_FEN, starts_on=first, by=staff, today=first,
                      note="新河街“逢四说事”居民议定，自愿缴纳")

    homes = list(Household.objects.filter(grid=grid).select_related("unit__building").order_by("unit__building__name",
                                                                                                "unit__number", "door"))
    exempt_homes = rng.sample(homes, 6)
    Exemption.objects.bulk_create([
        Exemption(fund=fund, household=h, first_month=first, reason=reason, approved_by=staff)
        for h, reason in zip(exempt_homes, ["低保户"] * 3 + ["80岁以上独居老人"] * 3, strict=True)])
    exempt_ids = {h.pk for h in exempt_homes}
    months = services.months_between(first, this_month)
    plan: list[tuple[Household, list[dt.date], dt.date]] = []
    for h, habit in zip(homes, _habits(rng, len(homes)), strict=True):
        if h.pk in exempt_ids or habit == "never":
            continue
        if habit == "monthly":
            for m in months[:-1]:
                if rng.random() < 0.94:
                    plan.append((h, [m], m + dt.timedelta(days=rng.randint(3, 20))))
            if rng.random() < 0.4 and today.day > 4:
                plan.append((h, [this_month], this_month + dt.timedelta(days=min(today.day - 1, rng.randint(3, 9)))))
        elif habit in ("quarterly", "half"):
            step = 3 if habit == "quarterly" else 6
            for i in range(0, len(months) - 1, step):
                if rng.random() < 0.9:
                    span = months[i:i + step]
                    plan.append((h, span, span[0] + dt.timedelta(days=rng.randint(2, 15))))
        else:  # irregular: a few months here and there, paid late
            paid = sorted(rng.sample(months[:-1], rng.randint(2, 7)))
            for m in paid:
                plan.append((h, [m], min(services.add_months(m, 1) + dt.timedelta(days=rng.randint(0, 25)),
                                         today)))
    plan.sort(key=lambda p: (p[2], p[0].pk))
    entries, month_rows = [], []
    for n, (h, span, paid_on) in enumerate(plan, start=1):
        paid_on = min(paid_on, today)
        recorder = guardian if h.unit.building_id == guardian_role.building_id else grid_user
        entry = Entry(fund=fund, kind=EntryKind.FEE, amount_fen=FEE_FEN * len(span), occurred_on=paid_on, household=h,
                      method="cash" if rng.random() < 0.7 else "transfer", receipt_no=f"XHJ-{paid_on:%Y%m}-{n:05d}",
                      recorded_by=recorder)
        entries.append((entry, h, span))
    Entry.objects.bulk_create([e for e, _h, _s in entries], batch_size=500)
    for entry, h, span in entries:
        month_rows += [PaidMonth(entry=entry, household=h, building_id=h.unit.building_id, month=m,
                                 amount_fen=FEE_FEN) for m in span]
    PaidMonth.objects.bulk_create(month_rows, batch_size=1000)

    chair_access = access_for(chair, fund)
    claims = 0
    for i, m in enumerate(months[:-1]):
        end = services.add_months(m, 1) - dt.timedelta(days=1)
        for cleaner in CLEANERS:
            claim = services.propose_spending(fund, item="wages", amount_fen=WAGE_FEN, spent_on=end, payee=cleaner,
                                              description=f"{m:%Y年%m月}保洁工资", decision_ref="自治管理小组聘用决定",
                                              by=staff)
            services.decide_claim(claim, approve=True, by=chair, access=chair_access, on=end)
            claims += 1
        for month_no, item, amount, text, payee in REPAIRS:
            if month_no == i:
                day = min(m + dt.timedelta(days=rng.randint(8, 24)), today)
                claim = services.propose_spending(fund, item=item, amount_fen=amount, spent_on=day, payee=payee,
                                                  description=text, decision_ref=f"{m:%m}月4日“逢四说事”", by=staff)
                services.decide_claim(claim, approve=True, by=chair, access=chair_access, on=day)
                claims += 1
    # One payment entered twice by mistake, reversed with a reason.
    double = Entry.objects.filter(fund=fund, kind=EntryKind.FEE).order_by("id")[len(entries) // 2]
    services.reverse_entry(double, reason="同一笔缴费重复登记，冲正", by=staff,
                           on=min(double.occurred_on + dt.timedelta(days=2), today))
    return {"自治费缴费": len(entries), "自治费支出": claims}


def delete_funds(area_ids: list[int], person_ids: list[int] | None = None) -> None:
    """Remove the funds of demo areas with their ledgers, and the two extra logins (before people go)."""
    funds = Fund.objects.filter(area_id__in=area_ids)
    PaidMonth.objects.filter(entry__fund__in=funds).delete()
    SpendingClaim.objects.filter(fund__in=funds).delete()
    Entry.objects.filter(fund__in=funds, reverses__isnull=False).delete()
    Entry.objects.filter(fund__in=funds).delete()
    ExemptionCancellation.objects.filter(exemption__fund__in=funds).delete()
    Exemption.objects.filter(fund__in=funds).delete()
    FeeRate.objects.filter(fund__in=funds).delete()
    funds.delete()
    User.objects.filter(username__in=EXTRA_USERS).delete()
