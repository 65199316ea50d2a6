"""The demo's cases: a year of the closed loop in the three streets, consistent with the workflow and the figures.

The demo is loaded once for the module inside a transaction that is rolled back at the end; each test
runs in its own savepoint inside it.  The reset test deletes photo files, so it comes last.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict

import pytest
from django.db import transaction
from django.utils import timezone

from linli.cases.deadlines import check_deadlines
from linli.cases.kpis import case_kpis
from linli.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseCounter,
    CaseEvent,
    CasePhoto,
    Category,
    Channel,
    HandlerLevel,
    Holiday,
    Rating,
    Status,
)
from linli.cases.queries import PublicFilters, public_geojson, public_page
from linli.cases.workflow import REOPEN_ON_DISSATISFIED, TRANSITIONS
from linli.core.models import User
from linli.demo.cases import DEPARTMENT_CATEGORIES, FIGURE_TARGETS, HOTLINE, _seed_levels
from linli.demo.cleanup import delete_demo
from linli.demo.figures import case_figures
from linli.demo.loader import load_demo
from linli.places.geo import locate
from linli.places.models import Area, AreaLevel, Department


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        summary = load_demo()
        yield summary
        transaction.set_rollback(True)


@pytest.fixture
def cases(demo, db):
    return Case.objects.filter(area__code__startswith="500113")


def _events_by_case() -> dict[int, list[CaseEvent]]:
    out: dict[int, list[CaseEvent]] = defaultdict(list)
    for e in CaseEvent.objects.order_by("at", "id"):
        out[e.case_id].append(e)
    return out


# -- what is there -----------------------------------------------------------------------------------------
def test_demo_loads_with_a_year_of_cases(demo, db):
    # How long it takes is measured by ``make bench`` (demo load), never asserted here.
    assert demo.created
    assert 300 <= demo.counts["案件"] <= 600


def test_every_state_every_channel_and_the_three_streets_over_the_past_year(cases):
    assert set(cases.values_list("status", flat=True)) == set(Status.values)
    assert set(cases.values_list("channel", flat=True)) == set(Channel.values)
    assert set(cases.values_list("street__name", flat=True)) == {"龙洲湾街道", "花溪街道", "鱼洞街道"}
    now = timezone.now()
    oldest, newest = min(c.created_at for c in cases), max(c.created_at for c in cases)
    assert now - dt.timedelta(days=366) < oldest < now - dt.timedelta(days=300)
    assert newest > now - dt.timedelta(days=2)
    # Every month of the past year has cases.
    months = {timezone.localtime(c.created_at).strftime("%Y-%m") for c in cases}
    assert len(months) >= 12
    # Rejected as invalid and as duplicates, the duplicates pointing at an earlier case nearby.
    reasons = Counter(e.data.get("reason") for e in CaseEvent.objects.filter(action="reject", case__in=cases))
    assert reasons["invalid"] >= 3 and reasons["duplicate"] >= 3
    for dup in cases.filter(duplicate_of__isnull=False).select_related("duplicate_of"):
        assert dup.status == Status.REJECTED and dup.duplicate_of.category_id == dup.category_id
        assert dup.duplicate_of.created_at < dup.created_at < dup.duplicate_of.created_at + dt.timedelta(days=7)
    # Closed with every rating; dissatisfied ones reopened (and some handled again and closed).
    closed = cases.filter(status=Status.CLOSED)
    assert {Rating.SATISFIED, Rating.BASICALLY, Rating.DISSATISFIED} <= set(closed.values_list("rating", flat=True))
    reopened = CaseEvent.objects.filter(case__in=cases, action="rate", data__rating=Rating.DISSATISFIED)
    assert reopened.count() >= 3 and all(e.to_status == REOPEN_ON_DISSATISFIED for e in reopened)
    assert cases.filter(status__in=OPEN_STATUSES, rating=Rating.DISSATISFIED).exists()
    assert CaseEvent.objects.filter(case__in=cases, action="fail_verification").exists()
    # Escalated, supervised, overdue (also open ones), returned by a department.
    assert cases.filter(escalated=True, status__in=OPEN_STATUSES).exists()
    assert cases.filter(supervised=True, status__in=OPEN_STATUSES).exists()
    assert cases.filter(overdue=True, status__in=OPEN_STATUSES).exists()
    assert CaseEvent.objects.filter(case__in=cases, action="return").exists()
    assert CaseEvent.objects.filter(case__in=cases, action="support").exists()


def test_some_cases_went_up_from_community_to_street_to_a_department(cases):
    levels = defaultdict(list)
    for e in CaseEvent.objects.filter(case__in=cases, action__in=["dispatch", "escalate"]).order_by("at", "id"):
        levels[e.case_id].append(e.data["level"])
    chains = [v for v in levels.values() if v[-3:] == [HandlerLevel.COMMUNITY, HandlerLevel.STREET,
                                                       HandlerLevel.DEPARTMENT]]
    assert len(chains) >= 3, levels
    assert any(v[0] == HandlerLevel.GRID for v in chains)
    # Automatic escalations are the system's (no actor), with the worker's note.
    auto = CaseEvent.objects.filter(case__in=cases, action="escalate", actor__isnull=True)
    assert auto.exists() and all(e.note for e in auto)


def test_every_channel_carries_what_its_intake_records(cases):
    hotline = cases.filter(channel=Channel.HOTLINE)
    assert hotline.count() >= 10
    for c in hotline:
        assert c.channel_ref == HOTLINE and c.caller_name and c.callback_phone.startswith("154")
        assert c.reporter_id is None and c.area.code.startswith(Area.objects.get(name="下新新社区").code)
    h5 = cases.filter(channel=Channel.H5)
    assert not h5.filter(reporter__isnull=True).exists()
    riders = h5.filter(reporter__person__worker__isnull=False)
    residents = h5.filter(reporter__person__worker__isnull=True)
    assert riders.count() >= 20 and residents.count() >= 20
    assert h5.filter(reporter__username="rider-demo").count() >= 3
    assert h5.filter(reporter__username="resident-demo").exists()
    for channel in (Channel.MEETING, Channel.OPINION, Channel.WECHAT):
        staff = cases.filter(channel=channel)
        assert staff.exists() and not staff.filter(reporter__isnull=False).exists()
        report = CaseEvent.objects.filter(case__in=staff, action="report")
        assert all(e.data.get("entered_by") == e.actor_id and e.actor_id for e in report), channel
    patrol = cases.filter(channel=Channel.PATROL).select_related("reporter__person")
    assert all(c.reporter.person.roles.filter(role="grid_worker", area=c.area).exists() for c in patrol)
    assert not cases.filter(channel=Channel.OPEN311, channel_ref="").exists()


def test_department_categories_go_to_the_demo_departments(cases):
    for code, dept_code in DEPARTMENT_CATEGORIES.items():
        category = Category.objects.get(code=code)
        assert category.handler_level == HandlerLevel.DEPARTMENT
        assert category.department == Department.objects.get(code=dept_code)
    dept_cases = cases.filter(category__code__in=DEPARTMENT_CATEGORIES, level=HandlerLevel.DEPARTMENT)
    assert dept_cases.exists()
    assert not dept_cases.filter(handler_department__isnull=True).exists()
    assert dept_cases.filter(handler_department__code="zhujian", category__code="lift-installation").exists()


def test_official_working_calendar_of_2025_and_2026_is_loaded(demo, db):
    assert Holiday.objects.filter(date=dt.date(2025, 10, 1), is_workday=False).exists()
    assert Holiday.objects.filter(date=dt.date(2026, 2, 17), is_workday=False).exists()  # Spring Festival
    assert Holiday.objects.filter(is_workday=True, date__year=2026).exists()  # a weekend worked in lieu


# -- the article's figures -----------------------------------------------------------------------------------
def test_article_case_figures_read_back_by_query(cases):
    closed = cases.filter(status=Status.CLOSED)
    lzw = Area.objects.get(name="龙洲湾街道").code
    zouma = Area.objects.get(name="走马梁社区").code
    xhj = Area.objects.get(name="新河街网格").code
    conference = closed.filter(channel=Channel.MEETING, channel_ref="龙洲湾街道联席会议", area__code__startswith=lzw)
    assert conference.count() == 27
    assert {"illegal-parking", "exposed-garbage", "thrown-objects"} <= set(
        conference.values_list("category__code", flat=True)) | {"exposed-garbage"}
    roundtable = closed.filter(channel=Channel.MEETING, channel_ref__contains="小哥圆桌会", area__code__startswith=lzw)
    assert roundtable.count() == 52
    assert {"parking-spaces", "rider-heat-protection"} <= set(roundtable.values_list("category__code", flat=True))
    zouma_solved = closed.filter(channel_ref="走马二村楼栋长、党员收集", area__code__startswith=zouma)
    assert zouma_solved.count() == 116
    fengsi = closed.filter(channel=Channel.MEETING, channel_ref__contains="逢四说事", area__code=xhj)
    assert fengsi.count() == 36
    assert {"occupied-common-area", "wiring"} <= set(fengsi.values_list("category__code", flat=True))
    # 逢四说事: every item was raised on a date with a 4 in it.
    assert all("4" in str(timezone.localtime(c.created_at).day)
               for c in cases.filter(channel_ref__contains="逢四说事"))
    # Open items of the same meetings exist, and do not count.
    assert cases.filter(channel_ref__contains="逢四说事").exclude(status=Status.CLOSED).exists()
    assert [int(v) for _label, v in case_figures()[:4]] == list(FIGURE_TARGETS.values())


def test_kpis_of_each_street_over_the_past_year_are_sensible(cases):
    now = timezone.now()
    for street in Area.objects.filter(level=AreaLevel.STREET, code__startswith="500113"):
        k = case_kpis(street, now - dt.timedelta(days=365), now + dt.timedelta(seconds=1))
        assert k.received >= 80, street.name
        assert k.accepted <= k.received and k.closed <= k.due <= k.received
        for rate in (k.response_rate, k.resolution_rate, k.satisfaction_rate, k.closure_rate, k.on_time_rate):
            assert rate is not None and 50 <= rate <= 100, (street.name, k)
        assert k.on_time_rate < 100 and k.satisfaction_rate < 100 or k.rated < 15  # not a perfect record
        assert k.rated > 0 and 24 < k.avg_hours_to_close < 24 * 30
        assert k.overdue_now >= 0
    chengguan = Department.objects.get(code="chengguan")
    assert case_kpis(chengguan, now - dt.timedelta(days=365), now).received > 0


# -- consistent with the workflow ----------------------------------------------------------------------------
def test_each_case_status_is_its_last_events_to_status(cases):
    events = _events_by_case()
    for c in cases:
        assert events[c.pk][-1].to_status == c.status, c.number


def test_everything_happened_before_the_demo_was_loaded(cases):
    now = timezone.now()
    assert not CaseEvent.objects.filter(case__in=cases, at__gt=now).exists()
    assert not cases.filter(created_at__gt=now).exists()
    assert not CasePhoto.objects.filter(case__in=cases, created_at__gt=now).exists()
    staff_channels = [Channel.HOTLINE, Channel.PATROL, Channel.OPINION, Channel.MEETING]
    assert all(9 <= timezone.localtime(c.created_at).hour <= 17 for c in cases.filter(channel__in=staff_channels))


def test_every_history_follows_the_workflow_table(cases):
    events = _events_by_case()
    for c in cases.select_related("street"):
        history = events[c.pk]
        first = history[0]
        assert first.action == "report" and first.to_status == Status.REPORTED and first.at == c.created_at
        assert c.number.startswith(f"{c.street.code}{timezone.localtime(c.created_at):%Y%m%d}")
        status, resolver = Status.REPORTED, None
        for prev, e in zip(history, history[1:], strict=False):
            assert e.at > prev.at, c.number
            assert e.from_status == status, (c.number, e.action)
            if e.action in TRANSITIONS:
                step = TRANSITIONS[e.action]
                assert status in step.sources, (c.number, e.action, status)
                if e.action == "rate":
                    expected = REOPEN_ON_DISSATISFIED if e.data["rating"] == Rating.DISSATISFIED else status
                else:
                    expected = step.target or status
                assert e.to_status == expected, (c.number, e.action)
                if e.action == "resolve":
                    resolver = e.actor_id
                    assert e.note and e.photos.filter(kind=CasePhoto.Kind.RESULT).count() == 1
                if e.action in ("verify", "fail_verification"):
                    assert e.actor_id and e.actor_id != resolver, c.number
                if e.action == "rate":
                    assert e.actor_id == c.reporter_id
                if e.action not in ("escalate",):
                    assert e.actor_id is not None, (c.number, e.action)
            else:
                assert e.action in ("overdue", "support", "moderate") and e.to_status == status
            status = e.to_status
        assert c.overdue == any(e.action == "overdue" for e in history)
        assert c.supervised == any(e.action == "supervise" for e in history)
        assert c.escalated == any(e.action == "escalate" for e in history)
        if c.status == Status.CLOSED:
            assert c.closed_at and c.resolved_at and c.accepted_at
        if c.status == Status.REJECTED:
            assert c.closed_at and not c.accepted_at


def test_me_too_counts_match_supports_and_duplicates(cases):
    supports = Counter(CaseEvent.objects.filter(case__in=cases, action="support").values_list("case_id", flat=True))
    dups = Counter(cases.filter(duplicate_of__isnull=False).values_list("duplicate_of_id", flat=True))
    for c in cases.filter(supporters__gt=0):
        assert c.supporters == supports[c.pk] + dups[c.pk]
    assert sum(supports.values()) + sum(dups.values()) == sum(cases.values_list("supporters", flat=True))


def test_located_cases_lie_in_their_grid(cases):
    located = cases.filter(lat__isnull=False)
    assert located.count() >= 0.9 * cases.exclude(channel=Channel.HOTLINE).count()
    for c in located.select_related("area"):
        assert locate(c.lat, c.lng) == c.area, c.number


def test_the_deadline_watch_finds_nothing_left_to_mark_or_escalate(cases):
    counts = check_deadlines(timezone.now())
    assert counts["overdue"] == 0 and counts["escalated"] == 0


def test_case_counters_continue_after_the_demo_numbers(cases):
    today = timezone.localtime(max(c.created_at for c in cases)).date()
    for street in Area.objects.filter(level=AreaLevel.STREET, code__startswith="500113"):
        key = f"{street.code}{today:%Y%m%d}"
        used = cases.filter(number__startswith=key).count()
        counter = CaseCounter.objects.filter(key=key).first()
        assert (counter.last if counter else 0) == used


# -- accounts, photos and the public page ------------------------------------------------------------------
def test_actors_in_histories_cannot_sign_in_except_the_published_demo_logins(cases):
    quiet = User.objects.filter(username__startswith="demo-")
    assert quiet.count() >= 20
    assert not any(u.has_usable_password() for u in quiet)
    assert all(u.person_id for u in quiet)
    actors = set(CaseEvent.objects.filter(case__in=cases, actor__isnull=False).values_list("actor__username",
                                                                                           flat=True))
    assert {"grid-xinhejie", "community-xiaxinxin", "community-longjin", "street-longzhouwan", "rider-demo",
            "grid-zouma", "dept-chengguan"} <= actors


def test_demo_photos_are_stored_and_only_some_are_approved_for_the_public(cases):
    photos = CasePhoto.objects.filter(case__in=cases)
    assert photos.filter(kind=CasePhoto.Kind.REPORT).count() >= 20
    assert photos.filter(kind=CasePhoto.Kind.RESULT).count() == CaseEvent.objects.filter(
        case__in=cases, action="resolve").count()
    approved = photos.filter(public_approved=True)
    assert 0 < approved.count() < photos.count() / 2
    for photo in photos.order_by("id")[:20]:
        assert photo.image.storage.exists(photo.image.name) and photo.thumbnail.storage.exists(photo.thumbnail.name)
        assert photo.image.name.startswith(f"cases/{photo.case.created_at:%Y/%m}/{photo.case.number}/")
    for photo in approved[:10]:
        assert CaseEvent.objects.filter(case=photo.case, action="moderate", data__photo=str(photo.uuid)).exists()


def test_public_page_and_map_show_no_reporter_data_and_no_hidden_case(cases, client):
    hidden = cases.filter(public_hidden=True)
    assert hidden.exists()
    areas = dict(Area.objects.values_list("pk", "code"))
    shown, after = [], None
    while True:
        page = public_page(PublicFilters(), areas, after=int(after) if after else None, size=100)
        shown += page.rows
        if not page.next_cursor:
            break
        after = page.next_cursor
    numbers = {c.number for c in shown}
    assert numbers == set(cases.filter(public_hidden=False).values_list("number", flat=True))
    assert not numbers & set(hidden.values_list("number", flat=True))
    for c in shown:
        assert all(p.public_approved and not p.hidden for p in c.public_photos)
    secrets = set()
    for c in cases.select_related("reporter"):
        secrets |= {c.caller_name, c.callback_phone, c.description[:12]}
        if c.reporter:
            secrets |= {c.reporter.first_name, c.reporter.username}
    secrets.discard("")
    text = json.dumps(public_geojson(PublicFilters(), areas), ensure_ascii=False)
    html = ""
    url = "/cases/public/"
    for _ in range(30):
        response = client.get(url)
        assert response.status_code == 200
        html += response.content.decode()
        cursor = response.context["page"].next_cursor
        if not cursor:
            break
        url = f"/cases/public/?after={cursor}"
    assert html.count("<tr>") >= len(numbers)
    leaked = [s for s in secrets if s in html or s in text]
    assert not leaked, leaked[:5]


# -- removing the demo (last: it deletes the photo files) ---------------------------------------------------
def test_zz_reset_removes_the_cases_their_files_and_gives_categories_their_seed_routing(
        cases, django_capture_on_commit_callbacks):
    photo_names = list(CasePhoto.objects.filter(case__in=cases).values_list("image", flat=True)[:5])
    storage = CasePhoto._meta.get_field("image").storage
    with django_capture_on_commit_callbacks() as callbacks:
        delete_demo()
    assert all(storage.exists(name) for name in photo_names)  # until the reset is committed
    for callback in callbacks:
        callback()
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
    assert not any(storage.exists(name) for name in photo_names)
    levels = _seed_levels()
    for code in DEPARTMENT_CATEGORIES:
        category = Category.objects.get(code=code)
        assert category.department is None and category.handler_level == levels[code]
    assert not CaseCounter.objects.filter(key__startswith="500113").exists()
    assert not User.objects.filter(username__startswith="demo-").exists()
    assert Holiday.objects.filter(date__year=2026).exists()  # the official calendar stays: it is not demo data


def test_zz_reset_and_reload_keep_the_files_of_the_new_photos(demo, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        load_demo(reset=True)  # deletes the old photo files only when committed
    photos = CasePhoto.objects.all()
    assert photos.count() > 300
    assert all(p.image.storage.exists(p.image.name) and p.thumbnail.storage.exists(p.thumbnail.name)
               for p in photos)
