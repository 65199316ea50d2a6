"""Service records per the MCA rules: the fields, correction requests and the organiser's decision, scope."""

import datetime as dt

import pytest
from django.urls import reverse

from linli.conftest import PASSWORD
from linli.points.models import Account, Transfer
from linli.volunteering import activities
from linli.volunteering.activities import ActivityError
from linli.volunteering.models import RecordCorrection, ServiceRecord

from . import activities_support
from .activities_support import T0

vol = activities_support.vol  # the fixture
M = dt.timedelta(minutes=1)


def confirmed_record(vol, user=None, minutes_on_site=60):
    a, person = vol.activity, (user or vol.v1).person
    activities.sign_up(a, person, now=T0 - 60 * M)
    activities.check_in_or_out(a, person, activities.current_code(a, T0), now=T0)
    signup = activities.check_in_or_out(a, person, activities.current_code(a, T0 + minutes_on_site * M),
                                        now=T0 + minutes_on_site * M)
    return activities.confirm_hours(signup, vol.leader)


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_a_record_holds_every_field_the_mca_rules_ask_for(vol):
    record = confirmed_record(vol)
    assert record.volunteer == vol.v1.person
    assert record.content and record.place == vol.activity.place
    assert record.started_at == T0 and record.ended_at == T0 + 60 * M
    assert record.minutes == 60 and record.hours == 1
    assert record.organiser_name == vol.team.name and record.team == vol.team
    assert record.recorded_by == vol.leader and record.confirmed_at is not None
    assert record.area == vol.activity.area


def test_record_page_shows_the_fields_with_a_masked_id(client, vol):
    record = confirmed_record(vol)
    _login(client, vol.v1)
    page = client.get(reverse("volunteering:record_detail", args=[record.pk])).content.decode()
    person = vol.v1.person
    assert person.id_number not in page and person.masked_id_number in page
    for text in (record.place, record.organiser_name, vol.leader.person.name):
        assert text in page


def test_correction_flow_keeps_the_old_value_and_revises_the_points(vol):
    record = confirmed_record(vol)
    assert Account.objects.get(person=vol.v1.person).balance == 10
    with pytest.raises(ActivityError):
        activities.request_correction(record, vol.v2, minutes=90, reason="我也在")  # not their record
    with pytest.raises(ActivityError):
        activities.request_correction(record, vol.v1, minutes=90, reason=" ")
    c = activities.request_correction(record, vol.v1, minutes=90, reason="签退时手机没电，实际服务1.5小时")
    with pytest.raises(ActivityError):
        activities.request_correction(record, vol.v1, minutes=120, reason="再改")  # one pending at a time
    with pytest.raises(ActivityError):
        activities.decide_correction(c, vol.v1, accept=True)  # the volunteer cannot decide
    activities.decide_correction(c, vol.leader, accept=True, note="核实")
    record.refresh_from_db()
    c.refresh_from_db()
    assert (record.computed_minutes, record.minutes) == (60, 90)
    assert record.correction_reason and c.old_minutes == 60 and c.status == RecordCorrection.Status.ACCEPTED
    assert Account.objects.get(person=vol.v1.person).balance == 15
    assert Transfer.objects.filter(source="reversal").count() == 1


def test_a_rejection_needs_a_note_and_changes_nothing(vol):
    record = confirmed_record(vol)
    c = activities.request_correction(record, vol.v1, minutes=120, reason="多算点")
    with pytest.raises(ActivityError):
        activities.decide_correction(c, vol.leader, accept=False)
    activities.decide_correction(c, vol.leader, accept=False, note="签到记录为1小时")
    record.refresh_from_db()
    assert record.minutes == 60 and RecordCorrection.objects.get().status == RecordCorrection.Status.REJECTED
    with pytest.raises(ActivityError):
        activities.decide_correction(c, vol.leader, accept=True)


def test_a_pending_record_cannot_be_corrected_by_request(vol):
    a = vol.activity
    activities.sign_up(a, vol.v1.person, now=T0 - 60 * M)
    activities.check_in_or_out(a, vol.v1.person, activities.current_code(a, T0), now=T0)
    activities.check_in_or_out(a, vol.v1.person, activities.current_code(a, T0 + 30 * M), now=T0 + 30 * M)
    with pytest.raises(ActivityError):
        activities.request_correction(ServiceRecord.objects.get(), vol.v1, minutes=60, reason="x")


def test_correction_request_and_decision_through_the_pages(client, vol):
    record = confirmed_record(vol)
    url = reverse("volunteering:record_detail", args=[record.pk])
    _login(client, vol.v1)
    assert client.post(url, {"hours": "1.3", "reason": "x"}).status_code == 200  # not a quarter hour
    assert client.post(url, {"hours": "abc", "reason": "x"}).status_code == 200
    assert client.post(url, {"hours": "30", "reason": "x"}).status_code == 200
    assert not RecordCorrection.objects.exists()
    assert client.post(url, {"hours": "1.25", "reason": "<b>晚走</b>"}).status_code == 302
    c = RecordCorrection.objects.get()
    assert c.new_minutes == 75
    client.logout()
    _login(client, vol.leader)
    page = client.get(url).content.decode()
    assert "&lt;b&gt;晚走" in page
    client.post(reverse("volunteering:correction_decide", args=[c.pk]), {"decision": "accept"})
    record.refresh_from_db()
    assert record.minutes == 75


def test_records_of_others_answer_404(client, vol):
    record = confirmed_record(vol)
    for user in (vol.v2, vol.outsider, vol.staff_b):
        _login(client, user)
        assert client.get(reverse("volunteering:record_detail", args=[record.pk])).status_code == 404
        assert vol.v1.person.name not in client.get(reverse("volunteering:record_list")).content.decode()
        client.logout()


def test_staff_record_list_is_bounded_and_pages_by_key(client, vol, django_assert_max_num_queries):
    confirmed_record(vol)
    _login(client, vol.staff)
    url = reverse("volunteering:record_list")
    with django_assert_max_num_queries(10):
        client.get(url)
    for i in range(35):
        ServiceRecord.objects.create(volunteer=vol.v2.person, area=vol.tree.comm_a1, content=f"服务{i}", place="站",
                                     started_at=T0, ended_at=T0, minutes=15, computed_minutes=15,
                                     organiser_name="社区", status="confirmed")
    with django_assert_max_num_queries(10):
        first = client.get(url)
    assert len(first.context["items"]) == 30
    second = client.get(url + first.context["next_url"])
    assert len(second.context["items"]) == 6
    assert client.get(url, {"volunteer": vol.outsider.person.pk}).status_code == 404
