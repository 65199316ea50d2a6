"""Service hours: check-out minus check-in, rounded to the quarter hour, capped by the activity; confirmation."""

import datetime as dt

import pytest

from linli.points.models import Account, Transfer
from linli.volunteering import activities
from linli.volunteering.activities import ActivityError
from linli.volunteering.models import ServiceRecord

from . import activities_support
from .activities_support import T0, make_activity

vol = activities_support.vol  # the fixture

M = dt.timedelta(minutes=1)
S = dt.timedelta(seconds=1)


@pytest.mark.parametrize(("seconds", "minutes"), [
    (0, 0), (-60, 0), (7 * 60 + 29, 0), (7 * 60 + 30, 15), (22 * 60 + 29, 15), (22 * 60 + 30, 30),
    (67 * 60, 60), (68 * 60, 75), (90 * 60, 90), (119 * 60, 120),
])
def test_time_is_rounded_to_the_nearest_quarter_hour(seconds, minutes):
    assert activities.round_quarter(seconds) == minutes


def test_hours_are_capped_by_the_activity_length(tree):
    activity = make_activity(tree.comm_a1, hours=2)
    early, late = T0 - 30 * M, activity.ends_at + 30 * M
    assert activities.service_minutes(activity, early, late) == 120
    assert activities.service_minutes(activity, T0 + 10 * M, T0 + 70 * M) == 60
    assert activities.service_minutes(activity, T0, T0 + 52 * M + 29 * S) == 45
    assert activities.service_minutes(activity, T0, T0 + 52 * M + 30 * S) == 60


def test_a_length_that_is_not_whole_quarters_caps_at_its_minutes(tree):
    activity = make_activity(tree.comm_a1, hours=0.8)  # 48 minutes
    assert activities.service_minutes(activity, T0 - 20 * M, activity.ends_at + 20 * M) == 48


def _attend(vol, user, arrive, leave):
    a = vol.activity
    activities.sign_up(a, user.person, now=T0 - 60 * M)
    activities.check_in_or_out(a, user.person, activities.current_code(a, arrive), now=arrive)
    return activities.check_in_or_out(a, user.person, activities.current_code(a, leave), now=leave)


def test_checking_out_makes_a_pending_record_with_the_computed_hours(vol):
    signup = _attend(vol, vol.v1, T0 - 5 * M, T0 + 98 * M)
    record = signup.record
    assert record.status == ServiceRecord.Status.PENDING
    assert record.computed_minutes == record.minutes == 105
    assert not Transfer.objects.exists()  # no points before the organiser confirms


def test_organiser_confirms_computed_hours_and_points_follow(vol):
    signup = _attend(vol, vol.v1, T0, T0 + 90 * M)
    record = activities.confirm_hours(signup, vol.leader)
    assert record.status == ServiceRecord.Status.CONFIRMED and record.minutes == 90
    assert record.confirmed_by == vol.leader and record.recorded_by == vol.leader
    assert Account.objects.get(person=vol.v1.person).balance == 15  # 1.5 h × 10


def test_a_change_of_hours_needs_a_reason_and_keeps_the_computed_value(vol):
    signup = _attend(vol, vol.v1, T0, T0 + 60 * M)
    with pytest.raises(ActivityError):
        activities.confirm_hours(signup, vol.leader, minutes=90, reason="  ")
    record = activities.confirm_hours(signup, vol.leader, minutes=90, reason="提前到场布置")
    assert (record.computed_minutes, record.minutes, record.correction_reason) == (60, 90, "提前到场布置")


def test_hours_cannot_exceed_the_activity_or_be_confirmed_twice(vol):
    signup = _attend(vol, vol.v1, T0, T0 + 60 * M)
    with pytest.raises(ActivityError):
        activities.confirm_hours(signup, vol.leader, minutes=180, reason="多算")
    activities.confirm_hours(signup, vol.leader)
    with pytest.raises(ActivityError):
        activities.confirm_hours(signup, vol.leader, minutes=30, reason="改")
    assert Transfer.objects.filter(source="service").count() == 1


def test_only_the_organiser_confirms_hours(vol):
    signup = _attend(vol, vol.v1, T0, T0 + 60 * M)
    for user in (vol.v2, vol.staff_b, vol.v1):
        with pytest.raises(ActivityError):
            activities.confirm_hours(signup, user)
    assert activities.confirm_hours(signup, vol.staff).status == ServiceRecord.Status.CONFIRMED


def test_a_volunteer_who_forgot_to_check_out_gets_hours_only_with_a_reason(vol):
    a = vol.activity
    signup = activities.sign_up(a, vol.v1.person, now=T0 - 60 * M)
    activities.check_in_or_out(a, vol.v1.person, activities.current_code(a, T0), now=T0)
    signup.refresh_from_db()
    with pytest.raises(ActivityError):
        activities.confirm_hours(signup, vol.leader, minutes=60)
    record = activities.confirm_hours(signup, vol.leader, minutes=60, reason="忘记签退，组织者核实")
    assert (record.computed_minutes, record.minutes) == (0, 60)


def test_bad_minutes_are_refused(vol):
    signup = _attend(vol, vol.v1, T0, T0 + 60 * M)
    for bad in (-15, 1441, "60", 1.5, True):
        with pytest.raises(ActivityError):
            activities.confirm_hours(signup, vol.leader, minutes=bad, reason="x")
    assert ServiceRecord.objects.get().status == ServiceRecord.Status.PENDING
