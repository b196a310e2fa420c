"""`flask backup create` / `flask backup restore`: everything comes back identical, and a bad archive is refused.

The installation is built the way an operator builds one (init-db, seed-demo: a dozen applications in
several states of all three procedures, their audit trail, a dozen issued PDFs), on SQLite, or on
PostgreSQL when BIANMIN_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import inspect

from models import db
from tests.ops.conftest import close, database_digest, fresh_database, make_app, storage_listing, table_rows

TABLES = (
    "applications",
    "audit_entries",
    "documents",
    "attachments",
    "users",
    "notifications",
    "opinions",
    "application_parties",
    "draws",
    "document_counters",
    "holidays",
    "alembic_version",
)


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A seeded installation and one archive of it: (app, storage dir, archive path)."""
    tmp = tmp_path_factory.mktemp("source")
    url, drop = fresh_database(tmp, "source")
    app = make_app(url, tmp / "storage")
    for args in (["init-db"], ["seed-demo"]):
        result = invoke(app, *args)
        assert result.exit_code == 0, result.output
    result = invoke(app, "backup", "create", "--output", str(tmp / "backups"))
    assert result.exit_code == 0, result.output
    archives = list((tmp / "backups").glob("*.tar.gz"))
    assert len(archives) == 1 and str(archives[0]) in result.output
    yield app, tmp / "storage", archives[0]
    close(app)
    if drop:
        drop()


@pytest.fixture
def target(tmp_path):
    """A new empty database and a storage directory that does not exist yet."""
    url, drop = fresh_database(tmp_path, "target")
    app = make_app(url, tmp_path / "restored-storage")
    yield app, tmp_path / "restored-storage"
    close(app)
    if drop:
        drop()


def tables(app) -> list[str]:
    with app.app_context():
        return inspect(db.engine).get_table_names()


def test_the_manifest_names_every_file_with_its_sha256(source):
    app, storage_dir, archive = source
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        members = {
            m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile() and m.name != "manifest.json"
        }
    assert manifest["counts"]["applications"] == len(table_rows(app, "applications")) >= 10
    assert manifest["counts"]["documents"] == len(table_rows(app, "documents")) >= 5  # issued PDFs among them
    assert manifest["counts"]["audit_entries"] == len(table_rows(app, "audit_entries")) > 12
    assert manifest["schema_revision"] == table_rows(app, "alembic_version")[0]["version_num"]
    assert set(members) == set(manifest["files"])
    for name, data in members.items():
        assert manifest["files"][name] == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    stored = {f"storage/{rel}": sha for rel, sha in storage_listing(storage_dir).items()}
    assert stored == {name: f["sha256"] for name, f in manifest["files"].items() if name.startswith("storage/")}
    documents = table_rows(app, "documents")
    assert all(manifest["files"][f"storage/{d['storage_path']}"]["sha256"] == d["sha256"] for d in documents)


def test_restore_brings_back_every_row_file_and_chain(source, target):
    src_app, src_storage, archive = source
    dst_app, dst_storage = target
    result = invoke(dst_app, "backup", "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert "审计链完整" in result.output and "audit trail intact" in result.output

    for table in TABLES:
        assert table_rows(dst_app, table) == table_rows(src_app, table), table
    assert database_digest(dst_app) == database_digest(src_app)
    assert storage_listing(dst_storage) == storage_listing(src_storage)
    for doc in table_rows(dst_app, "documents"):
        data = (dst_storage / doc["storage_path"]).read_bytes()
        assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == doc["sha256"]
    verify = invoke(dst_app, "audit", "verify")
    assert verify.exit_code == 0 and "audit trail intact" in verify.output
    check = invoke(dst_app, "storage", "check")
    assert check.exit_code == 0, check.output

    # a second restore into the now full database is refused and changes nothing
    before = database_digest(dst_app), storage_listing(dst_storage)
    again = invoke(dst_app, "backup", "restore", str(archive))
    assert again.exit_code == 1
    assert "目标数据库不是空的" in again.output and "the target database is not empty" in again.output
    assert (database_digest(dst_app), storage_listing(dst_storage)) == before


def test_backup_create_twice_changes_nothing_and_records_the_same_content(source, tmp_path):
    app, storage_dir, first = source
    before = database_digest(app), storage_listing(storage_dir)
    result = invoke(app, "backup", "create", "--output", str(first.parent))
    assert result.exit_code == 0, result.output
    archives = sorted(first.parent.glob("*.tar.gz"))
    assert len(archives) == 2  # a second archive, never an overwritten first one
    assert (database_digest(app), storage_listing(storage_dir)) == before
    manifests = []
    for archive in archives:
        with tarfile.open(archive) as tar:
            manifests.append(json.load(tar.extractfile("manifest.json")))
    one, two = manifests
    assert one["counts"] == two["counts"] and one["schema_revision"] == two["schema_revision"]
    assert {k: v for k, v in one["files"].items() if k.startswith("storage/")} == {
        k: v for k, v in two["files"].items() if k.startswith("storage/")
    }
    second = next(a for a in archives if a != first)
    second.unlink()


def _rewrite(archive: Path, out: Path, change) -> Path:
    """A copy of `archive` with change(name, bytes) -> bytes | None (None drops the member) applied."""
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for m in src.getmembers():
            data = src.extractfile(m).read() if m.isfile() else None
            if data is not None:
                data = change(m.name, data)
                if data is None:
                    continue
                m.size = len(data)
            dst.addfile(m, io.BytesIO(data) if data is not None else None)
    return out


def _first_document(name: str) -> bool:
    return name.startswith("storage/documents/") and name.endswith(".pdf")


@pytest.mark.parametrize(
    "how",
    [
        "altered document",
        "missing document",
        "altered database dump",
        "extra file",
        "truncated archive",
        "path outside",
    ],
)
def test_a_tampered_archive_is_refused_before_anything_is_written(source, target, tmp_path, how):
    _app, _storage, archive = source
    dst_app, dst_storage = target
    state = {"done": False}

    def change(name, data):
        if how == "altered document" and _first_document(name) and not state["done"]:
            state["done"] = True
            return data.replace(b"%PDF", b"%PDX", 1)
        if how == "missing document" and _first_document(name) and not state["done"]:
            state["done"] = True
            return None
        if how == "altered database dump" and name.startswith("database."):
            return data[:-1] + bytes([data[-1] ^ 1])
        return data

    if how == "truncated archive":
        bad = tmp_path / "bad.tar.gz"
        bad.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    elif how in ("extra file", "path outside"):
        bad = tmp_path / "bad.tar.gz"
        with tarfile.open(archive) as src, tarfile.open(bad, "w:gz") as dst:
            for m in src.getmembers():
                dst.addfile(m, src.extractfile(m) if m.isfile() else None)
            extra = tarfile.TarInfo("storage/documents/planted.pdf" if how == "extra file" else "../planted.txt")
            extra.size = 4
            dst.addfile(extra, io.BytesIO(b"evil"))
    else:
        bad = _rewrite(archive, tmp_path / "bad.tar.gz", change)

    result = invoke(dst_app, "backup", "restore", str(bad))
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lines[0]), result.output  # Chinese first
    assert any(word in result.output for word in ("altered", "damaged", "forbidden", "cannot read")), result.output
    assert tables(dst_app) == []
    assert storage_listing(dst_storage) == {}
    assert not (tmp_path / "planted.txt").exists()
    assert not list(dst_storage.parent.glob(".restored-storage.restore-*"))


def test_restore_refuses_a_non_empty_storage_directory(source, target):
    _app, _storage, archive = source
    dst_app, dst_storage = target
    dst_storage.mkdir()
    (dst_storage / "someone-elses.txt").write_text("keep me")
    result = invoke(dst_app, "backup", "restore", str(archive))
    assert result.exit_code == 1
    assert "目标存储目录不是空的" in result.output and "storage directory is not empty" in result.output
    assert tables(dst_app) == []
    assert list(storage_listing(dst_storage)) == ["someone-elses.txt"]
    assert (dst_storage / "someone-elses.txt").read_text() == "keep me"


def test_restore_of_a_missing_archive_says_so(target, tmp_path):
    dst_app, _ = target
    result = invoke(dst_app, "backup", "restore", str(tmp_path / "nope.tar.gz"))
    assert result.exit_code == 1
    assert "备份文件不存在" in result.output and "archive not found" in result.output


def _with_manifest(archive: Path, out: Path, edit) -> Path:
    """A copy of `archive` whose manifest went through edit(manifest) -> {old member name: new name}."""
    with tarfile.open(archive) as src:
        manifest = json.load(src.extractfile("manifest.json"))
        renames = edit(manifest) or {}
        with tarfile.open(out, "w:gz") as dst:
            blob = json.dumps(manifest).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(blob)
            dst.addfile(info, io.BytesIO(blob))
            for m in src.getmembers():
                if m.name == "manifest.json":
                    continue
                data = src.extractfile(m) if m.isfile() else None
                m.name = renames.get(m.name, m.name)
                dst.addfile(m, data)
    return out


def test_an_archive_of_the_other_database_kind_is_refused(source, target, tmp_path):
    _app, _storage, archive = source
    dst_app, dst_storage = target

    def other_kind(manifest):
        old = manifest["database"]
        manifest["dialect"] = "postgresql" if manifest["dialect"] == "sqlite" else "sqlite"
        manifest["database"] = "database.pgdump" if old == "database.sqlite" else "database.sqlite"
        manifest["files"][manifest["database"]] = manifest["files"].pop(old)
        return {old: manifest["database"]}

    result = invoke(dst_app, "backup", "restore", str(_with_manifest(archive, tmp_path / "other.tar.gz", other_kind)))
    assert result.exit_code == 1
    assert "只能恢复到同类数据库" in result.output and "restore into the same kind of database" in result.output
    assert tables(dst_app) == [] and storage_listing(dst_storage) == {}


def test_an_archive_from_a_newer_schema_is_refused(source, target, tmp_path):
    _app, _storage, archive = source
    dst_app, dst_storage = target
    newer = _with_manifest(archive, tmp_path / "newer.tar.gz", lambda m: m.update(schema_revision="ffffffffffff"))
    result = invoke(dst_app, "backup", "restore", str(newer))
    assert result.exit_code == 1
    assert "不在本程序的迁移中" in result.output and "unknown to this code" in result.output
    assert tables(dst_app) == [] and storage_listing(dst_storage) == {}


def test_backup_create_refuses_an_output_inside_the_storage_directory(source):
    app, storage_dir, _archive = source
    before = storage_listing(storage_dir)
    result = invoke(app, "backup", "create", "--output", str(storage_dir / "backups"))
    assert result.exit_code == 1
    assert "备份目录不能在存储目录之内" in result.output and "inside the storage directory" in result.output
    assert storage_listing(storage_dir) == before and not (storage_dir / "backups").exists()


@pytest.mark.parametrize(
    "version, ok",
    [
        ("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)", True),
        ("pg_dump (PostgreSQL) 17.2", True),
        ("pg_dump (PostgreSQL) 14.11 (Ubuntu 14.11-0ubuntu0.22.04.1)", False),
    ],
)
def test_pg_dump_older_than_the_server_is_refused_by_name(tmp_path, monkeypatch, version, ok):
    from cli import backup

    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\necho '{version}'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake.parent))
    if ok:
        assert backup._pg_tool("pg_dump", 15) == str(fake)
    else:
        with pytest.raises(backup.BackupError) as exc:
            backup._pg_tool("pg_dump", 15)
        assert (
            "低于数据库服务器主版本 15" in exc.value.zh and "older than the server's major version 15" in exc.value.en
        )


def test_a_missing_pg_dump_names_the_package(tmp_path, monkeypatch):
    from cli import backup

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(backup.BackupError) as exc:
        backup._pg_tool("pg_dump", 15)
    assert "postgresql-client" in exc.value.zh and "postgresql-client" in exc.value.en
