"""The duplicate look-up shows a reporter what they need and nothing more, and is rate-limited (issue 14, hole 3).

Before: ``GET /cases/report/duplicates/?category=..&lat=..&lng=..`` gave any signed-in account the number,
status and 80 characters of the description of the open cases of the last 7 days, anywhere.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.cases.models import Case, Category
from linli.cases.services import duplicate_ref, file_case

from .intake_helpers import *  # noqa: F403
from .intake_helpers import allow_anonymous, login

SECRET = "张三家门口井盖没了，电话13800001234"
AT = {"lat": 29.4012, "lng": 106.5010}


@pytest.fixture
def earlier(tree, make_user):
    return file_case(category=Category.objects.get(code="manhole"), channel="h5", description=SECRET,
                     lat=29.4010, lng=106.5010, reporter=make_user("first-reporter", home=tree.g1),
                     address="甲街道一网格1栋")


@pytest.fixture
def stranger(tree, make_user):
    """An account of another street, with no role: the look-up is open to every signed-in account."""
    return make_user("stranger", home=tree.h1)


def lookup(client, **params):
    return client.get(reverse("cases:report_duplicates"), {"category": Category.objects.get(code="manhole").pk,
                                                           **AT, **params})


def test_lookup_shows_category_status_distance_and_me_too_only(client, earlier, stranger):
    response = lookup(login(client, stranger))
    html = response.content.decode()
    assert response.status_code == 200
    assert "井盖" in html and earlier.get_status_display() in html and "约 20 米" in html and "我也遇到了" in html
    when = earlier.created_at.strftime("%H:%M")
    for leaked in (earlier.number, SECRET[:10], "first-reporter", "甲街道一网格1栋", when):
        assert leaked not in html, leaked


def test_the_me_too_reference_is_not_the_case_number_and_still_works(client, earlier, stranger):
    ref = duplicate_ref(earlier)
    assert earlier.number not in ref and str(earlier.pk) != ref
    login(client, stranger)
    manhole = Category.objects.get(code="manhole")
    response = client.post(reverse("cases:report_support"), {"ref": ref, "category": manhole.pk, **AT})
    earlier.refresh_from_db()
    assert response.status_code == 302 and earlier.supporters == 1


def test_a_guessed_number_or_forged_reference_adds_nothing(client, earlier, stranger):
    login(client, stranger)
    manhole = Category.objects.get(code="manhole")
    for ref in (earlier.number, str(earlier.pk), "0" * 24, ""):
        response = client.post(reverse("cases:report_support"), {"ref": ref, "number": earlier.number,
                                                                  "category": manhole.pk, **AT})
        assert response.status_code == 400
    earlier.refresh_from_db()
    assert earlier.supporters == 0


def test_lookups_are_rate_limited_per_account(client, earlier, stranger, settings):
    settings.LINLI_DUPLICATE_LOOKUPS_PER_MINUTE = 3
    login(client, stranger)
    codes = [lookup(client).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = lookup(client)
    assert refused.status_code == 429 and "请稍候" in refused.content.decode()
    assert Case.objects.count() == 1


def test_anonymous_lookups_are_rate_limited_per_address(client, earlier, settings, tree):
    settings.LINLI_DUPLICATE_LOOKUPS_PER_MINUTE = 2
    allow_anonymous(tree.street_a)
    assert [lookup(client).status_code for _ in range(3)] == [200, 200, 429]


def test_lookup_with_bad_input_is_empty_not_an_error(client, earlier, stranger):
    login(client, stranger)
    for params in ({"lat": "abc"}, {"lat": "91", "lng": "200"}, {"category": "x"}, {"category": "99999"}):
        response = lookup(client, **params)
        assert response.status_code == 200 and "我也遇到了" not in response.content.decode()
