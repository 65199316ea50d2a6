"""Case page: facts, deadlines, map, photos, history and the actions the user may take."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from linli.cases.models import CaseEvent, CasePhoto, HandlerLevel, Status
from linli.cases.queries import describe_deadline
from linli.cases.services import transition
from linli.cases.worktime import WorkCalendar
from linli.conftest import PASSWORD

from .desk_support import URLCONF, add_photo, jpeg, new_case

pytestmark = pytest.mark.urls(URLCONF)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def page(case):
    return f"/cases/{case.number}/"


def act(case):
    return f"/cases/{case.number}/act/"


def actions_on_page(response):
    return [a.step.action for a in response.context["actions"]]


@pytest.fixture
def case(categories, actors, tree):
    return new_case(categories, tree, actors.reporter, lat=29.401, lng=106.501)


@pytest.fixture
def dispatched(case, actors):
    transition(case, "accept", actors.community)
    transition(case, "dispatch", actors.community)
    case.refresh_from_db()
    return case


def test_grid_worker_of_other_grid_gets_404_on_page_post_and_photos(client, actors, dispatched):
    photo = add_photo(dispatched)
    login(client, actors.other_worker)
    assert client.get(page(dispatched)).status_code == 404
    assert client.post(act(dispatched), {"action": "start"}).status_code == 404
    assert client.post(f"/cases/{dispatched.number}/moderate/", {"what": "hide_case", "reason": "x"}).status_code == 404
    assert client.get(f"/cases/{dispatched.number}/photos/{photo.uuid}.jpg").status_code == 404
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED


def test_street_staff_of_other_street_gets_404(client, actors, case):
    assert login(client, actors.other_street).get(page(case)).status_code == 404


def test_unknown_case_number_is_404(client, actors):
    assert login(client, actors.worker).get("/cases/123456789/").status_code == 404


def test_case_page_shows_status_category_channel_grid_and_map(client, actors, dispatched):
    response = login(client, actors.worker).get(page(dispatched))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("井盖", "公用设施", "一网格", "甲一社区", dispatched.number, 'id="case-map"', "leaflet.js"):
        assert text in html
    assert response.context["case"].deadline is not None


def test_handler_sees_only_the_buttons_the_table_allows(client, actors, case):
    login(client, actors.worker)
    assert actions_on_page(client.get(page(case))) == []           # reported: the dispatcher's turn
    client.logout()
    assert actions_on_page(login(client, actors.community).get(page(case))) == ["accept", "reject"]
    transition(case, "accept", actors.community)
    transition(case, "dispatch", actors.community)
    client.logout()
    response = login(client, actors.worker).get(page(case))
    assert actions_on_page(response) == ["start", "resolve", "escalate", "return"]
    html = response.content.decode()
    assert 'value="start"' in html and 'value="accept"' not in html


def test_worker_starts_and_resolves_with_after_photo(client, actors, dispatched):
    login(client, actors.worker)
    response = client.post(act(dispatched), {"action": "start"})
    assert response.status_code == 302
    response = client.post(act(dispatched), {"action": "resolve", "note": "已更换新井盖", "photo": jpeg()})
    assert response.status_code == 302
    dispatched.refresh_from_db()
    assert dispatched.status == Status.RESOLVED
    event = dispatched.events.get(action="resolve")
    assert event.note == "已更换新井盖" and event.photos.get().kind == CasePhoto.Kind.RESULT
    html = client.get(page(dispatched)).content.decode()
    assert f"/cases/{dispatched.number}/photos/{event.photos.get().uuid}/thumb.jpg" in html


def test_refused_transition_shows_the_message_and_changes_nothing(client, actors, dispatched):
    login(client, actors.worker)
    before = dispatched.events.count()
    response = client.post(act(dispatched), {"action": "resolve", "note": "好了"})   # no after-photo
    assert response.status_code == 400
    assert "照片" in response.content.decode() or "photo of the result" in response.content.decode()
    response = client.post(act(dispatched), {"action": "close"})                     # not from "dispatched"
    assert response.status_code in (400, 403)
    assert response.context["error"]
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED and dispatched.events.count() == before
    assert not CasePhoto.objects.filter(case=dispatched).exists()


def test_forged_after_photo_is_refused_with_a_clear_message(client, actors, dispatched):
    fake = SimpleUploadedFile("after.jpg", b"<?php echo 1; ?>" * 10, content_type="image/jpeg")
    response = login(client, actors.worker).post(act(dispatched), {"action": "resolve", "note": "好了",
                                                                   "photo": fake})
    assert response.status_code == 400 and response.context["error"]
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED and not dispatched.photos.exists()


def test_worker_cannot_take_the_dispatchers_action(client, actors, case):
    response = login(client, actors.worker).post(act(case), {"action": "accept"})
    assert response.status_code == 403 and response.context["error"]
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_unknown_action_and_bad_department_are_clear_errors(client, actors, case):
    login(client, actors.community)
    assert client.post(act(case), {"action": "explode"}).status_code == 400
    transition(case, "accept", actors.community)
    response = client.post(act(case), {"action": "dispatch", "level": "department", "department": "abc"})
    assert response.status_code == 400 and response.context["error"]
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED


def test_dispatcher_dispatches_to_a_chosen_department(client, actors, tree, case):
    transition(case, "accept", actors.community)
    response = login(client, actors.community).post(act(case), {"action": "dispatch", "level": "department",
                                                                 "department": tree.dept.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.level == HandlerLevel.DEPARTMENT
    assert case.handler_department == tree.dept


def test_dispatch_to_community_level(client, actors, tree, case):
    transition(case, "accept", actors.community)
    login(client, actors.community).post(act(case), {"action": "dispatch", "level": "community"})
    case.refresh_from_db()
    assert case.level == HandlerLevel.COMMUNITY and case.handler_area == tree.comm_a1


def test_escalate_needs_a_reason_and_goes_one_level_up(client, actors, tree, dispatched):
    login(client, actors.worker)
    response = client.get(page(dispatched))
    escalate = next(a for a in response.context["actions"] if a.step.action == "escalate")
    assert "甲一社区" in escalate.next_level_label
    assert client.post(act(dispatched), {"action": "escalate"}).status_code == 400
    assert client.post(act(dispatched), {"action": "escalate", "note": "需要社区协调物业"}).status_code == 302
    dispatched.refresh_from_db()
    assert dispatched.level == HandlerLevel.COMMUNITY and dispatched.escalated


def test_reject_as_duplicate_names_the_original(client, categories, actors, tree, case):
    second = new_case(categories, tree, actors.reporter, lat=29.4011, lng=106.5011)
    login(client, actors.community)
    response = client.get(page(second))
    reject = next(a for a in response.context["actions"] if a.step.action == "reject")
    assert case in reject.duplicates
    response = client.post(act(second), {"action": "reject", "reason": "duplicate", "duplicate_of": "999",
                                         "note": "重复"})
    assert response.status_code == 400
    response = client.post(act(second), {"action": "reject", "reason": "duplicate", "duplicate_of": case.number,
                                         "note": "重复"})
    assert response.status_code == 302
    second.refresh_from_db()
    case.refresh_from_db()
    assert second.status == Status.REJECTED and second.duplicate_of == case and case.supporters == 1


def test_street_staff_puts_a_case_under_supervision(client, actors, dispatched):
    response = login(client, actors.street).post(act(dispatched), {"action": "supervise", "note": "限期办结"})
    assert response.status_code == 302
    dispatched.refresh_from_db()
    assert dispatched.supervised


def test_rating_is_shown_but_not_offered_here(client, actors, dispatched):
    transition(dispatched, "resolve", actors.worker, note="好", photos=[add_photo(dispatched, "result")])
    transition(dispatched, "rate", actors.reporter, rating="satisfied")
    response = login(client, actors.reporter).get(page(dispatched))
    assert response.status_code == 200
    assert "rate" not in actions_on_page(response)
    assert response.context["case"].get_rating_display() in response.content.decode()


def test_reporter_name_and_masked_phone_only_for_staff_in_scope(client, make_user, tree, actors, case):
    mobile = actors.reporter.person.mobile
    html = login(client, actors.worker).get(page(case)).content.decode()
    assert "rider" in html and f"{mobile[:3]}****{mobile[-4:]}" in html and mobile not in html
    client.logout()
    guide = make_user("guide", "guiding_grid_member", tree.g1)
    response = login(client, guide).get(page(case))
    assert response.status_code == 200
    html = response.content.decode()
    assert "rider" not in html and f"{mobile[:3]}****" not in html and mobile not in html
    assert response.context["reporter"] is None


def test_hotline_caller_shown_masked_to_staff(client, categories, actors, tree):
    case = new_case(categories, tree, None, channel="hotline", caller_name="张大爷", callback_phone="13912345678")
    html = login(client, actors.community).get(page(case)).content.decode()
    assert "张大爷" in html and "139****5678" in html and "13912345678" not in html


def test_script_in_a_note_is_escaped(client, actors, dispatched):
    transition(dispatched, "escalate", actors.worker, note="<script>alert('x')</script>")
    html = login(client, actors.worker).get(page(dispatched)).content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(" in html


def test_timeline_lists_each_step_with_who_and_note(client, actors, dispatched):
    transition(dispatched, "start", actors.worker, note="已到现场")
    response = login(client, actors.community).get(page(dispatched))
    rows = response.context["timeline"]
    assert [r["event"].action for r in rows] == ["report", "accept", "dispatch", "start"]
    assert rows[-1]["who"] == "worker" and "已到现场" in response.content.decode()


def test_photos_are_served_only_through_the_scoped_view(client, actors, case):
    photo = add_photo(case)
    url = f"/cases/{case.number}/photos/{photo.uuid}.jpg"
    assert client.get(url).status_code == 302                       # anonymous → login
    response = login(client, actors.worker).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert client.get(f"/cases/{case.number}/photos/{photo.uuid}/thumb.jpg").status_code == 200
    assert client.get(f"/cases/{case.number}/photos/00000000-0000-0000-0000-000000000000.jpg").status_code == 404


def test_deadline_reads_as_working_days_left_or_days_overdue():
    calendar = WorkCalendar(overrides={})
    monday = timezone.make_aware(dt.datetime(2026, 11, 23, 10, 0))
    with translation.override("en"):
        assert describe_deadline(calendar.add_days(monday, 3), monday, calendar).text == "3 working days left"
        assert describe_deadline(monday + dt.timedelta(hours=2), monday, calendar).text == "2 working hours left"
        late = describe_deadline(monday - dt.timedelta(days=2, hours=1), monday, calendar)
        assert late.overdue and late.text == "2 days overdue"
    with translation.override("zh-hans"):
        assert describe_deadline(calendar.add_days(monday, 3), monday, calendar).text == "剩余 3 个工作日"
        assert describe_deadline(monday - dt.timedelta(days=2, hours=1), monday, calendar).text == "已超期 2 天"


@pytest.mark.parametrize("steps", [1, 12])
def test_case_page_query_count_does_not_grow_with_history(client, actors, dispatched, steps,
                                                          django_assert_max_num_queries):
    for i in range(steps):
        event = CaseEvent.objects.create(case=dispatched, action="escalate", from_status=dispatched.status,
                                         to_status=dispatched.status, note=f"第{i}步",
                                         actor=actors.worker if i % 2 else actors.community)
        photo = add_photo(dispatched, "result")
        CasePhoto.objects.filter(pk=photo.pk).update(event=event)
    login(client, actors.community)
    with django_assert_max_num_queries(12):
        response = client.get(page(dispatched))
    assert response.status_code == 200 and len(response.context["timeline"]) == steps + 3


def test_too_long_note_and_unknown_level_change_nothing(client, actors, case):
    login(client, actors.community)
    response = client.post(act(case), {"action": "reject", "note": "长" * 2001})
    assert response.status_code == 400 and "2000" in response.context["error"]
    transition(case, "accept", actors.community)
    response = client.post(act(case), {"action": "dispatch", "level": "galaxy"})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.events.count() == 2


def test_department_returning_a_case_lands_on_its_inbox_not_a_404(client, categories, actors, tree):
    case = new_case(categories, tree, actors.reporter, category=categories.wall)
    transition(case, "accept", actors.community)
    transition(case, "dispatch", actors.community)
    login(client, actors.dept)
    assert client.get(page(case)).status_code == 200
    response = client.post(act(case), {"action": "return", "note": "不属于城管职责"})
    assert response.status_code == 302 and response["Location"] == "/cases/inbox/"
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.handler_department is None
