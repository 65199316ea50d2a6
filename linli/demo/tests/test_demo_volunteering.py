"""The demo's volunteering: the article's figures by query, and the pages open for the demo accounts."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from linli.demo.loader import DEMO_PASSWORD, load_demo
from linli.demo.volunteering import volunteering_figures
from linli.people.models import ContributionEntry
from linli.volunteering.models import Activity, Honour, Pledge, ServiceRecord, SignUp, Team, Wish


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


def test_the_articles_volunteering_figures_read_back_by_query(demo, db):
    f = volunteering_figures()
    assert f["riders"] >= 60
    assert f["lantern_teams"] == 4 and f["lantern_sessions"] == 20 and f["lantern_person_times"] == 2000
    assert f["station_activities"] == 20 and f["station_person_times"] >= 1000
    assert f["zouma_retirees"] >= 13
    assert f["district_honours"] == 4
    assert f["zouma_pledges"] >= 50
    assert f["wishes_confirmed"] >= 1 and f["service_hours"] > 0


def test_the_four_most_beautiful_workers_are_honours_with_level_date_and_citation(demo, db):
    honoured = set(Honour.objects.values_list("person_id", flat=True))
    noted = set(ContributionEntry.objects.filter(what__contains="最美").values_list("person_id", flat=True))
    assert len(honoured) == 4 and (not noted or noted == honoured)
    assert set(Honour.objects.values_list("level", flat=True)) == {"district"}
    assert all(h.citation for h in Honour.objects.all())


def test_records_are_complete_confirmed_and_within_their_activities(demo, db):
    records = ServiceRecord.objects.select_related("activity")
    assert records.count() == SignUp.objects.count() > 500
    for r in records[:200]:
        assert r.status == "confirmed" and r.recorded_by_id and r.confirmed_by_id and r.content and r.place
        assert r.minutes <= r.activity.length_minutes and r.minutes % 15 == 0 or r.minutes == \
            r.activity.length_minutes
    assert Activity.objects.filter(kind="study").exists() and Team.objects.count() == 6


def test_wishes_in_every_state_and_pledges_with_follow_ups(demo, db):
    states = set(Wish.objects.values_list("status", flat=True))
    assert {"pending", "approved", "claimed", "fulfilled", "confirmed"} <= states
    done = Pledge.objects.filter(status="fulfilled").first()
    assert done is not None and done.follow_ups.filter(status="fulfilled").exists()


@pytest.mark.parametrize(("username", "page"), [
    ("community-xiaxinxin", "volunteering:activity_list"), ("community-xiaxinxin", "volunteering:record_list"),
    ("community-xiaxinxin", "volunteering:wish_list"), ("grid-zouma", "volunteering:pledge_list"),
    ("rider-demo", "volunteering:team_list"), ("street-longzhouwan", "volunteering:honour_list"),
    ("resident-demo", "volunteering:wish_list"),
])
def test_pages_open_for_the_demo_accounts(demo, db, client, username, page):
    assert client.login(username=username, password=DEMO_PASSWORD)
    assert client.get(reverse(page)).status_code == 200
    assert client.get(reverse(page), {"when": "past"}).status_code == 200
