"""Outside-scope hour confirmations: 404, and no hours or points change (issue 14, scope matrix).

``volunteering:confirm_hours`` is tried by staff of another street, a resident far away, the volunteer
whose hours they are, and another volunteer; and by the organiser with a sign-up of another activity.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from linli.points.models import Transfer
from linli.volunteering import activities
from linli.volunteering.models import ServiceRecord

from . import activities_support
from .activities_support import T0, make_activity

vol = activities_support.vol  # the fixture
M = dt.timedelta(minutes=1)


def attended(activity, person):
    """A sign-up checked in and out: a pending record of 90 minutes."""
    activities.sign_up(activity, person, now=T0 - 60 * M)
    activities.check_in_or_out(activity, person, activities.current_code(activity, T0), now=T0)
    return activities.check_in_or_out(activity, person, activities.current_code(activity, T0 + 90 * M),
                                      now=T0 + 90 * M)


def state() -> tuple[list, int]:
    return list(ServiceRecord.objects.order_by("pk").values()), Transfer.objects.count()


def confirm(client, user, activity, signup) -> int:
    client.force_login(user)
    url = reverse("volunteering:confirm_hours", args=[activity.pk, signup.pk])
    return client.post(url, {"hours": "2", "reason": "多算一些"}).status_code


@pytest.mark.parametrize("who", ["staff_b", "outsider", "v1", "v2", "v3"])
def test_outsiders_cannot_confirm_hours(client, vol, who):
    signup = attended(vol.activity, vol.v1.person)
    before = state()
    assert confirm(client, getattr(vol, who), vol.activity, signup) == 404
    assert state() == before


def test_a_sign_up_of_another_activity_is_404_under_the_organisers_activity(client, vol):
    other = make_activity(vol.tree.comm_a1, title="植树", organiser=vol.v2.person)
    signup = attended(other, vol.v1.person)
    before = state()
    assert confirm(client, vol.leader, vol.activity, signup) == 404
    assert state() == before


def test_the_organiser_confirms(client, vol):
    signup = attended(vol.activity, vol.v1.person)
    assert confirm(client, vol.leader, vol.activity, signup) == 302
    signup.record.refresh_from_db()
    assert signup.record.status == ServiceRecord.Status.CONFIRMED and signup.record.minutes == 120
