import uuid

import pytest
from django.urls import reverse

from linli.cases.models import Case, CaseEvent, CasePhoto, Category, Channel
from linli.cases.services import duplicate_ref, file_case

from .intake_helpers import *  # noqa: F403
from .intake_helpers import (
    INSIDE_G1,
    INSIDE_H1,
    OUTSIDE,
    allow_anonymous,
    gps_exif,
    jpeg,
    login,
    upload,
)

URL = "/cases/report/"


@pytest.fixture
def rider(tree, make_user):
    return make_user("rider-demo", home=tree.g1)


def post(client, category, *, lat=INSIDE_G1[0], lng=INSIDE_G1[1], photos=(), token=None, **extra):
    data = {"category": category.pk, "description": extra.pop("description", "井盖破了"),
            "lat": "" if lat is None else lat, "lng": "" if lng is None else lng,
            "client_token": token or str(uuid.uuid4()), **extra}
    if photos:
        data["photos"] = list(photos)
    return client.post(URL, data)


def test_report_page_offers_grouped_categories_and_the_map(client, rider):
    page = login(client, rider).get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<optgroup label="公用设施">' in html and "井盖" in html and "高空抛物" in html
    assert 'id="report-map"' in html and "leaflet/leaflet.js" in html
    assert 'name="client_token"' in html and 'name="photos"' in html


def test_resident_reports_a_manhole_with_photo_and_browser_location(client, rider, tree):
    manhole = Category.objects.get(code="manhole")
    response = post(login(client, rider), manhole, photos=[upload(jpeg())], location_source="gps")
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("cases:report_done", args=[case.number])
    assert case.area == tree.g1 and case.reporter == rider and case.channel == Channel.H5
    assert case.photos.get().kind == CasePhoto.Kind.REPORT
    done = client.get(response.url).content.decode()
    assert case.number in done and reverse("cases:mine_detail", args=[case.number]) in done


def test_same_client_token_twice_files_one_case(client, rider):
    manhole = Category.objects.get(code="manhole")
    token = str(uuid.uuid4())
    login(client, rider)
    first = post(client, manhole, token=token, photos=[upload(jpeg())])
    again = post(client, manhole, token=token, photos=[upload(jpeg())])
    assert first.url == again.url
    assert Case.objects.count() == 1 and CasePhoto.objects.count() == 1


def test_location_comes_from_the_photo_when_the_browser_gives_none(client, rider, tree):
    manhole = Category.objects.get(code="manhole")
    post(login(client, rider), manhole, lat=None, lng=None, photos=[upload(jpeg(exif=gps_exif(*INSIDE_G1)))])
    case = Case.objects.get()
    assert case.area == tree.g1 and case.lat == pytest.approx(INSIDE_G1[0], abs=1e-5)
    assert CaseEvent.objects.get(case=case, action="report").data["location"] == "photo"


def test_report_without_any_location_is_refused(client, rider):
    response = post(login(client, rider), Category.objects.get(code="manhole"), lat=None, lng=None)
    assert response.status_code == 400 and Case.objects.count() == 0
    assert "地图" in response.content.decode()


def test_point_outside_every_grid_gets_a_clear_message(client, rider):
    response = post(login(client, rider), Category.objects.get(code="manhole"), lat=OUTSIDE[0], lng=OUTSIDE[1])
    assert response.status_code == 400 and Case.objects.count() == 0
    assert "该位置不在服务范围内" in response.content.decode()


@pytest.mark.parametrize("lat,lng", [("abc", "106.5"), ("95", "106.5"), ("29.4", "nan"), ("29.4", "")])
def test_malformed_coordinates_are_refused(client, rider, lat, lng):
    response = post(login(client, rider), Category.objects.get(code="manhole"), lat=lat, lng=lng)
    assert response.status_code == 400 and Case.objects.count() == 0


def test_too_long_text_and_missing_category_are_refused(client, rider):
    login(client, rider)
    long_text = post(client, Category.objects.get(code="manhole"), description="坑" * 501)
    assert long_text.status_code == 400 and "500" in long_text.content.decode()
    response = client.post(URL, {"description": "x", "lat": INSIDE_G1[0], "lng": INSIDE_G1[1]})
    assert response.status_code == 400 and "选择" in response.content.decode()
    top_level = post(client, Category.objects.get(code="gb-component-public"))
    assert top_level.status_code == 400 and Case.objects.count() == 0


def test_forged_photo_is_refused_and_nothing_is_filed(client, rider):
    response = post(login(client, rider), Category.objects.get(code="manhole"),
                    photos=[upload(b"not an image at all", "x.jpg")])
    assert response.status_code == 400 and Case.objects.count() == 0 and CasePhoto.objects.count() == 0


def test_four_photos_are_refused(client, rider):
    response = post(login(client, rider), Category.objects.get(code="manhole"),
                    photos=[upload(jpeg(), f"{i}.jpg") for i in range(4)])
    assert response.status_code == 400 and Case.objects.count() == 0


def test_script_in_text_is_stored_as_text_and_escaped(client, rider):
    login(client, rider)
    post(client, Category.objects.get(code="manhole"), description="<script>alert(1)</script>")
    case = Case.objects.get()
    assert case.description == "<script>alert(1)</script>"
    html = client.get(reverse("cases:mine_detail", args=[case.number])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_suspected_duplicates_are_shown_before_filing(client, rider, tree, make_user):
    manhole = Category.objects.get(code="manhole")
    earlier = file_case(category=manhole, channel="h5", description="井盖没了", lat=29.4010, lng=106.5010)
    response = post(login(client, rider), manhole, lat=29.4012, lng=106.5010)
    html = response.content.decode()
    assert response.status_code == 409 and "我也遇到了" in html and duplicate_ref(earlier) in html
    assert earlier.number not in html and "井盖没了" not in html  # what a reporter needs, no more
    assert Case.objects.count() == 1
    preview = client.get(reverse("cases:report_duplicates"),
                         {"category": manhole.pk, "lat": 29.4012, "lng": 106.5010}).content.decode()
    assert duplicate_ref(earlier) in preview and "约 20 米" in preview and earlier.number not in preview
    confirmed = post(client, manhole, lat=29.4012, lng=106.5010, confirm_new="1")
    assert confirmed.status_code == 302 and Case.objects.count() == 2


def test_me_too_adds_support_instead_of_a_new_case(client, rider, tree):
    manhole = Category.objects.get(code="manhole")
    earlier = file_case(category=manhole, channel="h5", description="井盖没了", lat=29.4010, lng=106.5010)
    login(client, rider)
    data = {"ref": duplicate_ref(earlier), "category": manhole.pk, "lat": 29.4012, "lng": 106.5010}
    response = client.post(reverse("cases:report_support"), data)
    assert response.status_code == 302 and Case.objects.count() == 1
    client.post(reverse("cases:report_support"), data)  # twice by the same person counts once
    earlier.refresh_from_db()
    assert earlier.supporters == 1
    assert CaseEvent.objects.filter(case=earlier, action="support", actor=rider).count() == 1
    assert earlier.number in client.get(response.url).content.decode()


def test_me_too_on_a_case_far_away_is_refused(client, rider, tree):
    manhole = Category.objects.get(code="manhole")
    earlier = file_case(category=manhole, channel="h5", description="井盖没了", lat=29.4010, lng=106.5010)
    response = login(client, rider).post(reverse("cases:report_support"), {
        "ref": duplicate_ref(earlier), "category": manhole.pk, "lat": 29.4015, "lng": 106.5030})
    earlier.refresh_from_db()
    assert response.status_code == 400 and earlier.supporters == 0


def test_anonymous_visitor_is_sent_to_login_when_no_street_allows_it(client, tree):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response.url


def test_anonymous_report_is_taken_where_the_street_allows_it(client, tree):
    allow_anonymous(tree.street_a)
    assert client.get(URL).status_code == 200
    response = post(client, Category.objects.get(code="manhole"))
    case = Case.objects.get()
    assert response.status_code == 302 and case.reporter is None and case.area == tree.g1
    done = client.get(response.url).content.decode()
    assert case.number in done and "回访" in done


def test_anonymous_report_in_a_street_that_does_not_allow_it_is_refused(client, tree):
    allow_anonymous(tree.street_a)
    allow_anonymous(tree.street_b, False)
    response = post(client, Category.objects.get(code="manhole"), lat=INSIDE_H1[0], lng=INSIDE_H1[1])
    assert response.status_code == 400 and Case.objects.count() == 0
    assert "登录" in response.content.decode()


def test_anonymous_reports_are_limited_per_ip(client, tree, settings):
    settings.LINLI_ANONYMOUS_REPORTS_PER_HOUR = 2
    allow_anonymous(tree.street_a)
    manhole = Category.objects.get(code="exposed-garbage")
    codes = [post(client, manhole, lat=29.4005 + i * 0.0006).status_code for i in range(3)]
    assert codes == [302, 302, 400] and Case.objects.count() == 2


def test_done_page_of_someone_elses_case_is_not_shown(client, rider, tree, make_user):
    other = file_case(category=Category.objects.get(code="manhole"), channel="h5", description="x", area=tree.g1,
                      reporter=make_user("someone", home=tree.g1))
    assert login(client, rider).get(reverse("cases:report_done", args=[other.number])).status_code == 404
