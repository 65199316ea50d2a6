"""Service certificates: totals for the period and issuing unit, a unique number, verification by staff."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.conftest import PASSWORD
from linli.volunteering import certificates
from linli.volunteering.activities import ActivityError
from linli.volunteering.models import Certificate, ServiceRecord

from . import activities_support

vol = activities_support.vol  # the fixture


def record(vol, area, day, minutes, status="confirmed", content="清扫楼道"):
    at = dt.datetime.combine(day, dt.time(9), tzinfo=timezone.get_current_timezone())
    return ServiceRecord.objects.create(volunteer=vol.v1.person, area=area, content=content, place="站",
                                        started_at=at, ended_at=at + dt.timedelta(minutes=minutes), minutes=minutes,
                                        computed_minutes=minutes, organiser_name="社区", status=status)


@pytest.fixture
def history(vol):
    a1, b1 = vol.tree.comm_a1, vol.tree.comm_b1
    record(vol, a1, dt.date(2024, 3, 5), 90, content="学雷锋清扫")
    record(vol, vol.tree.g1, dt.date(2024, 6, 10), 120, content="端午包粽子")
    record(vol, a1, dt.date(2024, 12, 31), 45)
    record(vol, a1, dt.date(2025, 1, 1), 60)  # outside the period
    record(vol, a1, dt.date(2024, 7, 1), 60, status="pending")  # not confirmed
    record(vol, b1, dt.date(2024, 7, 1), 60)  # organised by another street
    return vol


def test_certificate_totals_confirmed_hours_of_the_unit_in_the_period(history):
    cert = certificates.issue(history.v1.person, history.tree.comm_a1, dt.date(2024, 1, 1), dt.date(2024, 12, 31),
                              history.staff)
    assert cert.total_minutes == 90 + 120 + 45
    assert cert.records.count() == 3
    assert re.fullmatch(r"ZY\d{8}\d{6}", cert.number)
    assert cert.issuer_name == history.tree.comm_a1.name


def test_numbers_are_unique(history):
    numbers = {certificates.issue(history.v1.person, history.tree.comm_a1, dt.date(2024, 1, 1),
                                  dt.date(2024, 12, 31), history.staff).number for _ in range(20)}
    assert len(numbers) == 20 == Certificate.objects.count()


@pytest.mark.parametrize(("start", "end"), [
    (dt.date(2024, 12, 31), dt.date(2024, 1, 1)),  # reversed
    (dt.date(2023, 1, 1), dt.date(2023, 12, 31)),  # no service
    (dt.date(2024, 1, 1), dt.date(2099, 1, 1)),  # future
    (dt.date(2010, 1, 1), dt.date(2024, 1, 1)),  # too long
])
def test_impossible_periods_are_refused(history, start, end):
    with pytest.raises(ActivityError):
        certificates.issue(history.v1.person, history.tree.comm_a1, start, end, history.staff)
    assert not Certificate.objects.exists()


def test_only_staff_over_the_unit_can_issue(history):
    for user in (history.v1, history.leader, history.staff_b):
        with pytest.raises(ActivityError):
            certificates.issue(history.v1.person, history.tree.comm_a1, dt.date(2024, 1, 1),
                               dt.date(2024, 12, 31), user)


def test_issue_print_and_verify_the_certificate(client, history):
    assert client.login(username="staff-a1", password=PASSWORD)
    response = client.post(reverse("volunteering:certificate_new"), {
        "mobile": history.v1.person.mobile, "area": history.tree.comm_a1.pk, "issuer_name": "甲一社区志愿服务站",
        "date_from": "2024-01-01", "date_to": "2024-12-31"})
    assert response.status_code == 302
    cert = Certificate.objects.get()
    page = client.get(response.url).content.decode()
    person = history.v1.person
    assert cert.number in page and "甲一社区志愿服务站" in page and "4.25" in page
    assert person.name in page and person.masked_id_number in page and person.id_number not in page
    assert "学雷锋清扫" in page and "端午包粽子" in page and "@media print" not in page
    assert response.url == f"/volunteering/certificates/{cert.number}/"
    client.logout()
    assert client.login(username="staff-b", password=PASSWORD)
    assert client.get(response.url).status_code == 404
    assert client.get("/volunteering/certificates/ZY00000000000000/").status_code == 404
    client.logout()
    assert client.login(username="v1", password=PASSWORD)  # the volunteer sees their own
    assert client.get(response.url).status_code == 200
    client.logout()
    assert client.login(username="v2", password=PASSWORD)
    assert client.get(response.url).status_code == 404


@pytest.mark.parametrize("data", [
    {"mobile": "13900000000"}, {"mobile": "abc"}, {"date_from": "2024-02-30"}, {"area": "999999"},
])
def test_bad_certificate_input_shows_an_error(client, history, data):
    assert client.login(username="staff-a1", password=PASSWORD)
    base = {"mobile": history.v1.person.mobile, "area": history.tree.comm_a1.pk, "date_from": "2024-01-01",
            "date_to": "2024-12-31"}
    response = client.post(reverse("volunteering:certificate_new"), {**base, **data})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not Certificate.objects.exists()


def test_residents_cannot_issue(client, history):
    assert client.login(username="v1", password=PASSWORD)
    assert client.get(reverse("volunteering:certificate_new")).status_code == 404
