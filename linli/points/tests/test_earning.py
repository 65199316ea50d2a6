"""Earning rules: verified cases (through the CaseEvent hook), service hours, wishes, meetings, manual awards."""

import datetime as dt
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.http import Http404

from linli.cases.models import CasePhoto, Category, CategoryKind, HandlerLevel
from linli.cases.services import file_case, transition
from linli.cases.workflow import AtMeeting
from linli.core.models import User
from linli.people.models import WorkerProfile
from linli.points import earning, ledger, tasks
from linli.points.models import Redemption, Scheme, Transfer
from linli.points.rewards import redeem


@pytest.fixture
def people(tree, make_user, scheme):
    reporter = make_user("rider", home=tree.g1)
    WorkerProfile.objects.create(person=reporter.person, occupation="food_delivery", in_points_scheme=True)
    return SimpleNamespace(
        reporter=reporter,
        outsider=make_user("resident", home=tree.g1),
        community=make_user("community", "community_staff", tree.comm_a1),
        worker=make_user("worker", "grid_worker", tree.g1),
        worker2=make_user("worker2", "grid_worker", tree.g1),
        street_b=make_user("street-b", "street_staff", tree.street_b),
    )


@pytest.fixture
def category(tree):
    parent = Category.objects.create(kind=CategoryKind.COMPONENT, code="public-facilities", name="公用设施")
    return Category.objects.create(parent=parent, kind=CategoryKind.COMPONENT, code="manhole-cover", name="井盖",
                                   handler_level=HandlerLevel.GRID)


def _handle_to_resolved(case, people):
    transition(case, "accept", people.community)
    transition(case, "dispatch", people.community)
    transition(case, "start", people.worker)
    photo = CasePhoto.objects.create(case=case, kind="result", image="x.jpg", uuid=uuid.uuid4())
    transition(case, "resolve", people.worker, note="已修好", photos=[photo])


def _balance(person) -> int:
    return ledger.person_account(person).balance


def test_filing_a_case_earns_nothing_until_it_is_verified(people, category, tree, scheme):
    case = file_case(category=category, channel="h5", description="井盖松动", reporter=people.reporter, area=tree.g1)
    _handle_to_resolved(case, people)
    assert not Transfer.objects.filter(source="case").exists()
    transition(case, "verify", people.worker2)
    t = Transfer.objects.get(source="case")
    assert (t.key, t.amount, t.source_ref) == (f"case:{case.number}", scheme.points_per_verified_case, case.number)
    assert _balance(people.reporter.person) == scheme.points_per_verified_case


def test_a_case_closed_at_a_meeting_earns_like_a_verified_one(people, category, tree, scheme):
    case = file_case(category=category, channel="h5", description="井盖松动", reporter=people.reporter, area=tree.g1)
    transition(case, "accept", people.community)
    meeting = AtMeeting(pk=1, title="逢四说事", area_code=tree.comm_a1.code)
    transition(case, "close_at_meeting", people.community, note="会上协调修好", meeting=meeting)
    t = Transfer.objects.get(source="case")
    assert (t.key, t.amount) == (f"case:{case.number}", scheme.points_per_verified_case)
    assert _balance(people.reporter.person) == scheme.points_per_verified_case


def test_a_case_verified_twice_earns_once(people, category, tree, scheme):
    case = file_case(category=category, channel="h5", description="井盖松动", reporter=people.reporter, area=tree.g1)
    _handle_to_resolved(case, people)
    transition(case, "verify", people.worker2)
    case.refresh_from_db()
    # Reopened by a dissatisfied rating, handled again and verified again: still one award.
    transition(case, "rate", people.reporter, rating="dissatisfied")
    photo = CasePhoto.objects.create(case=case, kind="result", image="y.jpg", uuid=uuid.uuid4())
    transition(case, "resolve", people.worker, note="再次处理", photos=[photo])
    transition(case, "verify", people.worker2)
    assert Transfer.objects.filter(source="case").count() == 1
    assert earning.award_verified_case(case).key == f"case:{case.number}"
    assert _balance(people.reporter.person) == scheme.points_per_verified_case


def test_reporter_outside_the_points_scheme_earns_nothing(people, category, tree):
    case = file_case(category=category, channel="h5", description="井盖", reporter=people.outsider, area=tree.g1)
    _handle_to_resolved(case, people)
    transition(case, "verify", people.worker2)
    assert not Transfer.objects.exists()


def test_case_outside_every_scheme_earns_nothing(people, category, tree):
    case = file_case(category=category, channel="h5", description="井盖", reporter=people.reporter, area=tree.h1)
    assert earning.award_verified_case(case) is None
    assert earning.scheme_for_area(tree.h1) is None


def test_most_specific_active_scheme_covers_an_area(tree, scheme):
    local = Scheme.objects.create(code="a1", name="甲一社区积分", area=tree.comm_a1)
    assert earning.scheme_for_area(tree.g1) == local
    assert earning.scheme_for_area(tree.street_a) == scheme
    Scheme.objects.filter(pk=local.pk).update(active=False)
    assert earning.scheme_for_area(tree.g1) == scheme


def test_service_hours_earn_points_per_hour_once_and_corrections_reverse(people, tree, scheme):
    person = people.reporter.person
    record = SimpleNamespace(pk=7, person=person, hours=Decimal("2.75"), area=tree.g1)
    first = earning.award_service_hours(record)
    assert (first.key, first.amount) == ("service:7", 27)  # 2.75 h × 10 points, whole points
    assert earning.award_service_hours(record).pk == first.pk
    record.hours = Decimal("3")  # the organiser corrects the hours
    second = earning.award_service_hours(record)
    assert (second.key, second.amount) == ("service:7:r1", 30)
    assert Transfer.objects.filter(reverses=first).exists()
    assert earning.award_service_hours(record).pk == second.pk
    assert _balance(person) == 30


def test_service_record_in_minutes_of_a_volunteer_at_an_activity(people, tree, scheme):
    activity = SimpleNamespace(area=tree.g2)
    record = SimpleNamespace(pk=8, volunteer=people.reporter.person, minutes=105, area=None, activity=activity)
    t = earning.award_service_hours(record)
    assert (t.key, t.amount) == ("service:8", 17)  # 1.75 h × 10 = 17.5 → 17
    assert earning.award_service_hours(SimpleNamespace(pk=9, volunteer=people.reporter.person, minutes=60,
                                                       area=tree.h1)) is None  # no scheme there


def test_wish_and_meeting_awards_have_stable_keys(people, tree, scheme):
    person = people.reporter.person
    wish = SimpleNamespace(pk=3, fulfiller=person, area=tree.g2, title="给独居老人换灯泡")
    meeting = SimpleNamespace(pk=4, area=tree.comm_a1, title="逢四说事")
    attendance = SimpleNamespace(pk=9, person=person, meeting=meeting)
    w = earning.award_wish(wish)
    m = earning.award_meeting(attendance)
    assert (w.key, w.amount, w.source) == ("wish:3", scheme.points_per_wish, "wish")
    assert (m.key, m.amount, m.source, m.source_ref) == ("meeting:9", scheme.points_per_meeting, "meeting", "4")
    assert earning.award_wish(wish).pk == w.pk and earning.award_meeting(attendance).pk == m.pk
    assert "换灯泡" in w.reason


def test_manual_award_respects_the_daily_cap(people, scheme):
    person = people.reporter.person
    earning.award_by_hand(people.community, person, 30, reason="暴雨天帮忙疏导交通", request_key="a" * 32)
    earning.award_by_hand(people.community, person, 30, reason="暴雨天帮忙疏导交通", request_key="a" * 32)  # retry
    with pytest.raises(ledger.LedgerError, match="50"):
        earning.award_by_hand(people.community, person, 21, reason="又一次", request_key="b" * 32)
    earning.award_by_hand(people.community, person, 20, reason="又一次", request_key="c" * 32)
    assert _balance(person) == 50


def test_manual_award_needs_a_reason_and_a_leader_in_scope(people):
    person = people.reporter.person
    with pytest.raises(ledger.LedgerError):
        earning.award_by_hand(people.community, person, 5, reason="  ", request_key="a" * 32)
    for user in (people.worker, people.street_b, people.outsider):
        with pytest.raises(Http404):
            earning.award_by_hand(user, person, 5, reason="好人好事", request_key="b" * 32)
    with pytest.raises(Http404):  # a leader does not award themself
        earning.award_by_hand(people.community, people.community.person, 5, reason="x", request_key="c" * 32)
    assert not Transfer.objects.exists()


def test_daily_task_refunds_unclaimed_redemptions_and_expires_old_points(ns, people):
    Scheme.objects.filter(pk=ns.scheme.pk).update(expiry=Scheme.Expiry.END_OF_NEXT_YEAR)
    old = ledger.earn(ns.scheme, ns.rider, 40, key="old", source="service")
    Transfer.objects.filter(pk=old.pk).update(at=old.at - dt.timedelta(days=800))
    ledger.earn(ns.scheme, ns.rider, 30, key="new", source="service")
    r = redeem(ns.rider, ns.reward, request_key="x")
    Redemption.objects.filter(pk=r.pk).update(expires_at=r.expires_at - dt.timedelta(days=30))
    done = tasks.run_daily_expiry()
    assert done == {"redemptions_refunded": 1, "points_expired": 40}
    assert _balance(ns.rider) == 30
    assert tasks.run_daily_expiry() == {"redemptions_refunded": 0, "points_expired": 0}


def test_loading_fixtures_does_not_award(people, category, tree, tmp_path):
    """Raw saves (loaddata) of a verify event do not award points twice or at all."""
    case = file_case(category=category, channel="h5", description="井盖", reporter=people.reporter, area=tree.g1)
    _handle_to_resolved(case, people)
    transition(case, "verify", people.worker2)
    path = tmp_path / "events.json"
    call_command("dumpdata", "cases.caseevent", output=str(path))
    call_command("loaddata", str(path))
    assert Transfer.objects.filter(source="case").count() == 1
    assert User.objects.filter(username="rider").exists()
