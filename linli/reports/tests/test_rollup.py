"""The daily case rollup: kept by the cases' hooks through the real services, equal to a from-scratch count after
random event sequences, rebuilt by ``linli rollup``, and read by the dashboard in the same number of queries
whatever the number of cases."""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from io import StringIO
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from linli.cases.kpis import cases_of
from linli.cases.models import Case, CasePhoto, Status
from linli.cases.permissions import available_actions
from linli.cases.services import CaseError, file_case, transition
from linli.cases.workflow import TRANSITIONS, AtMeeting
from linli.conftest import PASSWORD
from linli.reports import figures, rollup
from linli.reports.models import DEFAULT_TARGETS, CaseDay
from linli.reports.periods import Period

from .conftest import NOW, OCTOBER, SH

HOOK = "linli.reports.rollup.on_case_event"
ACTOR_NAMES = ["reporter", "worker", "worker2", "community", "street", "dept"]
# Around midnight in Shanghai (16:00 UTC), so that filings fall on either side of a day.
MIDNIGHT = dt.datetime(2026, 10, 1, 15, 50, tzinfo=dt.UTC)


def stored() -> set[tuple]:
    return set(CaseDay.objects.exclude(cases=0).values_list(*rollup.KEY, "cases"))


def file_at(when: dt.datetime, **fields) -> Case:
    with mock.patch("django.utils.timezone.now", return_value=when):
        return file_case(description="井盖", **fields)


def result_photo(case: Case) -> list[CasePhoto]:
    return [CasePhoto.objects.create(case=case, kind="result", image="x.jpg", uuid=uuid.uuid4())]


def test_every_action_and_the_filing_keep_the_rollup():
    hooks = django_settings.LINLI_CASE_HOOKS
    assert all(HOOK in hooks.get(action, ()) for action in [*TRANSITIONS, "report"])


def test_filing_and_steps_move_the_case_between_keys(categories, tree, actors):
    case = file_at(MIDNIGHT + dt.timedelta(minutes=20), category=categories.manhole, channel="h5",
                   reporter=actors.reporter, area=tree.g1)
    key = {"area_id": tree.g1.pk, "category_id": categories.manhole.pk, "channel": "h5"}
    assert stored() == {(dt.date(2026, 10, 2), *key.values(), Status.REPORTED, None, 1)}  # 00:10 in Shanghai
    transition(case, "accept", actors.community)
    transition(case, "dispatch", actors.community, level="department", unit=tree.dept)
    assert stored() == {(dt.date(2026, 10, 2), *key.values(), Status.DISPATCHED, tree.dept.pk, 1)}
    assert case.events.get(action="dispatch").data["from_department"] is None
    transition(case, "return", actors.dept, note="不归我们")
    assert stored() == {(dt.date(2026, 10, 2), *key.values(), Status.ACCEPTED, None, 1)}
    assert rollup.drift() == []


def test_rebuild_and_check_command(fixed, tree):
    counted = stored()
    assert sum(n for *_k, n in counted) == Case.objects.count() == 8
    Case.objects.filter(number="N1").update(status=Status.REPORTED)  # around the services: the rollup drifts
    out = StringIO()
    with pytest.raises(CommandError, match="differs from the cases"):
        call_command("rollup", "--check", stdout=out)
    assert stored() == counted  # the check changed nothing
    call_command("rollup", stdout=out)
    assert "Rollup rebuilt" in out.getvalue() and rollup.drift() == []
    call_command("rollup", "--check", stdout=out)
    assert "equals a fresh count" in out.getvalue()


def test_the_rebuild_task_rebuilds(fixed):
    from linli.reports.tasks import rebuild_rollup_task

    CaseDay.objects.all().delete()
    rebuild_rollup_task.call_local()
    assert rollup.drift() == [] and stored()


def test_dashboard_figures_are_the_rollup_of_cases_of(fixed, tree):
    """The rollup's cover of a unit is ``cases_of``: the same totals, for an area and for a department."""
    oct_ = Period("custom", dt.date(2026, 10, 1), dt.date(2026, 11, 1))
    start, end = oct_.bounds()
    Case.objects.filter(number__in=["N1", "N2"]).update(handler_department=tree.dept)
    rollup.rebuild()
    for unit in (tree.district, tree.street_a, tree.comm_a1, tree.g2, tree.dept):
        part = figures.cases_part(unit, oct_, DEFAULT_TARGETS, NOW)
        received = cases_of(unit).filter(created_at__gte=start, created_at__lt=end)
        assert sum(n for *_x, n in part.by_channel) == received.count()
        assert sum(b.total for b in part.timeline) == sum(n for *_x, n in part.by_category) == received.count()


@pytest.mark.django_db
def test_random_event_sequences_keep_the_rollup_equal_to_a_fresh_count(categories, actors, tree):
    meeting = AtMeeting(1, "院坝会", tree.comm_a1.code)

    class RollupMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.cases: list[Case] = []
            self.example = transaction.atomic()  # each example starts from the same database
            self.example.__enter__()

        def teardown(self):
            transaction.set_rollback(True)
            self.example.__exit__(None, None, None)

        @rule(category=st.sampled_from(["manhole", "wall", "wiring"]), area=st.sampled_from(["g1", "g2"]),
              channel=st.sampled_from(["h5", "hotline", "patrol"]), minutes=st.integers(0, 20))
        def file(self, category, area, channel, minutes):
            self.cases.append(file_at(MIDNIGHT + dt.timedelta(minutes=minutes), category=getattr(categories, category),
                                      channel=channel, reporter=actors.reporter, area=getattr(tree, area)))

        @precondition(lambda self: self.cases)
        @rule(data=st.data())
        def step(self, data):
            """An action some actor is offered, with random parameters (a department, a rating)."""
            case = Case.objects.select_related("area", "handler_area").get(pk=data.draw(
                st.sampled_from(self.cases)).pk)
            offered = sorted({(t.action, name) for name in ACTOR_NAMES
                              for t in available_actions(getattr(actors, name), case)})
            if not offered:
                return
            action, who = data.draw(st.sampled_from(offered))
            level = data.draw(st.sampled_from([None, "grid", "community", "street", "department"]))
            params = {"rating": data.draw(st.sampled_from(["satisfied", "basically", "dissatisfied"])),
                      "level": level, "unit": tree.dept if level == "department" or case.level == "street" else None}
            with contextlib.suppress(CaseError, PermissionDenied):  # refused: nothing moves
                transition(case, action, getattr(actors, who), note="说明", photos=result_photo(case), **params)

        @precondition(lambda self: self.cases)
        @rule(data=st.data())
        def close_at_meeting(self, data):
            case = data.draw(st.sampled_from(self.cases))
            with contextlib.suppress(CaseError, PermissionDenied):
                transition(case, "close_at_meeting", actors.community, note="当场解决", meeting=meeting)

        @invariant()
        def rollup_equals_a_fresh_count(self):
            assert rollup.drift() == []
            assert sum(n for *_k, n in stored()) == Case.objects.count()

    run_state_machine_as_test(RollupMachine, settings=settings(
        max_examples=30, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))


def _cases_at(n: int, categories, tree, actors) -> None:
    for i in range(n):
        category = [categories.manhole, categories.wall, categories.wiring][i % 3]
        case = file_at(dt.datetime(2026, 10, 1 + i % 28, 3, tzinfo=SH), category=category,
                       channel=["h5", "hotline"][i % 2], reporter=actors.reporter, area=[tree.g1, tree.g2][i % 2])
        if i % 2:
            transition(case, "accept", actors.community)


def test_dashboard_queries_are_the_same_for_few_and_many_cases(client, categories, tree, actors):
    """The same number of queries for 4 cases and for 40 (the rollup rows grow, not the queries)."""
    assert client.login(username="street", password=PASSWORD)
    url = reverse("reports:dashboard", args=[tree.street_a.code])
    counts = []
    for n in (4, 36):
        _cases_at(n, categories, tree, actors)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, OCTOBER)
        assert response.status_code == 200 and response.context["d"].cases.kpis.received == len(
            Case.objects.filter(created_at__lt=dt.datetime(2026, 11, 1, tzinfo=SH)))
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 32, counts
    print(f"dashboard queries (street, 4 and 40 cases): {counts}")
