"""Moderation: staff approve photos for the public page, hide a photo or a case with a reason."""

import pytest
from django.core.exceptions import PermissionDenied

from linli.cases import moderation
from linli.cases.models import CaseEvent, Status
from linli.cases.services import CaseError
from linli.conftest import PASSWORD

from .desk_support import URLCONF, add_photo, new_case

pytestmark = pytest.mark.urls(URLCONF)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def case(categories, actors, tree):
    return new_case(categories, tree, actors.reporter, lat=29.401, lng=106.501)


def moderate(case):
    return f"/cases/{case.number}/moderate/"


def test_community_staff_approves_a_photo_and_it_is_logged_without_status_change(client, actors, case):
    photo = add_photo(case)
    response = login(client, actors.community).post(moderate(case), {"what": "approve_photo", "photo": photo.uuid})
    assert response.status_code == 302
    photo.refresh_from_db()
    case.refresh_from_db()
    assert photo.public_approved and not photo.hidden and case.status == Status.REPORTED
    event = case.events.get(action="moderate")
    assert event.from_status == event.to_status == Status.REPORTED
    assert event.actor == actors.community and event.data == {"what": "approve_photo", "photo": str(photo.uuid)}
    assert str(photo.uuid) in client.get("/cases/public/").content.decode()


def test_hiding_a_photo_needs_a_reason(client, actors, case):
    photo = add_photo(case, public_approved=True)
    login(client, actors.street)
    response = client.post(moderate(case), {"what": "hide_photo", "photo": photo.uuid, "reason": "  "})
    assert response.status_code == 400 and response.context["error"]
    photo.refresh_from_db()
    assert photo.public_approved and not photo.hidden
    response = client.post(moderate(case), {"what": "hide_photo", "photo": photo.uuid, "reason": "拍到了人脸"})
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.hidden and not photo.public_approved and photo.hidden_reason == "拍到了人脸"
    assert case.events.get(action="moderate").note == "拍到了人脸"


def test_hide_and_show_a_case(client, actors, case):
    login(client, actors.community)
    assert client.post(moderate(case), {"what": "hide_case", "reason": "涉及个人纠纷"}).status_code == 302
    case.refresh_from_db()
    assert case.public_hidden and case.public_hidden_reason == "涉及个人纠纷"
    assert case.number not in client.get("/cases/public/").content.decode()
    assert client.post(moderate(case), {"what": "hide_case", "reason": "again"}).status_code == 400
    assert client.post(moderate(case), {"what": "show_case"}).status_code == 302
    case.refresh_from_db()
    assert not case.public_hidden
    assert [e.data["what"] for e in case.events.filter(action="moderate")] == ["hide_case", "show_case"]


def test_grid_worker_may_not_moderate(client, actors, case):
    photo = add_photo(case)
    login(client, actors.worker)
    response = client.post(moderate(case), {"what": "approve_photo", "photo": photo.uuid})
    assert response.status_code == 403 and response.context["error"]
    assert "Approve for the public page" not in response.content.decode() or not response.context["can_moderate"]
    photo.refresh_from_db()
    assert not photo.public_approved and not CaseEvent.objects.filter(action="moderate").exists()


def test_staff_of_another_street_gets_404(client, actors, case):
    assert login(client, actors.other_street).post(moderate(case), {"what": "hide_case",
                                                                    "reason": "x"}).status_code == 404


def test_bad_moderation_requests_are_clear_errors(client, categories, actors, tree, case):
    other = new_case(categories, tree)
    foreign = add_photo(other)
    login(client, actors.community)
    for data in ({"what": "explode"}, {"what": "approve_photo", "photo": "not-a-uuid"},
                 {"what": "approve_photo", "photo": foreign.uuid}, {"what": "hide_case", "reason": "长" * 201}):
        response = client.post(moderate(case), data)
        assert response.status_code == 400, data
    foreign.refresh_from_db()
    assert not foreign.public_approved and not CaseEvent.objects.filter(action="moderate").exists()


def test_service_refuses_unauthorised_users_and_foreign_photos(actors, categories, tree, case):
    photo = add_photo(new_case(categories, tree))
    with pytest.raises(PermissionDenied):
        moderation.hide_case(case, actors.worker, "原因")
    with pytest.raises(CaseError):
        moderation.approve_photo(case, photo, actors.community)


def test_moderation_reason_is_escaped_on_the_case_page(client, actors, case):
    moderation.hide_case(case, actors.community, "<img src=x onerror=alert(1)>")
    html = login(client, actors.community).get(f"/cases/{case.number}/").content.decode()
    assert "<img src=x" not in html and "&lt;img src=x" in html
