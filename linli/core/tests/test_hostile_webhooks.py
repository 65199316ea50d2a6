"""Hostile text in group-robot webhooks: a category or grid named with HTML, markdown links or control
characters reaches the WeCom/DingTalk payload as plain text (no tag, no link, one line); the description,
where a reporter's script would sit, never goes out at all."""

from __future__ import annotations

import json

import pytest

from linli.cases.models import Webhook
from linli.cases.services import file_case, transition
from linli.core.tests.reliability import check

NAMES = {
    "script": "<script>alert(1)</script>",
    "font tag": '<font color="warning">紧急</font>',
    "markdown link": "[点我领奖](http://evil.example/)",
    "markdown image": "![x](http://evil.example/x.png)",
    "heading and bold": "# 重要\n**全体注意**",
    "line breaks": "井盖\r\n\r\n> 引用",
}
MARKUP = ("<", ">", "[", "]", "**", "\n#", "\n>")


@pytest.mark.parametrize("kind", ["wecom", "dingtalk"])
@pytest.mark.parametrize("name", NAMES)
def test_robot_payloads_carry_names_as_plain_text(categories, actors, tree, robot, kind, name,
                                                 django_capture_on_commit_callbacks):
    url, received = robot
    Webhook.objects.create(kind=kind, url=url, area=tree.comm_a1)
    categories.manhole.name = NAMES[name][:50]
    categories.manhole.save()
    tree.g1.name = NAMES[name][:50]
    tree.g1.save()
    case = file_case(category=categories.manhole, channel="h5", description="<script>alert('desc')</script>",
                     reporter=actors.reporter, area=tree.g1)
    with django_capture_on_commit_callbacks(execute=True):
        transition(case, "accept", actors.community)
        transition(case, "dispatch", actors.community)
    body = received[0]["markdown"]
    headline, _, rest = (body.get("content") or body["text"]).partition("\n\n")  # "**headline**", then plain lines
    plain = [headline.removeprefix("**").removesuffix("**"), rest, body.get("title", "")]
    ok = (len(received) == 1 and case.number in headline and not any(m in t for t in plain for m in MARKUP)
          and "desc" not in json.dumps(received[0], ensure_ascii=False))
    assert check("hostile", f"webhook {kind}: {name}", ok), received
