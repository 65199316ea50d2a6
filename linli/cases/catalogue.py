"""The seeded two-level category catalogue.

Top levels follow GB/T 30428.2 (数字化城市管理信息系统 部件和事件): components (部件) and events (事件),
plus the neighbourhood concerns named in the article.  Codes are ASCII slugs and double as the Open311
``service_code``.  Levels: grid, community or street; department-level categories are set per install in the
admin (departments differ), so they start at street level.  Hours are working hours to accept, days are
working days to resolve.  Migration 0002 seeds it; the demo loader seeds again whatever is missing (a test
database flushed between tests loses migration data).
"""

from __future__ import annotations

from typing import Any

# (code, name, kind, [(code, name, level, accept_hours, resolve_days, description), ...])
CATALOGUE = [
    ("gb-component-public", "公用设施", "component", [
        ("manhole", "井盖", "grid", 2, 3, "井盖缺失、破损、移位"),
        ("street-light", "路灯", "street", 2, 5, "路灯不亮、灯杆倾斜"),
        ("fire-hydrant", "消防栓", "street", 2, 3, "消防栓损坏、漏水、被圈占"),
        ("utility-box", "电力通信设施", "street", 2, 5, "电箱、通信交接箱破损或开门"),
    ]),
    ("gb-component-road", "道路交通", "component", [
        ("road-damage", "道路破损", "street", 2, 5, "路面破损、人行道砖松动"),
        ("pothole", "坑洼", "street", 2, 3, "路面坑洼、积水"),
        ("traffic-sign", "交通标志", "street", 2, 5, "交通标志、标线缺损"),
        ("guardrail", "护栏", "street", 2, 5, "护栏、隔离墩损坏"),
    ]),
    ("gb-component-environment", "市容环境设施", "component", [
        ("litter-bin", "垃圾箱", "grid", 2, 2, "垃圾箱破损、满溢"),
        ("public-toilet", "公厕", "community", 2, 3, "公厕设施损坏、不洁"),
    ]),
    ("gb-component-greening", "园林绿化", "component", [
        ("street-tree", "行道树", "street", 2, 5, "行道树倒伏、枯死、缺株"),
        ("green-space", "绿地", "community", 2, 5, "绿地被毁、黄土裸露"),
    ]),
    ("gb-component-housing", "房屋土地", "component", [
        ("dangerous-house", "危房", "street", 2, 3, "房屋开裂、倾斜等安全隐患"),
        ("idle-land", "闲置土地", "street", 2, 10, "闲置土地乱堆乱放"),
    ]),
    ("gb-component-other", "其他部件", "component", [
        ("component-other", "其他设施", "community", 2, 5, "不在以上类别的设施问题"),
    ]),
    ("gb-event-environment", "市容环境", "event", [
        ("exposed-garbage", "暴露垃圾", "grid", 2, 1, "垃圾未清运、乱倒"),
        ("sanitation-black-spot", "卫生黑点", "grid", 2, 2, "长期脏乱的卫生死角"),
        ("sewage-overflow", "污水外溢", "community", 2, 2, "化粪池、污水井外溢"),
    ]),
    ("gb-event-advertising", "宣传广告", "event", [
        ("illegal-ads", "非法小广告", "grid", 2, 2, "乱贴乱画、野广告"),
        ("signboard", "违规招牌", "street", 2, 5, "违规户外广告、招牌破损"),
    ]),
    ("gb-event-construction", "施工管理", "event", [
        ("construction-nuisance", "施工扰民", "street", 2, 3, "夜间施工、噪声扬尘"),
        ("muck-spill", "渣土撒漏", "street", 2, 2, "渣土车撒漏、工地围挡破损"),
    ]),
    ("gb-event-street-order", "街面秩序", "event", [
        ("street-vending", "占道经营", "grid", 2, 1, "占道经营、店外经营"),
        ("illegal-parking", "乱停放", "grid", 2, 1, "机动车、非机动车乱停放"),
    ]),
    ("gb-event-emergency", "突发事件", "event", [
        ("road-collapse", "路面塌陷", "street", 1, 1, "路面塌陷、地面开裂"),
        ("pipe-burst", "管道爆裂", "street", 1, 1, "供水、燃气管道爆裂泄漏"),
    ]),
    ("gb-event-other", "其他事件", "event", [
        ("event-other", "其他问题", "community", 2, 5, "不在以上类别的问题"),
    ]),
    ("neighbourhood", "邻里关切", "event", [
        ("parking-spaces", "停车位", "community", 2, 10, "停车难、车位规划"),
        ("rider-heat-protection", "骑手防暑", "community", 2, 3, "骑手歇脚点、防暑降温"),
        ("occupied-common-area", "公共区域占用", "grid", 2, 3, "楼道、消防通道、公共区域被占用"),
        ("wiring", "线路杂乱/飞线", "community", 2, 5, "飞线充电、线路杂乱"),
        ("lift-installation", "加装电梯", "street", 4, 20, "老旧小区加装电梯"),
        ("tree-pruning", "树木修剪", "community", 2, 5, "树枝遮挡、影响采光或安全"),
        ("outer-wall-hazard", "外墙隐患", "street", 2, 3, "外墙脱落、空鼓等隐患"),
        ("thrown-objects", "高空抛物", "community", 1, 2, "高空抛物、坠物隐患"),
    ]),
]


def seed_categories(category_model: Any = None) -> None:
    """Create the catalogue's categories that are missing (idempotent; keeps what staff changed)."""
    if category_model is None:
        from .models import Category as category_model
    Category = category_model  # noqa: N806
    for top_order, (code, name, kind, children) in enumerate(CATALOGUE, start=1):
        parent, _ = Category.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "handler_level": "street", "order": top_order * 100})
        for order, (child_code, child_name, level, hours, days, description) in enumerate(children, start=1):
            Category.objects.get_or_create(code=child_code, defaults={
                "parent": parent, "name": child_name, "kind": kind, "handler_level": level,
                "accept_hours": hours, "resolve_days": days, "description": description,
                "order": top_order * 100 + order})
