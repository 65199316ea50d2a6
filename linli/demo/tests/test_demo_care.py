"""The demo's care: the article's figures by query, a year of visits with some missed, pages for the demo logins."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from linli.care.models import CareRecipient, DutySlot, DutySwap, Errand, HealthNote, Outreach, Visit, VisitDue
from linli.care.services import outreach, plans
from linli.demo.care import care_figures
from linli.demo.loader import DEMO_PASSWORD, load_demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


def test_the_articles_care_figures_read_back_by_query(demo, db):
    f = care_figures()
    assert f["lantern_teams"] == 4 and f["lantern_elderly"] >= 8
    assert f["zouma_agents"] == 10 and f["zouma_errands_done"] >= 30 and f["zouma_ledger"] == 8
    assert f["six_helps"] == 6
    assert f["outreach_with_health_centre"] == 8 and f["outreach_with_police"] == 8


def test_a_year_of_outreach_with_the_health_centre_and_the_police(demo, db):
    totals = {t.kind: (t.sessions, t.person_times) for t in outreach.totals(Outreach.objects.all())}
    assert {k: n for k, (n, _p) in totals.items()} == {"clinic": 4, "home_visit": 4, "class": 4}
    assert all(p >= 4 * 12 for _n, p in totals.values())
    assert not Outreach.objects.filter(activity__team__name__startswith="红灯笼").exists()


def test_a_year_of_visits_with_some_missed(demo, db):
    now = timezone.now()
    dues = VisitDue.objects.filter(alert__isnull=True)
    assert dues.count() > 12 * 8 and Visit.objects.count() > 300
    rates = plans.monthly_rates(VisitDue.objects.all(), timezone.localdate(), 12, now)
    finished = [r for r in rates[:-1] if r.due]
    assert len(finished) == 11 and all(70 <= r.percent < 100 for r in finished)
    assert VisitDue.objects.filter(plans.overdue_q(now)).count() >= 3
    assert VisitDue.objects.filter(plans.due_soon_q(now), alert__isnull=False).exists()


def test_every_paired_elderly_person_is_80_plus_living_alone_with_a_carer(demo, db):
    for r in CareRecipient.objects.filter(area__name="新河街网格").select_related("person"):
        assert r.person.age >= 80 and r.person.household.members.count() == 1
        assert r.pairs.active().filter(carer__isnull=False, team__name__startswith="红灯笼").count() == 1
    assert HealthNote.objects.count() == CareRecipient.objects.count()


def test_a_month_of_roster_with_swaps_and_open_errands_for_agents(demo, db):
    assert DutySlot.objects.count() >= 10 and DutySwap.objects.count() == 2
    assert Errand.objects.filter(status__in=["dispatched", "accepted"]).count() == 2


@pytest.mark.parametrize(("username", "page"), [
    ("grid-xinhejie", "care:recipient_list"), ("grid-xinhejie", "care:due"), ("grid-xinhejie", "care:hotline"),
    ("community-xiaxinxin", "care:figures"), ("community-xiaxinxin", "care:alerts"), ("grid-zouma", "care:errand_list"),
    ("grid-zouma", "care:helps"), ("community-xiaxinxin", "care:outreach"),
])
def test_care_pages_open_for_the_demo_logins(demo, client, username, page):
    assert client.login(username=username, password=DEMO_PASSWORD)
    assert client.get(reverse(page)).status_code == 200


def test_the_department_handler_sees_no_care_recipient(demo, client):
    assert client.login(username="dept-chengguan", password=DEMO_PASSWORD)
    r = CareRecipient.objects.first()
    assert client.get(reverse("care:recipient_detail", args=[r.pk])).status_code == 404
