"""The pages: scope (404 outside), bounded queries, bad input, iCal parsed back, Excel, the public page."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from openpyxl import load_workbook

from linli.cases.models import Channel, HandlerLevel, Status
from linli.cases.services import file_case
from linli.meetings import services
from linli.meetings.models import AgendaItem, MeetingStatus, Outcome


def later(days=7):
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def staff(client, people):
    client.force_login(people.staff)
    return client


@pytest.fixture
def busy(running, people, category, tree):
    """A running meeting with a few items, one assigned, one solved, a vote."""
    for n in range(4):
        services.propose_topic(people.resident, running, title=f"问题{n}")
    items = list(running.items.order_by("position"))
    services.record_outcome(people.staff, items[0], outcome=Outcome.ASSIGNED, deadline=later(), level="grid",
                            category=category)
    services.record_outcome(people.staff, items[1], outcome=Outcome.SOLVED, note="已协调")
    case = file_case(category=category, channel=Channel.H5, description="消防通道被占用", reporter=people.neighbour,
                     area=tree.g2)
    services.promote_case(people.staff, running, case)
    services.put_motion(people.staff, running, text="每户每月10元自治管理费")
    return running


def urls_of(meeting, series, item):
    return [
        reverse("meetings:series_detail", args=[series.pk]), reverse("meetings:series_ical", args=[series.pk]),
        reverse("meetings:meeting_detail", args=[meeting.pk]), reverse("meetings:minutes", args=[meeting.pk]),
        reverse("meetings:item_outcome", args=[item.pk]), reverse("meetings:attendance", args=[meeting.pk]),
        reverse("meetings:code", args=[meeting.pk]), reverse("meetings:motion", args=[meeting.motions.first().pk]),
        reverse("meetings:series_export", args=[series.pk]),
    ]


def test_staff_pages_answer(staff, busy, series):
    item = busy.items.first()
    for url in urls_of(busy, series, item) + [reverse("meetings:index"), reverse("meetings:series_list"),
                                              reverse("meetings:accountability"), reverse("meetings:mine"),
                                              reverse("meetings:calendar"), reverse("meetings:series_new")]:
        assert staff.get(url).status_code == 200, url


def test_outside_scope_answers_404(client, people, busy, series):
    item = busy.items.first()
    client.force_login(people.outsider)
    for url in urls_of(busy, series, item):
        assert client.get(url).status_code == 404, url
    for url in [reverse("meetings:item_outcome", args=[item.pk]), reverse("meetings:meeting_cancel", args=[busy.pk]),
                reverse("meetings:item_add", args=[busy.pk]), reverse("meetings:series_generate", args=[series.pk])]:
        assert client.post(url, {"outcome": "solved", "note": "x", "reason": "x", "title": "x"}).status_code == 404
    item.refresh_from_db()
    busy.refresh_from_db()
    assert busy.status == MeetingStatus.SCHEDULED


def test_the_hosts_actions_outside_scope_answer_404_and_change_nothing(client, people, busy, series):
    from linli.meetings.models import Meeting, Motion

    item = busy.items.order_by("position").last()
    position, meetings, motions = item.position, Meeting.objects.count(), Motion.objects.count()
    client.force_login(people.outsider)
    when = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    posts = [(reverse("meetings:item_move", args=[item.pk, "up"]), {}),
             (reverse("meetings:motion_new", args=[busy.pk]), {"text": "更换门禁", "rule": "majority", "quorum": 2}),
             (reverse("meetings:series_call", args=[series.pk]), {"starts_at": when})]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    item.refresh_from_db()
    assert (item.position, Meeting.objects.count(), Motion.objects.count()) == (position, meetings, motions)
    client.force_login(people.staff)  # the same requests from the host do what they say
    for url, data in posts:
        assert client.post(url, data).status_code == 302, url
    item.refresh_from_db()
    assert (item.position, Meeting.objects.count(), Motion.objects.count()) == (position - 1, meetings + 1,
                                                                                 motions + 1)


def test_a_resident_member_sees_the_meeting_but_cannot_run_it(client, people, busy, series):
    client.force_login(people.resident)
    assert client.get(reverse("meetings:meeting_detail", args=[busy.pk])).status_code == 200
    item = busy.items.filter(outcome="").first()
    for url in [reverse("meetings:item_outcome", args=[item.pk]), reverse("meetings:code", args=[busy.pk]),
                reverse("meetings:attendance", args=[busy.pk]), reverse("meetings:series_export", args=[series.pk])]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("meetings:item_outcome", args=[item.pk]),
                       {"outcome": "solved", "note": "x"}).status_code == 404
    item.refresh_from_db()
    assert item.outcome == ""


def test_main_pages_run_a_bounded_number_of_queries(staff, busy, series, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        assert staff.get(reverse("meetings:meeting_detail", args=[busy.pk])).status_code == 200
    for n in range(10):
        services.propose_topic(services.AgendaItem.objects.first().raised_by_user, busy, title=f"更多{n}")
    with django_assert_max_num_queries(25):
        assert staff.get(reverse("meetings:meeting_detail", args=[busy.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert staff.get(reverse("meetings:accountability")).status_code == 200
    with django_assert_max_num_queries(20):
        assert staff.get(reverse("meetings:series_list")).status_code == 200
    with django_assert_max_num_queries(20):
        assert staff.get(reverse("meetings:series_detail", args=[series.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert staff.get(reverse("meetings:minutes", args=[busy.pk])).status_code == 200


def test_resident_proposes_from_a_phone(client, people, running):
    client.force_login(people.neighbour)
    url = reverse("meetings:propose", args=[running.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "<script>alert(1)</script>", "description": ""})
    assert response.status_code == 200 and "不要包含 &lt; 或 &gt;" in response.content.decode()
    assert not running.items.exists()
    response = client.post(url, {"title": "x" * 101})
    assert response.status_code == 200 and not running.items.exists()
    response = client.post(url, {"title": "7号楼飞线充电", "description": "晚上常有电动车在楼道充电"})
    assert response.status_code == 302
    assert running.items.get().raised_by == people.neighbour.person
    page = client.get(reverse("meetings:mine")).content.decode()
    assert "7号楼飞线充电" in page


def test_resident_of_another_street_cannot_see_or_propose(client, people, running):
    client.force_login(people.far_resident)
    assert client.get(reverse("meetings:propose", args=[running.pk])).status_code == 404
    assert client.post(reverse("meetings:propose", args=[running.pk]), {"title": "x"}).status_code == 404
    assert client.get(reverse("meetings:meeting_detail", args=[running.pk])).status_code == 404


def test_outcome_form_assigns_and_the_case_is_in_the_loop(staff, people, running, category, tree):
    item = services.propose_topic(people.resident, running, title="楼道堆物")
    url = reverse("meetings:item_outcome", args=[item.pk])
    # bad input: no deadline, then a deadline in the past, a handler that does not exist, a wrong type
    for data in ({"outcome": "assigned", "handler": "grid", "category": category.pk},
                 {"outcome": "assigned", "handler": "grid", "category": category.pk, "deadline": "2001-01-01"},
                 {"outcome": "assigned", "handler": "dept:999999", "category": category.pk,
                  "deadline": later().isoformat()},
                 {"outcome": "assigned", "handler": "grid", "category": "abc", "deadline": "not a date"},
                 {"outcome": "teleported"}):
        response = staff.post(url, data)
        assert response.status_code == 200, data
        assert 'role="alert"' in response.content.decode()
    item.refresh_from_db()
    assert item.outcome == "" and item.case is None
    response = staff.post(url, {"outcome": "assigned", "handler": f"dept:{tree.dept.pk}", "category": category.pk,
                                "deadline": later().isoformat(), "summary": "请城管处理"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.case.level == HandlerLevel.DEPARTMENT and item.case.status == Status.DISPATCHED
    # the department's handler sees it in their inbox and on their accountability page
    staff.force_login(people.handler)
    assert item.case.number in staff.get(reverse("cases:inbox")).content.decode()
    assert item.case.number in staff.get(reverse("meetings:accountability")).content.decode()


def test_series_ical_parses_back(staff, series, meeting, people):
    services.cancel_meeting(people.staff, meeting, reason="防汛")
    response = staff.get(reverse("meetings:series_ical", args=[series.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = list(cal.walk("VEVENT"))
    assert len(events) == series.meetings.count()
    by_uid = {str(e["UID"]): e for e in events}
    first = by_uid[f"meeting-{meeting.pk}@testserver"]
    assert first.decoded("DTSTART") == meeting.starts_at and str(first["STATUS"]) == "CANCELLED"
    assert str(first["SUMMARY"]) == meeting.title


def test_personal_calendar_feed_by_secret_url_and_revocation(client, people, series, meeting):
    client.force_login(people.resident)
    client.get(reverse("meetings:calendar"))
    token = services.calendar_token(people.resident).token
    client.logout()
    url = reverse("meetings:calendar_feed", args=[token])
    cal = Calendar.from_ical(client.get(url).content)
    assert any(str(e["UID"]).startswith(f"meeting-{meeting.pk}@") for e in cal.walk("VEVENT"))
    client.force_login(people.resident)
    client.post(reverse("meetings:calendar"))
    client.logout()
    assert client.get(url).status_code == 404
    assert client.get("/meetings/calendar/" + "0" * 40 + ".ics").status_code == 404


def test_excel_of_a_series_items(staff, busy, series):
    response = staff.get(reverse("meetings:series_export", args=[series.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + busy.items.count()
    assert sorted(r[5] for r in rows[1:]) == sorted(["交办立案", "当场解决", "尚无结果", "尚无结果", "尚无结果"])


def test_public_accountability_page_has_no_personal_data(client, busy, people, tree):
    response = client.get(reverse("meetings:public", args=[tree.comm_a1.code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert people.resident.person.name not in page and people.resident.person.mobile not in page
    assert "问题0" not in page  # free text stays off the public page; the category is shown
    assert client.get(reverse("meetings:public", args=[tree.g1.code])).status_code == 404  # a grid has none
    assert client.get("/meetings/public/999999999/").status_code == 404


def test_sign_in_page_with_a_wrong_code_changes_nothing(client, people, running):
    client.force_login(people.resident)
    url = reverse("meetings:signin", args=[running.pk])
    for code in ("abc", "1234567", "000000"):
        response = client.post(url, {"code": code})
        assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert services.present_count(running) == 0
    response = client.post(url, {"code": services.current_code(running)})
    assert response.status_code == 302 and services.present_count(running) == 1


def test_vote_page_records_and_closes(staff, busy, people):
    from linli.meetings.models import Motion

    motion = Motion.objects.get(meeting=busy)
    for user in (people.resident, people.worker):
        services.mark_present(people.staff, busy, user.person)
    url = reverse("meetings:motion", args=[motion.pk])
    staff.post(url, {"action": "record", f"p{people.resident.person.pk}": "for",
                     f"p{people.worker.person.pk}": "for"})
    response = staff.post(url, {"action": "close"})
    assert response.status_code == 302
    motion.refresh_from_db()
    assert (motion.votes_for, motion.result) == (2, "passed")


def test_moving_with_bad_input_changes_nothing(staff, meeting):
    before = meeting.starts_at
    for data in ({"starts_at": "tomorrow", "reason": "x"}, {"starts_at": "2001-01-01T09:00", "reason": "x"},
                 {"starts_at": "2031-01-01T09:00", "reason": ""}, {"starts_at": "2031-01-01T09:00", "reason": "<b>"}):
        staff.post(reverse("meetings:meeting_move", args=[meeting.pk]), data)
        meeting.refresh_from_db()
        assert meeting.starts_at == before, data


def test_nav_shows_meetings_to_staff(staff):
    page = staff.get(reverse("home")).content.decode()
    assert reverse("meetings:series_list") in page and reverse("meetings:accountability") in page


def test_new_series_form(staff, tree, kind, people):
    response = staff.post(reverse("meetings:series_new"), {
        "kind": kind.pk, "name": "小区理事会", "area": tree.comm_a1.pk, "place": "二村活动室", "recurrence": "monthly",
        "day_of_month": "40", "start_time": "19:00", "duration_minutes": "90", "quorum": "0", "members": ""})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    response = staff.post(reverse("meetings:series_new"), {
        "kind": kind.pk, "name": "小区理事会", "area": tree.comm_a1.pk, "place": "二村活动室", "recurrence": "monthly",
        "day_of_month": "15", "start_time": "19:00", "duration_minutes": "90", "quorum": "0",
        "members": f"{people.resident.person.mobile}\n19900000000"})
    assert response.status_code == 200  # an unknown mobile number
    response = staff.post(reverse("meetings:series_new"), {
        "kind": kind.pk, "name": "小区理事会", "area": tree.comm_b1.pk, "place": "x", "recurrence": "ad_hoc",
        "start_time": "19:00", "duration_minutes": "90", "quorum": "0"})
    assert response.status_code == 200  # a unit outside the user's scope is not a choice
    response = staff.post(reverse("meetings:series_new"), {
        "kind": kind.pk, "name": "小区理事会", "area": tree.comm_a1.pk, "place": "二村活动室", "recurrence": "monthly",
        "day_of_month": "15", "start_time": "19:00", "duration_minutes": "90", "quorum": "0",
        "members": people.resident.person.mobile})
    assert response.status_code == 302
    from linli.meetings.models import Series

    created = Series.objects.get(name="小区理事会")
    assert list(created.members.all()) == [people.resident.person] and created.meetings.exists()


def test_a_series_takes_partner_units_of_the_users_area(staff, tree, kind, people):
    from linli.meetings.models import Series
    from linli.places.models import PartnerUnit

    firm = PartnerUnit.objects.create(kind="property", name="安居物业", area=tree.g1)
    elsewhere = PartnerUnit.objects.create(kind="property", name="远方物业", area=tree.h1)
    data = {"kind": kind.pk, "name": "小区理事会", "area": tree.comm_a1.pk, "place": "二村活动室",
            "recurrence": "ad_hoc", "start_time": "19:00", "duration_minutes": "90", "quorum": "0"}
    response = staff.post(reverse("meetings:series_new"), {**data, "partners": [elsewhere.pk]})
    assert response.status_code == 200 and not Series.objects.filter(name="小区理事会").exists()
    response = staff.post(reverse("meetings:series_new"), {**data, "partners": [firm.pk]})
    series = Series.objects.get(name="小区理事会")
    assert response.status_code == 302 and list(series.partners.all()) == [firm]
    assert "安居物业" in staff.get(reverse("meetings:series_detail", args=[series.pk])).content.decode()


def test_accountability_flags_overdue_items(staff, busy):
    item = AgendaItem.objects.filter(meeting=busy, outcome=Outcome.ASSIGNED).get()
    AgendaItem.objects.filter(pk=item.pk).update(deadline=timezone.localdate() - dt.timedelta(days=2))
    page = staff.get(reverse("meetings:accountability") + "?show=overdue").content.decode()
    assert item.title in page and "mt-late" in page


def test_admin_lists_open_for_a_superuser(client, busy, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.invalid", "x-secret-9")
    client.force_login(admin)
    for model in ("meetingkind", "series", "meeting", "agendaitem", "motion", "opiniondrive", "opinion"):
        assert client.get(f"/admin/meetings/{model}/").status_code == 200, model
    item = busy.items.first()
    assert client.get(f"/admin/meetings/agendaitem/{item.pk}/change/").status_code == 200
    assert client.post(f"/admin/meetings/agendaitem/{item.pk}/delete/", {"post": "yes"}).status_code == 403


def test_more_pages_stay_within_a_query_budget(client, staff, busy, people, tree, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        assert staff.get(reverse("meetings:index")).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("meetings:public", args=[tree.comm_a1.code])).status_code == 200
    client.force_login(people.resident)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("meetings:mine")).status_code == 200


def test_open_cases_of_the_area_are_offered_for_the_agenda(staff, running, people, category, tree):
    here = file_case(category=category, channel=Channel.H5, description="楼道灯坏", reporter=people.resident,
                     area=tree.g1)
    far = file_case(category=category, channel=Channel.H5, description="别处", area=tree.h1)
    page = staff.get(reverse("meetings:meeting_detail", args=[running.pk])).content.decode()
    assert here.number in page and far.number not in page
    staff.post(reverse("meetings:item_promote", args=[running.pk]), {"number": here.number})
    assert running.items.get().case == here
    assert here not in services.open_cases_for(people.staff, running)  # on an agenda: no longer offered
    response = staff.post(reverse("meetings:item_promote", args=[running.pk]), {"number": far.number}, follow=True)
    assert running.items.count() == 1 and 'class="error"' in response.content.decode()


def test_figures_for_a_period(staff, busy, series):
    from linli.meetings.models import Meeting

    Meeting.objects.filter(pk=busy.pk).update(status=MeetingStatus.HELD)
    url = reverse("meetings:accountability")
    rows = dict(staff.get(url).context["series_rows"])
    assert rows[series].held == 1 and rows[series].raised == busy.items.count()
    rows = dict(staff.get(url, {"start": "2001-01-01", "end": "2001-12-31"}).context["series_rows"])
    assert rows[series].held == 0 and rows[series].raised == 0
    response = staff.get(url, {"start": "2030-01-02", "end": "2030-01-01"})
    assert 'role="alert"' in response.content.decode()
    assert dict(response.context["series_rows"])[series].held == 1  # a bad period is ignored, with the message
    assert staff.get(url, {"start": "not a date"}).status_code == 200
