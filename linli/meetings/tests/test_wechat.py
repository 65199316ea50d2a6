"""The WeChat paste splitter on real-looking copies, and the category suggestion (and its API)."""

import datetime as dt

import pytest
from django.urls import reverse

from linli.cases.suggest import suggest
from linli.meetings.wechat import PasteError, mentions, number, split

TODAY = dt.date(2026, 3, 4)

PHONE_COPY = """张阿姨 2026/3/4 08:12
3栋2单元楼道堆满纸箱，消防通道都堵了

老李 08:15
七号楼的飞线又拉下来了，给电瓶车充电
[图片]

老李撤回了一条消息
王姐🌸 下午 3:05
大家商量一下加装电梯的事吧
费用怎么分摊？"""

STAMPED_COPY = """[2026-03-03 21:40] 张阿姨：三幢楼下垃圾桶满了，臭得很
[2026-03-04 08:20] 老李：路灯不亮
晚上太黑了"""

PLAIN_COPY = """张阿姨：3栋2单元楼道堆满纸箱
老李：7号楼门口井盖没了"""


@pytest.mark.django_db
def test_phone_copy_is_split_by_sender_and_time():
    messages = split(PHONE_COPY, today=TODAY)
    assert [m.nickname for m in messages] == ["张阿姨", "老李", "王姐🌸"]
    first, second, third = messages
    assert (first.at.date(), first.at.hour, first.at.minute) == (TODAY, 8, 12)
    assert (second.at.date(), second.at.hour) == (TODAY, 8)  # time only: today
    assert third.at.hour == 15  # 下午 3:05
    assert first.place == "3栋2单元" and second.place == "7栋" and third.place == ""
    assert second.text == "七号楼的飞线又拉下来了，给电瓶车充电"  # the image placeholder dropped
    assert third.text == "大家商量一下加装电梯的事吧\n费用怎么分摊？"  # two lines, one message
    assert (first.kind, second.kind, third.kind) == ("case", "case", "topic")
    assert first.suggestions[0].code == "occupied-common-area"
    assert second.suggestions[0].code == "wiring"
    assert third.suggestions[0].code == "lift-installation"


@pytest.mark.django_db
def test_stamped_and_plain_copies():
    stamped = split(STAMPED_COPY, today=TODAY)
    assert [(m.nickname, m.at.day, m.place) for m in stamped] == [("张阿姨", 3, "3栋"), ("老李", 4, "")]
    assert stamped[1].text == "路灯不亮\n晚上太黑了"
    plain = split(PLAIN_COPY, today=TODAY)
    assert [(m.nickname, m.at, m.place) for m in plain] == [("张阿姨", None, "3栋2单元"), ("老李", None, "7栋")]


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["", "   \n  ", "只是一段没有发送人的文字", "[图片]\n[表情]", "张三 10:00\n[图片]"])
def test_empty_or_malformed_paste_gets_a_clear_message(raw):
    with pytest.raises(PasteError) as exc:
        split(raw, today=TODAY)
    assert exc.value.messages and exc.value.messages[0]


@pytest.mark.django_db
def test_too_long_or_too_many():
    with pytest.raises(PasteError):
        split("张三：" + "长" * 30_000, today=TODAY)
    with pytest.raises(PasteError):
        split("\n".join(f"用户{i}：第{i}条消息楼道堆物" for i in range(150)), today=TODAY)


@pytest.mark.django_db
def test_impossible_dates_keep_the_message_without_a_time():
    messages = split("张三 2026/2/30 10:00\n楼道灯坏了", today=TODAY)
    assert messages[0].at is None and messages[0].text == "楼道灯坏了"


def test_numbers_and_mentions():
    assert [number(n) for n in ("3", "三", "十", "十二", "二十三", "两", "７", "零", "三十三十")] == [
        3, 3, 10, 12, 23, 2, 7, None, None]
    assert mentions("三幢2单元漏水") == (3, 2)
    assert mentions("住五楼的老人") == (None, None)  # 五楼 is a floor, not a building
    assert mentions("12号楼和3单元") == (12, 3)


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["", "   ", "hello world", "😀" * 100, "楼道" * 50_000, "<script>x</script>",
                                  "1234", "\x00"])
def test_suggestion_never_fails(text):
    result = suggest(text)
    assert isinstance(result, list) and len(result) <= 5
    assert all(0 < s.score <= 1 for s in result)
    assert [s.score for s in result] == sorted((s.score for s in result), reverse=True)


# --- the paste page --------------------------------------------------------------------------------------------

def _split(client, paste, area, group="一网格7栋住户群"):
    return client.post(reverse("meetings:wechat"), {"step": "split", "group": group, "area": area.pk,
                                                    "paste": paste})


def _rows(response) -> list[dict]:
    formset = response.context["formset"]
    return [{**f.initial} for f in formset.forms]


def _confirm(client, rows, group="一网格7栋住户群"):
    data = {"step": "confirm", "group": group, "form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows),
            "form-MIN_NUM_FORMS": 0, "form-MAX_NUM_FORMS": 100}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{i}-{key}"] = "" if value is None else value
    return client.post(reverse("meetings:wechat"), data)


@pytest.mark.django_db
def test_paste_then_confirm_files_cases_and_topics(client, people, tree, running):
    from linli.cases.models import Case, CaseEvent, Channel
    from linli.places.models import Building

    Building.objects.create(grid=tree.g2, name="7栋")
    client.force_login(people.staff)
    assert client.get(reverse("meetings:wechat")).status_code == 200
    response = _split(client, PHONE_COPY, tree.comm_a1)
    assert response.status_code == 200
    rows = _rows(response)
    assert [r["action"] for r in rows] == ["case", "case", "topic"]
    assert rows[1]["area"] == tree.g2.pk and rows[1]["address"] == "7栋"  # 七号楼 is 二网格's 7栋
    assert Case.objects.count() == 0  # nothing before the confirmation
    rows[0]["area"] = tree.g1.pk
    rows[2]["meeting"] = running.pk
    response = _confirm(client, rows)
    assert response.status_code == 200 and "data-case" in response.content.decode()
    cases = list(Case.objects.filter(channel=Channel.WECHAT).order_by("pk"))
    assert [c.area for c in cases] == [tree.g1, tree.g2]
    assert cases[0].channel_ref == "一网格7栋住户群：张阿姨（03-04 08:12）" and cases[0].reporter is None
    assert cases[1].category.code == "wiring" and cases[1].address == "7栋"
    report = CaseEvent.objects.get(case=cases[0], action="report")
    assert report.data["entered_by"] == people.staff.pk
    topic = running.items.get()
    assert topic.title == "大家商量一下加装电梯的事吧" and "：王姐🌸（" in topic.channel_ref
    # the nickname is never on the public pages
    public = client.get(reverse("cases:public_list")).content.decode()
    assert "张阿姨" not in public


@pytest.mark.django_db
def test_paste_errors_change_nothing(client, people, tree):
    from linli.cases.models import Case

    client.force_login(people.staff)
    for paste in ("", "没有发送人的一段话", "x" * 20_001):
        response = _split(client, paste, tree.comm_a1)
        assert response.status_code == 200 and 'role="alert"' in response.content.decode(), paste
    response = _split(client, PHONE_COPY, tree.comm_b1)  # a community outside the user's scope
    assert 'role="alert"' in response.content.decode() and "formset" not in response.context
    rows = _rows(_split(client, PHONE_COPY, tree.comm_a1))
    rows[2]["action"] = "topic"  # a topic without a meeting
    rows[0]["category"] = ""     # a case without a category
    response = _confirm(client, rows)
    assert response.status_code == 200 and response.content.decode().count('role="alert"') >= 2
    rows = _rows(_split(client, PHONE_COPY, tree.comm_a1))
    rows[0]["area"] = tree.h1.pk  # a grid outside the user's units
    rows[2]["action"] = "skip"
    response = _confirm(client, rows)
    assert 'role="alert"' in response.content.decode()
    rows[0]["area"] = tree.g1.pk
    rows[1]["text"] = "<script>alert(1)</script>"
    response = _confirm(client, rows)
    assert 'role="alert"' in response.content.decode()
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_paste_page_is_for_intake_roles_only(client, people):
    client.force_login(people.resident)
    assert client.get(reverse("meetings:wechat")).status_code == 404
    assert client.post(reverse("meetings:wechat"), {"step": "split", "paste": PHONE_COPY}).status_code == 404


@pytest.mark.django_db
def test_split_step_queries_do_not_grow_with_the_messages(client, people, tree, django_assert_max_num_queries):
    client.force_login(people.staff)
    paste = "\n".join(f"用户{i}：{i % 9 + 1}栋楼道堆满杂物" for i in range(40))
    _split(client, "张三：楼道灯坏了", tree.comm_a1)  # warm the suggestion model
    with django_assert_max_num_queries(20):
        response = _split(client, paste, tree.comm_a1)
    assert len(response.context["formset"].forms) == 40
