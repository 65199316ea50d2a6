"""The admin is for superusers and district administrators only, and shows personal data masked even to them,
with the logged unmask flow as the one way to a full number (issue 14, hole 2).

Before: a staff user with only ``view_person`` opened a resident of another street at
``/admin/people/person/<id>/change/`` and read the full ID-card and mobile numbers there.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission

from linli.cases.models import Case, Category
from linli.cases.services import file_case
from linli.conftest import make_id_number
from linli.open311.models import ApiKey, Open311Request
from linli.people.models import Person, UnmaskLog


@pytest.fixture
def resident_b(tree, make_person):
    return make_person(tree.h1, name="司马晓兰", id_number=make_id_number(777), mobile="13912345678")


@pytest.fixture
def staff_with_view_person(tree, make_user):
    """Street A staff, marked staff in Django and given ``view_person``: the account from the report."""
    user = make_user("staff-a", "street_staff", tree.street_a)
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_person"))
    return user


@pytest.fixture
def district_admin(tree, make_user):
    user = make_user("district", "district_admin", tree.district)
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_person", "change_person",
                                                                      "view_case", "view_open311request"]))
    return user


@pytest.fixture
def root(tree, make_user):
    user = make_user("root", "district_admin", tree.district)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def full_numbers(person: Person) -> list[str]:
    return [person.id_number, person.mobile]


def test_scoped_staff_with_view_person_cannot_open_the_admin(client, staff_with_view_person, resident_b):
    client.force_login(staff_with_view_person)
    for url in ("/admin/", "/admin/people/person/", f"/admin/people/person/{resident_b.pk}/change/",
                f"/admin/people/person/{resident_b.pk}/history/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/admin/login/"), url
    followed = client.get(f"/admin/people/person/{resident_b.pk}/change/", follow=True).content.decode()
    assert not any(n in followed for n in full_numbers(resident_b)) and "司马晓兰" not in followed


def test_a_street_admin_cannot_open_it_either(client, tree, make_user):
    user = make_user("street-admin", "street_staff", tree.street_b)
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get("/admin/").status_code == 302


def test_district_admin_enters_and_sees_numbers_masked(client, district_admin, resident_b):
    client.force_login(district_admin)
    html = client.get(f"/admin/people/person/{resident_b.pk}/change/").content.decode()
    assert "司马晓兰" in html
    assert not any(n in html for n in full_numbers(resident_b))
    assert resident_b.masked_id_number in html and resident_b.masked_mobile in html
    assert 'name="id_number"' not in html and 'name="mobile"' not in html
    assert f'href="/people/{resident_b.pk}/unmask/id_number/"' in html
    assert f'href="/people/{resident_b.pk}/unmask/mobile/"' in html


def test_superuser_sees_numbers_masked_on_every_admin_page_of_a_person(client, root, resident_b):
    resident_b.name = "司马晓兰二"
    resident_b.save()  # a second history row
    client.force_login(root)
    history_id = resident_b.history.order_by("history_id").first().history_id
    for url in ("/admin/people/person/", f"/admin/people/person/{resident_b.pk}/change/",
                f"/admin/people/person/{resident_b.pk}/history/",
                f"/admin/people/person/{resident_b.pk}/history/{history_id}/",
                f"/admin/people/person/?q={resident_b.mobile[-4:]}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not any(n in response.content.decode() for n in full_numbers(resident_b)), url


def test_saving_a_person_in_the_admin_keeps_the_numbers(client, root, resident_b):
    client.force_login(root)
    html = client.get(f"/admin/people/person/{resident_b.pk}/change/").content.decode()
    form = {"name": "司马晓兰", "gender": resident_b.gender or "", "area": resident_b.area_id}
    for prefix in re.findall(r'name="([\w-]+)-TOTAL_FORMS"', html):
        form[f"{prefix}-TOTAL_FORMS"] = form[f"{prefix}-INITIAL_FORMS"] = "0"
    form["id_number"], form["mobile"] = "", ""  # a forged form cannot clear or set them
    response = client.post(f"/admin/people/person/{resident_b.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    fresh = Person.objects.get(pk=resident_b.pk)
    assert (fresh.id_number, fresh.mobile) == (resident_b.id_number, resident_b.mobile)


def test_the_admin_unmask_link_goes_through_the_logged_flow(client, root, resident_b):
    client.force_login(root)
    url = f"/people/{resident_b.pk}/unmask/mobile/"
    assert resident_b.mobile not in client.get(url).content.decode()
    assert not UnmaskLog.objects.exists()
    html = client.post(url, {"reason": "核实来电"}).content.decode()
    assert resident_b.mobile in html
    log = UnmaskLog.objects.get()
    assert (log.user, log.person, log.field, log.reason) == (root, resident_b, "mobile", "核实来电")


@pytest.fixture
def hotline_case(tree):
    category = Category.objects.filter(parent__isnull=False, active=True).order_by("pk").first()
    return file_case(category=category, channel="hotline", description="路灯不亮", area=tree.g1,
                     caller_name="欧阳明远", callback_phone="13712340000")


def test_case_callback_number_and_caller_are_masked(client, district_admin, hotline_case):
    client.force_login(district_admin)
    html = client.get(f"/admin/cases/case/{hotline_case.pk}/change/").content.decode()
    assert "13712340000" not in html and "欧阳明远" not in html
    assert "137****0000" in html and "欧**" in html
    assert Case.objects.get(pk=hotline_case.pk).callback_phone == "13712340000"


def test_open311_reporter_name_and_phone_are_masked(client, district_admin, tree):
    key = ApiKey(name="城市App", area=tree.street_a)
    key.set_new_key()
    key.save()
    item = Open311Request.objects.create(token=uuid.uuid4(), api_key=key, data={
        "service_code": "x", "description": "井盖缺失", "name": "Zhang Wei", "phone": "13800001111"})
    client.force_login(district_admin)
    html = client.get(f"/admin/open311/open311request/{item.pk}/change/").content.decode()
    assert "13800001111" not in html and "Zhang Wei" not in html
    assert "138****1111" in html and "井盖缺失" in html


# Fields that hold a person's identifier or contact.  Every admin showing such a field masks it; a new
# model with one fails here until its admin lists it in ``masked_fields`` (or it is exempted with a reason).
PERSONAL_FIELD_NAMES = {"id_number", "mobile", "phone", "callback_phone", "caller_name", "email", "data"}
EXEMPT = {
    ("core", "user", "email"): "a staff account's own sign-in email, edited by the district admin",
    ("places", "partnerunit", "contact_phone"): "an organisation's public contact number",
    ("places", "servicestation", "contact_phone"): "a service station's public number",
    ("cases", "caseevent", "data"): "workflow details, no personal data",
}


def test_every_admin_masks_every_personal_field():
    unmasked = []
    for model, model_admin in admin.site._registry.items():
        masked = set(getattr(model_admin, "masked_fields", {}))
        for field in model._meta.get_fields():
            name = getattr(field, "name", "")
            key = (model._meta.app_label, model._meta.model_name, name)
            if getattr(field, "concrete", False) and name in PERSONAL_FIELD_NAMES and name not in masked \
                    and key not in EXEMPT:
                unmasked.append(key)
    assert unmasked == []
