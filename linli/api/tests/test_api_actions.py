"""Taking workflow actions through /api/cases/{number}/actions/{action} and /rate."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.cases.models import Case, CaseEvent, CasePhoto, Status
from linli.cases.tests.desk_support import fail_open

from .conftest import jpeg


def _state(case: Case) -> tuple:
    case.refresh_from_db()
    return (case.status, case.level, case.handler_area_id, case.handler_department_id,
            CaseEvent.objects.filter(case=case).count(), CasePhoto.objects.filter(case=case).count())


def photo(name="done.jpg", data=None):
    return SimpleUploadedFile(name, data if data is not None else jpeg(), content_type="image/jpeg")


def test_the_whole_loop_through_the_api(actors, make_case, api_as, tree):
    case = make_case()
    community, worker, worker2 = api_as(actors.community), api_as(actors.worker), api_as(actors.worker2)
    url = f"/cases/{case.number}/actions"
    assert community.form(f"{url}/accept").json()["status"] == "accepted"
    dispatched = community.form(f"{url}/dispatch", {"level": "grid"}).json()
    assert dispatched["status"] == "dispatched" and dispatched["handler_area"]["code"] == tree.g1.code
    assert worker.form(f"{url}/start").json()["status"] == "in_progress"
    resolved = worker.form(f"{url}/resolve", {"note": "已更换井盖", "photos": [photo()]})
    assert resolved.status_code == 200, resolved.content
    body = resolved.json()
    assert body["status"] == "resolved" and [p["kind"] for p in body["photos"]] == ["result"]
    assert worker.form(f"{url}/verify").status_code == 403  # the resolver may not verify their own work
    assert worker2.form(f"{url}/verify").json()["status"] == "verified"
    assert community.form(f"{url}/close").json()["status"] == "closed"
    rated = api_as(actors.reporter).post(f"/cases/{case.number}/rate", {"rating": "satisfied", "note": "很快"})
    assert rated.status_code == 200 and rated.json()["rating"] == "satisfied"
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.rating == "satisfied"
    timeline = [e["action"] for e in rated.json()["events"]]
    assert timeline == ["report", "accept", "dispatch", "start", "resolve", "verify", "close", "rate"]
    assert all(e["who"] for e in rated.json()["events"])


def test_a_refused_action_answers_with_the_reason_and_changes_nothing(actors, make_case, api_as):
    case = make_case()
    before = _state(case)
    forbidden = api_as(actors.worker).form(f"/cases/{case.number}/actions/accept")
    assert forbidden.status_code == 403 and "受理" in forbidden.json()["detail"]
    wrong_state = api_as(actors.community).form(f"/cases/{case.number}/actions/close")
    assert wrong_state.status_code == 400 and wrong_state.json()["detail"]
    no_note = api_as(actors.community).form(f"/cases/{case.number}/actions/reject")
    assert no_note.status_code == 400
    assert _state(case) == before


def test_resolve_needs_a_photo_and_a_bad_photo_stores_nothing(actors, make_case, api_as, settings):
    case = make_case()
    community, worker = api_as(actors.community), api_as(actors.worker)
    community.form(f"/cases/{case.number}/actions/accept")
    community.form(f"/cases/{case.number}/actions/dispatch", {"level": "grid"})
    before = _state(case)
    url = f"/cases/{case.number}/actions/resolve"
    assert worker.form(url, {"note": "好了"}).status_code == 400
    fake = worker.form(url, {"note": "好了", "photos": [photo("x.jpg", b"<html>not an image</html>")]})
    assert fake.status_code == 400 and "照片" in fake.json()["detail"]
    good_then_bad = worker.form(url, {"note": "", "photos": [photo()]})
    assert good_then_bad.status_code == 400
    assert _state(case) == before
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*.jpg"))


def test_photos_go_with_resolve_only(actors, make_case, api_as):
    case = make_case()
    before = _state(case)
    response = api_as(actors.community).form(f"/cases/{case.number}/actions/accept", {"photos": [photo()]})
    assert response.status_code == 400
    assert _state(case) == before


def test_an_action_on_a_case_outside_the_scope_is_404(actors, make_case, api_as):
    case = make_case()
    before = _state(case)
    assert api_as(actors.other_street).form(f"/cases/{case.number}/actions/accept").status_code == 404
    assert _state(case) == before


def test_an_unknown_action_is_refused(actors, make_case, api_as):
    case = make_case()
    response = api_as(actors.community).form(f"/cases/{case.number}/actions/explode")
    assert response.status_code == 422 and response.json()["detail"]


def test_dispatch_to_a_department_by_its_code(actors, make_case, api_as, tree):
    case = make_case()
    community = api_as(actors.community)
    community.form(f"/cases/{case.number}/actions/accept")
    body = community.form(f"/cases/{case.number}/actions/dispatch", {"unit": "chengguan"}).json()
    assert body["level"] == "department" and body["handler_department"]["code"] == "chengguan"
    assert api_as(actors.dept).form(f"/cases/{case.number}/actions/start").json()["status"] == "in_progress"


@pytest.mark.parametrize("fields", [
    {"unit": "500113002001"},          # a community of another street
    {"unit": "no-such-dept"},
    {"unit": "500113001001", "level": "street"},
    {"level": "skyscraper"},
])
def test_dispatch_to_a_unit_that_does_not_fit_is_refused(actors, make_case, api_as, fields):
    case = make_case()
    community = api_as(actors.community)
    community.form(f"/cases/{case.number}/actions/accept")
    before = _state(case)
    response = community.form(f"/cases/{case.number}/actions/dispatch", fields)
    assert response.status_code in (400, 422), response.content
    assert _state(case) == before


def test_reject_as_duplicate_names_the_original(actors, make_case, api_as):
    original, copy = make_case(), make_case()
    community = api_as(actors.community)
    missing = community.form(f"/cases/{copy.number}/actions/reject", {"note": "重复", "reason": "duplicate"})
    assert missing.status_code == 400
    done = community.form(f"/cases/{copy.number}/actions/reject",
                          {"note": "重复", "reason": "duplicate", "duplicate_of": original.number})
    assert done.json()["status"] == "rejected"
    original.refresh_from_db()
    assert original.supporters == 1


def test_a_reporter_rates_once_and_only_their_own_case(actors, make_case, api_as):
    case = make_case()
    Case.objects.filter(pk=case.pk).update(status=Status.RESOLVED)
    CaseEvent.objects.create(case=case, action="resolve", from_status="in_progress", to_status="resolved",
                             actor=actors.worker, note="好")
    reporter = api_as(actors.reporter)
    assert api_as(actors.community).post(f"/cases/{case.number}/rate", {"rating": "satisfied"}).status_code == 403
    assert reporter.post(f"/cases/{case.number}/rate", {"rating": "great"}).status_code == 422
    assert reporter.post(f"/cases/{case.number}/rate", {"rating": "basically"}).status_code == 200
    again = reporter.post(f"/cases/{case.number}/rate", {"rating": "satisfied"})
    assert again.status_code == 400 and "评价" in again.json()["detail"]
    case.refresh_from_db()
    assert case.rating == "basically"


def test_a_dissatisfied_rating_reopens_the_case(actors, make_case, api_as):
    case = make_case()
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    body = api_as(actors.reporter).form(f"/cases/{case.number}/actions/rate", {"rating": "dissatisfied"}).json()
    assert body["status"] == "in_progress" and body["rating"] == "dissatisfied"


def test_case_photos_are_served_to_the_scope_only(actors, make_case, api_as, monkeypatch):
    case = make_case()
    community, worker = api_as(actors.community), api_as(actors.worker)
    community.form(f"/cases/{case.number}/actions/accept")
    community.form(f"/cases/{case.number}/actions/dispatch", {"level": "grid"})
    body = worker.form(f"/cases/{case.number}/actions/resolve", {"note": "好了", "photos": [photo()]}).json()
    url = body["photos"][0]["url"].replace("http://testserver/api", "")
    image = api_as(actors.reporter).get(url)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert b"".join(image.streaming_content)[:2] == b"\xff\xd8"
    assert api_as(actors.other_street).get(url).status_code == 404
    assert api_as(actors.reporter).get(f"/cases/{case.number}/photos/not-a-uuid").status_code == 404
    assert image["Cache-Control"] == "private, max-age=3600"
    fail_open(monkeypatch, PermissionError)  # any error reading the file answers 404
    assert api_as(actors.reporter).get(url).status_code == 404
