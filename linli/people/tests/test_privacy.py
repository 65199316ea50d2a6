"""PIPL requests: export everything held on a person; anonymise on request, keeping what happened."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone

from linli.cases.models import Case, CaseEvent
from linli.cases.services import transition
from linli.cases.tests.desk_support import add_photo, new_case
from linli.people.models import ContributionEntry, Person
from linli.people.privacy import anonymise_person, export_person
from linli.points import ledger
from linli.points.models import Account
from linli.volunteering.models import ServiceRecord

ID_NUMBER, MOBILE = "990101198001010011", "13912345678"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def resident(tree, make_user, household, categories, scheme, actors, media):
    """A resident with an account, a case with a photo, service hours, points and a ledger line."""
    user = make_user("zhangsan", home=tree.g1)
    person = user.person
    Person.objects.filter(pk=person.pk).update(name="张三丰", id_number=ID_NUMBER, mobile=MOBILE,
                                               household=household, birth_date=dt.date(1980, 1, 1))
    person.refresh_from_db()
    person.note = "腿脚不便"
    person.save()  # a second history row holding the full numbers
    case = new_case(categories, tree, user, caller_name="张三丰", callback_phone=MOBILE)
    add_photo(case)
    transition(case, "accept", actors.community)
    now = timezone.now()
    ServiceRecord.objects.create(volunteer=person, area=tree.comm_a1, content="清扫楼道", place="一网格",
                                 started_at=now - dt.timedelta(hours=2), ended_at=now, minutes=120,
                                 computed_minutes=120, organiser_name="社区")
    ledger.earn(scheme, person, 30, key="privacy-1", source="manual")
    ContributionEntry.objects.create(person=person, what="调解邻里纠纷", area=tree.g1)
    return person


def exported(person: Person) -> tuple[dict, dict[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(export_person(person))) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    return json.loads(files.pop("person.json")), files


def test_export_holds_the_person_their_history_records_of_other_apps_and_their_photos(resident):
    payload, files = exported(resident)
    data = payload["data"]
    assert data["people.person"][0]["id_number"] == ID_NUMBER
    assert len(data["people.historicalperson"]) >= 2
    assert data["volunteering.servicerecord"][0]["minutes"] == 120
    assert data["points.account"][0]["balance"] == 30
    assert data["people.contributionentry"][0]["what"] == "调解邻里纠纷"
    assert data["cases.case"][0]["callback_phone"] == MOBILE
    assert len(data["cases.casephoto"]) == 1
    photo = data["cases.casephoto"][0]["image"]
    assert f"files/{photo}" in files and files[f"files/{photo}"].startswith(b"\xff\xd8")
    assert "password" not in data["core.user"][0]


def test_export_holds_nothing_of_other_people(resident, make_person, tree):
    other = make_person(tree.g1, name="李四", mobile="13700000000")
    text = json.dumps(exported(resident)[0], ensure_ascii=False)
    assert "李四" not in text and other.id_number not in text


def test_person_export_command_writes_the_zip(resident, tmp_path):
    out = tmp_path / "p.zip"
    call_command("person", "export", str(resident.pk), "-o", str(out), stdout=io.StringIO())
    with zipfile.ZipFile(out) as zf:
        assert "person.json" in zf.namelist()


def test_anonymise_erases_identifiers_everywhere_including_history(resident):
    user_id = resident.user.pk
    anonymise_person(resident, reason="本人申请 2026-12-01")
    person = Person.objects.get(pk=resident.pk)
    assert person.name.startswith("已匿名") and person.id_number is None and person.mobile == ""
    assert person.household_id is None and person.birth_date is None and person.note == ""
    for row in Person.history.filter(id=person.pk):
        assert row.name == person.name and row.id_number is None and row.mobile == "" and row.household_id is None
    case = Case.objects.get(reporter_id=user_id)
    assert case.caller_name == "" and case.callback_phone == ""
    user = type(resident.user).objects.get(pk=user_id)
    assert not user.is_active and not user.has_usable_password() and "zhangsan" not in user.username
    dump = json.dumps(exported(person)[0], ensure_ascii=False)
    assert ID_NUMBER not in dump and MOBILE not in dump and "张三丰" not in dump


def test_anonymise_keeps_case_history_hours_points_and_ledger_sums(resident):
    events = CaseEvent.objects.filter(case__reporter__person=resident).count()
    minutes = ServiceRecord.objects.filter(volunteer=resident).aggregate(m=Sum("minutes"))["m"]
    anonymise_person(resident, reason="本人申请")
    assert CaseEvent.objects.filter(case__reporter__person=resident).count() == events >= 2
    assert ServiceRecord.objects.filter(volunteer=resident).aggregate(m=Sum("minutes"))["m"] == minutes == 120
    assert Account.objects.get(person=resident).balance == 30
    assert ContributionEntry.objects.filter(person=resident).count() == 1


def test_a_volunteer_who_cannot_be_deleted_can_be_anonymised(resident):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Person.objects.get(pk=resident.pk).delete()
    anonymise_person(resident, reason="本人申请")
    assert Person.objects.get(pk=resident.pk).id_number is None


def test_deleting_a_person_leaves_no_id_number_in_history(tree, make_person):
    person = make_person(tree.g1, name="王五", id_number=ID_NUMBER, mobile=MOBILE)
    pk = person.pk
    person.delete()
    rows = Person.history.filter(id=pk)
    assert rows.count() == 2  # created, deleted
    assert not rows.filter(id_number=ID_NUMBER).exists() and not rows.filter(mobile=MOBILE).exists()
    assert not rows.filter(name="王五").exists()


def test_anonymise_without_reason_changes_nothing(resident):
    with pytest.raises(ValueError, match="理由"):
        anonymise_person(resident, reason="  ")
    assert Person.objects.get(pk=resident.pk).id_number == ID_NUMBER


def test_person_command_refuses_an_unknown_person_and_an_unconfirmed_erasure(resident, monkeypatch):
    with pytest.raises(CommandError, match="没有编号"):
        call_command("person", "export", "999999")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="未确认"):
        call_command("person", "anonymise", str(resident.pk), "--reason", "本人申请")
    assert Person.objects.get(pk=resident.pk).mobile == MOBILE
    call_command("person", "anonymise", str(resident.pk), "--reason", "本人申请", "--yes", stdout=io.StringIO())
    assert Person.objects.get(pk=resident.pk).mobile == ""
