"""``linli backup`` → ``linli restore`` on PostgreSQL: the ``pg_dump`` archive restored into a fresh database
gives back every row of every table, every sequence's position, the triggers (the audit log's refusal of
UPDATE) and every media file.  Runs in CI's PostgreSQL pass; on SQLite the same round trip is
``test_backup.py``'s."""

from __future__ import annotations

import io
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from linli.core.backup import BackupError, restore_backup
from linli.core.models import AuditEntry
from linli.core.tests.reliability import check
from linli.points import ledger
from linli.points.models import Account

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="the pg_dump → pg_restore round trip needs PostgreSQL: set DATABASE_URL=postgres://… "
                              "(CI's second pass does); SQLite's round trip is test_backup.py"),
    pytest.mark.django_db(transaction=True),
]


def connect(dbname: str) -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(dbname=dbname, host=db["HOST"] or None, port=db["PORT"] or None,
                           user=db["USER"] or None, password=db["PASSWORD"] or None, autocommit=True)


@pytest.fixture
def fresh_database():
    """An empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    with connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield {**connection.settings_dict, "NAME": name}
    with connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def contents(dbname: str) -> dict[str, object]:
    """Every row of every table, every sequence's last value and every trigger, of one database."""
    with connect(dbname) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                             "ORDER BY tablename")]
        rows = {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}  # noqa: S608
        sequences = dict(conn.execute("SELECT sequencename, last_value FROM pg_sequences "
                                      "WHERE schemaname = 'public'").fetchall())
        triggers = sorted(conn.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger "
                                       "WHERE NOT tgisinternal").fetchall())
    return {"rows": rows, "sequences": sequences, "triggers": triggers}


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def filled(tree, make_person, make_user, scheme, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    person = make_person(tree.g1, name="张三", id_number="990101198001010011", mobile="13800000001")
    person.name = "张三丰"
    person.save()  # a second history row
    make_person(tree.g2, name="李四")
    ledger.earn(scheme, person, 30, key="k1", source="service")
    AuditEntry.objects.create(method="POST", path="/people/1/edit/", status=302, fields=["name"])
    default_storage.save("cases/2026/12/A1/photo.jpg", ContentFile(b"\xff\xd8 a photo \xff\xd9"))
    default_storage.save("wishes/照片.png", ContentFile(b"\x89PNG more bytes"))
    return settings.MEDIA_ROOT


def test_backup_then_restore_into_a_fresh_database_gives_everything_back(filled, fresh_database, tmp_path):
    archive = tmp_path / "linli.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    media = tmp_path / "newhome" / "media"
    media.parent.mkdir()
    manifest = restore_backup(archive, db=fresh_database, media_root=media, table_names=[])

    before, after = contents(connection.settings_dict["NAME"]), contents(fresh_database["NAME"])
    same_tables = set(before["rows"]) == set(after["rows"]) and len(after["rows"]) > 50
    differing = [t for t in before["rows"] if before["rows"][t] != after["rows"].get(t)]
    with connect(fresh_database["NAME"]) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM people_person")}
        balance = conn.execute("SELECT balance FROM points_account WHERE id = %s",
                               [Account.objects.get(person__name="张三丰").pk]).fetchone()[0]
    ok = (manifest["database"]["engine"] == "postgresql" and same_tables and not differing
          and before["sequences"] == after["sequences"] and before["triggers"] == after["triggers"]
          and names == {"张三丰", "李四"} and balance == 30
          and len(before["rows"]["people_historicalperson"]) == 3
          and files_under(media) == files_under(filled) and len(files_under(filled)) == 2)
    assert check("faults", "backup → restore round trip on PostgreSQL", ok), (differing, manifest["database"])


def test_the_restored_audit_log_still_refuses_updates(filled, fresh_database, tmp_path):
    archive = tmp_path / "linli.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    (tmp_path / "h").mkdir()
    restore_backup(archive, db=fresh_database, media_root=tmp_path / "h" / "media", table_names=[])
    with connect(fresh_database["NAME"]) as conn, pytest.raises(psycopg.Error):
        conn.execute("UPDATE core_auditentry SET status = 200")


def test_restore_refuses_a_database_that_has_tables(filled, tmp_path):
    archive = tmp_path / "linli.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    with pytest.raises(BackupError, match="已有 .* 张数据表|already has"):
        restore_backup(archive, db=connection.settings_dict, media_root=tmp_path / "h" / "media",
                       table_names=connection.introspection.table_names())
