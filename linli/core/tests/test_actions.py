"""The POST helpers every app's views share: a refusal changes nothing and is told; success is told once."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory

from linli.core.actions import act, handle
from linli.core.paging import page_links


class AmountForm(forms.Form):
    amount = forms.IntegerField(label="金额", min_value=1)


def post(data: dict):
    request = RequestFactory().post("/x/", data)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def told(request) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def test_act_refuses_an_invalid_form_naming_the_field_and_runs_nothing():
    ran = []
    request = post({"amount": "-3"})
    response = act(request, AmountForm(request.POST), ran.append, back="/back/", done="好")
    assert response.status_code == 302 and response["Location"] == "/back/"
    assert ran == []
    [(level, text)] = told(request)
    assert level == "error" and text.startswith("金额")


def test_act_turns_a_refusal_into_an_error_and_goes_back():
    def refuse(_data):
        raise ValidationError("库存不足")

    request = post({"amount": "2"})
    response = act(request, AmountForm(request.POST), refuse, back="/back/", done="好")
    assert response["Location"] == "/back/"
    assert told(request) == [("error", "库存不足")]


def test_act_tells_the_result_and_goes_where_the_result_says():
    request = post({"amount": "2"})
    response = act(request, AmountForm(request.POST), lambda data: data["amount"] * 10, back="/back/",
                    done=lambda n: f"共 {n}", then=lambda n: f"/item/{n}/")
    assert response["Location"] == "/item/20/"
    assert told(request) == [("success", "共 20")]


def test_handle_puts_a_refusal_on_the_form_and_renders_the_page():
    def refuse(_data):
        raise ValidationError("已关闭")

    request = post({"amount": "2"})
    form = AmountForm(request.POST)
    assert handle(request, form, refuse, then=lambda _r: "/next/", done="好") is None
    assert form.non_field_errors() == ["已关闭"]
    assert told(request) == []


def test_handle_hides_a_permission_refusal_as_404_unless_a_field_is_named():
    def deny(_data):
        raise PermissionDenied("无权")

    request = post({"amount": "2"})
    with pytest.raises(Http404):
        handle(request, AmountForm(request.POST), deny, then=lambda _r: "/next/")
    form = AmountForm(request.POST)
    assert handle(request, form, deny, then=lambda _r: "/next/", denied="amount") is None
    assert form.errors["amount"] == ["无权"]


def test_handle_on_a_get_renders_the_page():
    request = RequestFactory().get("/x/")
    assert handle(request, AmountForm(), lambda _d: 1 / 0, then=lambda _r: "/next/") is None


def test_page_links_keeps_the_filters_and_pages_by_key(tree):
    from linli.places.models import Area

    rows = Area.objects.all()
    assert rows.count() > 4
    first = page_links(rows, RequestFactory().get("/", {"q": "x"}), {"q": "x", "empty": ""}, size=2)
    assert len(first["items"]) == 2 and first["first_url"] is None
    assert first["next_url"].startswith("?q=x&after=") and "empty" not in first["next_url"]
    after = first["next_url"].split("after=")[1]
    second = page_links(rows, RequestFactory().get("/", {"after": after}), {"q": "x"}, size=2)
    assert {a.pk for a in second["items"]}.isdisjoint(a.pk for a in first["items"])
    assert second["first_url"] == "?q=x"
