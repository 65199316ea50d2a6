"""Care fixtures: a recipient in grid G1 with a carer, and users holding each role that matters."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from linli.care.models import CareRecipient, Risk
from linli.care.services import recipients
from linli.core import roles
from linli.people.models import RoleAssignment


@pytest.fixture
def care(tree, make_user, make_person, household):
    """Users: community staff of A1, grid workers of G1 and G2, care worker of A1, carers (volunteers of
    street A), an errand agent of A1, a department handler, hotline duty of A1; a recipient in G1 paired
    with ``carer``, and one in G2 paired with ``other_carer``."""
    u = SimpleNamespace(tree=tree)
    u.staff = make_user("staff-a1", roles.COMMUNITY_STAFF, tree.comm_a1)
    u.grid = make_user("grid-g1", roles.GRID_WORKER, tree.g1)
    u.grid2 = make_user("grid-g2", roles.GRID_WORKER, tree.g2)
    u.care_worker = make_user("care-a1", roles.CARE_WORKER, tree.comm_a1)
    u.carer = make_user("carer-1", roles.VOLUNTEER, tree.comm_a1, home=tree.g1)
    u.other_carer = make_user("carer-2", roles.VOLUNTEER, tree.comm_a1, home=tree.g2)
    u.agent = make_user("agent-1", roles.ERRAND_AGENT, tree.comm_a1, home=tree.g1)
    u.dept = make_user("dept-1", roles.DEPARTMENT_HANDLER, department=tree.dept)
    u.duty = make_user("duty-1", roles.HOTLINE_DUTY, tree.comm_a1, home=tree.g2)
    u.staff_b = make_user("staff-b1", roles.COMMUNITY_STAFF, tree.comm_b1)
    elder = make_person(tree.g1, "王奶奶", birth_date=dt.date(1940, 3, 1), household=household)
    u.recipient = recipients.register(u.staff, elder, categories=["solitary", "aged_80"], risk=Risk.PRIORITY,
                                      risk_reason="独居，患高血压", family_doctor="李医生")
    u.pair = recipients.pair(u.staff, u.recipient, carer=u.carer.person)
    elder2 = make_person(tree.g2, "张爷爷", birth_date=dt.date(1938, 5, 1))
    u.recipient2 = recipients.register(u.staff, elder2, categories=["empty_nest"], risk=Risk.HIGH,
                                       risk_reason="行动不便")
    recipients.pair(u.staff, u.recipient2, carer=u.other_carer.person)
    return u


def recipient_count() -> int:
    return CareRecipient.objects.count()


def role(person, code, area):
    return RoleAssignment.objects.create(person=person, role=code, area=area, starts_on=dt.date(2020, 1, 1))
