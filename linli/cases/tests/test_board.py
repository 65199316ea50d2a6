"""Dispatcher board: new, unassigned, overdue, escalated and supervised cases; bulk accept and dispatch."""

import pytest

from linli.cases.models import Case, HandlerLevel, Status
from linli.cases.queries import duplicates_for
from linli.cases.services import suspected_duplicates, transition
from linli.conftest import PASSWORD

from .desk_support import URLCONF, new_case, set_state

pytestmark = pytest.mark.urls(URLCONF)
BOARD = "/cases/board/"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def numbers(response):
    return [c.number for c in response.context["page"].rows]


def test_board_is_for_dispatchers_only(client, actors):
    assert login(client, actors.worker).get(BOARD).status_code == 403
    client.logout()
    assert login(client, actors.dept).get(BOARD).status_code == 403
    client.logout()
    assert login(client, actors.community).get(BOARD).status_code == 200


def test_tabs_hold_new_unassigned_overdue_escalated_and_supervised(client, categories, actors, tree):
    new = new_case(categories, tree)
    accepted = set_state(new_case(categories, tree), Status.ACCEPTED)
    late = set_state(new_case(categories, tree), overdue=True)
    up = set_state(new_case(categories, tree), escalated=True)
    watched = set_state(new_case(categories, tree), Status.IN_PROGRESS, supervised=True)
    set_state(new_case(categories, tree), Status.CLOSED, overdue=True)  # closed: off the board
    login(client, actors.community)
    assert numbers(client.get(BOARD)) == [new.number]
    assert numbers(client.get(BOARD, {"tab": "unassigned"})) == [accepted.number]
    assert numbers(client.get(BOARD, {"tab": "overdue"})) == [late.number]
    assert numbers(client.get(BOARD, {"tab": "escalated"})) == [up.number]
    response = client.get(BOARD, {"tab": "supervised"})
    assert numbers(response) == [watched.number]
    assert response.context["counts"] == {"new": 1, "unassigned": 1, "overdue": 1, "escalated": 1, "supervised": 1}


def test_board_shows_only_cases_in_the_dispatchers_scope(client, categories, actors, tree):
    mine = new_case(categories, tree)
    theirs = new_case(categories, tree, area=tree.h1)
    assert numbers(login(client, actors.community).get(BOARD)) == [mine.number]
    client.logout()
    assert numbers(login(client, actors.other_street).get(BOARD)) == [theirs.number]


def test_suspected_duplicates_are_shown_beside_new_cases(client, categories, actors, tree):
    first = new_case(categories, tree, lat=29.4010, lng=106.5010)
    second = new_case(categories, tree, lat=29.4012, lng=106.5011)   # ~25 m away
    far = new_case(categories, tree, lat=29.4019, lng=106.5019)      # ~130 m away
    other_kind = new_case(categories, tree, category=categories.wiring, lat=29.4010, lng=106.5010)
    response = login(client, actors.community).get(BOARD)
    rows = {c.number: [d.number for d in c.suspected] for c in response.context["page"].rows}
    assert rows[first.number] == [second.number] and rows[second.number] == [first.number]
    assert rows[far.number] == [] and rows[other_kind.number] == []
    assert f'href="/cases/{second.number}/"' in response.content.decode()


def test_page_duplicates_agree_with_the_services_rule(categories, actors, tree):
    cases = [new_case(categories, tree, lat=29.4010 + i * 0.0002, lng=106.5010) for i in range(5)]
    batch = duplicates_for(cases, actors.community)
    for c in cases:
        assert sorted(d.pk for d in batch[c.pk]) == sorted(
            d.pk for d in suspected_duplicates(c.category, c.lat, c.lng, exclude=c.pk))


def test_bulk_accept_and_dispatch_reports_each_case(client, categories, actors, tree):
    a, b = new_case(categories, tree), new_case(categories, tree)
    done = set_state(new_case(categories, tree), Status.ACCEPTED)     # cannot be accepted again
    outside = new_case(categories, tree, area=tree.h1)                # another street: not found
    response = login(client, actors.community).post(
        BOARD, {"op": "accept_dispatch", "case": [a.pk, b.pk, done.pk, outside.pk]})
    assert response.status_code == 200
    results = {r.number: r for r in response.context["results"]}
    assert results[a.number].ok and results[b.number].ok
    assert not results[done.number].ok and results[done.number].message
    assert not results[f"#{outside.pk}"].ok
    for case in (a, b):
        case.refresh_from_db()
        assert case.status == Status.DISPATCHED and case.handler_area == tree.g1
        assert list(case.events.values_list("action", flat=True)) == ["report", "accept", "dispatch"]
    done.refresh_from_db()
    outside.refresh_from_db()
    assert done.status == Status.ACCEPTED and outside.status == Status.REPORTED


def test_bulk_dispatch_to_a_department(client, categories, actors, tree):
    cases = [new_case(categories, tree) for _ in range(3)]
    for c in cases:
        transition(c, "accept", actors.community)
    response = login(client, actors.community).post(
        BOARD + "?tab=unassigned", {"op": "dispatch", "level": "department", "department": tree.dept.pk,
                                    "case": [c.pk for c in cases]})
    assert all(r.ok for r in response.context["results"])
    assert set(Case.objects.values_list("level", "handler_department", "status")) == {
        (HandlerLevel.DEPARTMENT, tree.dept.pk, Status.DISPATCHED)}


def test_one_failing_case_does_not_undo_the_others(client, categories, actors, tree):
    ok = new_case(categories, tree)
    no_dept = new_case(categories, tree, category=categories.wiring)
    response = login(client, actors.community).post(
        BOARD, {"op": "accept_dispatch", "case": [ok.pk, no_dept.pk], "level": "street"})
    assert [r.ok for r in response.context["results"]] == [True, True]
    response = client.post(BOARD, {"op": "accept", "case": [ok.pk, no_dept.pk]})
    assert [r.ok for r in response.context["results"]] == [False, False]
    ok.refresh_from_db()
    assert ok.status == Status.DISPATCHED and ok.level == HandlerLevel.STREET


def test_bulk_without_selection_or_with_bad_input_is_a_clear_error(client, actors, categories, tree):
    case = new_case(categories, tree)
    login(client, actors.community)
    response = client.post(BOARD, {"op": "accept"})
    assert response.status_code == 400 and response.context["error"]
    response = client.post(BOARD, {"op": "explode", "case": [case.pk]})
    assert response.status_code == 400
    response = client.post(BOARD, {"op": "accept", "case": ["abc", "-3"]})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Status.REPORTED


def test_grid_worker_cannot_bulk_dispatch(client, actors, categories, tree):
    case = new_case(categories, tree)
    assert login(client, actors.worker).post(BOARD, {"op": "accept", "case": [case.pk]}).status_code == 403
    case.refresh_from_db()
    assert case.status == Status.REPORTED


@pytest.mark.parametrize("n", [5, 40])
def test_board_query_count_does_not_grow(client, categories, actors, tree, n, django_assert_max_num_queries):
    for i in range(n):
        new_case(categories, tree, lat=29.4010 + (i % 4) * 0.0001, lng=106.5010)
    login(client, actors.community)
    with django_assert_max_num_queries(11):
        response = client.get(BOARD)
    assert len(response.context["page"].rows) == min(n, 30)
