"""`flask backup create` and `flask backup restore`: the database and the storage directory in one archive.

An archive is one tar.gz holding
  manifest.json      format, created_at, dialect, schema revision, counts, sha256 + size of every other member
  database.sqlite    SQLite: a copy made with sqlite3's online backup API (consistent while the app runs), or
  database.pgdump    PostgreSQL: `pg_dump --format=custom`, taken in the snapshot the counts were read in
  storage/...        every published file of the storage directory (temporary .part files are left out)

Restore checks every sha256 before it writes anything, refuses a target database that has any table
(or a storage directory that has any file), writes the storage into a sibling directory and the
database in one transaction, moves the storage into place, checks every sha256 again and runs the
audit-chain verification. Every refusal says why in Chinese and English and exits with status 1.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import click
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from infra import storage
from models import Attachment, Document, db
from workflows import signing
from workflows.audit import verify_chains

FORMAT = 1
MANIFEST = "manifest.json"
DUMPS = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
COUNTED = ("applications", "audit_entries", "documents", "attachments", "users", "notifications")
CHUNK = 1 << 20


class BackupError(Exception):
    """A refusal with a Chinese and an English explanation."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en

    def __str__(self) -> str:
        return f"{self.zh}\n{self.en}"


# --- helpers ------------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _dialect(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in DUMPS:
        raise BackupError(f"不支持的数据库类型：{name}", f"unsupported database: {name}")
    return name


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError(
            "内存中的SQLite数据库无法备份或恢复", "an in-memory SQLite database cannot be backed up or restored"
        )
    return Path(database)


def _libpq(url: str) -> tuple[str, dict]:
    """A libpq connection string without the password (which goes into PGPASSWORD, not onto `ps`)."""
    u = make_url(url)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = u.password
    plain = u.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _pg_tool(name: str, server_major: int) -> str:
    """The path of pg_dump/pg_restore, refusing one older than the server (it cannot read newer dumps)."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"找不到 {name}：请安装与服务器同一主版本（或更新）的 postgresql-client（bin/setup 会安装）",
            f"{name} not found: install postgresql-client of the server's major version or newer "
            f"(bin/setup installs it)",
        )
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout
    found = re.search(r"\)\s*(\d+)", out)
    if found is None or int(found.group(1)) < server_major:
        raise BackupError(
            f"{name} 版本（{out.strip()}）低于数据库服务器主版本 {server_major}：请升级 postgresql-client",
            f"{name} ({out.strip()}) is older than the server's major version {server_major}: "
            f"upgrade postgresql-client",
        )
    return path


def _run(cmd: list[str], env: dict, what_zh: str, what_en: str) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(
            f"{what_zh}失败：{done.stderr.strip()[-2000:]}", f"{what_en} failed: {done.stderr.strip()[-2000:]}"
        )


def _counts(conn) -> dict:
    return {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in COUNTED}


def _revision(conn) -> str | None:
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _referenced_files(conn) -> set[str]:
    return {
        row[0]
        for table in ("documents", "attachments")
        for row in conn.execute(text(f"SELECT storage_path FROM {table}"))
    }


# --- create -------------------------------------------------------------------------------------


def _sqlite_copy(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy even while other processes write (one transaction)."""
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _dump_sqlite(url: str, target: Path) -> dict:
    """Copy the live database with the online backup API; counts and paths are read from the copy."""
    source = _sqlite_path(url)
    if not source.is_file():
        raise BackupError(f"数据库文件不存在：{source}", f"database file not found: {source}")
    _sqlite_copy(source, target)
    engine = create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as conn:
            return {"revision": _revision(conn), "counts": _counts(conn), "referenced": _referenced_files(conn)}
    finally:
        engine.dispose()


def _dump_postgres(url: str, target: Path) -> dict:
    """pg_dump inside an exported snapshot, so the counts in the manifest are the dump's own."""
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn:
            server_major = int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
            pg_dump = _pg_tool("pg_dump", server_major)
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            facts = {
                "revision": _revision(conn),
                "counts": _counts(conn),
                "referenced": _referenced_files(conn),
                "server_major": server_major,
            }
            dsn, env = _libpq(url)
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                    f"--dbname={dsn}",
                ],
                env,
                "pg_dump",
                "pg_dump",
            )
            conn.rollback()
    finally:
        engine.dispose()
    return facts


def _archive_name(output: Path, now: datetime) -> Path:
    stem = f"bianmin-backup-{now.strftime('%Y%m%dT%H%M%SZ')}"
    path, n = output / f"{stem}.tar.gz", 1
    while path.exists():
        n += 1
        path = output / f"{stem}-{n}.tar.gz"
    return path


def create(output: Path) -> tuple[Path, dict]:
    """Write one archive into `output`; returns its path and manifest. Nothing is left behind on failure."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    dialect = _dialect(url)
    storage_dir = Path(current_app.config["STORAGE_DIR"])
    if output.resolve().is_relative_to(storage_dir.resolve()):
        raise BackupError(
            f"备份目录不能在存储目录之内：{output}",
            f"the output directory must not be inside the storage directory: {output}",
        )
    output.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="bianmin-backup-") as work:
        dump = Path(work) / DUMPS[dialect]
        facts = _dump_sqlite(url, dump) if dialect == "sqlite" else _dump_postgres(url, dump)
        if facts["revision"] is None:
            raise BackupError(
                "数据库没有迁移版本（未执行 init-db？）", "the database has no schema revision (was init-db run?)"
            )
        # Storage after the dump: files are published only after their commit and never deleted, so every
        # file the dump names is on disk by now (a rename may still be in flight: poll briefly for it).
        stored = _storage_files(storage_dir)
        missing = sorted(facts["referenced"] - set(stored))
        missing = _await_files(storage_dir, missing, stored)
        members = [(DUMPS[dialect], dump)] + [(f"storage/{rel}", storage_dir / rel) for rel in sorted(stored)]
        files = {}
        for name, path in members:
            files[name] = {"sha256": sha256_file(path), "size": path.stat().st_size}
        manifest = {
            "format": FORMAT,
            "created_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "dialect": dialect,
            "schema_revision": facts["revision"],
            "counts": facts["counts"],
            "database": DUMPS[dialect],
            "missing_stored_files": missing,
            "files": files,
        }
        archive = _archive_name(output, now)
        partial = archive.with_name(f".{archive.name}.part")
        try:
            with tarfile.open(partial, "w:gz") as tar:
                blob = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(blob), int(now.timestamp()), 0o644
                tar.addfile(info, io.BytesIO(blob))
                for name, path in members:
                    tar.add(path, arcname=name, recursive=False)
            with open(partial, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(partial, archive)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return archive, manifest


def _storage_files(root: Path) -> dict[str, Path]:
    if not root.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file() and not p.name.endswith(".part")}


def _await_files(root: Path, missing: list[str], stored: dict, seconds: float = 5.0) -> list[str]:
    deadline = time.monotonic() + seconds
    while missing and time.monotonic() < deadline:
        time.sleep(0.1)
        still = []
        for rel in missing:
            if (root / rel).is_file():
                stored[rel] = root / rel
            else:
                still.append(rel)
        missing = still
    return missing


# --- restore ------------------------------------------------------------------------------------


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = tar.getmembers()
    for m in members:
        p = PurePosixPath(m.name)
        if p.is_absolute() or ".." in p.parts or not (m.isfile() or m.isdir()):
            raise BackupError(f"备份文件含有不允许的条目：{m.name}", f"the archive holds a forbidden entry: {m.name}")
    return members


def read_archive(archive: Path, into: Path) -> dict:
    """Extract `archive` into `into` and check it against its manifest; returns the manifest."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = _safe_members(tar)
            names = {m.name for m in members if m.isfile()}
            if MANIFEST not in names:
                raise BackupError("备份文件中没有 manifest.json", "the archive has no manifest.json")
            tar.extractall(into, members=members, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"无法读取备份文件 {archive}：{exc}", f"cannot read the archive {archive}: {exc}") from None
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
        files, dialect, database = manifest["files"], manifest["dialect"], manifest["database"]
    except (ValueError, KeyError, TypeError):
        raise BackupError("manifest.json 格式错误", "manifest.json is malformed") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"不认识的备份格式：{manifest.get('format')}", f"unknown archive format: {manifest.get('format')}"
        )
    if DUMPS.get(dialect) != database or database not in files:
        raise BackupError("manifest.json 没有列出数据库转储", "manifest.json does not list the database dump")
    problems = verify_files(into, files)
    extra = sorted(names - set(files) - {MANIFEST})
    problems += [f"{name}: 不在清单中 / not in the manifest" for name in extra]
    if problems:
        raise BackupError(
            "备份文件已损坏或被改动，拒绝恢复：\n" + "\n".join(problems),
            "the archive is damaged or was altered; nothing was restored.",
        )
    return manifest


def verify_files(root: Path, files: dict, prefix: str = "") -> list[str]:
    """Lines naming every file under `root` whose size or sha256 differs from `files` (name -> {sha256, size})."""
    problems = []
    for name, want in sorted(files.items()):
        if not name.startswith(prefix):
            continue
        path = root / name[len(prefix) :]
        if not path.is_file():
            problems.append(f"{name}: 缺失 / missing")
        elif path.stat().st_size != want["size"] or sha256_file(path) != want["sha256"]:
            problems.append(f"{name}: sha256 不符 / sha256 mismatch")
    return problems


def _target_tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return inspect(conn).get_table_names()
    finally:
        engine.dispose()


def _known_revision(revision: str) -> bool:
    scripts = ScriptDirectory(current_app.extensions["migrate"].directory)
    try:
        return scripts.get_revision(revision) is not None
    except CommandError:
        return False


def restore(archive: Path) -> list[str]:
    """Restore `archive` into the configured (empty) database and storage directory; returns a report."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    dialect = _dialect(url)
    storage_dir = Path(current_app.config["STORAGE_DIR"])
    if not archive.is_file():
        raise BackupError(f"备份文件不存在：{archive}", f"archive not found: {archive}")
    with tempfile.TemporaryDirectory(prefix="bianmin-restore-") as work:
        work = Path(work)
        manifest = read_archive(archive, work / "archive")
        if manifest["dialect"] != dialect:
            raise BackupError(
                f"备份来自 {manifest['dialect']} 数据库，目标是 {dialect}：只能恢复到同类数据库",
                f"the archive holds a {manifest['dialect']} database and the target is {dialect}: "
                f"restore into the same kind of database",
            )
        if not _known_revision(manifest["schema_revision"]):
            raise BackupError(
                f"备份的数据库版本 {manifest['schema_revision']} 不在本程序的迁移中：请用更新的版本恢复",
                f"the archive's schema revision {manifest['schema_revision']} is unknown to this code: "
                f"restore with the version that made it (or newer)",
            )
        tables = _target_tables(url)
        if tables:
            raise BackupError(
                f"目标数据库不是空的（已有 {len(tables)} 张表）：请恢复到新建的空数据库",
                f"the target database is not empty ({len(tables)} tables): restore into a newly "
                f"created, empty database",
            )
        if storage_dir.exists() and any(storage_dir.iterdir()):
            raise BackupError(
                f"目标存储目录不是空的：{storage_dir}", f"the target storage directory is not empty: {storage_dir}"
            )

        # storage first, into a sibling directory (same file system): moved into place after the database
        storage_dir.parent.mkdir(parents=True, exist_ok=True)
        staged = Path(tempfile.mkdtemp(prefix=f".{storage_dir.name}.restore-", dir=storage_dir.parent))
        try:
            source = work / "archive" / "storage"
            if source.is_dir():
                shutil.copytree(source, staged, dirs_exist_ok=True)
            problems = verify_files(staged, manifest["files"], prefix="storage/")
            if problems:
                raise BackupError(
                    "复制后的存储文件校验失败：\n" + "\n".join(problems),
                    "the copied storage files failed their sha256 check",
                )
            dump = work / "archive" / manifest["database"]
            if dialect == "sqlite":
                _restore_sqlite(dump, _sqlite_path(url))
            else:
                _restore_postgres(dump, url)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
        if storage_dir.exists():
            storage_dir.rmdir()  # empty, checked above
        os.replace(staged, storage_dir)
    return check_restored(manifest)


def _restore_sqlite(dump: Path, target: Path) -> None:
    """The backup API again, into the target file: one transaction, so a failure leaves it empty."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _sqlite_copy(dump, target)


def _restore_postgres(dump: Path, url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            server_major = int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    finally:
        engine.dispose()
    pg_restore = _pg_tool("pg_restore", server_major)
    dsn, env = _libpq(url)
    _run(
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={dsn}",
            str(dump),
        ],
        env,
        "pg_restore",
        "pg_restore",
    )


def check_restored(manifest: dict) -> list[str]:
    """Counts as in the manifest, every stored file's sha256 as recorded, audit chains intact."""
    db.session.remove()
    db.engine.dispose()  # the restore wrote behind this process's pool
    problems = []
    with db.engine.connect() as conn:
        counts = _counts(conn)
        revision = _revision(conn)
    if counts != manifest["counts"]:
        problems.append(f"行数不符 / row counts differ: {counts} != {manifest['counts']}")
    if revision != manifest["schema_revision"]:
        problems.append(f"数据库版本不符 / schema revision differs: {revision} != {manifest['schema_revision']}")
    checked = 0
    for model in (Document, Attachment):
        for relpath, sha in db.session.execute(select(model.storage_path, model.sha256)):
            if relpath in manifest.get("missing_stored_files", []):
                continue
            try:
                storage.read_checked(relpath, sha)
                checked += 1
            except storage.StoredFileProblem as exc:
                problems.append(f"{relpath}: {exc}")
    problems += verify_chains()
    if problems:
        raise BackupError("恢复后的校验失败：\n" + "\n".join(problems), "the restored data failed its checks")
    c = manifest["counts"]
    return [
        f"已恢复 {c['applications']} 件申请、{c['audit_entries']} 条审计记录、{c['documents']} 份文书；"
        f"{checked} 个存储文件 sha256 一致；审计链完整",
        f"restored {c['applications']} applications, {c['audit_entries']} audit entries, {c['documents']} "
        f"documents; {checked} stored files match their sha256; audit trail intact",
    ]


# --- command line -------------------------------------------------------------------------------


def register(app: Flask) -> None:
    group = AppGroup("backup", help="Back up and restore the database and the storage directory.")
    app.cli.add_command(group)

    @group.command("create")
    @click.option(
        "--output",
        "output",
        default=None,
        type=click.Path(file_okay=False, path_type=Path),
        help="directory for the archive (default: instance/backups)",
    )
    def backup_create(output):
        """One tar.gz: the database dump, the storage directory, manifest.json with every sha256."""
        output = output or Path(current_app.instance_path) / "backups"
        try:
            archive, manifest = create(output)
        except BackupError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
        c = manifest["counts"]
        for rel in manifest["missing_stored_files"]:
            click.echo(f"警告：数据库记载的文件不在存储目录中 / warning: stored file missing: {rel}", err=True)
        click.echo(
            f"备份已写入 / backup written: {archive}\n"
            f"{c['applications']} applications, {c['audit_entries']} audit entries, {c['documents']} documents, "
            f"{len(manifest['files']) - 1} stored files, schema {manifest['schema_revision']}"
        )
        # the signing keys are secrets kept apart from the data (docs/DEPLOY.md, "Backing up the signing keys")
        click.echo(
            f"签名密钥不在此备份中，请另行备份 {current_app.config['KEYS_DIR']}\n"
            f"the signing keys are not in this archive: back up {current_app.config['KEYS_DIR']} separately"
        )

    @group.command("restore")
    @click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
    def backup_restore(archive):
        """Restore ARCHIVE into an empty database and storage directory, then verify it."""
        try:
            report = restore(archive)
        except BackupError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
        click.echo("\n".join(report))
        if not signing.store().trust_roots():
            click.echo(
                f"警告：{current_app.config['KEYS_DIR']} 中没有签名证书：恢复签名密钥（另行备份）之前，文书签名无法核验为可信，"
                f"也无法签发新文书\nwarning: no signing certificates in {current_app.config['KEYS_DIR']}: until the "
                "signing keys are restored from their own backup, signatures do not verify as trusted and "
                "nothing can be issued",
                err=True,
            )
