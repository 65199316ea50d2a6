import json

import pytest

from linli.cases import notifications, tasks
from linli.cases.models import Message, Webhook
from linli.cases.services import file_case, transition


@pytest.fixture
def case(categories, actors, tree):
    return file_case(category=categories.manhole, channel="h5", description="井盖", reporter=actors.reporter,
                     area=tree.g1)


def test_dispatch_tells_the_grid_workers_in_site(case, actors, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        transition(case, "accept", actors.community)
        transition(case, "dispatch", actors.community)
    workers = set(Message.objects.filter(case=case).values_list("recipient__username", flat=True))
    assert {"worker", "worker2"} <= workers and "other" not in workers


def test_reporter_hears_when_resolved_and_not_about_own_report(case, actors, django_capture_on_commit_callbacks):
    from linli.cases.models import CasePhoto

    with django_capture_on_commit_callbacks(execute=True):
        transition(case, "accept", actors.community)
        transition(case, "dispatch", actors.community)
        p = CasePhoto.objects.create(case=case, kind="result", image="x.jpg",
                                     uuid="00000000-0000-0000-0000-000000000001")
        transition(case, "resolve", actors.worker, note="已修复", photos=[p])
    texts = list(Message.objects.filter(recipient=actors.reporter).values_list("text", flat=True))
    assert any(case.number in t for t in texts)
    # The worker who resolved it is not told about their own step.
    resolve_msgs = Message.objects.filter(recipient=actors.worker, case=case).count()
    assert resolve_msgs == 1  # only the dispatch


def test_webhook_of_the_community_gets_wecom_markdown_without_personal_data(
        case, actors, tree, robot, django_capture_on_commit_callbacks):
    url, received = robot
    Webhook.objects.create(kind="wecom", url=url, area=tree.comm_a1)
    Webhook.objects.create(kind="dingtalk", url=url, area=tree.street_b)  # another street: silent
    with django_capture_on_commit_callbacks(execute=True):
        transition(case, "accept", actors.community)
        transition(case, "dispatch", actors.community)
    assert len(received) == 1
    body = received[0]
    assert body["msgtype"] == "markdown" and case.number in body["markdown"]["content"]
    assert "rider" not in json.dumps(body, ensure_ascii=False)


def test_dingtalk_payload_has_title_and_text(case, tree):
    hook = Webhook(kind="dingtalk", url="http://127.0.0.1/x", area=tree.comm_a1)
    data = notifications.payload(hook, case, "标题")
    assert data["markdown"]["title"] == "标题" and "text" in data["markdown"]


def test_failing_webhook_is_retried_with_backoff_and_never_raises(tree, monkeypatch):
    hook = Webhook.objects.create(kind="wecom", url="http://127.0.0.1:9/unreachable", area=tree.comm_a1)
    scheduled = []
    monkeypatch.setattr(tasks.post_webhook, "schedule", lambda args, delay: scheduled.append((args, delay)))
    tasks.post_webhook(hook.pk, {"msgtype": "text"})  # connection refused: no exception
    assert scheduled == [((hook.pk, {"msgtype": "text"}, 1), 30)]
    scheduled.clear()
    tasks.post_webhook(hook.pk, {"msgtype": "text"}, 4)  # the last attempt gives up quietly
    assert scheduled == []


def test_backoff_doubles():
    assert [notifications.backoff_seconds(a) for a in range(4)] == [30, 60, 120, 240]


def test_webhook_deadline_is_shown_in_the_configured_zone(case, tree):
    import datetime as dt

    case.resolve_due = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)  # 09:00 in Chongqing
    hook = Webhook(kind="wecom", url="http://127.0.0.1/x", area=tree.comm_a1)
    content = notifications.payload(hook, case, "标题")["markdown"]["content"]
    assert "2026-01-05 09:00" in content and "01:00" not in content


def test_each_message_to_the_reporter_names_its_own_step(case, actors, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # both steps commit before the worker runs
        transition(case, "accept", actors.community)
        transition(case, "dispatch", actors.community)
    texts = list(Message.objects.filter(recipient=actors.reporter).order_by("id").values_list("text", flat=True))
    assert len(texts) == 2 and texts[0] != texts[1]
