"""`linli import …` / `linli export …`: grids as GeoJSON, people through the people-excel functions."""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass, field
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from linli.places.models import Area, AreaLevel
from linli.places.tests.conftest import collection, feature

NEW = "500113001001003"
BOW_TIE = {"type": "Polygon", "coordinates": [[
    [106.510, 29.400], [106.512, 29.402], [106.512, 29.400], [106.510, 29.402], [106.510, 29.400]]]}


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def grid_file(tmp_path):
    def write(doc) -> str:
        path = tmp_path / "grids.geojson"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        return str(path)
    return write


def test_import_grids_command_creates_the_grids(tree, grid_file):
    out, _err = run("linli_import", "grids", grid_file(collection(feature(NEW, "新河街网格"))))
    assert "已新建 1 个网格" in out
    assert Area.objects.get(code=NEW).parent == tree.comm_a1


def test_import_grids_dry_run_writes_nothing(tree, grid_file):
    out, _err = run("linli_import", "grids", grid_file(collection(feature(NEW))), "--dry-run")
    assert "预检" in out and "将新建 1 个网格" in out
    assert not Area.objects.filter(code=NEW).exists()


def test_import_grids_command_prints_every_error_and_exits_non_zero(tree, grid_file):
    path = grid_file(collection(feature(NEW), feature("500113001001004", "坏网格", BOW_TIE),
                                feature("500113009001001", "无社区网格")))
    err = StringIO()
    with pytest.raises(CommandError, match="共 2 处错误"):
        call_command("linli_import", "grids", path, stdout=StringIO(), stderr=err)
    lines = err.getvalue().strip().splitlines()
    assert lines[0].startswith("第 2 个要素（code 500113001001004，坏网格）：多边形无效：多边形自相交")
    assert lines[1].startswith("第 3 个要素（code 500113009001001，无社区网格）：社区 500113009001 不存在")
    assert not Area.objects.filter(code=NEW).exists()


def test_import_of_a_missing_file_fails_clearly(db, tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        run("linli_import", "grids", str(tmp_path / "nope.geojson"))


def test_export_grids_to_stdout_and_to_a_file_round_trips(tree, tmp_path):
    out, _err = run("linli_export", "grids")
    data = json.loads(out)
    assert [f["properties"]["code"] for f in data["features"]] == [tree.g1.code, tree.g2.code, tree.h1.code]
    target = tmp_path / "out.geojson"
    out, _err = run("linli_export", "grids", "-o", str(target), "--area", tree.street_a.code)
    assert "已将 2 个网格写入" in out
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert {f["properties"]["street"] for f in exported["features"]} == {"甲街道"}
    Area.objects.filter(level=AreaLevel.GRID, code__startswith=tree.street_a.code).delete()
    out, _err = run("linli_import", "grids", str(target))
    assert "已新建 2 个网格" in out


def test_export_with_an_unknown_area_fails_clearly(tree):
    with pytest.raises(CommandError, match="没有编码为 500113999 的区划"):
        run("linli_export", "grids", "--area", "500113999")


# --- people: delegated to linli.people.excel ---------------------------------------------------

@dataclass
class FakeError:
    row: int
    column: str
    message: str


@dataclass
class FakeReport:
    ok: bool = True
    total: int = 0
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)


@pytest.fixture
def fake_excel(monkeypatch):
    """Stand-ins for ``import_people_file``/``export_people`` that record how they were called."""
    calls: dict = {}
    module = types.ModuleType("linli.people.excel")

    def import_people_file(path, *, user=None, dry_run, progress=None):
        calls["import"] = {"path": path, "user": user, "dry_run": dry_run}
        for done in (50, 100, 150, 200):
            progress(done, 200)
        return calls.get("report", FakeReport(total=200, created=150, updated=50))

    def export_people(qs):
        calls["export"] = list(qs)
        return b"PK-fake-xlsx"

    module.import_people_file = import_people_file
    module.export_people = export_people
    monkeypatch.setitem(sys.modules, "linli.people.excel", module)
    import linli.people

    monkeypatch.setattr(linli.people, "excel", module, raising=False)
    return calls


def test_people_import_shows_progress_and_a_summary(db, tmp_path, fake_excel):
    path = tmp_path / "people.xlsx"
    path.write_bytes(b"x")
    out, _err = run("linli_import", "people", str(path))
    assert "\r导入中 50/200（25%）" in out and "\r导入中 200/200（100%）" in out
    assert "已导入 200 行：新建 150 条，更新 50 条" in out
    assert fake_excel["import"]["dry_run"] is False and fake_excel["import"]["user"] is None


def test_people_import_prints_each_error_with_row_and_column_and_fails(db, tmp_path, fake_excel):
    path = tmp_path / "people.xlsx"
    path.write_bytes(b"x")
    fake_excel["report"] = FakeReport(ok=False, total=200, errors=[
        FakeError(3, "手机号", "手机号应为 11 位数字。"), FakeError(7, "", "与第 3 行重复。"),
        FakeError(0, "", "文件不是 .xlsx。")])
    err = StringIO()
    with pytest.raises(CommandError, match="已检查 200 行，共 3 处错误"):
        call_command("linli_import", "people", str(path), "--dry-run", stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == ["第 3 行 [手机号] 手机号应为 11 位数字。", "第 7 行 与第 3 行重复。",
                                           "文件不是 .xlsx。"]
    assert fake_excel["import"]["dry_run"] is True


def test_people_export_writes_the_workbook_of_the_area(tree, make_person, tmp_path, fake_excel):
    inside, outside = make_person(tree.g1), make_person(tree.h1)
    target = tmp_path / "p.xlsx"
    out, _err = run("linli_export", "people", "-o", str(target), "--area", tree.street_a.code)
    assert target.read_bytes() == b"PK-fake-xlsx"
    assert inside in fake_excel["export"] and outside not in fake_excel["export"]
    assert "人员已导出到" in out
