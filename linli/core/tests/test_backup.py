"""``linli backup`` and ``linli restore``: a round trip gives back every row of every table and every file."""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from linli.core.backup import BackupError, restore_backup, sha256_of
from linli.core.tests.reliability import check
from linli.people.models import Person

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the round trip reads SQLite files")


def rows_of_every_table(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(str(path))
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}  # noqa: S608
    finally:
        conn.close()


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def filled(tree, make_person, media):
    make_person(tree.g1, name="张三", id_number="990101198001010011", mobile="13800000001")
    make_person(tree.g2, name="李四")
    default_storage.save("cases/2026/12/A1/photo.jpg", ContentFile(b"\xff\xd8 a photo \xff\xd9"))
    default_storage.save("wishes/照片.png", ContentFile(b"\x89PNG more bytes"))
    return media


def backup_to(tmp_path: Path) -> Path:
    archive = tmp_path / "out" / "linli.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "linli.tar.gz" in out.getvalue()
    return archive


@pytest.mark.django_db(transaction=True)
def test_round_trip_gives_back_every_row_of_every_table_and_every_file(filled, tmp_path):
    archive = backup_to(tmp_path)
    home = tmp_path / "newhome"
    home.mkdir()
    db = {**connection.settings_dict, "NAME": str(home / "linli.sqlite3")}
    manifest = restore_backup(archive, db=db, media_root=home / "media")

    before = rows_of_every_table(Path(connection.settings_dict["NAME"]))
    after = rows_of_every_table(home / "linli.sqlite3")
    assert check("faults", "backup → restore round trip on SQLite", set(before) == set(after) and before == after)
    assert len(after["people_person"]) == 2 and after["people_historicalperson"]
    assert files_under(home / "media") == files_under(filled) and len(files_under(filled)) == 2
    assert {f["path"] for f in manifest["files"]} == {"database/linli.sqlite3", "media/cases/2026/12/A1/photo.jpg",
                                                       "media/wishes/照片.png"}


@pytest.mark.django_db(transaction=True)
def test_manifest_lists_each_file_with_its_size_and_sha256(filled, tmp_path):
    archive = backup_to(tmp_path)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["format"] == "linli-backup" and manifest["database"]["engine"] == "sqlite"
    photo = next(f for f in manifest["files"] if f["path"].endswith("photo.jpg"))
    assert photo["sha256"] == sha256_of(filled / "cases/2026/12/A1/photo.jpg")
    assert photo["size"] == len(b"\xff\xd8 a photo \xff\xd9")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_home_that_is_not_empty(filled, tmp_path):
    archive = backup_to(tmp_path)
    with pytest.raises(CommandError, match="只能恢复到空的数据目录.*已有数据表"):
        call_command("restore", str(archive))
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_restore_refuses_a_non_empty_media_folder(filled, tmp_path):
    home = tmp_path / "h"
    (home / "media").mkdir(parents=True)
    (home / "media" / "left-over.jpg").write_bytes(b"x")
    with pytest.raises(BackupError, match="媒体文件夹 .* 不是空的"):
        restore_backup(tmp_path / "any.tar.gz", db={"ENGINE": "django.db.backends.sqlite3",
                                                      "NAME": str(home / "db.sqlite3")}, media_root=home / "media")


def tampered(archive: Path, tmp_path: Path, *, change: str) -> Path:
    """A copy of ``archive`` with one byte of the member ``change`` flipped (manifest untouched)."""
    copy = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(copy, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == change:
                data = bytes([data[0] ^ 1]) + data[1:]
            dst.addfile(member, io.BytesIO(data))
    return copy


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("member", ["media/wishes/照片.png", "database/linli.sqlite3"])
def test_restore_verifies_checksums_and_writes_nothing_from_a_damaged_backup(filled, tmp_path, member):
    bad = tampered(backup_to(tmp_path), tmp_path, change=member)
    home = tmp_path / "newhome"
    home.mkdir()
    with pytest.raises(BackupError, match=member + " 校验和不符"):
        restore_backup(bad, db={**connection.settings_dict, "NAME": str(home / "linli.sqlite3")},
                       media_root=home / "media")
    assert not (home / "linli.sqlite3").exists()
    assert not files_under(home)


def test_restore_says_clearly_when_the_file_is_no_backup(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar at all")
    with pytest.raises(BackupError, match="无法读取备份"):
        restore_backup(junk, db={"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "db.sqlite3")},
                       media_root=tmp_path / "media")
