"""The demo's meetings reproduce the article's figures, each read back by one query."""

import pytest
from django.db import transaction
from django.urls import reverse

from linli.cases.models import Channel, HandlerLevel, Status
from linli.demo.cases import FENGSI, JOINT_CONFERENCE
from linli.demo.loader import load_demo
from linli.demo.meetings import COUNCIL_NAME, LIFT_TOPIC, ROUNDTABLE_NAME, ZOUMA_COUNCIL, meetings_figures
from linli.meetings.accountability import figures
from linli.meetings.models import AgendaItem, MeetingKind, MotionResult, Outcome, Series


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        summary = load_demo()
        yield summary
        transaction.set_rollback(True)


@pytest.fixture
def series(demo, db):
    return {s.name: s for s in Series.objects.select_related("area", "kind")}


def test_the_five_kinds_are_seeded(series):
    names = set(MeetingKind.objects.values_list("name", flat=True))
    assert names >= {"逢四说事", "小哥圆桌会", "联席会议", "党群议事会", "小区理事会"}


def test_fengsi_8_sessions_36_issues_solved_in_one_query(series, django_assert_num_queries):
    fengsi = series[FENGSI]
    assert fengsi.area.name == "新河街网格" and fengsi.day_of_month == 4
    with django_assert_num_queries(1):
        f = figures(fengsi)
    assert (f.held, f.solved) == (8, 36)
    assert f.on_the_spot > 0 and f.closed > 0 and f.open == 3


def test_roundtable_50_plus_and_joint_conference_27(series):
    roundtable, joint = figures(series[ROUNDTABLE_NAME]), figures(series[JOINT_CONFERENCE])
    assert series[ROUNDTABLE_NAME].area.name == "龙洲湾街道" and roundtable.solved >= 50
    assert joint.solved == 27 and series[JOINT_CONFERENCE].departments.count() == 17


def test_every_solved_or_assigned_case_item_is_a_meeting_case(series):
    items = AgendaItem.objects.filter(meeting__series=series[FENGSI], case__isnull=False)
    assert items.count() == 39
    assert not items.exclude(case__channel=Channel.MEETING).exists()
    assert all(i.case.created_at >= i.meeting.starts_at for i in items.select_related("case", "meeting"))


def test_escalated_lift_installation_is_still_open_in_the_loop(series):
    lift = AgendaItem.objects.get(meeting__series=series[FENGSI], title=LIFT_TOPIC)
    assert lift.outcome == Outcome.ESCALATED
    carried = lift.carried_to.get()
    assert carried.meeting.series.name == COUNCIL_NAME
    if carried.outcome:  # the council met (two days ago) and handed it to the housing commission
        assert carried.outcome == Outcome.ASSIGNED and carried.case.level == HandlerLevel.DEPARTMENT
        assert carried.case.status == Status.DISPATCHED and carried.case.handler_department.code == "zhujian"


def test_zouma_council_met_10_times_and_voted_the_10_yuan_fee(series):
    zouma = series[ZOUMA_COUNCIL]
    assert figures(zouma).held == 10
    motion = zouma.meetings.get(motions__isnull=False).motions.get()
    assert "10元" in motion.text and motion.result == MotionResult.PASSED
    assert motion.present >= motion.quorum and motion.votes_for * 2 > motion.present


def test_series_have_coming_meetings_and_figures_print(series):
    assert all(s.meetings.filter(status="scheduled").exists() for s in series.values())
    assert dict(meetings_figures())["新河街网格“逢四说事”：会议（次）/ 解决问题（件）"] == "8 / 36"


def test_demo_staff_see_their_meetings_and_not_others(series, client):
    from linli.core.models import User

    client.force_login(User.objects.get(username="grid-xinhejie"))
    fengsi, joint = series[FENGSI], series[JOINT_CONFERENCE]
    assert client.get(reverse("meetings:series_detail", args=[fengsi.pk])).status_code == 200
    assert client.get(reverse("meetings:series_detail", args=[joint.pk])).status_code == 404
    held = fengsi.meetings.filter(status="held").first()
    assert client.get(reverse("meetings:meeting_detail", args=[held.pk])).status_code == 200
    assert client.get(reverse("meetings:accountability")).status_code == 200
    public = client.get(reverse("meetings:public", args=[fengsi.area.parent.code]))
    assert public.status_code == 200 and "逢四说事" in public.content.decode()


def test_five_opinion_drives_in_zouma(demo, db):
    from linli.meetings.models import Opinion, OpinionDrive
    from linli.meetings.opinions import counts, is_open

    drives = list(OpinionDrive.objects.filter(area__name="走马梁社区"))
    assert len(drives) == 5 and sum(is_open(d) for d in drives) == 1
    numbers = counts([d.pk for d in drives])
    assert sum(n["total"] for n in numbers.values()) == Opinion.objects.count() >= 80
    assert sum(n["cases"] for n in numbers.values()) == 82
    assert Opinion.objects.filter(case__isnull=True, item__isnull=True).count() == 5
