"""Demo service stations: 龙洲湾街道's "1 centre + 1 station + 9 points" (15分钟服务圈) and 下新新社区's
party-mass service station.

- 1 centre: 龙洲湾街道党群服务中心, every service of the catalogue, open 08:30–21:00 every day;
- 1 station: the 先锋骑士 rider station (驿站), open around the clock;
- 9 points at partner outlets (渝工港湾 trade-union points, youth homes, bank branches, a filling station,
  a post office, community service points), each with some of the 9 rider services (rest, rain shelter,
  charging, heating food, drinking water, toilet, first aid, employment guidance, legal aid), day hours,
  a night point across midnight, bank hours on weekdays with the National Day holiday closed;
- 下新新社区党群服务站 (五室一堂), where the volunteering demo holds its 20 activities.

Positions are random points inside the demo grids of each community (one ``random.Random(seed)``).
"""

from __future__ import annotations

import datetime as dt
import random

import shapely
from django.utils import timezone
from shapely.geometry import shape

from linli.places.models import (
    Amenity,
    Area,
    AreaLevel,
    OpeningHours,
    PartnerKind,
    PartnerUnit,
    ServiceStation,
    StationClosure,
    StationKind,
)
from linli.places.stations import seed_amenities
from linli.volunteering.models import Activity

from .areas import DISTRICT_CODE
from .volunteering import STATION as XIAXINXIN_STATION

CENTRE_TEXT = "龙洲湾街道“1+1+9”15分钟服务圈的中心阵地。"
POINT_TEXT = "骑手、快递员、网约车司机和居民均可免费使用。"
RIDER_SERVICES = ["rest", "rain-shelter", "charging", "heating-food", "drinking-water", "toilet", "first-aid",
                  "employment", "legal-aid"]
EVERY_DAY = range(7)
WEEKDAYS = range(5)

# name, kind, community, operator (kind, name) or None, services, hours [(weekdays, opens, closes)] (None: 24 h)
LONGZHOUWAN: list[tuple] = [
    ("龙洲湾街道党群服务中心", StationKind.CENTRE, "龙锦社区", None, RIDER_SERVICES + ["counselling"],
     [(EVERY_DAY, (8, 30), (21, 0))]),
    ("先锋骑士驿站", StationKind.STATION, "龙锦社区", None, RIDER_SERVICES, [(EVERY_DAY, None, None)]),
    ("渝工港湾·龙洲湾商圈服务点", StationKind.POINT, "龙锦社区", (PartnerKind.OTHER, "巴南区总工会渝工港湾"),
     ["rest", "rain-shelter", "charging", "heating-food", "drinking-water", "toilet"], [(EVERY_DAY, (9, 0), (22, 0))]),
    ("渝工港湾·龙海服务点", StationKind.POINT, "龙海社区", (PartnerKind.OTHER, "巴南区总工会渝工港湾"),
     ["rest", "charging", "drinking-water", "toilet", "first-aid"], [(EVERY_DAY, (18, 0), (2, 0))]),
    ("龙锦青年之家", StationKind.POINT, "龙锦社区", (PartnerKind.OTHER, "共青团龙洲湾街道工作委员会"),
     ["rest", "drinking-water", "employment", "charging"], [(WEEKDAYS, (9, 0), (18, 0)), ((5, 6), (10, 0), (17, 0))]),
    ("龙海青年之家", StationKind.POINT, "龙海社区", (PartnerKind.OTHER, "共青团龙洲湾街道工作委员会"),
     ["rest", "drinking-water", "employment", "legal-aid"], [(WEEKDAYS, (9, 0), (18, 0))]),
    ("农商银行龙洲湾支行爱心驿站", StationKind.POINT, "龙锦社区", (PartnerKind.COMPANY, "重庆农村商业银行龙洲湾支行"),
     ["rest", "rain-shelter", "drinking-water", "charging", "toilet"],
     [(WEEKDAYS, (9, 0), (17, 0)), ((5,), (9, 30), (16, 0))]),
    ("建设银行劳动者港湾", StationKind.POINT, "龙海社区", (PartnerKind.COMPANY, "中国建设银行巴南龙洲湾支行"),
     ["rest", "rain-shelter", "drinking-water", "heating-food", "charging"], [(WEEKDAYS, (9, 0), (17, 0))]),
    ("中石化龙洲湾加油站爱心驿站", StationKind.POINT, "龙海社区", (PartnerKind.COMPANY, "中石化龙洲湾加油站"),
     ["rest", "rain-shelter", "drinking-water", "toilet", "charging"], [(EVERY_DAY, None, None)]),
    ("龙洲湾邮政营业所服务点", StationKind.POINT, "龙锦社区", (PartnerKind.COMPANY, "中国邮政龙洲湾营业所"),
     ["rest", "drinking-water", "toilet"], [(WEEKDAYS, (8, 30), (17, 30)), ((5, 6), (9, 0), (16, 0))]),
    ("龙锦社区法律服务点", StationKind.POINT, "龙锦社区", None, ["legal-aid", "employment", "drinking-water", "rest"],
     [(WEEKDAYS, (9, 0), (12, 0)), (WEEKDAYS, (14, 0), (17, 30))]),
]
XIAXINXIN = (XIAXINXIN_STATION, StationKind.STATION, "下新新社区", None,
             ["rest", "drinking-water", "toilet", "first-aid", "legal-aid", "counselling"],
             [((0, 1, 2, 3, 4, 5), (9, 0), (17, 30))])


def _point_in(grids: list[Area], rng: random.Random) -> tuple[float, float]:
    grid = rng.choice(grids)
    geom = shape(grid.boundary)
    minx, miny, maxx, maxy = geom.bounds
    for _ in range(100):
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if geom.contains(shapely.Point(x, y)):
            return round(y, 6), round(x, 6)
    point = geom.representative_point()
    return round(point.y, 6), round(point.x, 6)


def _holiday(today: dt.date) -> tuple[dt.date, dt.date]:
    year = today.year if today <= dt.date(today.year, 10, 7) else today.year + 1
    return dt.date(year, 10, 1), dt.date(year, 10, 7)


def build_stations(seed: int, today: dt.date | None = None) -> dict[str, int]:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    seed_amenities()
    amenities = {a.code: a for a in Amenity.objects.all()}
    communities = {a.name: a for a in Area.objects.under(DISTRICT_CODE).filter(level=AreaLevel.COMMUNITY)
                   .select_related("parent")}
    grids: dict[str, list[Area]] = {}
    for g in Area.objects.under(DISTRICT_CODE).filter(level=AreaLevel.GRID, boundary__isnull=False):
        grids.setdefault(g.parent_id, []).append(g)
    partners: dict[str, PartnerUnit] = {}
    stations, hours, closures, links = [], [], [], []
    for name, kind, community_name, operator, services, spans in [*LONGZHOUWAN, XIAXINXIN]:
        community = communities[community_name]
        if name == XIAXINXIN_STATION:
            lat, lng = 29.3833, 106.5217  # where the volunteering demo places the station's activities
        else:
            lat, lng = _point_in(grids[community.pk], rng)
        partner = None
        if operator:
            key = operator[1]
            partner = partners.get(key)
            if partner is None:
                partner = partners[key] = PartnerUnit.objects.create(
                    kind=operator[0], name=operator[1], area=community, address=f"龙洲湾街道{community_name}",
                    lat=lat, lng=lng)
        station = ServiceStation(kind=kind, name=name, area=community, operator=partner,
                                 address=f"{community.parent.name}{community_name}{name}", lat=lat, lng=lng,
                                 contact_name="值班员", contact_phone=f"023-6622{rng.randint(1000, 9999)}",
                                 description=CENTRE_TEXT if kind == StationKind.CENTRE else POINT_TEXT)
        stations.append((station, services, spans))
    ServiceStation.objects.bulk_create([s for s, _sv, _sp in stations])
    through = ServiceStation.amenities.through
    holiday = _holiday(today)
    for station, services, spans in stations:
        links += [through(servicestation_id=station.pk, amenity_id=amenities[c].pk) for c in services]
        for days, opens, closes in spans:
            for d in days:
                if opens is None:
                    hours.append(OpeningHours(station=station, weekday=d, all_day=True))
                else:
                    hours.append(OpeningHours(station=station, weekday=d, opens=dt.time(*opens),
                                              closes=dt.time(*closes)))
        if "银行" in station.name or "邮政" in station.name:
            closures.append(StationClosure(station=station, starts_on=holiday[0], ends_on=holiday[1],
                                           reason="国庆节假期"))
    through.objects.bulk_create(links)
    OpeningHours.objects.bulk_create(hours)
    StationClosure.objects.bulk_create(closures)
    # The volunteering demo holds its station activities at 下新新's station: its page lists them.
    xiaxinxin = next(s for s, _sv, _sp in stations if s.name == XIAXINXIN_STATION)
    held = Activity.objects.filter(place=XIAXINXIN_STATION).update(station=xiaxinxin)
    return {"服务站点": len(stations), "服务站点活动": held}


def delete_stations(area_ids: list[int]) -> None:
    ServiceStation.objects.filter(area_id__in=area_ids).delete()
