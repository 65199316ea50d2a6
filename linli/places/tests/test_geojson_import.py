"""GeoJSON import and export of grids: every error names the feature, nothing is written on error."""

from __future__ import annotations

import copy
import json

import pytest

from linli.conftest import square
from linli.places.models import Area, AreaLevel
from linli.places.services import export_grids, import_grids

from .conftest import collection, feature

NEW = "500113001001003"  # a third grid of community A1
BOW_TIE = {"type": "Polygon", "coordinates": [[
    [106.510, 29.400], [106.512, 29.402], [106.512, 29.400], [106.510, 29.402], [106.510, 29.400]]]}


def grid_count() -> int:
    return Area.objects.filter(level=AreaLevel.GRID).count()


def test_import_creates_grids_under_their_community_with_a_centre_inside(tree):
    report = import_grids(collection(feature(NEW, "新河街网格", community_code=NEW[:12])))
    assert report.ok and (report.created, report.updated) == (1, 0)
    grid = Area.objects.get(code=NEW)
    assert grid.level == AreaLevel.GRID and grid.parent == tree.comm_a1 and grid.name == "新河街网格"
    assert 29.400 < grid.centre_lat < 29.402 and 106.510 < grid.centre_lng < 106.512


def test_dry_run_reports_but_writes_nothing(tree):
    before = grid_count()
    report = import_grids(collection(feature(NEW), feature(tree.g1.code, "一网格改名")), dry_run=True)
    assert report.ok and report.dry_run and (report.created, report.updated) == (1, 1)
    assert grid_count() == before
    assert Area.objects.get(pk=tree.g1.pk).name == "一网格"


def test_import_updates_an_existing_grid_by_code_and_keeps_unchanged_ones(tree):
    old_stamp = tree.g1.updated_at
    report = import_grids(collection(
        feature(tree.g1.code, "一网格（新）", square(106.500, 29.400, 0.003)),
        feature(tree.g2.code, "二网格", tree.g2.boundary),
    ))
    assert report.ok and (report.created, report.updated) == (0, 2)
    g1 = Area.objects.get(pk=tree.g1.pk)
    assert g1.name == "一网格（新）" and g1.boundary == square(106.500, 29.400, 0.003)
    assert g1.updated_at > old_stamp
    # G2 had no centre before; the import computed one, so it counts as an update the first time.
    report = import_grids(collection(feature(tree.g2.code, "二网格", tree.g2.boundary)))
    assert (report.updated, report.unchanged) == (0, 1)


def test_import_accepts_text_bytes_with_bom_and_a_path(tree, tmp_path):
    doc = collection(feature(NEW))
    assert import_grids(json.dumps(doc), dry_run=True).created == 1
    assert import_grids("\ufeff".encode() + json.dumps(doc, ensure_ascii=False).encode(), dry_run=True).created == 1
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert import_grids(path).created == 1


def test_import_accepts_a_multipolygon_with_a_hole(tree):
    outer = [[106.70, 29.40], [106.71, 29.40], [106.71, 29.41], [106.70, 29.41], [106.70, 29.40]]
    hole = [[106.702, 29.402], [106.708, 29.402], [106.708, 29.408], [106.702, 29.408], [106.702, 29.402]]
    geometry = {"type": "MultiPolygon", "coordinates": [[outer, hole], square(106.72, 29.40)["coordinates"]]}
    assert import_grids(collection(feature(NEW, geometry=geometry))).created == 1


def test_self_intersecting_bow_tie_is_refused_naming_the_feature_and_the_place(tree):
    report = import_grids(collection(feature(NEW, "新河街网格"), feature("500113001001004", "走马二村网格",
                                                                         BOW_TIE)))
    assert not report.ok and report.created == 0
    [error] = report.errors
    assert error.startswith("第 2 个要素（code 500113001001004，走马二村网格）：")
    assert "多边形自相交" in error
    assert "经度 106.511" in error and "纬度 29.401" in error
    assert grid_count() == 3  # the valid first feature was not written either


def bad(geometry=None, **props):
    """A feature of community A1 with a broken part."""
    base = feature(NEW, "新河街网格", geometry)
    base["properties"].update(props)
    return base


def ring(*points):
    return {"type": "Polygon", "coordinates": [list(points)]}


@pytest.mark.parametrize("make, expected", [
    (lambda: "not a feature", "不是 GeoJSON 要素"),
    (lambda: {"type": "Point", "coordinates": [1, 2]}, "不是 GeoJSON 要素"),
    (lambda: {"type": "Feature", "geometry": square(106.5, 29.4)}, "没有属性"),
    (lambda: feature(None), "缺少属性 code"),
    (lambda: feature("50011300100100"), "网格编码必须是 15 位数字"),
    (lambda: feature("50011300100100A"), "网格编码必须是 15 位数字"),
    (lambda: feature(NEW, name=None), "缺少属性 name"),
    (lambda: feature(NEW, name="网" * 101), "名称超过 100 个字符"),
    (lambda: bad(community_code="500113001002"), "community_code 500113001002 与网格编码不符"),
    (lambda: feature("500113001009001"), "社区 500113001009 不存在"),
    (lambda: feature(NEW, geometry={"type": "Point", "coordinates": [106.5, 29.4]}), "必须是 Polygon 或 MultiPolygon"),
    (lambda: {"type": "Feature", "properties": {"code": NEW, "name": "新河街网格"}, "geometry": None},
     "缺少几何"),
    (lambda: bad(ring([106.5, 29.4], ["106.51", 29.4], [106.51, 29.41], [106.5, 29.4])), "坐标必须是数字"),
    (lambda: bad(ring([29.4, 106.5], [29.41, 106.5], [29.41, 106.51], [29.4, 106.5])), "超出 WGS-84"),
    (lambda: bad(ring([106.5, 29.4], [106.51, 29.4], [106.51, 29.41], [106.5, 29.41])), "没有闭合"),
    (lambda: bad(ring([106.5, 29.4], [106.51, 29.4], [106.5, 29.4])), "至少需要 4 个"),
    (lambda: bad({"type": "Polygon", "coordinates": []}), "没有环"),
    (lambda: bad(BOW_TIE), "多边形自相交"),
])
def test_each_kind_of_bad_feature_is_refused_with_an_error_naming_it(tree, make, expected):
    report = import_grids(collection(feature("500113001001005", "好网格"), make()))
    assert not report.ok, report
    assert any(e.startswith("第 2 个要素") and expected in e for e in report.errors), report.errors
    assert not Area.objects.filter(code="500113001001005").exists()


def test_error_names_the_feature_by_code_and_name(tree):
    report = import_grids(collection(feature("500113001009001", "新河街网格")))
    assert report.errors == ["第 1 个要素（code 500113001009001，新河街网格）：社区 500113001009 不存在；"
                             "请先建立该社区（或导入其街道和社区）。"]


def test_duplicate_code_names_both_features(tree):
    report = import_grids(collection(feature(NEW, "甲"), feature("500113001001004", "乙"), feature(NEW, "丙")))
    assert report.errors == [f"第 3 个要素（code {NEW}，丙）：编码 {NEW} 已出现在第 1 个要素中。"]


@pytest.mark.parametrize("data, expected", [
    ("{not json", "不是有效的 JSON"),
    (b"\xff\xfe\x00bad", "不是 UTF-8"),
    (json.dumps({"type": "Feature"}), "不是 GeoJSON FeatureCollection"),
    (json.dumps([1, 2]), "不是 GeoJSON FeatureCollection"),
    (json.dumps({"type": "FeatureCollection"}), "没有要素列表"),
    (json.dumps({"type": "FeatureCollection", "features": []}), "没有任何要素"),
])
def test_a_file_that_is_not_a_feature_collection_is_refused(tree, data, expected):
    report = import_grids(data)
    assert not report.ok and expected in report.errors[0], report.errors


def test_missing_file_is_reported(tmp_path, db):
    from pathlib import Path

    report = import_grids(Path(tmp_path / "nope.geojson"))
    assert "无法读取文件" in report.errors[0]


def test_nothing_is_written_when_any_feature_fails(tree):
    before = list(Area.objects.values_list("code", "name", "boundary"))
    report = import_grids(collection(feature(tree.g1.code, "改名了"), feature(NEW), bad(BOW_TIE)))
    assert not report.ok
    assert list(Area.objects.values_list("code", "name", "boundary")) == before


def test_export_lists_each_grid_with_its_community_and_street(tree):
    data = export_grids(Area.objects.all())
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in data["features"]] == [tree.g1.code, tree.g2.code, tree.h1.code]
    props = data["features"][0]["properties"]
    assert props == {"code": tree.g1.code, "name": "一网格", "community_code": tree.comm_a1.code,
                     "community": "甲一社区", "street": "甲街道"}
    assert data["features"][0]["geometry"] == tree.g1.boundary


def test_export_then_import_round_trip_recreates_the_same_grids(tree):
    exported = export_grids(Area.objects.all())
    Area.objects.filter(level=AreaLevel.GRID).delete()
    report = import_grids(copy.deepcopy(exported))
    assert report.ok and report.created == 3
    assert export_grids(Area.objects.all()) == exported
    again = import_grids(json.dumps(exported, ensure_ascii=False))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
