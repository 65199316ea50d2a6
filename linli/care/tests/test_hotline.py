"""The duty roster (weekly pattern and swaps) and calls that act in one step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.care.models import Call, DutySlot, Errand, HelpBooking, HelpService
from linli.care.services import hotline
from linli.care.services.access import CareError
from linli.cases.models import Case, Category, Channel
from linli.places.models import PartnerUnit

TZ = timezone.get_default_timezone()


def next_weekday(weekday: int) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=1)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def slot(care):
    return hotline.add_slot(care.staff, care.tree.comm_a1, weekday=2, starts=dt.time(9), ends=dt.time(12),
                            person=care.duty.person, valid_from=dt.date(2020, 1, 1))


def test_roster_follows_the_weekly_pattern_and_a_swap_changes_one_day(care, slot):
    wednesday = next_weekday(2)
    following = wednesday + dt.timedelta(days=7)
    hotline.swap(care.staff, slot, date=wednesday, replacement=care.grid.person, reason="值班员就医")
    shifts = hotline.roster(care.tree.comm_a1, wednesday, 8)
    by_day = {(s.date, s.slot.pk): (s.person.pk, s.swapped) for s in shifts}
    assert by_day[(wednesday, slot.pk)] == (care.grid.person.pk, True)
    assert by_day[(following, slot.pk)] == (care.duty.person.pk, False)
    ten = dt.datetime.combine(wednesday, dt.time(10), tzinfo=TZ)
    assert [p.pk for p in hotline.on_duty(care.tree.comm_a1, ten)] == [care.grid.person.pk]
    assert hotline.duty_now(care.grid, ten) == slot
    assert hotline.duty_now(care.duty, ten) is None
    assert hotline.duty_now(care.duty, ten + dt.timedelta(days=7)) == slot
    assert hotline.duty_now(care.duty, dt.datetime.combine(following, dt.time(13), tzinfo=TZ)) is None


def test_swaps_are_refused_when_wrong(care, slot):
    wednesday = next_weekday(2)
    with pytest.raises(CareError):
        hotline.swap(care.staff, slot, date=wednesday + dt.timedelta(days=1), replacement=care.grid.person)
    with pytest.raises(CareError):
        hotline.swap(care.staff, slot, date=wednesday - dt.timedelta(days=14), replacement=care.grid.person)
    with pytest.raises(CareError):
        hotline.swap(care.staff, slot, date=wednesday, replacement=care.duty.person)
    with pytest.raises(CareError):  # no hotline, grid or staff role in the community
        hotline.swap(care.staff, slot, date=wednesday, replacement=care.recipient.person)
    with pytest.raises(CareError):  # a volunteer who is not on this duty
        hotline.swap(care.carer, slot, date=wednesday, replacement=care.grid.person)
    hotline.swap(care.duty, slot, date=wednesday, replacement=care.grid.person)  # the one on duty may
    with pytest.raises(CareError):
        hotline.swap(care.staff, slot, date=wednesday, replacement=care.staff.person)


def test_roster_slots_are_checked(care):
    with pytest.raises(CareError):
        hotline.add_slot(care.grid, care.tree.comm_a1, weekday=1, starts=dt.time(9), ends=dt.time(12),
                         person=care.duty.person)
    with pytest.raises(CareError):
        hotline.add_slot(care.staff, care.tree.comm_a1, weekday=1, starts=dt.time(12), ends=dt.time(9),
                         person=care.duty.person)
    with pytest.raises(CareError):
        hotline.add_slot(care.staff, care.tree.comm_a1, weekday=7, starts=dt.time(9), ends=dt.time(12),
                         person=care.duty.person)
    assert not DutySlot.objects.exists()


def test_a_call_for_an_errand_logs_the_errand_in_the_same_step(care):
    call, errand = hotline.log_call(care.duty, care.tree.comm_a1, caller_name="王奶奶的女儿",
                                    callback_phone="13900001111", person=care.recipient.person,
                                    request_type="errand", notes="帮忙交本月电费", errand_kind="utility")
    assert isinstance(errand, Errand) and errand.call == call and errand.kind == "utility"
    assert call.masked_phone == "139****1111"


def test_a_problem_call_becomes_a_hotline_case(care):
    category = Category.objects.filter(parent__isnull=False, active=True).first()
    call, case = hotline.log_call(care.duty, care.tree.comm_a1, caller_name="邻居", callback_phone="023-6288 1234",
                                  person=care.recipient.person, request_type="problem", notes="楼道灯坏了",
                                  category=category)
    assert isinstance(case, Case) and case.channel == Channel.HOTLINE and case.caller_name == "邻居"
    call.refresh_from_db()
    assert call.case == case and case.channel_ref == f"care-call:{call.pk}"


def test_a_six_helps_call_books_the_service(care):
    provider = PartnerUnit.objects.create(kind="provider", name="康乐养老服务中心", area=care.tree.comm_a1)
    service = HelpService.objects.create(kind="bathing", name="上门助浴", provider=provider, area=care.tree.comm_a1,
                                         price_fen=3000)
    _call, booking = hotline.log_call(care.duty, care.tree.comm_a1, caller_name="王奶奶", callback_phone="",
                                      person=care.recipient.person, request_type="six_helps", notes="想洗个澡",
                                      service=service, date=timezone.localdate() + dt.timedelta(days=2))
    assert isinstance(booking, HelpBooking) and booking.price_fen == 3000


@pytest.mark.parametrize("kwargs", [
    {"caller_name": ""}, {"callback_phone": "12345"}, {"notes": ""}, {"request_type": "gossip"},
    {"notes": "x" * 501}, {"request_type": "problem"},  # a problem needs a category
])
def test_bad_calls_are_refused_and_nothing_is_stored(care, kwargs):
    data = {"caller_name": "王", "callback_phone": "13900001111", "person": care.recipient.person,
            "request_type": "other", "notes": "问候", **kwargs}
    with pytest.raises(CareError):
        hotline.log_call(care.duty, care.tree.comm_a1, **data)
    assert not Call.objects.exists() and not Case.objects.exists()


def test_only_hotline_people_of_the_community_take_its_calls(care):
    for user in (care.carer, care.agent, care.dept, care.staff_b):
        with pytest.raises(CareError):
            hotline.log_call(user, care.tree.comm_a1, caller_name="王", callback_phone="", person=care.recipient.person,
                             request_type="other", notes="问候")
    assert not Call.objects.exists()
