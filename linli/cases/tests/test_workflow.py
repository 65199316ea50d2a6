import pytest
from django.core.exceptions import PermissionDenied

from linli.cases import services
from linli.cases.models import CaseEvent, CasePhoto, HandlerLevel, Status
from linli.cases.permissions import available_actions
from linli.cases.services import CaseError, file_case, transition


@pytest.fixture
def case(categories, actors, tree):
    return file_case(category=categories.manhole, channel="h5", description="井盖破损", reporter=actors.reporter,
                     area=tree.g1)


def photo(case):
    return CasePhoto.objects.create(case=case, kind="result", image="x.jpg",
                                    uuid=f"00000000-0000-0000-0000-{CasePhoto.objects.count():012d}")


def run_to_resolved(case, actors):
    transition(case, "accept", actors.community)
    transition(case, "dispatch", actors.community)
    transition(case, "start", actors.worker)
    transition(case, "resolve", actors.worker, note="已更换井盖", photos=[photo(case)])
    case.refresh_from_db()
    return case


def test_full_loop_writes_one_event_per_step(case, actors):
    run_to_resolved(case, actors)
    transition(case, "verify", actors.community)
    transition(case, "close", actors.community)
    transition(case, "rate", actors.reporter, rating="satisfied")
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.rating == "satisfied"
    assert list(case.events.values_list("action", flat=True)) == [
        "report", "accept", "dispatch", "start", "resolve", "verify", "close", "rate"]
    assert case.resolve_due is not None and case.closed_at is not None


def test_illegal_transition_is_refused_and_changes_nothing(case, actors):
    with pytest.raises(CaseError, match="不能|cannot"):
        transition(case, "close", actors.community)
    case.refresh_from_db()
    assert case.status == Status.REPORTED and case.events.count() == 1


def test_grid_worker_of_other_grid_cannot_start(case, actors):
    transition(case, "accept", actors.community)
    transition(case, "dispatch", actors.community)
    with pytest.raises(PermissionDenied):
        transition(case, "start", actors.other_worker)


def test_resolve_needs_note_and_after_photo(case, actors):
    transition(case, "accept", actors.community)
    transition(case, "dispatch", actors.community)
    with pytest.raises(CaseError):
        transition(case, "resolve", actors.worker, note="好了")
    with pytest.raises(CaseError):
        transition(case, "resolve", actors.worker, photos=[photo(case)])
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED


def test_handler_cannot_verify_own_work_but_colleague_can(case, actors):
    run_to_resolved(case, actors)
    assert "verify" not in [t.action for t in available_actions(actors.worker, case)]
    with pytest.raises(PermissionDenied):
        transition(case, "verify", actors.worker)
    transition(case, "verify", actors.worker2)
    case.refresh_from_db()
    assert case.status == Status.VERIFIED


def test_failed_verification_reopens_to_handler(case, actors):
    run_to_resolved(case, actors)
    transition(case, "fail_verification", actors.community, note="井盖仍松动")
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.resolved_at is None


def test_dissatisfied_rating_reopens(case, actors):
    run_to_resolved(case, actors)
    transition(case, "rate", actors.reporter, rating="dissatisfied", note="没修好")
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.rating == "dissatisfied"


def test_only_reporter_rates(case, actors):
    run_to_resolved(case, actors)
    with pytest.raises(PermissionDenied):
        transition(case, "rate", actors.worker2, rating="satisfied")


def test_escalation_climbs_grid_community_street_department(case, actors, tree):
    transition(case, "accept", actors.community)
    transition(case, "dispatch", actors.community)
    transition(case, "escalate", actors.worker, note="需要社区协调")
    case.refresh_from_db()
    assert (case.level, case.handler_area) == (HandlerLevel.COMMUNITY, tree.comm_a1) and case.escalated
    transition(case, "escalate", actors.community, note="需要街道")
    transition(case, "escalate", actors.street, note="需要城管", unit=tree.dept)
    case.refresh_from_db()
    assert case.level == HandlerLevel.DEPARTMENT and case.handler_department == tree.dept
    with pytest.raises(CaseError):
        transition(case, "escalate", actors.dept, note="再升")


def test_department_returns_case_it_does_not_own(categories, actors, tree):
    case = file_case(category=categories.wall, channel="hotline", description="外墙脱落", area=tree.g1,
                     caller_name="王阿姨", callback_phone="13800001111")
    assert case.level == HandlerLevel.DEPARTMENT and case.handler_department == tree.dept
    transition(case, "accept", actors.community)
    transition(case, "dispatch", actors.community)
    with pytest.raises(CaseError):
        transition(case, "return", actors.dept)  # a reason is required
    transition(case, "return", actors.dept, note="不属于城管职责")
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.handler_department is None
    transition(case, "dispatch", actors.community, level="community")
    case.refresh_from_db()
    assert case.handler_area == tree.comm_a1


def test_reject_as_duplicate_counts_a_supporter(case, categories, actors, tree):
    second = file_case(category=categories.manhole, channel="h5", description="同一井盖", area=tree.g1)
    transition(second, "reject", actors.community, note="重复", reason="duplicate", duplicate_of=case)
    case.refresh_from_db()
    second.refresh_from_db()
    assert second.status == Status.REJECTED and second.duplicate_of == case and case.supporters == 1


def test_supervision_by_street(case, actors):
    with pytest.raises(PermissionDenied):
        transition(case, "supervise", actors.worker, note="督办")
    transition(case, "supervise", actors.street, note="督办")
    case.refresh_from_db()
    assert case.supervised
    with pytest.raises(PermissionDenied):
        transition(case, "supervise", actors.other_street, note="督办")


def test_events_are_append_only_log(case, actors):
    transition(case, "accept", actors.community, note="受理")
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        Status.REPORTED, Status.ACCEPTED, actors.community, "受理")


def test_next_level_of_department_is_none(case):
    case.level = HandlerLevel.DEPARTMENT
    assert services.next_level(case) is None


class _Days:
    """A calendar where a working day is a calendar day (enough to check which deadline is set)."""

    def add_days(self, start, days):
        import datetime as dt

        return start + dt.timedelta(days=days)


def test_the_table_holds_each_steps_effects_applied_by_one_pure_function(categories, tree):
    import datetime as dt

    from linli.cases.models import Case, Rating
    from linli.cases.workflow import REOPEN, TRANSITIONS, apply

    at = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    case = Case(category=categories.manhole, status=Status.REPORTED, handler_area=tree.g1)
    apply(case, TRANSITIONS["accept"], at, _Days())
    assert case.status == Status.ACCEPTED and case.accepted_at == at and case.resolve_due is None
    apply(case, TRANSITIONS["dispatch"], at, _Days())
    assert case.resolve_due == at + dt.timedelta(days=categories.manhole.resolve_days)
    apply(case, TRANSITIONS["resolve"], at, _Days())
    assert case.status == Status.RESOLVED and case.resolved_at == at
    apply(case, TRANSITIONS["rate"], at, _Days(), rating=Rating.SATISFIED)
    assert case.status == Status.RESOLVED and case.rating == Rating.SATISFIED  # rating alone changes no status
    apply(case, TRANSITIONS["rate"], at, _Days(), rating=Rating.DISSATISFIED)
    assert case.status == REOPEN.target == Status.IN_PROGRESS and case.resolved_at is None and case.closed_at is None
    apply(case, TRANSITIONS["return"], at, _Days())
    assert case.handler_area is None and case.status == Status.ACCEPTED
    apply(case, TRANSITIONS["supervise"], at, _Days())
    assert case.supervised and case.status == Status.ACCEPTED
    assert case.pk is None  # pure: nothing was saved
