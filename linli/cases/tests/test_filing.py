import datetime as dt

import pytest
from django.utils import timezone

from linli.cases.models import Case, HandlerLevel, Status
from linli.cases.services import CaseError, file_case, route, suspected_duplicates


def test_case_number_is_street_code_date_sequence(categories, tree):
    a = file_case(category=categories.manhole, channel="h5", description="一", area=tree.g1)
    b = file_case(category=categories.manhole, channel="h5", description="二", area=tree.g2)
    today = timezone.localdate().strftime("%Y%m%d")
    assert a.number == f"500113001{today}0001" and b.number == f"500113001{today}0002"
    c = file_case(category=categories.manhole, channel="h5", description="三", area=tree.h1)
    assert c.number == f"500113002{today}0001"


def test_routing_by_category_level(categories, tree):
    assert route(categories.manhole, tree.g1).area == tree.g1
    assert route(categories.wiring, tree.g1).area == tree.comm_a1
    wall = route(categories.wall, tree.g1)
    assert wall.level == HandlerLevel.DEPARTMENT and wall.department == tree.dept


def test_new_case_has_acceptance_deadline_in_working_hours(categories, tree):
    case = file_case(category=categories.manhole, channel="h5", description="井盖", area=tree.g1)
    assert case.status == Status.REPORTED and case.accept_due > case.created_at


def test_retried_submit_with_same_token_creates_one_case(categories, tree):
    first = file_case(category=categories.manhole, channel="h5", description="井盖", area=tree.g1,
                      client_token="tok-1")
    again = file_case(category=categories.manhole, channel="h5", description="井盖", area=tree.g1,
                      client_token="tok-1")
    assert first.pk == again.pk and Case.objects.count() == 1


def test_top_level_or_inactive_category_is_refused(categories, tree):
    with pytest.raises(CaseError):
        file_case(category=categories.parent, channel="h5", description="x", area=tree.g1)
    categories.manhole.active = False
    categories.manhole.save()
    with pytest.raises(CaseError):
        file_case(category=categories.manhole, channel="h5", description="x", area=tree.g1)
    assert Case.objects.count() == 0


def test_unknown_channel_is_refused(categories, tree):
    with pytest.raises(CaseError):
        file_case(category=categories.manhole, channel="fax", description="x", area=tree.g1)


def test_duplicates_within_50_m_and_7_days(categories, tree):
    base = file_case(category=categories.manhole, channel="h5", description="井盖", area=tree.g1,
                     lat=29.4010, lng=106.5010)
    near = suspected_duplicates(categories.manhole, 29.4013, 106.5010)  # ~33 m north
    far = suspected_duplicates(categories.manhole, 29.4020, 106.5010)   # ~111 m
    other_category = suspected_duplicates(categories.wiring, 29.4010, 106.5010)
    assert near == [base] and far == [] and other_category == []
    Case.objects.filter(pk=base.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    assert suspected_duplicates(categories.manhole, 29.4010, 106.5010) == []


def test_a_report_entered_afterwards_keeps_its_own_day_number_and_deadline(categories, tree):
    from linli.cases.models import CaseEvent

    today = file_case(category=categories.manhole, channel="h5", description="今天", area=tree.g1)
    when = timezone.now() - dt.timedelta(days=3)
    late = file_case(category=categories.manhole, channel="meeting", description="会上提出", area=tree.g1,
                     reported_at=when)
    late.refresh_from_db()
    assert late.number == f"500113001{timezone.localtime(when):%Y%m%d}0001"
    assert late.created_at == when and CaseEvent.objects.get(case=late, action="report").at == when
    assert late.accept_due < today.accept_due
    assert file_case(category=categories.manhole, channel="h5", description="又一件", area=tree.g1).number \
        == today.number[:-4] + "0002"  # today's serial is not disturbed


def test_a_report_dated_in_the_future_is_refused(categories, tree):
    with pytest.raises(CaseError, match="future|晚于现在"):
        file_case(category=categories.manhole, channel="h5", description="x", area=tree.g1,
                  reported_at=timezone.now() + dt.timedelta(hours=1))
    assert Case.objects.count() == 0
