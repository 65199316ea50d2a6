"""Check-in and check-out by the organiser's rotating code: time window, code window, distance."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.conftest import PASSWORD
from linli.volunteering import activities
from linli.volunteering.activities import ActivityError
from linli.volunteering.models import SignUp

from . import activities_support
from .activities_support import PLACE, T0, make_activity

vol = activities_support.vol  # the fixture

M = dt.timedelta(minutes=1)


def _check(vol, at, code_at=None, **kw):
    a = vol.activity
    return activities.check_in_or_out(a, vol.v1.person, activities.current_code(a, code_at or at), now=at, **kw)


def test_code_is_six_digits_and_changes_every_minute(vol):
    a = vol.activity
    codes = {activities.current_code(a, T0 + i * M) for i in range(10)}
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(codes) >= 9
    other = make_activity(vol.tree.comm_a1)
    assert activities.current_code(other, T0) != activities.current_code(a, T0)


def test_code_of_now_and_of_the_previous_minute_are_accepted(vol):
    now = T0 + 10 * M
    assert activities.code_is_valid(vol.activity, activities.current_code(vol.activity, now), now)
    assert activities.code_is_valid(vol.activity, activities.current_code(vol.activity, now - M), now)


def test_code_from_two_minutes_ago_is_refused(vol):
    now = T0 + 10 * M
    code = activities.current_code(vol.activity, now)
    assert not activities.code_is_valid(vol.activity, code, now + 2 * M)
    with pytest.raises(ActivityError):
        _check(vol, now + 2 * M, code_at=now)
    assert not SignUp.objects.filter(checked_in_at__isnull=False).exists()


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 456", None])
def test_malformed_codes_are_refused(vol, code):
    assert not activities.code_is_valid(vol.activity, code, T0)


def test_check_in_opens_30_minutes_before_and_closes_30_minutes_after(vol):
    a = vol.activity
    with pytest.raises(ActivityError, match="30"):
        _check(vol, T0 - 31 * M)
    with pytest.raises(ActivityError):
        _check(vol, a.ends_at + 31 * M)
    signup = _check(vol, T0 - 29 * M)
    assert signup.checked_in_at == T0 - 29 * M
    signup = _check(vol, a.ends_at + 29 * M)
    assert signup.checked_out_at == a.ends_at + 29 * M


def test_too_far_from_the_place_is_refused_with_a_chinese_message(vol):
    far = (PLACE[0] + 0.005, PLACE[1])  # about 550 m north
    with pytest.raises(ActivityError) as exc:
        _check(vol, T0, lat=far[0], lng=far[1])
    assert "米" in exc.value.messages[0] and "300" in exc.value.messages[0]
    assert not SignUp.objects.filter(person=vol.v1.person).exists()


def test_near_the_place_or_without_a_position_is_accepted(vol):
    near = (PLACE[0] + 0.002, PLACE[1])  # about 220 m
    assert _check(vol, T0, lat=near[0], lng=near[1]).check_in_lat == near[0]
    signup = activities.check_in_or_out(vol.activity, vol.v2.person, activities.current_code(vol.activity, T0),
                                        now=T0)
    assert signup.checked_in_at == T0 and signup.check_in_lat is None


def test_an_activity_without_a_position_accepts_any_position(vol):
    a = make_activity(vol.tree.comm_a1, lat=None, lng=None)
    signup = activities.check_in_or_out(a, vol.v1.person, activities.current_code(a, T0), lat=0.0, lng=0.0, now=T0)
    assert signup.checked_in_at == T0


def test_second_scan_checks_out_and_a_third_is_refused(vol):
    _check(vol, T0)
    signup = _check(vol, T0 + 60 * M)
    assert signup.checked_out_at == T0 + 60 * M
    with pytest.raises(ActivityError):
        _check(vol, T0 + 61 * M)


def test_someone_on_the_waiting_list_cannot_check_in(vol):
    a = vol.activity  # capacity 2
    for u in (vol.v2, vol.v3, vol.v1):
        activities.sign_up(a, u.person, now=T0 - 60 * M)
    assert SignUp.objects.get(person=vol.v1.person).status == SignUp.Status.WAITING
    with pytest.raises(ActivityError):
        _check(vol, T0)


def test_walk_in_gets_a_place_when_one_is_free(vol):
    signup = _check(vol, T0)
    assert signup.status == SignUp.Status.CONFIRMED and signup.checked_in_at == T0


# --- pages ---------------------------------------------------------------------------------------------

@pytest.fixture
def live(vol):
    """The fixture's activity moved to now, so the pages (which use the clock) accept codes."""
    now = timezone.now()
    vol.activity.starts_at, vol.activity.ends_at = now - 10 * M, now + 110 * M
    vol.activity.save()
    return vol


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_phone_checks_in_with_the_code_from_the_qr_link(client, live):
    _login(client, live.v1)
    url = reverse("volunteering:checkin", args=[live.activity.pk])
    code = activities.current_code(live.activity)
    page = client.get(url, {"code": code})
    assert page.status_code == 200 and f'value="{code}"' in page.content.decode()
    response = client.post(url, {"code": code, "lat": PLACE[0], "lng": PLACE[1]})
    assert response.status_code == 302
    assert SignUp.objects.get(person=live.v1.person).checked_in_at is not None


@pytest.mark.parametrize("data", [
    {"code": "abc"}, {"code": "000000x"}, {"code": "<script>"},
    {"code": "123456", "lat": "91", "lng": "106"}, {"code": "123456", "lat": "29.4"},
    {"code": "123456", "lat": "north", "lng": "east"},
])
def test_bad_check_in_input_shows_an_error_and_changes_nothing(client, live, data):
    _login(client, live.v1)
    response = client.post(reverse("volunteering:checkin", args=[live.activity.pk]), data)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "<script>" not in response.content.decode().split("<main")[1].split("</main>")[0].replace(
        "<script src", "")
    assert not SignUp.objects.filter(checked_in_at__isnull=False).exists()


def test_far_away_phone_gets_the_distance_error_on_the_page(client, live):
    _login(client, live.v1)
    code = activities.current_code(live.activity)
    response = client.post(reverse("volunteering:checkin", args=[live.activity.pk]),
                           {"code": code, "lat": PLACE[0] + 0.01, "lng": PLACE[1]})
    assert response.status_code == 200 and "300" in response.content.decode()
    assert not SignUp.objects.filter(checked_in_at__isnull=False).exists()


def test_organiser_sees_code_and_qr_others_get_404(client, live):
    url = reverse("volunteering:activity_code", args=[live.activity.pk])
    _login(client, live.leader)
    page = client.get(url).content.decode()
    assert activities.current_code(live.activity) in page and "<svg" in page
    client.logout()
    _login(client, live.v1)
    assert client.get(url).status_code == 404
    client.logout()
    _login(client, live.outsider)
    assert client.get(url).status_code == 404
