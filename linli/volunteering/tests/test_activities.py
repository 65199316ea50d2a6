"""Activities: sign-up with a waiting list and promotion, the pages, scope, bad input, bounded queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.conftest import PASSWORD
from linli.volunteering import activities
from linli.volunteering.activities import ActivityError
from linli.volunteering.models import Activity, SignUp

from . import activities_support
from .activities_support import T0, make_activity

vol = activities_support.vol  # the fixture
M = dt.timedelta(minutes=1)
BEFORE = T0 - 60 * M


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_places_then_waiting_list_then_promotion_on_cancel(vol):
    a = vol.activity  # capacity 2
    s1 = activities.sign_up(a, vol.v1.person, now=BEFORE)
    s2 = activities.sign_up(a, vol.v2.person, now=BEFORE)
    s3 = activities.sign_up(a, vol.v3.person, now=BEFORE)
    s4 = activities.sign_up(a, vol.leader.person, now=BEFORE)
    assert [s.status for s in (s1, s2, s3, s4)] == ["confirmed", "confirmed", "waiting", "waiting"]
    promoted = activities.cancel_sign_up(s1, now=BEFORE)
    assert promoted.pk == s3.pk  # first come, first served
    s3.refresh_from_db()
    assert s3.status == SignUp.Status.CONFIRMED and s3.promoted_at == BEFORE
    assert SignUp.objects.get(pk=s4.pk).status == SignUp.Status.WAITING
    assert activities.cancel_sign_up(s4, now=BEFORE) is None  # leaving the waiting list promotes nobody


def test_signing_up_twice_after_the_end_or_for_a_cancelled_activity_is_refused(vol):
    a = vol.activity
    activities.sign_up(a, vol.v1.person, now=BEFORE)
    with pytest.raises(ActivityError):
        activities.sign_up(a, vol.v1.person, now=BEFORE)
    with pytest.raises(ActivityError):
        activities.sign_up(a, vol.v2.person, now=a.ends_at)
    a.cancelled = True
    a.save()
    with pytest.raises(ActivityError):
        activities.sign_up(a, vol.v3.person, now=BEFORE)


def test_one_can_sign_up_again_after_cancelling(vol):
    s = activities.sign_up(vol.activity, vol.v1.person, now=BEFORE)
    activities.cancel_sign_up(s, now=BEFORE)
    assert activities.sign_up(vol.activity, vol.v1.person, now=BEFORE).status == SignUp.Status.CONFIRMED


def test_after_checking_in_one_cannot_cancel(vol):
    a = vol.activity
    s = activities.check_in_or_out(a, vol.v1.person, activities.current_code(a, T0), now=T0)
    with pytest.raises(ActivityError):
        activities.cancel_sign_up(s, now=T0)


@pytest.fixture
def soon(vol):
    start = timezone.now() + dt.timedelta(days=1)
    vol.activity.starts_at, vol.activity.ends_at = start, start + 120 * M
    vol.activity.save()
    return vol


def test_sign_up_and_waiting_list_on_the_page(client, soon):
    a = soon.activity
    for u in (soon.v2, soon.v3):
        activities.sign_up(a, u.person)
    _login(client, soon.v1)
    page = client.get(reverse("volunteering:activity_detail", args=[a.pk])).content.decode()
    assert "候补" in page or "waiting" in page
    client.post(reverse("volunteering:activity_signup", args=[a.pk]))
    assert SignUp.objects.get(person=soon.v1.person).status == SignUp.Status.WAITING
    client.logout()
    _login(client, soon.v2)
    client.post(reverse("volunteering:activity_cancel", args=[a.pk]))
    assert SignUp.objects.get(person=soon.v1.person).status == SignUp.Status.CONFIRMED


def test_activities_of_another_street_answer_404(client, soon):
    _login(client, soon.outsider)
    for name in ("activity_detail", "checkin", "attendance", "activity_code"):
        assert client.get(reverse(f"volunteering:{name}", args=[soon.activity.pk])).status_code == 404
    assert client.post(reverse("volunteering:activity_signup", args=[soon.activity.pk])).status_code == 404
    assert not SignUp.objects.filter(person=soon.outsider.person).exists()
    assert soon.activity.title not in client.get(reverse("volunteering:activity_list")).content.decode()
    client.logout()
    _login(client, soon.staff_b)
    assert client.get(reverse("volunteering:attendance", args=[soon.activity.pk])).status_code == 404


def test_staff_publish_an_activity_with_a_place_on_the_map(client, vol):
    _login(client, vol.staff)
    start = timezone.localtime() + dt.timedelta(days=2)
    data = {"title": "<script>alert(1)</script>重阳敬老", "kind": "festival", "description": "陪老人过节",
            "area": vol.tree.comm_a1.pk, "team": vol.team.pk, "place": "社区党群服务站", "lat": "29.401",
            "lng": "106.501", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"), "capacity": "30"}
    response = client.post(reverse("volunteering:activity_new"), data)
    assert response.status_code == 302
    a = Activity.objects.get(kind="festival")
    assert a.created_by == vol.staff and a.lat == 29.401
    page = client.get(response.url).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize(("change", "field"), [
    ({"ends_at": "2030-01-01T08:00"}, "ends_at"),
    ({"lat": "29.4", "lng": ""}, "lng"),
    ({"lat": "95", "lng": "106"}, "lat"),
    ({"lat": "abc", "lng": "106"}, "lat"),
    ({"capacity": "0"}, "capacity"),
    ({"capacity": "many"}, "capacity"),
    ({"title": "x" * 101}, "title"),
    ({"ends_at": "2030-01-03T09:00"}, "ends_at"),
    ({"starts_at": "not a date"}, "starts_at"),
    ({"starts_at": "0001-01-01T00:00", "ends_at": "0001-01-01T02:00"}, "starts_at"),
    ({"starts_at": "9999-12-31T09:00", "ends_at": "9999-12-31T11:00"}, "starts_at"),
    ({"starts_at": "1999-12-31T09:00", "ends_at": "1999-12-31T11:00"}, "starts_at"),
])
def test_bad_activity_input_is_refused_and_nothing_is_saved(client, vol, change, field):
    _login(client, vol.staff)
    data = {"title": "活动", "kind": "service", "area": vol.tree.comm_a1.pk, "place": "站", "lat": "", "lng": "",
            "starts_at": "2030-01-01T09:00", "ends_at": "2030-01-01T11:00", "capacity": "5", **change}
    response = client.post(reverse("volunteering:activity_new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert Activity.objects.count() == 1


def test_residents_cannot_publish_and_staff_cannot_host_outside_their_area(client, vol):
    _login(client, vol.v1)
    assert client.get(reverse("volunteering:activity_new")).status_code == 404
    client.logout()
    _login(client, vol.staff)
    data = {"title": "活动", "kind": "service", "area": vol.tree.comm_b1.pk, "place": "站",
            "starts_at": "2030-01-01T09:00", "ends_at": "2030-01-01T11:00", "capacity": "5"}
    response = client.post(reverse("volunteering:activity_new"), data)
    assert response.status_code == 200 and response.context["form"].errors.get("area")


def test_activity_list_pages_by_key_and_queries_do_not_grow(client, soon, django_assert_max_num_queries):
    _login(client, soon.v1)
    url = reverse("volunteering:activity_list")
    client.get(url)
    with django_assert_max_num_queries(8):
        client.get(url)
    start = timezone.now() + dt.timedelta(days=3)
    for i in range(40):
        make_activity(soon.tree.comm_a1, starts=start + i * M, title=f"活动{i}", team=soon.team)
    with django_assert_max_num_queries(8):
        first = client.get(url)
    assert len(first.context["items"]) == 30 and first.context["next_url"]
    second = client.get(url + first.context["next_url"])
    seen = {a.pk for a in first.context["items"]} & {a.pk for a in second.context["items"]}
    assert not seen and len(second.context["items"]) == 11


def test_bad_cursor_is_ignored_not_an_error(client, soon):
    _login(client, soon.v1)
    for bad in ("x", "2024-13-01_5", "_", "2025-01-01T00:00:00_abc"):
        assert client.get(reverse("volunteering:activity_list"), {"after": bad}).status_code == 200
