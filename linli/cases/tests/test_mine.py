import pytest
from django.urls import reverse

from linli.cases.models import CasePhoto, Status
from linli.cases.photos import save_photo
from linli.cases.services import file_case, transition

from .intake_helpers import *  # noqa: F403
from .intake_helpers import jpeg, login, upload


def new_case(categories, tree, reporter, text="井盖"):
    case = file_case(category=categories.manhole, channel="h5", description=text, area=tree.g1, reporter=reporter)
    save_photo(case, upload(jpeg()), kind=CasePhoto.Kind.REPORT)
    return case


def resolved(categories, tree, actors):
    case = new_case(categories, tree, actors.reporter)
    transition(case, "accept", actors.community)
    transition(case, "dispatch", actors.community)
    after = save_photo(case, upload(jpeg()), kind=CasePhoto.Kind.RESULT)
    transition(case, "resolve", actors.worker, note="已更换井盖", photos=[after])
    return case


def test_my_reports_lists_only_my_cases(client, categories, tree, actors, make_user):
    mine = new_case(categories, tree, actors.reporter, "我的井盖")
    theirs = new_case(categories, tree, make_user("neighbour", home=tree.g1), "别人的井盖")
    html = login(client, actors.reporter).get(reverse("cases:mine")).content.decode()
    assert mine.number in html and theirs.number not in html
    assert reverse("cases:photo_thumb", args=[mine.photos.first().uuid]) in html


def test_someone_elses_case_page_is_404(client, categories, tree, actors, make_user):
    theirs = new_case(categories, tree, make_user("neighbour", home=tree.g1))
    login(client, actors.reporter)
    assert client.get(reverse("cases:mine_detail", args=[theirs.number])).status_code == 404
    assert client.post(reverse("cases:rate", args=[theirs.number]), {"rating": "satisfied"}).status_code == 404
    assert client.get(reverse("cases:photo", args=[theirs.photos.first().uuid])).status_code == 404


def test_reporter_and_grid_worker_see_the_photo_others_do_not(client, categories, tree, actors):
    case = new_case(categories, tree, actors.reporter)
    url = reverse("cases:photo", args=[case.photos.first().uuid])
    assert login(client, actors.reporter).get(url)["Content-Type"] == "image/jpeg"
    client.logout()
    assert login(client, actors.worker).get(url).status_code == 200
    client.logout()
    assert login(client, actors.other_street).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def test_case_page_shows_timeline_and_photos(client, categories, tree, actors):
    case = resolved(categories, tree, actors)
    html = login(client, actors.reporter).get(reverse("cases:mine_detail", args=[case.number])).content.decode()
    assert "已更换井盖" in html and html.count("/thumb/") == 2
    assert 'name="rating"' in html


def test_rating_is_offered_only_once_resolved(client, categories, tree, actors):
    case = new_case(categories, tree, actors.reporter)
    login(client, actors.reporter)
    assert 'name="rating"' not in client.get(reverse("cases:mine_detail", args=[case.number])).content.decode()
    response = client.post(reverse("cases:rate", args=[case.number]), {"rating": "satisfied"}, follow=True)
    case.refresh_from_db()
    assert case.rating == "" and "error" in response.content.decode()


def test_satisfied_rating_is_recorded(client, categories, tree, actors):
    case = resolved(categories, tree, actors)
    login(client, actors.reporter)
    client.post(reverse("cases:rate", args=[case.number]), {"rating": "satisfied", "note": "很快"})
    case.refresh_from_db()
    assert case.rating == "satisfied" and case.status == Status.RESOLVED
    assert case.events.get(action="rate").note == "很快"
    html = client.get(reverse("cases:mine_detail", args=[case.number])).content.decode()
    assert 'name="rating"' not in html


def test_dissatisfied_rating_reopens_the_case(client, categories, tree, actors):
    case = resolved(categories, tree, actors)
    login(client, actors.reporter)
    client.post(reverse("cases:rate", args=[case.number]), {"rating": "dissatisfied", "note": "还是松的"})
    case.refresh_from_db()
    assert case.rating == "dissatisfied" and case.status == Status.IN_PROGRESS


def test_unknown_rating_is_refused(client, categories, tree, actors):
    case = resolved(categories, tree, actors)
    login(client, actors.reporter)
    client.post(reverse("cases:rate", args=[case.number]), {"rating": "excellent"})
    case.refresh_from_db()
    assert case.rating == ""


def test_my_reports_paginates_by_key(client, categories, tree, actors):
    for i in range(23):
        file_case(category=categories.manhole, channel="h5", description=f"第{i}个", area=tree.g1,
                  reporter=actors.reporter)
    login(client, actors.reporter)
    first = client.get(reverse("cases:mine"))
    rows = first.context["cases"]
    assert len(rows) == 20 and first.context["next_after"] == rows[-1].pk
    second = client.get(reverse("cases:mine"), {"after": rows[-1].pk})
    assert len(second.context["cases"]) == 3 and second.context["next_after"] is None
    assert {c.pk for c in rows}.isdisjoint(c.pk for c in second.context["cases"])


def test_my_reports_query_count_does_not_grow(client, categories, tree, actors, django_assert_max_num_queries):
    login(client, actors.reporter)
    for _ in range(2):
        new_case(categories, tree, actors.reporter)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("cases:mine"))
    for _ in range(8):
        new_case(categories, tree, actors.reporter)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(reverse("cases:mine")).context["cases"]) == 10
    case = resolved(categories, tree, actors)
    with django_assert_max_num_queries(14) as detail:
        client.get(reverse("cases:mine_detail", args=[case.number]))
    transition(case, "rate", actors.reporter, rating="dissatisfied")
    with django_assert_max_num_queries(len(detail.captured_queries)):
        client.get(reverse("cases:mine_detail", args=[case.number]))


@pytest.mark.parametrize("after", ["abc", "-1", ""])
def test_bad_cursor_is_ignored(client, categories, tree, actors, after):
    new_case(categories, tree, actors.reporter)
    assert login(client, actors.reporter).get(reverse("cases:mine"), {"after": after}).status_code == 200

