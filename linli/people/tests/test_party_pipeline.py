"""The party pipeline advanced on the person page: staff record the next step and its date; it is kept in the
person's history; anyone else, or a person outside the scope, gets 404."""

import datetime as dt

import pytest

from linli.people import services
from linli.people.models import PartyRecord


def advance(client, person, stage, on):
    return client.post(f"/people/{person.pk}/party/", {"stage": stage, "on": on}, HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_community_staff_advance_an_activist_to_development_target(tree, staff, login, rider):
    client = login(staff.community)
    page = client.get(f"/people/{rider.pk}/").content.decode()
    assert "记录这一步" in page and 'value="target"' in page
    answer = advance(client, rider, "target", "2024-03-01")
    assert answer.status_code == 302 and answer["Location"].endswith("#party")
    record = PartyRecord.objects.get(person=rider)
    assert (record.stage, record.target_on, record.activist_on) == ("target", dt.date(2024, 3, 1), dt.date(2023, 7, 1))
    newest = services.person_history(rider)[0]  # the change history names the step and who recorded it
    assert newest.who == staff.community.person.name
    assert {(c.old, c.new) for c in newest.changes} >= {("—", "2024-03-01")}


def test_a_person_without_a_record_starts_as_applicant(tree, staff, login, make_person):
    person = make_person(tree.g1, birth_date=dt.date(1990, 1, 1))
    client = login(staff.street)
    assert "不在党员发展流程中" in client.get(f"/people/{person.pk}/").content.decode()
    assert advance(client, person, "applicant", "2025-05-04").status_code == 302
    assert PartyRecord.objects.get(person=person).applied_on == dt.date(2025, 5, 4)


@pytest.mark.parametrize("stage, on, message", [
    ("member", "2024-03-01", "下一阶段是发展对象"),
    ("target", "2023-06-30", "日期不能早于 2023-07-01"),
    ("target", (dt.date.today() + dt.timedelta(days=2)).isoformat(), "日期不能晚于今天"),
    ("target", "2024-13-01", "请按 YYYY-MM-DD 填写日期"),
    ("target", "", "请填写日期"),
])
def test_bad_steps_are_refused_in_chinese_and_change_nothing(tree, staff, login, rider, stage, on, message):
    client = login(staff.community)
    answer = advance(client, rider, stage, on)
    assert answer.status_code == 302
    assert message in client.get(answer["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    record = PartyRecord.objects.get(person=rider)
    assert (record.stage, record.target_on) == ("activist", None)


def test_a_full_member_has_no_next_step(tree, staff, login, rider):
    PartyRecord.objects.filter(person=rider).update(stage="member", member_on=dt.date(2024, 1, 1))
    client = login(staff.community)
    assert "记录这一步" not in client.get(f"/people/{rider.pk}/").content.decode()
    assert advance(client, rider, "member", "2024-02-01").status_code == 302
    assert PartyRecord.objects.get(person=rider).member_on == dt.date(2024, 1, 1)


def test_grid_worker_cannot_advance_and_sees_no_form(tree, staff, login, rider):
    client = login(staff.grid)
    assert "记录这一步" not in client.get(f"/people/{rider.pk}/").content.decode()
    assert advance(client, rider, "target", "2024-03-01").status_code == 404
    assert PartyRecord.objects.get(person=rider).stage == "activist"


def test_staff_of_another_street_get_404(tree, staff, login, rider):
    assert advance(login(staff.street_b), rider, "target", "2024-03-01").status_code == 404
    assert PartyRecord.objects.get(person=rider).stage == "activist"
