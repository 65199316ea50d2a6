"""Demo points: the 先锋骑士 points scheme of 龙洲湾街道, a year of earning, 18 sponsor shops' rewards, redemptions.

The article's figures, read back by query (``figures.points_figures``): 18 sponsor shops offer goods and
services with a declared value of 10,000+ yuan, the 32 riders on file have points archives, 22 gifts and
services have been collected for 400+ points.  A few redemptions wait to be collected and one expired and
was refunded.

Every movement goes through the ledger (``ledger.earn``, ``earning.award_verified_case``,
``ledger.manual_award``, ``rewards.redeem``, ``rewards.expire_redemptions``), in time order, so the books
balance and each archive's running balance reads forward in time; the times are then back-dated in one
bulk update.  ``rider-demo`` keeps enough points to redeem something in the browser, and ``shop-demo``'s
shop has a reward in stock.  Deterministic: one ``random.Random(seed)``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from linli.cases.models import Case
from linli.core.models import User
from linli.people.models import Person, RoleAssignment
from linli.places.models import Area, PartnerKind, PartnerUnit
from linli.points import earning, ledger, rewards
from linli.points.models import Account, Redemption, Reward, Scheme, Transfer

from .areas import DISTRICT_CODE

SCHEME_CODE = "xianfeng-qishi"
SCHEME_NAME = "“先锋骑士”积分制度"
COLLECTED = 22
WAITING = 3

# Per shop (in the order of ``orgs.SPONSOR_SHOPS``): (reward, kind, points, stock, value in fen, where to collect).
# Declared value offered: Σ stock × value = 14,935 yuan.
REWARDS: dict[str, list[tuple[str, str, int, int, int]]] = {
    "龙锦便利店": [("米面油爱心礼包", "goods", 30, 20, 6000), ("矿泉水一箱", "goods", 10, 30, 2000)],
    "巴渝小面馆": [("重庆小面一碗", "goods", 8, 40, 1200)],
    "洲湾汽车美容": [("电动车精洗一次", "service", 15, 20, 3000)],
    "锦程理发店": [("理发一次", "service", 12, 30, 2500)],
    "老街火锅": [("双人火锅代金券", "goods", 60, 10, 10000)],
    "鲜果时光水果店": [("时令水果一份", "goods", 15, 25, 2500)],
    "龙海药房": [("防暑降温药包", "goods", 12, 40, 2000)],
    "渝味早餐店": [("早餐套餐一份", "goods", 5, 60, 800)],
    "洲湾手机维修": [("手机贴膜一次", "service", 10, 30, 3000)],
    "快修电动车行": [("电动车保养一次", "service", 25, 20, 5000)],
    "龙锦洗衣店": [("工装清洗一次", "service", 10, 30, 2000)],
    "暖心面包坊": [("面包券一张", "goods", 8, 40, 1500)],
    "江畔茶馆": [("茶水券一张（含休息）", "service", 6, 40, 1000)],
    "龙湾超市": [("日用品礼包", "goods", 25, 20, 5000)],
    "安康眼镜店": [("验光配镜优惠券", "service", 40, 10, 15000)],
    "乐活健身房": [("健身月卡", "service", 80, 5, 20000)],
    "书香文具店": [("子女学习文具包", "goods", 20, 20, 4000)],
    "悦享奶茶店": [("奶茶一杯", "goods", 5, 50, 1200)],
}

SERVICE_DEEDS = ["“小哥圆桌会”会务服务", "暴雨天协助疏导交通", "为独居老人送餐上门", "文明交通劝导",
                 "社区消防安全宣传", "协助网格员入户走访", "爱心送考", "夏季防暑物资分发"]
MANUAL_DEEDS = ["拾金不昧，归还顾客钱包", "协助救助突发疾病老人", "发现并报告燃气泄漏隐患", "帮助走失儿童找到家人"]


@dataclass(order=True)
class _Step:
    at: dt.datetime
    order: int
    kind: str
    payload: tuple = ()


def _street() -> Area:
    return Area.objects.get(code__startswith=DISTRICT_CODE, name="龙洲湾街道")


def build_points(seed: int) -> dict[str, int]:
    """Scheme, accounts, a year of movements, rewards and redemptions; returns counts for the summary."""
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate(now)
    street = _street()
    scheme = Scheme.objects.create(
        code=SCHEME_CODE, name=SCHEME_NAME, area=street, points_per_hour=10, points_per_verified_case=5,
        points_per_meeting=3, points_per_wish=10, manual_daily_cap=50, expiry=Scheme.Expiry.END_OF_NEXT_YEAR,
        rules="确认志愿服务每小时10分；随手拍上报问题经核查属实每件5分；参加议事会议每次3分；完成微心愿每个10分；"
              "表现突出者由街道、社区酌情奖励（每人每天不超过50分）。积分可在18家爱心商铺兑换物品和服务，"
              "当年积分次年年底前有效。")
    low, high = street.code, street.code[:-1] + chr(ord(street.code[-1]) + 1)
    riders = list(Person.objects.filter(worker__in_points_scheme=True, area__code__gte=low, area__code__lt=high)
                  .order_by("id"))
    users = {u.username: u for u in User.objects.filter(username__in=["rider-demo", "shop-demo",
                                                                      "street-longzhouwan", "community-longjin"])}
    rider_demo = users["rider-demo"].person
    leader = users["street-longzhouwan"]
    Account.objects.bulk_create([Account(kind="person", person=p) for p in riders])

    # Rewards, offered since a year ago, until the end of next year.
    shops = {s.name: s for s in PartnerUnit.objects.filter(kind=PartnerKind.SPONSOR_SHOP,
                                                           area__code__startswith=DISTRICT_CODE)}
    start = today - dt.timedelta(days=365)
    catalogue = []
    for shop_name, items in REWARDS.items():
        shop = shops[shop_name]
        for name, kind, points, stock, value in items:
            catalogue.append(Reward(sponsor=shop, scheme=scheme, kind=kind, name=name, points=points, stock=stock,
                                    stock_offered=stock, value_fen=value, valid_from=start,
                                    valid_until=dt.date(today.year + 1, 12, 31), claim_days=14,
                                    collect_at=shop.address or shop.name,
                                    description=f"“先锋骑士”积分兑换，{shop.name}提供"))
    Reward.objects.bulk_create(catalogue)
    shop_demo_partner = (RoleAssignment.objects.filter(person=users["shop-demo"].person, role="sponsor_staff")
                         .values_list("partner_id", flat=True).first())

    # The year's timeline: service hours, verified cases, manual awards, redemptions — run in time order.
    steps: list[_Step] = []
    n = 0

    def at(days_ago: float) -> dt.datetime:
        return now - dt.timedelta(days=days_ago, hours=rng.uniform(0, 8))

    for i, rider in enumerate(riders):
        for k in range(rng.randint(4, 7) + (3 if rider == rider_demo else 0)):
            quarters = rng.choice([4, 6, 8, 10, 12, 16])
            steps.append(_Step(at(rng.uniform(20, 360)), n, "service", (rider, quarters, rng.choice(SERVICE_DEEDS),
                                                                         f"{i}:{k}")))
            n += 1
        if rng.random() < 0.25 or rider == rider_demo:
            steps.append(_Step(at(rng.uniform(30, 300)), n, "manual", (rider, rng.choice([10, 20, 30]),
                                                                        rng.choice(MANUAL_DEEDS), f"{i}")))
            n += 1
    rider_ids = {p.pk for p in riders}
    verified = (Case.objects.filter(reporter__person_id__in=rider_ids, events__action="verify")
                .select_related("reporter", "area").distinct().order_by("id"))
    for case in verified:
        verified_at = case.events.filter(action="verify").order_by("at").values_list("at", flat=True).first()
        steps.append(_Step(verified_at, n, "case", (case,)))
        n += 1
    # Redemptions: 22 collected and 3 waiting by riders who have the points then, one left to expire.
    by_id = {r.pk: r for r in Reward.objects.filter(scheme=scheme)}
    cheap = sorted(by_id.values(), key=lambda r: (r.points, r.pk))
    for j in range(COLLECTED):
        steps.append(_Step(at(rng.uniform(15, 300)), n, "redeem", ("collect", j)))
        n += 1
    for j in range(WAITING):
        steps.append(_Step(at(rng.uniform(1, 6)), n, "redeem", ("wait", j)))
        n += 1
    left_at = at(40)
    steps.append(_Step(left_at, n, "redeem", ("expire", 0)))
    steps.append(_Step(left_at + dt.timedelta(days=15), n + 1, "expire"))
    steps.sort()
    stock = {r.pk: r.stock for r in cheap}

    balances = {p.pk: 0 for p in riders}
    dates: list[tuple[int, dt.datetime]] = []
    redemption_dates: list[tuple[int, dt.datetime, dt.datetime | None]] = []
    shop_user = users["shop-demo"]
    counts = {"collected": 0, "points": 0}
    for step in steps:
        if step.kind == "service":
            rider, quarters, deed, ref = step.payload
            t = ledger.earn(scheme, rider, quarters * scheme.points_per_hour // 4, key=f"demo:service:{ref}",
                            source=Transfer.Source.SERVICE,
                            reason=f"志愿服务 {quarters / 4:g} 小时：{deed}")
        elif step.kind == "manual":
            rider, amount, deed, ref = step.payload
            t = ledger.manual_award(scheme, rider, amount, reason=deed, user=leader, key=f"demo:manual:{ref}")
        elif step.kind == "expire":
            # The one left uncollected: refunded by the nightly task (points back, stock back).
            rewards.expire_redemptions(now=step.at)
            refund = Redemption.objects.filter(status=Redemption.Status.EXPIRED).select_related("refund").first()
            if refund is not None:
                dates.append((refund.refund_id, step.at))
                balances[refund.person_id] += refund.refund.amount
                stock[refund.reward_id] += 1
            continue
        elif step.kind == "case":
            t = earning.award_verified_case(step.payload[0])
            if t is None:
                continue
            rider = step.payload[0].reporter.person
        else:
            mode, j = step.payload
            rider, reward = _pick(rng, riders, balances, stock, cheap, rider_demo, shop_demo_partner, mode, j)
            if rider is None:
                continue
            redemption = rewards.redeem(rider, reward, request_key=f"demo-{mode}-{j}", now=step.at)
            t = redemption.transfer
            completed = None
            if mode == "collect":
                completed = step.at + dt.timedelta(days=rng.uniform(0.1, 6))
                Redemption.objects.filter(pk=redemption.pk).update(
                    status=Redemption.Status.COMPLETED, completed_at=completed,
                    confirmed_by=shop_user if reward.sponsor_id == shop_demo_partner else None)
                counts["collected"] += 1
                counts["points"] += reward.points
            redemption_dates.append((redemption.pk, step.at, completed))
            balances[rider.pk] -= reward.points
            stock[reward.pk] -= 1
            dates.append((t.pk, step.at))
            continue
        balances[rider.pk] += t.amount
        dates.append((t.pk, step.at))
    Transfer.objects.bulk_update([Transfer(pk=pk, at=when) for pk, when in dates], ["at"], batch_size=500)
    Redemption.objects.bulk_update([Redemption(pk=pk, created_at=when) for pk, when, _c in redemption_dates],
                                   ["created_at"], batch_size=500)
    return {"积分账户": len(riders), "积分流水": Transfer.objects.filter(
        Q(debit__scheme=scheme) | Q(credit__scheme=scheme)).count(), "已兑换": counts["collected"]}


def _pick(rng: random.Random, riders: list[Person], balances: dict[int, int], stock: dict[int, int],
          cheap: list[Reward], rider_demo: Person, shop_partner: int | None, mode: str,
          j: int) -> tuple[Person | None, Reward | None]:
    """A rider with the points for a reward in stock (rider-demo's first two at shop-demo's shop)."""
    if mode == "collect" and j < 2:
        choices = [r for r in cheap if r.sponsor_id == shop_partner and stock[r.pk] > 1]
        if choices:
            reward = choices[j % len(choices)]
            if balances[rider_demo.pk] >= reward.points:
                return rider_demo, reward
    # Mid-priced rewards so that 22 collected come to 400+ points.
    pool = [r for r in cheap if 12 <= r.points <= 30] if mode == "collect" else cheap[:6]
    for _attempt in range(50):
        reward = rng.choice(pool)
        if stock[reward.pk] < 2:
            continue
        rich = [p for p in riders if balances[p.pk] >= reward.points + 20 and p != rider_demo]
        if rich:
            return rng.choice(rich), reward
    return None, None


def delete_points(area_ids: list[int], person_ids: list[int], partner_ids: list[int]) -> None:
    """Remove the demo's points rows: redemptions, transfers, accounts, rewards and schemes of the demo."""
    schemes = Scheme.objects.filter(area_id__in=area_ids)
    accounts = Account.objects.filter(Q(person_id__in=person_ids) | Q(scheme__in=schemes))
    Redemption.objects.filter(Q(person_id__in=person_ids) | Q(reward__sponsor_id__in=partner_ids)
                              | Q(reward__scheme__in=schemes)).delete()
    moves = Transfer.objects.filter(Q(debit__in=accounts) | Q(credit__in=accounts))
    moves.filter(reverses__isnull=False).delete()
    moves.delete()
    accounts.delete()
    Reward.objects.filter(Q(sponsor_id__in=partner_ids) | Q(scheme__in=schemes)).delete()
    schemes.delete()
