"""Every people model is in the Django admin, in Chinese, with masked numbers in the lists."""

import datetime as dt

import pytest
from django.contrib import admin

from linli.people.models import (
    ContributionEntry,
    PartyRecord,
    Person,
    RoleAssignment,
    Training,
    UnmaskLog,
    WorkerProfile,
)

VALID_ID = "11010519491231002X"


@pytest.fixture
def admin_client(client, tree, make_user):
    root = make_user("root", "district_admin", tree.district)
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    return client


def test_every_people_model_is_registered():
    for model in (Person, RoleAssignment, WorkerProfile, PartyRecord, Training, ContributionEntry, UnmaskLog):
        assert model in admin.site._registry, model


def test_person_list_shows_masked_numbers_only(admin_client, tree, make_person):
    make_person(tree.g1, name="管理员看的人", id_number=VALID_ID, mobile="13812345678")
    html = admin_client.get("/admin/people/person/").content.decode()
    assert "管理员看的人" in html and "1101**********002X" in html and "138****5678" in html
    assert VALID_ID not in html and "13812345678" not in html
    assert "人员" in html and "身份证号" in html


@pytest.mark.parametrize("term", ["管理员", "002x", "5678"])
def test_person_admin_search_by_name_and_suffixes(admin_client, tree, make_person, term):
    make_person(tree.g1, name="管理员看的人", id_number=VALID_ID, mobile="13812345678")
    make_person(tree.g1, name="别人")
    html = admin_client.get("/admin/people/person/", {"q": term}).content.decode()
    assert "管理员看的人" in html and "别人" not in html


def test_person_admin_filters_by_role_occupation_and_stage(admin_client, tree, make_person):
    rider = make_person(tree.g1, name="骑手")
    WorkerProfile.objects.create(person=rider, occupation="courier")
    PartyRecord.objects.create(person=rider, stage="applicant")
    RoleAssignment.objects.create(person=rider, role="volunteer", area=tree.g1, starts_on=dt.date(2020, 1, 1))
    make_person(tree.g1, name="群众")
    for params in ({"roles__role__exact": "volunteer"}, {"worker__occupation__exact": "courier"},
                   {"party__stage__exact": "applicant"}):
        html = admin_client.get("/admin/people/person/", params).content.decode()
        assert "骑手" in html and "群众" not in html, params


def test_person_change_page_has_inlines_and_history(admin_client, tree, make_person):
    person = make_person(tree.g1, name="有内联")
    html = admin_client.get(f"/admin/people/person/{person.pk}/change/").content.decode()
    for text in ["角色任职", "新就业群体人员", "党员发展记录", "培训记录", "发挥作用台账"]:
        assert text in html, text
    assert admin_client.get(f"/admin/people/person/{person.pk}/history/").status_code == 200


@pytest.mark.parametrize("name", ["roleassignment", "workerprofile", "partyrecord", "training",
                                  "contributionentry", "unmasklog"])
def test_admin_lists_open(admin_client, tree, name):
    assert admin_client.get(f"/admin/people/{name}/").status_code == 200
