import datetime as dt

import pytest
from django.utils import timezone

from linli.cases.deadlines import check_deadlines
from linli.cases.models import Case, CaseEvent, HandlerLevel, Status
from linli.cases.services import file_case, transition


@pytest.fixture
def dispatched(categories, actors, tree):
    case = file_case(category=categories.manhole, channel="h5", description="井盖", area=tree.g1)
    transition(case, "accept", actors.community)
    transition(case, "dispatch", actors.community)
    case.refresh_from_db()
    return case


def test_case_nearing_deadline_is_flagged_once(dispatched):
    now = dispatched.resolve_due - dt.timedelta(hours=1)
    assert check_deadlines(now)["near"] == 1
    assert check_deadlines(now)["near"] == 0
    assert CaseEvent.objects.filter(case=dispatched, action="deadline_near").count() == 1


def test_overdue_case_is_marked_with_one_event(dispatched):
    now = dispatched.resolve_due + dt.timedelta(minutes=5)
    assert check_deadlines(now)["overdue"] == 1
    dispatched.refresh_from_db()
    assert dispatched.overdue and check_deadlines(now)["overdue"] == 0


def test_unaccepted_case_past_acceptance_deadline_is_overdue(categories, tree):
    case = file_case(category=categories.manhole, channel="h5", description="井盖", area=tree.g1)
    check_deadlines(case.accept_due + dt.timedelta(minutes=1))
    case.refresh_from_db()
    assert case.overdue and case.status == Status.REPORTED


def test_overdue_case_escalates_after_grace_period(dispatched, tree, settings):
    settings.LINLI_ESCALATE_AFTER_HOURS = 8
    just_late = dispatched.resolve_due + dt.timedelta(hours=1)
    assert check_deadlines(just_late)["escalated"] == 0
    much_later = dispatched.resolve_due + dt.timedelta(days=7)
    assert check_deadlines(much_later)["escalated"] == 1
    dispatched.refresh_from_db()
    assert dispatched.level == HandlerLevel.COMMUNITY and dispatched.handler_area == tree.comm_a1
    event = dispatched.events.get(action="escalate")
    assert event.actor is None and event.data["previous_due"]


def test_resolved_case_is_not_marked_overdue(dispatched, actors):
    from linli.cases.models import CasePhoto

    p = CasePhoto.objects.create(case=dispatched, kind="result", image="x.jpg",
                                 uuid="00000000-0000-0000-0000-000000000009")
    transition(dispatched, "resolve", actors.worker, note="好了", photos=[p])
    check_deadlines(timezone.now() + dt.timedelta(days=30))
    assert not Case.objects.get(pk=dispatched.pk).overdue
