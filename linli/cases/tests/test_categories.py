import re

import pytest
from django.core.management import call_command

from linli.cases.admin import CategoryForm
from linli.cases.models import Category, Holiday

from .intake_helpers import *  # noqa: F403


def test_seeded_catalogue_has_two_levels_with_codes_levels_and_deadlines(db):
    tops = Category.objects.filter(parent__isnull=True)
    assert {"公用设施", "道路交通", "园林绿化", "房屋土地", "宣传广告", "施工管理", "街面秩序", "突发事件"} <= set(
        tops.values_list("name", flat=True))
    leaves = Category.objects.filter(parent__isnull=False).select_related("parent")
    assert all(leaf.parent.parent_id is None and leaf.kind == leaf.parent.kind for leaf in leaves)
    assert all(re.fullmatch(r"[a-z0-9-]+", c.code) for c in Category.objects.all())
    assert all(leaf.accept_hours >= 1 and leaf.resolve_days >= 1 for leaf in leaves)
    assert all(leaf.handler_level in ("grid", "community", "street") for leaf in leaves)
    names = set(leaves.values_list("name", flat=True))
    for name in ("井盖", "路灯", "消防栓", "坑洼", "垃圾箱", "行道树", "暴露垃圾", "卫生黑点", "占道经营", "乱停放",
                 "停车位", "骑手防暑", "公共区域占用", "线路杂乱/飞线", "加装电梯", "树木修剪", "外墙隐患", "高空抛物"):
        assert name in names
    assert Category.objects.get(code="manhole").handler_level == "grid"


def form(**overrides):
    data = {"kind": "component", "code": "bench", "name": "座椅", "handler_level": "grid", "accept_hours": 2,
            "resolve_days": 3, "active": True, "order": 1,
            "parent": Category.objects.get(code="gb-component-public").pk}
    data.update(overrides)
    return CategoryForm(data=data)


def test_admin_form_accepts_a_valid_category(db):
    assert form().is_valid()


@pytest.mark.parametrize("overrides,field", [
    ({"parent": "manhole"}, "parent"),          # a third level
    ({"kind": "event"}, "kind"),               # kind differs from the parent's
    ({"handler_level": "department"}, "department"),
    ({"code": "井盖"}, "code"),                 # Open311 codes are ASCII
    ({"code": "manhole"}, "code"),              # unique
    ({"accept_hours": 0}, "accept_hours"),
])
def test_admin_form_refuses_bad_categories(db, overrides, field):
    if overrides.get("parent") == "manhole":
        overrides["parent"] = Category.objects.get(code="manhole").pk
    f = form(**overrides)
    assert not f.is_valid() and field in f.errors


def test_holidays_command_loads_the_official_calendar(db):
    call_command("holidays", "--year", "2025")
    national_day = Holiday.objects.get(date="2025-10-01")
    assert not national_day.is_workday and Holiday.objects.filter(is_workday=True).exists()


def test_admin_pages_open_for_a_superuser(client, tree, django_user_model):
    admin_user = django_user_model.objects.create_superuser("root", password="correct-horse-9")
    client.force_login(admin_user)
    for url in ("/admin/cases/category/", "/admin/cases/category/1/change/", "/admin/cases/case/",
                "/admin/cases/casephoto/", "/admin/cases/holiday/", "/admin/cases/webhook/",
                "/admin/cases/message/", "/admin/cases/streetcasesettings/add/"):
        assert client.get(url).status_code == 200, url
