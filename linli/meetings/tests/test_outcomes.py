"""Agenda from cases and proposals; each outcome with its effect on the case loop; move and cancel."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from linli.cases.models import Case, CaseEvent, Channel, HandlerLevel, Message, Status
from linli.cases.services import file_case, transition
from linli.core import roles
from linli.meetings import services
from linli.meetings.models import AgendaItem, ItemSource, MeetingStatus, Outcome
from linli.meetings.services import MeetingError

from .conftest import at_meeting, jpeg


def _photo(case):
    import uuid

    from linli.cases.models import CasePhoto

    return CasePhoto.objects.create(case=case, kind="result", image="x.jpg", uuid=uuid.uuid4())


def later(days: int = 10) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def topic(running, people):
    return services.propose_topic(people.resident, running, title="楼道堆放杂物", description="3栋2单元楼道被占")


@pytest.fixture
def open_case(people, tree, category):
    return file_case(category=category, channel=Channel.H5, description="消防通道被占用", reporter=people.neighbour,
                     area=tree.g2)


# --- agenda -----------------------------------------------------------------------------------------------

def test_resident_proposes_a_topic_and_it_is_ordered_after_the_others(running, people):
    first = services.propose_topic(people.resident, running, title="飞线充电")
    second = services.propose_topic(people.worker, running, title="垃圾清运")
    assert (first.position, second.position) == (1, 2)
    assert first.source == ItemSource.PROPOSAL and first.raised_by == people.resident.person
    assert first.area == people.resident.person.area  # where the proposer lives, within the meeting's area
    assert list(first.events.values_list("action", flat=True)) == ["proposed"]
    services.move_item(people.staff, second, "up")
    assert list(running.items.order_by("position").values_list("title", flat=True)) == ["垃圾清运", "飞线充电"]


def test_resident_of_another_street_cannot_propose(running, people):
    with pytest.raises(PermissionDenied):
        services.propose_topic(people.far_resident, running, title="x")
    assert not running.items.exists()


@pytest.mark.parametrize("title", ["", "   ", "长" * 101])
def test_bad_topic_is_refused(running, people, title):
    with pytest.raises(MeetingError):
        services.propose_topic(people.resident, running, title=title)
    assert not running.items.exists()


def test_staff_promote_an_open_case(running, people, open_case):
    item = services.promote_case(people.staff, running, open_case)
    assert item.case == open_case and item.source == ItemSource.CASE
    assert item.raised_by == people.neighbour.person and item.raised_by_user == people.neighbour
    with pytest.raises(MeetingError):  # not twice on coming agendas
        services.promote_case(people.staff, running, open_case)


def test_case_outside_scope_or_closed_cannot_be_promoted(running, people, tree, category):
    far = file_case(category=category, channel=Channel.H5, description="x", area=tree.h1)
    with pytest.raises(MeetingError):
        services.promote_case(people.staff, running, far)
    with pytest.raises(PermissionDenied):  # not the staff of this series
        services.promote_case(people.outsider, running, far)


# --- outcomes ---------------------------------------------------------------------------------------------

def test_assigned_creates_a_case_in_the_right_unit_with_a_deadline(topic, people, category, tree,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = services.record_outcome(people.staff, topic, outcome=Outcome.ASSIGNED, summary="物业清理",
                                       deadline=later(), level=HandlerLevel.GRID, category=category)
    case = item.case
    assert case.channel == Channel.MEETING and case.channel_ref == topic.meeting.series.name
    assert case.status == Status.DISPATCHED and case.level == HandlerLevel.GRID and case.handler_area == tree.g1
    assert case.reporter == people.resident and case.resolve_due is not None
    assert item.deadline == later() and item.outcome == Outcome.ASSIGNED
    assert list(case.events.values_list("action", flat=True)) == ["report", "accept", "dispatch"]
    texts = list(Message.objects.filter(recipient=people.resident).values_list("text", flat=True))
    assert any(case.number in t for t in texts)  # the proposer is told the case number


def test_assigned_to_a_department(topic, people, category, tree):
    item = services.record_outcome(people.staff, topic, outcome=Outcome.ASSIGNED, deadline=later(),
                                   level=HandlerLevel.DEPARTMENT, department=tree.dept, category=category)
    assert item.case.level == HandlerLevel.DEPARTMENT and item.case.handler_department == tree.dept
    assert item.handler_department == tree.dept


@pytest.mark.parametrize("kwargs", [
    {"deadline": None, "level": "grid"},
    {"deadline": dt.date(2000, 1, 1), "level": "grid"},
    {"deadline": "later", "level": "nowhere"},
    {"deadline": "later", "level": "department"},  # without a department
    {"deadline": "later", "level": "grid", "category": None},
])
def test_assignment_with_bad_input_changes_nothing(topic, people, category, kwargs):
    kwargs = {"category": category, **kwargs}
    if kwargs["deadline"] == "later":
        kwargs["deadline"] = later()
    before = Case.objects.count()
    with pytest.raises(MeetingError):
        services.record_outcome(people.staff, topic, outcome=Outcome.ASSIGNED, **kwargs)
    topic.refresh_from_db()
    assert topic.outcome == "" and topic.case is None and Case.objects.count() == before


def test_assigning_a_linked_case_dispatches_it(running, people, open_case):
    item = services.promote_case(people.staff, running, open_case)
    item = services.record_outcome(people.staff, item, outcome=Outcome.ASSIGNED, deadline=later(5),
                                   level=HandlerLevel.COMMUNITY)
    open_case.refresh_from_db()
    assert item.case == open_case and open_case.status == Status.DISPATCHED
    assert open_case.level == HandlerLevel.COMMUNITY


def test_solved_on_the_spot_closes_the_linked_case_at_the_meeting(running, people, open_case,
                                                                 django_capture_on_commit_callbacks):
    open_case.reporter = people.resident  # the proposer: the case's reporter
    open_case.save(update_fields=["reporter"])
    transition(open_case, "accept", people.staff)
    transition(open_case, "dispatch", people.staff)
    item = services.promote_case(people.staff, running, open_case)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_outcome(people.staff, item, outcome=Outcome.SOLVED, note="当场协调清走", photo=jpeg())
    open_case.refresh_from_db()
    assert open_case.status == Status.CLOSED and open_case.closed_at and open_case.resolved_at
    event = open_case.events.get(action="close_at_meeting")
    assert event.actor == people.staff and event.from_status == Status.DISPATCHED
    assert running.title in event.note and "当场协调清走" in event.note
    assert event.data["meeting"] == running.pk and event.photos.count() == 1
    # the proposer hears of it, from the meeting and from the case loop
    texts = list(Message.objects.filter(recipient=people.resident).values_list("text", flat=True))
    assert any("当场协调清走" in t for t in texts) and len(texts) == 2


def test_solved_closes_a_reported_case_without_a_photo(running, people, open_case):
    item = services.promote_case(people.staff, running, open_case)
    services.record_outcome(people.staff, item, outcome=Outcome.SOLVED, note="已当场清理")
    open_case.refresh_from_db()
    assert open_case.status == Status.CLOSED and open_case.accepted_at is not None
    assert list(open_case.events.values_list("action", flat=True)) == ["report", "close_at_meeting"]


def test_the_resolver_cannot_close_the_case_at_the_meeting(running, people, open_case):
    transition(open_case, "accept", people.staff)
    transition(open_case, "dispatch", people.staff, level=HandlerLevel.COMMUNITY)
    transition(open_case, "resolve", people.staff, note="已清理", photos=[_photo(open_case)])
    item = services.promote_case(people.staff, running, open_case)
    with pytest.raises(MeetingError):  # the loop's rule: the resolver does not verify
        services.record_outcome(people.staff, item, outcome=Outcome.SOLVED, note="已清理")
    item.refresh_from_db()
    open_case.refresh_from_db()
    assert item.outcome == "" and open_case.status == Status.RESOLVED
    services.record_outcome(people.street, item, outcome=Outcome.SOLVED, note="会上确认已清理")
    open_case.refresh_from_db()
    assert open_case.status == Status.CLOSED


def test_a_case_outside_the_meetings_unit_cannot_be_closed_there(running, people, tree, category, make_user):
    # the district may promote a case of another street; the meeting of community A1 cannot close it
    district = make_user("district", roles.DISTRICT_ADMIN, tree.district)
    elsewhere = file_case(category=category, channel=Channel.H5, description="x", area=tree.h1)
    item = services.promote_case(district, running, elsewhere)
    with pytest.raises(MeetingError):
        services.record_outcome(district, item, outcome=Outcome.SOLVED, note="已清理")
    elsewhere.refresh_from_db()
    item.refresh_from_db()
    assert elsewhere.status == Status.REPORTED and item.outcome == ""
    assert not elsewhere.events.filter(action="close_at_meeting").exists()


def test_the_meeting_step_is_not_offered_outside_a_meeting(people, open_case):
    from linli.cases.permissions import available_actions

    with pytest.raises(PermissionDenied):
        transition(open_case, "close_at_meeting", people.street, note="x")
    assert "close_at_meeting" not in {t.action for t in available_actions(people.street, open_case)}


def test_solved_free_item_needs_a_note(topic, people):
    with pytest.raises(MeetingError):
        services.record_outcome(people.staff, topic, outcome=Outcome.SOLVED, note="  ")
    item = services.record_outcome(people.staff, topic, outcome=Outcome.SOLVED, note="已清理")
    assert item.outcome == Outcome.SOLVED and item.case is None


def test_exactly_one_outcome(topic, people):
    services.record_outcome(people.staff, topic, outcome=Outcome.SOLVED, note="已清理")
    with pytest.raises(MeetingError):
        services.record_outcome(people.staff, topic, outcome=Outcome.DECLINED, note="不予处理")
    topic.refresh_from_db()
    assert topic.outcome == Outcome.SOLVED
    assert topic.events.filter(action="outcome").count() == 1


def test_deferred_goes_onto_the_next_meeting(topic, people):
    item = services.record_outcome(people.staff, topic, outcome=Outcome.DEFERRED, summary="材料不全")
    carried = item.carried_to.get()
    assert carried.meeting.series == topic.meeting.series and carried.meeting.starts_at > topic.meeting.starts_at
    assert carried.source == ItemSource.DEFERRED and carried.raised_by == topic.raised_by and carried.outcome == ""


def test_declined_sends_the_reason_to_the_proposer(topic, people, django_capture_on_commit_callbacks):
    with pytest.raises(MeetingError):
        services.record_outcome(people.staff, topic, outcome=Outcome.DECLINED)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_outcome(people.staff, topic, outcome=Outcome.DECLINED, note="属于私人纠纷，建议调解")
    message = Message.objects.get(recipient=people.resident)
    assert "属于私人纠纷，建议调解" in message.text


def test_escalated_to_a_higher_series_carries_the_item_and_its_case(topic, people, tree, kind, category):
    council = services.create_series(people.street, kind=kind, name="甲街道党群议事会", area=tree.street_a,
                                     place="街道会议室", recurrence="monthly", day_of_month=10,
                                     start_time=dt.time(14, 30))
    assigned = services.record_outcome(people.staff, topic, outcome=Outcome.ASSIGNED, deadline=later(),
                                       level=HandlerLevel.GRID, category=category)
    lift = services.propose_topic(people.resident, topic.meeting, title="加装电梯")
    services.promote_case(people.staff, topic.meeting, file_case(
        category=category, channel=Channel.H5, description="x", area=tree.g1))
    item = services.record_outcome(people.staff, lift, outcome=Outcome.ESCALATED, target=f"series:{council.pk}")
    carried = item.carried_to.get()
    assert carried.meeting.series == council and carried.source == ItemSource.ESCALATED
    assert carried.raised_by == people.resident.person and carried.outcome == ""
    assert assigned.case is not None
    # a series that is not higher is refused
    other = services.propose_topic(people.resident, topic.meeting, title="x")
    with pytest.raises(MeetingError):
        services.record_outcome(people.staff, other, outcome=Outcome.ESCALATED, target="series:999999")


def test_escalated_through_the_case_loop_moves_the_case_up(running, people, open_case):
    transition(open_case, "accept", people.staff)
    transition(open_case, "dispatch", people.staff, level=HandlerLevel.GRID)
    item = services.promote_case(people.staff, running, open_case)
    services.record_outcome(people.staff, item, outcome=Outcome.ESCALATED, target="loop", note="网格无法解决")
    open_case.refresh_from_db()
    assert open_case.level == HandlerLevel.COMMUNITY and open_case.escalated
    assert CaseEvent.objects.filter(case=open_case, action="escalate", note="网格无法解决").exists()


def test_loop_escalation_needs_a_case_being_handled(topic, people):
    with pytest.raises(MeetingError):
        services.record_outcome(people.staff, topic, outcome=Outcome.ESCALATED, target="loop")


def test_only_the_series_staff_record_minutes(topic, people):
    for user in (people.outsider, people.resident, people.handler):
        with pytest.raises(PermissionDenied):
            services.record_outcome(user, topic, outcome=Outcome.SOLVED, note="x")


def test_a_grid_worker_cannot_take_dispatch_steps_the_loop_reserves_to_staff(tree, people, kind, category):
    grid_series = services.create_series(people.worker, kind=kind, name="一网格议事", area=tree.g1, place="x",
                                         recurrence="ad_hoc", start_time=dt.time(9))
    meeting = services.call_meeting(people.worker, grid_series, starts_at=timezone.now() + dt.timedelta(hours=1))
    item = services.add_item(people.worker, meeting, title="楼道灯坏了")
    with pytest.raises(MeetingError) as exc:
        services.record_outcome(people.worker, item, outcome=Outcome.ASSIGNED, deadline=later(), level="grid",
                                category=category, now=at_meeting(meeting))
    assert exc.value.messages
    item.refresh_from_db()
    assert item.outcome == "" and not Case.objects.filter(channel=Channel.MEETING).exists()


def test_minutes_close_only_when_every_item_has_an_outcome(topic, people):
    with pytest.raises(MeetingError):
        services.close_minutes(people.staff, topic.meeting)
    services.record_outcome(people.staff, topic, outcome=Outcome.SOLVED, note="已清理")
    meeting = services.close_minutes(people.staff, topic.meeting)
    assert meeting.status == MeetingStatus.HELD
    late = AgendaItem.objects.create(meeting=meeting, title="late")
    with pytest.raises(MeetingError):
        services.record_outcome(people.staff, late, outcome=Outcome.SOLVED, note="x")


# --- moving and cancelling --------------------------------------------------------------------------------------

def test_moving_needs_a_reason_and_tells_the_attendees(meeting, people, django_capture_on_commit_callbacks):
    new_time = meeting.starts_at + dt.timedelta(days=1)
    now = meeting.starts_at - dt.timedelta(days=2)
    with pytest.raises(MeetingError):
        services.move_meeting(people.staff, meeting, starts_at=new_time, reason=" ", now=now)
    with pytest.raises(MeetingError):
        services.move_meeting(people.staff, meeting, starts_at=now - dt.timedelta(days=1), reason="x", now=now)
    with pytest.raises(PermissionDenied):
        services.move_meeting(people.outsider, meeting, starts_at=new_time, reason="x", now=now)
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.move_meeting(people.staff, meeting, starts_at=new_time, reason="会议室维修", now=now)
    assert moved.starts_at == new_time and moved.moved_reason == "会议室维修"
    assert moved.scheduled_for == meeting.scheduled_for
    assert Message.objects.filter(recipient__in=[people.resident, people.worker, people.neighbour],
                                  text__contains="会议室维修").count() == 3


def test_cancelling_moves_open_items_to_the_next_meeting(meeting, people, django_capture_on_commit_callbacks):
    item = services.propose_topic(people.resident, meeting, title="路灯不亮")
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_meeting(people.staff, meeting, reason="防汛值守")
    meeting.refresh_from_db()
    item.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED and meeting.cancelled_reason == "防汛值守"
    assert item.meeting != meeting and item.meeting.series == meeting.series
    assert item.events.filter(action="moved").exists()
    assert Message.objects.filter(recipient=people.resident, text__contains="防汛值守").exists()
    with pytest.raises(MeetingError):
        services.cancel_meeting(people.staff, meeting, reason="again")
