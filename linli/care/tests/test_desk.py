"""The call form on the home page of whoever is on hotline duty now (roster with swaps), and of nobody else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.care.models import Call, Errand
from linli.care.services import hotline
from linli.care.tests.test_pages import login

FORM = 'action="/care/hotline/call/"'


@pytest.fixture
def wednesday() -> dt.date:
    day = dt.date.today() + dt.timedelta(days=1)
    while day.weekday() != 2:
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def clock(monkeypatch, wednesday):
    """The time the pages see: set with ``clock(hour)`` on the coming Wednesday."""

    def set_to(hour: int, day: dt.date | None = None) -> dt.datetime:
        at = dt.datetime.combine(day or wednesday, dt.time(hour), tzinfo=timezone.get_current_timezone())
        monkeypatch.setattr(timezone, "now", lambda: at)
        return at

    return set_to


@pytest.fixture
def slot(care):
    """The duty person of A1 sits the hotline on Wednesdays 9:00–12:00."""
    return hotline.add_slot(care.staff, care.tree.comm_a1, weekday=2, starts=dt.time(9), ends=dt.time(12),
                            person=care.duty.person, valid_from=dt.date(2020, 1, 1))


def home(client, user, **params) -> str:
    login(client, user)
    return client.get(reverse("home"), params).content.decode()


def call(client, **data):
    return client.post(reverse("care:call_new"), {"back": "home", "caller_name": "王奶奶",
                                                  "callback_phone": "13900001111", "request_type": "other",
                                                  "notes": "询问义诊时间", **data})


def test_the_person_on_duty_sees_the_call_form_and_logs_a_call_from_home(client, care, slot, clock):
    clock(10)
    page = home(client, care.duty)
    assert FORM in page and 'name="caller_name"' in page and 'name="back" value="home"' in page
    assert "您正在值班" in page and "09:00–12:00" in page
    found = home(client, care.duty, q="王奶奶")
    assert f"<strong>{care.recipient.person.pk}</strong>" in found  # the person search is on the home page too
    response = call(client, area=care.tree.comm_a1.pk, person=care.recipient.person.pk)
    assert response.status_code == 302 and response.url == reverse("home")
    logged = Call.objects.get()
    assert (logged.taken_by, logged.person, logged.notes) == (care.duty, care.recipient.person, "询问义诊时间")
    assert "来电已登记" in client.get(reverse("home")).content.decode()
    response = call(client, area=care.tree.comm_a1.pk, person=care.recipient.person.pk, request_type="errand",
                    errand_kind="medicine", notes="代买降压药")
    errand = Errand.objects.get()
    assert response.url == reverse("care:errand_detail", args=[errand.pk]) and errand.call.taken_by == care.duty


def test_nobody_off_duty_sees_the_form(client, care, slot, clock, wednesday):
    clock(13)  # after the duty
    assert FORM not in home(client, care.duty)
    clock(10, wednesday + dt.timedelta(days=1))  # the Thursday
    assert FORM not in home(client, care.duty)
    clock(10)
    for who in ("grid", "staff", "carer", "agent", "dept"):  # on duty now is the duty person alone
        assert FORM not in home(client, getattr(care, who)), who


def test_after_a_swap_the_replacement_sees_the_form_and_the_replaced_does_not(client, care, slot, clock, wednesday):
    clock(8)
    hotline.swap(care.staff, slot, date=wednesday, replacement=care.grid.person, reason="值班员就医")
    clock(10)
    assert FORM not in home(client, care.duty)
    page = home(client, care.grid)  # a grid worker on the roster gets the form as well
    assert FORM in page and care.tree.comm_a1.name in page
    clock(10, wednesday + dt.timedelta(days=7))  # the swap was for one day only
    assert FORM in home(client, care.duty) and FORM not in home(client, care.grid)


@pytest.mark.parametrize(("data", "message"), [
    ({"notes": ""}, "来电内容"),                              # the field is named in the error
    ({"caller_name": ""}, "来电人"),
    ({"callback_phone": "12345"}, "号码"),
    ({"request_type": "problem"}, "问题类别"),                 # a problem report needs its category
    ({"person": 999_999}, "没有该人员"),
])
def test_bad_calls_from_home_give_a_clear_error_and_store_nothing(client, care, slot, clock, data, message):
    clock(10)
    login(client, care.duty)
    response = call(client, **{"area": care.tree.comm_a1.pk, "person": care.recipient.person.pk, **data})
    assert response.url == reverse("home")
    assert message in client.get(response.url).content.decode()
    assert not Call.objects.exists() and not Errand.objects.exists()


def test_another_community_cannot_log_a_call_for_this_one(client, care, slot, clock):
    clock(10)
    login(client, care.staff_b)
    response = call(client, area=care.tree.comm_a1.pk, person=care.recipient.person.pk)
    assert response.url == reverse("home") and "热线" in client.get(response.url).content.decode()
    assert not Call.objects.exists() and FORM not in home(client, care.staff_b)
    login(client, care.dept)  # no hotline at all
    assert call(client, area=care.tree.comm_a1.pk, person=care.recipient.person.pk).status_code == 404


def test_the_home_page_of_the_person_on_duty_runs_a_bounded_number_of_queries(client, care, slot, clock,
                                                                                django_assert_max_num_queries):
    clock(10)
    login(client, care.duty)
    # session, user, roles, duty slot, hotline codes, people found, services, own name, messages, categories,
    # the stations to call (home app)
    with django_assert_max_num_queries(11):
        assert FORM in client.get(reverse("home"), {"q": "王"}).content.decode()
