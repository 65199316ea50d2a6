"""The demo's 15-minute service circle and the 新河街 fund, read back at the article's figures."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from linli.core import roles
from linli.core.models import User
from linli.demo.loader import load_demo
from linli.demo.stations import RIDER_SERVICES
from linli.funds import services
from linli.funds.access import access_for
from linli.funds.models import Entry, Fund, SpendingClaim
from linli.people.models import RoleAssignment
from linli.places.models import Area, ServiceStation, StationKind


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo(reset=True)
    yield
    with django_db_blocker.unblock():
        from linli.demo.cleanup import delete_demo

        delete_demo()


@pytest.mark.django_db
def test_longzhouwan_has_one_centre_one_station_nine_points(demo):
    lzw = Area.objects.get(code="500113001")
    stations = ServiceStation.objects.filter(area__code__startswith=lzw.code)
    kinds = sorted(stations.values_list("kind", flat=True))
    assert kinds.count(StationKind.CENTRE) == 1 and kinds.count(StationKind.STATION) == 1
    assert kinds.count(StationKind.POINT) == 9
    offered = set(stations.values_list("amenities__code", flat=True))
    assert set(RIDER_SERVICES) <= offered and len(RIDER_SERVICES) == 9
    assert stations.filter(operator__name__contains="渝工港湾").count() == 2
    assert ServiceStation.objects.filter(name="下新新社区党群服务站", area__name="下新新社区").exists()


@pytest.mark.django_db
def test_xinhejie_fund_at_the_articles_figures(demo):
    fund = Fund.objects.get(name="新河街自治管理服务费")
    assert services.households_of(fund).count() == 380
    rates = services.rates_of(fund)
    assert [r.amount_fen for r in rates] == [1000]
    assert RoleAssignment.objects.current().filter(role=roles.BUILDING_GUARDIAN, area=fund.area).count() == 21
    total = Entry.objects.filter(fund=fund).aggregate(t=Sum("amount_fen"))["t"]
    assert services.balance(fund) == total >= 0
    last = services.statement(fund, services.last_completed_month())
    assert last.due == 380 - 6 and 0.6 * last.due < last.paid < last.due  # realistic arrears
    assert dict(last.spending)["保洁工资"] == 2 * 140_000
    assert SpendingClaim.objects.filter(fund=fund, status="approved").count() >= 24
    assert Entry.objects.filter(fund=fund, reverses__isnull=False).count() == 1
    arrears = services.arrears_by_building(fund)
    assert len(arrears) == 12 and sum(b.arrears_fen for b in arrears) > 0
    resident = User.objects.get(username="resident-demo")
    assert access_for(resident, fund).statement and not access_for(resident, fund).ledger
    guardian = User.objects.get(username="guardian-xinhejie")
    assert len(access_for(guardian, fund).building_ids) == 1
    assert access_for(User.objects.get(username="chair-xinhejie"), fund).approve



@pytest.mark.django_db
def test_xiaxinxin_station_page_lists_its_demo_activities(demo, client):
    from django.urls import reverse

    from linli.demo.volunteering import STATION

    station = ServiceStation.objects.get(name=STATION)
    held = station.activities.filter(cancelled=False)
    assert held.count() >= 20  # the article's 20 activities at the 五室一堂 station
    html = client.get(reverse("places:station", args=[station.pk])).content.decode()
    assert held.order_by("-starts_at").first().title in html
