"""Backups: one archive holding the database, the media files and a manifest with SHA-256 checksums.

``make_backup`` copies a SQLite database through SQLite's online backup API (consistent while the site
keeps writing) or runs ``pg_dump --format=custom`` when the database is PostgreSQL, and adds every file
under ``MEDIA_ROOT``.  ``restore_backup`` verifies every checksum before it writes anything and only
restores into an empty home: no table in the database, no file in ``MEDIA_ROOT``.

The archive (``.tar.gz``)::

    manifest.json           format, version, time, database engine, and per file: path, size, sha256
    database/linli.sqlite3  or database/linli.pgdump (pg_dump custom format)
    media/...               the media files, by their path under MEDIA_ROOT
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump / pg_restore, with argument lists, never a shell
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from django.utils.translation import gettext as _

FORMAT = "linli-backup"
VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/linli.sqlite3"
PG_MEMBER = "database/linli.pgdump"
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the person at the console."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def engine_of(db: Mapping[str, Any]) -> str:
    """``sqlite`` or ``postgresql`` for a Django database settings dict; anything else is refused."""
    engine = str(db.get("ENGINE", ""))
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(_("Backups support SQLite and PostgreSQL only, not %(engine)s.") % {"engine": engine})


def _pg_command(tool: str, db: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = [tool, "--no-owner", "--no-privileges"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(args: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(_("%(tool)s is not installed (it comes with the PostgreSQL client).")
                          % {"tool": args[0]}) from exc
    if done.returncode:
        raise BackupError(f"{args[0]}: {done.stderr.strip()}")


def _dump_database(db: Mapping[str, Any], folder: Path) -> tuple[str, Path]:
    if engine_of(db) == "sqlite":
        target = folder / "linli.sqlite3"
        source = sqlite3.connect(str(db["NAME"]))
        dest = sqlite3.connect(str(target))
        try:
            with dest:
                source.backup(dest)  # the online backup API: a consistent copy while others write
        finally:
            dest.close()
            source.close()
        return SQLITE_MEMBER, target
    target = folder / "linli.pgdump"
    args, env = _pg_command("pg_dump", db)
    _run([*args, "--format=custom", f"--file={target}", str(db["NAME"])], env)
    return PG_MEMBER, target


def _media_files(media_root: Path) -> Iterator[tuple[str, Path]]:
    if not media_root.is_dir():
        return
    for path in sorted(media_root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield f"media/{path.relative_to(media_root).as_posix()}", path


def make_backup(output: Path, *, db: Mapping[str, Any], media_root: Path, linli_version: str = "") -> dict:
    """Write the archive ``output`` (database, media, manifest) and return the manifest."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".linli-backup-", dir=output.parent) as tmp:
        member, dump = _dump_database(db, Path(tmp))
        entries = [(member, dump), *_media_files(media_root)]
        files: list[dict[str, Any]] = []
        manifest: dict[str, Any] = {
            "format": FORMAT, "version": VERSION, "linli": linli_version,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": {"engine": engine_of(db), "file": member},
            "files": files,
        }
        partial = Path(tmp) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            for name, path in entries:
                files.append({"path": name, "size": path.stat().st_size, "sha256": sha256_of(path)})
                tar.add(path, arcname=name, recursive=False)
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(dt.datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, output)  # a reader never sees half an archive
    output.chmod(0o600)  # it holds personal data
    return manifest


def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.extractfile(MANIFEST)
        manifest = json.loads(member.read()) if member else None
    except (KeyError, ValueError) as exc:
        raise BackupError(_("This is not a Linli backup: it has no readable manifest.json.")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("This is not a Linli backup: it has no readable manifest.json."))
    if manifest.get("version") != VERSION:
        raise BackupError(_("This backup has format version %(version)s; this Linli reads version %(ours)s.")
                          % {"version": manifest.get("version"), "ours": VERSION})
    return manifest


def _sqlite_is_empty(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0
    finally:
        conn.close()


def home_problems(*, db: Mapping[str, Any], media_root: Path, table_names: list[str] | None = None) -> list[str]:
    """What makes the home not empty (for a restore); none means it may be restored into.

    ``table_names`` are the tables of a PostgreSQL database (SQLite files are looked at directly)."""
    problems = []
    if engine_of(db) == "sqlite":
        if not _sqlite_is_empty(Path(db["NAME"])):
            problems.append(_("the database %(name)s already has tables") % {"name": db["NAME"]})
    elif table_names:
        problems.append(_("the database %(name)s already has %(count)d tables")
                        % {"name": db["NAME"], "count": len(table_names)})
    if media_root.is_dir() and any(media_root.iterdir()):
        problems.append(_("the media folder %(path)s is not empty") % {"path": media_root})
    return problems


def _safe_member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(_("The backup names a file outside its folders: %(path)s") % {"path": name})
    return path


def _extract_verified(tar: tarfile.TarFile, manifest: dict, staging: Path) -> None:
    """Write every file of the manifest under ``staging``, checking its size and SHA-256 on the way."""
    expected = {f["path"]: f for f in manifest.get("files", [])}
    members = {m.name: m for m in tar.getmembers() if m.name != MANIFEST}
    if extra := sorted(set(members) - set(expected)):
        raise BackupError(_("The backup holds files its manifest does not list: %(paths)s")
                          % {"paths": ", ".join(extra[:5])})
    if missing := sorted(set(expected) - set(members)):
        raise BackupError(_("Files listed in the manifest are missing from the backup: %(paths)s")
                          % {"paths": ", ".join(missing[:5])})
    for name, entry in expected.items():
        member = members[name]
        source = tar.extractfile(member) if member.isfile() else None
        if source is None:
            raise BackupError(_("The backup entry %(path)s is not a plain file.") % {"path": name})
        target = staging / _safe_member_path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with target.open("wb") as out:
            while block := source.read(CHUNK):
                digest.update(block)
                out.write(block)
        if digest.hexdigest() != entry.get("sha256") or target.stat().st_size != entry.get("size"):
            raise BackupError(_("Checksum mismatch for %(path)s: the backup is damaged; nothing was restored.")
                              % {"path": name})


def restore_backup(archive: Path, *, db: Mapping[str, Any], media_root: Path,
                   table_names: list[str] | None = None) -> dict:
    """Restore ``archive`` into an empty home; every checksum is verified before anything is written."""
    if problems := home_problems(db=db, media_root=media_root, table_names=table_names):
        raise BackupError(_("Linli restores only into an empty home, and here %(problems)s. Point LINLI_HOME "
                            "(or DATABASE_URL) at a new, empty place and run the restore again.")
                          % {"problems": "; ".join(problems)})
    try:
        tar = tarfile.open(archive, "r:gz")  # noqa: SIM115 - closed by the `with` below
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(_("Cannot read the backup %(path)s: %(error)s") % {"path": archive, "error": exc}) from exc
    with tar, tempfile.TemporaryDirectory(prefix=".linli-restore-", dir=media_root.parent) as tmp:
        manifest = read_manifest(tar)
        engine, member = manifest["database"]["engine"], manifest["database"]["file"]
        if engine != engine_of(db):
            raise BackupError(_("This backup holds a %(theirs)s database; this Linli uses %(ours)s.")
                              % {"theirs": engine, "ours": engine_of(db)})
        staging = Path(tmp)
        try:
            _extract_verified(tar, manifest, staging)
        except (OSError, tarfile.TarError, EOFError) as exc:
            raise BackupError(_("The backup is damaged (%(error)s); nothing was restored.") % {"error": exc}) from exc
        dump = staging / member
        if engine == "sqlite":
            target = Path(db["NAME"])
            target.parent.mkdir(parents=True, exist_ok=True)
            for stale in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
                stale.unlink(missing_ok=True)  # an empty file (checked above) and its journals
            shutil.move(str(dump), str(target))
        else:
            args, env = _pg_command("pg_restore", db)
            _run([*args, "--exit-on-error", f"--dbname={db['NAME']}", str(dump)], env)
        media_root.mkdir(parents=True, exist_ok=True)
        staged_media = staging / "media"
        if staged_media.is_dir():
            for child in staged_media.iterdir():
                shutil.move(str(child), str(media_root / child.name))
    return manifest
