"""Opinion drives: residents answer on a phone; staff take an opinion up as a case or a topic in one step."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from linli.cases.models import Case, Channel
from linli.meetings import opinions
from linli.meetings.models import Opinion
from linli.meetings.services import MeetingError


@pytest.fixture
def drive(people, tree):
    now = timezone.now()
    return opinions.create_drive(people.staff, question="老旧小区改造先改什么？", area=tree.comm_a1,
                                 opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=14))


def test_residents_answer_once_within_the_window(drive, people):
    opinions.answer(people.resident, drive, "先把楼道灯和扶手修好")
    with pytest.raises(MeetingError):
        opinions.answer(people.resident, drive, "再说一次")
    with pytest.raises(PermissionDenied):
        opinions.answer(people.far_resident, drive, "不是这个社区的")
    with pytest.raises(MeetingError):
        opinions.answer(people.neighbour, drive, "   ")
    with pytest.raises(MeetingError):
        opinions.answer(people.neighbour, drive, "长" * 1001)
    with pytest.raises(MeetingError):
        opinions.answer(people.neighbour, drive, "晚了", now=drive.closes_at + dt.timedelta(minutes=1))
    assert opinions.counts([drive.pk])[drive.pk] == {"total": 1, "cases": 0, "topics": 0}


@pytest.mark.parametrize("kwargs", [{"question": ""}, {"question": "x" * 301},
                                    {"closes_in": -2}, {"closes_in": 400}])
def test_bad_drive_is_refused(people, tree, kwargs):
    now = timezone.now()
    closes = now + dt.timedelta(days=kwargs.pop("closes_in", 10))
    with pytest.raises(MeetingError):
        opinions.create_drive(people.staff, question=kwargs.get("question", "q"), area=tree.comm_a1,
                              opens_at=now - dt.timedelta(days=3), closes_at=closes)


def test_outsider_cannot_start_a_drive_here(people, tree):
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        opinions.create_drive(people.outsider, question="q", area=tree.comm_a1, opens_at=now,
                              closes_at=now + dt.timedelta(days=3))


def test_opinion_to_case_and_to_topic_in_one_step(drive, people, category, running):
    first = opinions.answer(people.resident, drive, "3栋楼道堆满杂物，消防通道不通")
    second = opinions.answer(people.neighbour, drive, "希望大家商量一下加装电梯")
    first = opinions.to_case(people.staff, first, category=category)
    assert first.case.channel == Channel.OPINION and first.case.channel_ref == drive.question
    assert first.case.area == people.resident.person.area
    with pytest.raises(MeetingError):
        opinions.to_topic(people.staff, first, meeting=running)  # taken up once only
    second = opinions.to_topic(people.staff, second, meeting=running)
    assert second.item.meeting == running and second.item.raised_by == people.neighbour.person
    assert opinions.counts([drive.pk])[drive.pk] == {"total": 2, "cases": 1, "topics": 1}
    with pytest.raises(PermissionDenied):
        opinions.to_case(people.outsider, Opinion.objects.create(drive=drive, person=people.worker.person,
                                                                 text="x"), category=category)


def test_pages(client, drive, people, category, running):
    client.force_login(people.resident)
    assert drive.question in client.get(reverse("meetings:drives")).content.decode()
    url = reverse("meetings:drive", args=[drive.pk])
    response = client.post(url, {"text": "<b>粗体</b>"})
    assert 'role="alert"' in response.content.decode() and not Opinion.objects.exists()
    assert client.post(url, {"text": "先修楼道灯"}).status_code == 302
    page = client.get(url).content.decode()
    assert "先修楼道灯" in page and "name=\"text\"" not in page
    client.force_login(people.far_resident)
    assert client.get(url).status_code == 404
    client.force_login(people.outsider)
    assert client.get(url).status_code == 404
    opinion = Opinion.objects.get()
    assert client.post(reverse("meetings:opinion_take_up", args=[opinion.pk, "case"]),
                       {"category": category.pk}).status_code == 404
    client.force_login(people.staff)
    page = client.get(url).content.decode()
    assert "先修楼道灯" in page and people.resident.person.name in page
    response = client.post(reverse("meetings:opinion_take_up", args=[opinion.pk, "case"]), {"category": "abc"})
    assert response.status_code == 302 and not Case.objects.exists()
    client.post(reverse("meetings:opinion_take_up", args=[opinion.pk, "case"]), {"category": category.pk})
    opinion.refresh_from_db()
    assert opinion.case is not None
    response = client.post(reverse("meetings:drive_new"), {"question": "x", "area": drive.area.pk,
                                                           "opens_at": "2026-01-01T09:00", "closes_at": "bad"})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
