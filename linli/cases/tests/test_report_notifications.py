"""A new report reaches its handlers: in-site messages and the group robot, once the filing commits, and
once only however often the same submit is retried (the phone page and the hotline; Open311 in its own tests)."""

import uuid

import pytest
from django.db import transaction

from linli.cases.models import Case, Category, Message, Webhook
from linli.cases.services import file_case

from .intake_helpers import *  # noqa: F403
from .intake_helpers import INSIDE_G1, login


@pytest.fixture
def manhole(db):
    return Category.objects.get(code="manhole")


@pytest.fixture
def handlers(tree, make_user, robot):
    """The two grid workers of g1, a grid worker elsewhere, and the community's WeCom robot."""
    url, received = robot
    Webhook.objects.create(kind="wecom", url=url, area=tree.comm_a1)
    return {"workers": [make_user("worker", "grid_worker", tree.g1), make_user("worker2", "grid_worker", tree.g1)],
            "outsider": make_user("other", "grid_worker", tree.g2), "received": received}


def told(case: Case) -> set[str]:
    return set(Message.objects.filter(case=case).values_list("recipient__username", flat=True))


def test_phone_report_tells_the_grid_workers_and_the_robot_once(
        client, tree, make_user, manhole, handlers, django_capture_on_commit_callbacks):
    login(client, make_user("rider", home=tree.g1))
    data = {"category": manhole.pk, "description": "井盖破了", "lat": INSIDE_G1[0], "lng": INSIDE_G1[1],
            "client_token": str(uuid.uuid4())}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/cases/report/", data).status_code == 302
    case = Case.objects.get()
    assert told(case) == {"worker", "worker2"}
    assert len(handlers["received"]) == 1 and case.number in handlers["received"][0]["markdown"]["content"]
    with django_capture_on_commit_callbacks(execute=True):  # the phone lost the answer and sends it again
        assert client.post("/cases/report/", data).status_code == 302
    assert Case.objects.count() == 1 and Message.objects.filter(case=case).count() == 2
    assert len(handlers["received"]) == 1


def test_hotline_case_tells_the_grid_workers_and_the_robot(
        client, tree, make_user, manhole, handlers, django_capture_on_commit_callbacks):
    login(client, make_user("hotline", "hotline_duty", tree.street_a))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/cases/new/", {"channel": "hotline", "category": manhole.pk,
                                               "description": "来电：井盖松动", "caller_name": "王阿姨",
                                               "callback_phone": "023-6288 1234", "area": tree.g1.pk})
    assert response.status_code == 302
    case = Case.objects.get()
    assert told(case) == {"worker", "worker2"} and len(handlers["received"]) == 1
    # The robot's message carries the case, never the caller.
    assert "王阿姨" not in str(handlers["received"][0]) and "62881234" not in str(handlers["received"][0])


def test_grid_worker_filing_on_patrol_is_not_told_about_own_report(
        tree, manhole, handlers, django_capture_on_commit_callbacks):
    worker = handlers["workers"][0]
    with django_capture_on_commit_callbacks(execute=True):
        case = file_case(category=manhole, channel="patrol", description="巡查发现", reporter=worker,
                         area=tree.g1)
    assert told(case) == {"worker2"}


def test_nobody_is_told_before_the_filing_commits_nor_when_it_rolls_back(
        tree, manhole, handlers, django_capture_on_commit_callbacks):
    class Abandoned(Exception):
        pass

    # e.g. a photo fails to save after the case was filed
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Abandoned), \
            transaction.atomic():
        file_case(category=manhole, channel="h5", description="井盖", area=tree.g1, client_token="t-1")
        assert Message.objects.count() == 0  # still inside the transaction
        raise Abandoned
    assert callbacks == [] and Case.objects.count() == 0
    assert Message.objects.count() == 0 and handlers["received"] == []


def test_retried_filing_with_the_same_token_tells_nobody_again(
        tree, manhole, handlers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as first:
        file_case(category=manhole, channel="h5", description="井盖", area=tree.g1, client_token="t-2")
    with django_capture_on_commit_callbacks(execute=True) as again:
        file_case(category=manhole, channel="h5", description="井盖", area=tree.g1, client_token="t-2")
    assert len(first) == 1 and len(again) == 0
    assert Message.objects.count() == 2 and len(handlers["received"]) == 1
