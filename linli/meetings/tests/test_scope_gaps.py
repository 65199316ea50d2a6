"""Outside-scope POSTs that change a meeting: 404, and nothing changes (issue 14, scope matrix).

``meetings:series_call`` (an extra meeting), ``meetings:motion_new`` (a motion put to the vote) and
``meetings:item_move`` (the agenda order) are tried by staff of another community, a resident far away,
a department handler, and the series' own resident members (who may see the meeting, not run it).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.meetings import services
from linli.meetings.models import AgendaItem, Meeting, Motion

OUTSIDERS = ["outsider", "far_resident", "handler", "resident", "neighbour"]


@pytest.fixture
def agenda(people, running):
    return [services.add_item(people.staff, running, title=t) for t in ("楼道灯坏了", "车棚漏雨")]


def state() -> tuple[list, list, list]:
    return (list(Meeting.objects.order_by("pk").values()), list(Motion.objects.order_by("pk").values()),
            list(AgendaItem.objects.order_by("pk").values("pk", "position")))


def posts(series, meeting, item) -> list[tuple[str, dict]]:
    soon = timezone.localtime(timezone.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    return [(reverse("meetings:series_call", args=[series.pk]), {"starts_at": soon, "title": "临时会议"}),
            (reverse("meetings:motion_new", args=[meeting.pk]), {"text": "每户每月10元", "rule": "majority"}),
            (reverse("meetings:item_move", args=[item.pk, "up"]), {})]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_call_meetings_put_motions_or_reorder_the_agenda(client, people, series, running, agenda,
                                                                           who):
    client.force_login(getattr(people, who))
    before = state()
    for url, data in posts(series, running, agenda[1]):
        assert client.post(url, data).status_code == 404, url
    assert state() == before


def test_inside_the_scope_the_same_posts_work(client, people, series, running, agenda):
    client.force_login(people.staff)
    meetings = series.meetings.count()
    for url, data in posts(series, running, agenda[1]):
        assert client.post(url, data).status_code == 302, url
    assert series.meetings.filter(title="临时会议").count() == 1 and series.meetings.count() == meetings + 1
    assert running.motions.count() == 1
    assert list(running.items.order_by("position").values_list("title", flat=True)) == ["车棚漏雨", "楼道灯坏了"]
