"""A hypothesis state machine over the case life cycle: random actors try random actions; the
case never reaches an illegal state and every refusal changes nothing."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from linli.cases.models import Case, CasePhoto, Status
from linli.cases.permissions import available_actions
from linli.cases.services import CaseError, file_case, transition
from linli.cases.workflow import TRANSITIONS

ACTIONS = sorted(TRANSITIONS)
ACTOR_NAMES = ["reporter", "worker", "worker2", "other_worker", "community", "street", "other_street", "dept"]


@pytest.mark.django_db
def test_case_life_cycle_never_reaches_an_illegal_state(categories, actors, tree):
    class CaseMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.case = file_case(category=categories.manhole, channel="h5", description="井盖",
                                  reporter=actors.reporter, area=tree.g1)
            self.events = 1

        @rule(data=st.data())
        def take_an_allowed_step(self, data):
            """Mostly walk forward: an action the permission table offers to some actor, done properly."""
            case = Case.objects.get(pk=self.case.pk)
            offered = sorted({(t.action, name) for name in ACTOR_NAMES
                              for t in available_actions(getattr(actors, name), case) if t.action != "reject"})
            if not offered:
                return
            action, who = data.draw(st.sampled_from(offered))
            rating = data.draw(st.sampled_from(["satisfied", "basically", "dissatisfied"]))
            self.act(action, who, True, True, rating)

        @rule(action=st.sampled_from(ACTIONS), who=st.sampled_from(ACTOR_NAMES),
              with_note=st.booleans(), with_photo=st.booleans(),
              rating=st.sampled_from(["satisfied", "basically", "dissatisfied", "bogus"]))
        def act(self, action, who, with_note, with_photo, rating):
            before = Case.objects.get(pk=self.case.pk)
            photos = []
            if with_photo:
                photos = [CasePhoto.objects.create(case=self.case, kind="result", image="x.jpg", uuid=uuid.uuid4())]
            params = {"rating": rating}
            if action == "escalate" and before.level == "street":
                params["unit"] = tree.dept
            try:
                transition(self.case, action, getattr(actors, who), note="说明" if with_note else "",
                           photos=photos, **params)
            except (CaseError, PermissionDenied):
                after = Case.objects.get(pk=self.case.pk)
                assert (after.status, after.level, after.rating, after.supervised) == (
                    before.status, before.level, before.rating, before.supervised)
                assert after.events.count() == self.events
                return
            self.events += 1
            step = TRANSITIONS[action]
            assert before.status in step.sources
            if step.needs_note:
                assert with_note
            if step.needs_photo:
                assert with_photo

        @invariant()
        def status_is_legal_and_matches_last_event(self):
            case = Case.objects.get(pk=self.case.pk)
            assert case.status in Status.values
            last = case.events.order_by("-id").first()
            assert last.to_status == case.status
            if case.status == Status.CLOSED:
                assert case.events.filter(action__in=["verify", "close_at_meeting"]).exists()
            if case.status in (Status.RESOLVED, Status.VERIFIED):
                assert case.events.filter(action="resolve").exists()
            if case.status != Status.REPORTED:
                assert case.events.filter(action__in=["accept", "reject"]).exists()

    run_state_machine_as_test(CaseMachine, settings=settings(
        max_examples=40, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
