"""Fixtures for the meetings tests: a community's series with members, and users around it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from linli.cases.models import Category
from linli.core import roles
from linli.meetings import services
from linli.meetings.models import MeetingKind, Recurrence


@pytest.fixture
def people(tree, make_user):
    return SimpleNamespace(
        staff=make_user("staff-a1", roles.COMMUNITY_STAFF, tree.comm_a1),
        street=make_user("street-a", roles.STREET_STAFF, tree.street_a),
        worker=make_user("worker-g1", roles.GRID_WORKER, tree.g1),
        resident=make_user("resident-g1", home=tree.g1),
        neighbour=make_user("resident-g2", home=tree.g2),
        outsider=make_user("staff-b1", roles.COMMUNITY_STAFF, tree.comm_b1),
        far_resident=make_user("resident-h1", home=tree.h1),
        handler=make_user("handler", roles.DEPARTMENT_HANDLER, department=tree.dept),
    )


@pytest.fixture
def kind(db):
    return MeetingKind.objects.create(code="fengsi", name="逢四说事")


@pytest.fixture
def category(db):
    return Category.objects.get(code="occupied-common-area")


@pytest.fixture
def series(tree, people, kind):
    """A monthly series of community A1 on the 4th at 09:30, the resident and the worker as members."""
    return services.create_series(
        people.staff, kind=kind, name="甲一社区逢四说事", area=tree.comm_a1, place="社区活动室",
        recurrence=Recurrence.MONTHLY, day_of_month=4, start_time=dt.time(9, 30),
        members=[people.resident.person, people.worker.person, people.neighbour.person])


@pytest.fixture
def meeting(series):
    """The series' next meeting."""
    return series.meetings.order_by("starts_at").first()


def at_meeting(meeting, minutes: int = 10) -> dt.datetime:
    return meeting.starts_at + dt.timedelta(minutes=minutes)


@pytest.fixture
def running(meeting):
    """Pretend the meeting is under way: move its time around now (as the generator would for today)."""
    now = timezone.now()
    meeting.starts_at, meeting.ends_at = now - dt.timedelta(minutes=10), now + dt.timedelta(minutes=80)
    meeting.save(update_fields=["starts_at", "ends_at"])
    return meeting


def jpeg(name: str = "after.jpg"):
    """A small real JPEG upload."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
