"""Seeing a full ID-card or mobile number takes a reason and is written to the access log."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.people import services
from linli.people.models import UnmaskLog

VALID_ID = "11010519491231002X"


@pytest.fixture
def resident(tree, make_person):
    return make_person(tree.g1, name="被查看人", id_number=VALID_ID, mobile="13812345678")


def test_grid_worker_sees_full_mobile_with_reason_and_the_view_is_logged(tree, staff, login, resident):
    client = login(staff.grid)
    response = client.post(f"/people/{resident.pk}/unmask/mobile/", {"reason": "上门走访需电话联系"},
                           HTTP_HX_REQUEST="true", REMOTE_ADDR="10.1.2.3")
    html = response.content.decode()
    assert response.status_code == 200
    assert "13812345678" in html and "已记入查阅日志" in html
    assert response["Cache-Control"] == "no-store"
    log = UnmaskLog.objects.get()
    assert (log.user, log.person, log.field, log.reason, log.ip) == (
        staff.grid, resident, "mobile", "上门走访需电话联系", "10.1.2.3")
    assert log.at is not None


def test_street_staff_sees_full_id_number(tree, staff, login, resident):
    html = login(staff.street).post(f"/people/{resident.pk}/unmask/id_number/", {"reason": "核对身份"}).content.decode()
    assert VALID_ID in html
    assert UnmaskLog.objects.filter(user=staff.street, field="id_number").count() == 1


def test_person_page_shows_masked_numbers_and_the_button_to_those_allowed(tree, staff, login, resident):
    html = login(staff.grid).get(f"/people/{resident.pk}/").content.decode()
    assert "1101**********002X" in html and "138****5678" in html
    assert VALID_ID not in html and "13812345678" not in html
    assert "查看完整号码" in html and f'hx-get="/people/{resident.pk}/unmask/mobile/"' in html


def test_reason_form_is_served_to_htmx(tree, staff, login, resident):
    html = login(staff.grid).get(f"/people/{resident.pk}/unmask/mobile/", HTTP_HX_REQUEST="true").content.decode()
    assert "查看完整号码的事由" in html and 'name="reason"' in html and "<html" not in html
    assert not UnmaskLog.objects.exists()


@pytest.mark.parametrize("user", ["volunteer", "handler"])
def test_role_without_unmask_right_sees_no_button_and_gets_404(tree, staff, login, resident, user):
    client = login(getattr(staff, user))
    if user == "volunteer":  # a volunteer of the grid may open their own record only
        own = getattr(staff, user).person
        assert "查看完整号码" not in client.get(f"/people/{own.pk}/").content.decode()
    response = client.post(f"/people/{resident.pk}/unmask/mobile/", {"reason": "想看看"})
    assert response.status_code == 404
    assert not UnmaskLog.objects.exists()


def test_grid_worker_of_another_grid_gets_404_and_nothing_is_logged(tree, staff, login, resident):
    response = login(staff.grid_h1).post(f"/people/{resident.pk}/unmask/mobile/", {"reason": "核对"})
    assert response.status_code == 404
    assert not UnmaskLog.objects.exists()


@pytest.mark.parametrize("reason", ["", " ", "a", "长" * 201])
def test_missing_short_or_long_reason_shows_an_error_and_logs_nothing(tree, staff, login, resident, reason):
    response = login(staff.grid).post(f"/people/{resident.pk}/unmask/mobile/", {"reason": reason},
                                      HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "13812345678" not in html
    assert "事由" in html and 'role="alert"' in html
    assert not UnmaskLog.objects.exists()


def test_unknown_field_is_404(tree, staff, login, resident):
    assert login(staff.grid).post(f"/people/{resident.pk}/unmask/name/", {"reason": "核对"}).status_code == 404


def test_reason_with_script_is_stored_as_text_and_escaped(tree, staff, login, resident):
    html = login(staff.grid).post(f"/people/{resident.pk}/unmask/mobile/",
                                  {"reason": "<script>x</script>" + "a" * 201}).content.decode()
    assert "<script>x</script>" not in html


def test_unmask_service_refuses_without_right_and_requires_reason(tree, staff, resident):
    with pytest.raises(PermissionDenied):
        services.unmask(staff.volunteer, resident, "mobile", "核对身份", None)
    with pytest.raises(ValidationError):
        services.unmask(staff.grid, resident, "mobile", "", None)
    assert services.unmask(staff.grid, resident, "mobile", "核对身份", None) == "13812345678"
    assert UnmaskLog.objects.count() == 1


def test_unmask_log_is_read_only_in_the_admin(tree, staff, resident, client):
    services.unmask(staff.grid, resident, "mobile", "核对身份", "127.0.0.1")
    root = staff.district
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    log = UnmaskLog.objects.get()
    listing = client.get("/admin/people/unmasklog/").content.decode()
    assert "核对身份" in listing and "号码查阅日志" in listing
    assert client.get("/admin/people/unmasklog/add/").status_code == 403
    client.post(f"/admin/people/unmasklog/{log.pk}/change/", {"reason": "改掉"})
    assert client.post(f"/admin/people/unmasklog/{log.pk}/delete/", {"post": "yes"}).status_code == 403
    log.refresh_from_db()
    assert log.reason == "核对身份"
