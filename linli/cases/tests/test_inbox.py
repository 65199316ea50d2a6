"""Handler inbox: the cases a user can act on as handler or verifier, most urgent first, in scope."""

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.cases.models import Case, HandlerLevel, Status
from linli.cases.queries import InboxFilters, inbox_page
from linli.cases.services import transition
from linli.conftest import PASSWORD

from .desk_support import URLCONF, add_photo, new_case, set_state

pytestmark = pytest.mark.urls(URLCONF)
INBOX = "/cases/inbox/"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def numbers(response):
    return [c.number for c in response.context["page"].rows]


@pytest.fixture
def dispatched(categories, actors, tree):
    case = new_case(categories, tree, actors.reporter)
    transition(case, "accept", actors.community)
    transition(case, "dispatch", actors.community)
    case.refresh_from_db()
    return case


def test_inbox_url_is_cases_inbox():
    assert reverse("cases:inbox") == INBOX


def test_grid_worker_sees_dispatched_case_of_own_grid(client, actors, dispatched):
    response = login(client, actors.worker).get(INBOX)
    assert response.status_code == 200
    assert numbers(response) == [dispatched.number]
    assert dispatched.number in response.content.decode()


def test_grid_worker_of_other_grid_does_not_see_it(client, actors, dispatched):
    response = login(client, actors.other_worker).get(INBOX)
    assert numbers(response) == []
    assert dispatched.number not in response.content.decode()
    assert "empty" in response.content.decode()


def test_new_case_not_yet_dispatched_is_not_in_handler_inbox(client, categories, actors, tree):
    case = new_case(categories, tree, actors.reporter)
    response = login(client, actors.worker).get(INBOX)
    assert case.number not in numbers(response)


def test_department_handler_sees_the_department_cases(client, categories, actors, tree):
    case = new_case(categories, tree, actors.reporter, category=categories.wall)
    transition(case, "accept", actors.community)
    transition(case, "dispatch", actors.community)
    case.refresh_from_db()
    assert case.level == HandlerLevel.DEPARTMENT
    assert numbers(login(client, actors.dept).get(INBOX)) == [case.number]
    client.logout()
    assert numbers(login(client, actors.worker).get(INBOX)) == []


def test_department_inbox_counts_the_cases_waiting_there(client, categories, actors, tree):
    """A department handler verifies nothing: the empty verify condition must not zero the other counts."""
    for supervised in (False, True):
        case = new_case(categories, tree, actors.reporter, category=categories.wall)
        transition(case, "accept", actors.community)
        transition(case, "dispatch", actors.community)
        Case.objects.filter(pk=case.pk).update(supervised=supervised)
    response = login(client, actors.dept).get(INBOX)
    assert len(numbers(response)) == 2
    assert response.context["counts"] == {"handle": 2, "verify": 0, "overdue": 0, "supervised": 1}
    assert "<span class=\"badge\">2</span>" in response.content.decode()


def test_inbox_puts_overdue_first_then_supervised_then_nearest_deadline(client, categories, actors, tree):
    now = timezone.now()
    late = set_state(new_case(categories, tree), resolve_due=now - timezone.timedelta(days=2), overdue=True)
    supervised = set_state(new_case(categories, tree), resolve_due=now + timezone.timedelta(days=5),
                           supervised=True)
    soon = set_state(new_case(categories, tree), resolve_due=now + timezone.timedelta(hours=3))
    later = set_state(new_case(categories, tree), resolve_due=now + timezone.timedelta(days=4))
    response = login(client, actors.worker).get(INBOX)
    assert numbers(response) == [late.number, supervised.number, soon.number, later.number]
    html = response.content.decode()
    assert "已超期 2 天" in html or "2 days overdue" in html


def test_inbox_filters_by_status_category_overdue_and_supervision(client, categories, actors, tree):
    started = set_state(new_case(categories, tree), Status.IN_PROGRESS)
    late = set_state(new_case(categories, tree), overdue=True)
    watched = set_state(new_case(categories, tree), supervised=True)
    wiring = set_state(new_case(categories, tree, category=categories.wiring), handler_area=tree.g1)
    login(client, actors.worker)
    assert numbers(client.get(INBOX, {"status": "in_progress"})) == [started.number]
    assert numbers(client.get(INBOX, {"overdue": "1"})) == [late.number]
    assert numbers(client.get(INBOX, {"supervised": "1"})) == [watched.number]
    assert numbers(client.get(INBOX, {"category": categories.wiring.pk})) == [wiring.number]


def test_bad_filters_and_cursor_are_ignored_not_errors(client, actors, dispatched):
    response = login(client, actors.worker).get(INBOX, {"status": "<x>", "category": "abc", "after": "1_x_<>",
                                                      "tab": "nope"})
    assert response.status_code == 200
    assert numbers(response) == [dispatched.number]


def test_keyset_pages_walk_every_case_once(client, categories, actors, tree):
    now = timezone.now()
    cases = [set_state(new_case(categories, tree), resolve_due=now + timezone.timedelta(hours=i % 7),
                       overdue=i % 5 == 0, supervised=i % 3 == 0) for i in range(25)]
    seen, after = [], None
    for _ in range(5):
        page = inbox_page(actors.worker, InboxFilters(), after=after, size=7)
        seen += [c.number for c in page.rows]
        after = page.next_cursor
        if after is None:
            break
    assert sorted(seen) == sorted(c.number for c in cases) and len(seen) == len(set(seen))
    response = login(client, actors.worker).get(INBOX)
    assert "after=" in response.content.decode()  # 25 cases: a second page


def test_verify_tab_lists_resolved_cases_but_not_to_the_resolver(client, categories, actors, dispatched):
    transition(dispatched, "resolve", actors.worker, note="已更换", photos=[add_photo(dispatched, "result")])
    login(client, actors.worker2)
    assert numbers(client.get(INBOX, {"tab": "verify"})) == [dispatched.number]
    client.logout()
    login(client, actors.worker)
    assert numbers(client.get(INBOX, {"tab": "verify"})) == []
    assert numbers(client.get(INBOX)) == []


def test_counts_per_tab(client, categories, actors, tree, dispatched):
    set_state(new_case(categories, tree), Status.RESOLVED, overdue=True)
    set_state(new_case(categories, tree), Status.IN_PROGRESS, supervised=True)
    response = login(client, actors.worker).get(INBOX)
    assert response.context["counts"] == {"handle": 2, "verify": 1, "overdue": 1, "supervised": 1}


def test_resident_without_role_gets_an_empty_inbox(client, actors, dispatched):
    response = login(client, actors.reporter).get(INBOX)
    assert response.status_code == 200 and numbers(response) == []


def test_anonymous_is_sent_to_login(client):
    response = client.get(INBOX)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("n", [5, 40])
def test_inbox_query_count_does_not_grow_with_cases(client, categories, actors, tree, n,
                                                    django_assert_max_num_queries):
    for i in range(n):
        set_state(new_case(categories, tree, category=categories.wiring if i % 2 else None),
                  overdue=i % 4 == 0, handler_area=tree.g1)
    login(client, actors.worker)
    with django_assert_max_num_queries(10):
        response = client.get(INBOX)
    assert len(response.context["page"].rows) == min(n, 20)
    assert Case.objects.count() == n
