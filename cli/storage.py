"""`flask storage check`: temporary files a crash left behind, and stored files that went missing."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from infra import storage
from models import Attachment, Document, db


def stale_orphans(min_age_seconds: float, now: float | None = None) -> tuple[list[Path], list[Path]]:
    """(.part files older than min_age_seconds, younger ones that may belong to a request still running)."""
    now = time.time() if now is None else now
    old, young = [], []
    for path in storage.orphans():
        try:
            age = now - path.stat().st_mtime
        except FileNotFoundError:  # published or discarded while we looked
            continue
        (old if age >= min_age_seconds else young).append(path)
    return old, young


def missing_files() -> list[str]:
    """Stored paths the database names but the disk no longer has (documents first, then attachments)."""
    root = storage.root()
    rows = [
        *db.session.execute(select(Document.number, Document.storage_path)),
        *db.session.execute(select(Attachment.id, Attachment.storage_path)),
    ]
    return [f"{label}: {path}" for label, path in rows if not (root / path).is_file()]


def register(app: Flask) -> None:
    group = AppGroup("storage", help="The file store (uploads and issued PDFs).")
    app.cli.add_command(group)

    @group.command("check")
    @click.option("--delete", is_flag=True, help="remove the orphaned temporary files found")
    @click.option(
        "--min-age",
        "min_age",
        default=600,
        show_default=True,
        type=click.IntRange(min=0),
        help="seconds a .part file must be untouched to count as orphaned (younger ones may belong "
        "to a request still running)",
    )
    def storage_check(delete, min_age):
        """List .part files left by a crash between writing and committing (exit 1 if any, or if a file is missing).

        A temporary file is published (renamed) only after its transaction commits and removed on
        rollback, so a .part file older than a request can take belongs to a process that died.
        """
        root = storage.root()
        old, young = stale_orphans(min_age)
        for path in old:
            click.echo(f"orphan {path.relative_to(root)}" + (" (deleted)" if delete else ""))
            if delete:
                path.unlink(missing_ok=True)
        for path in young:
            click.echo(f"recent {path.relative_to(root)} (younger than {min_age} s: left alone)")
        missing = missing_files()
        for line in missing:
            click.echo(f"missing {line}", err=True)
        click.echo(
            f"{len(old)} orphaned temporary files{' deleted' if delete and old else ''}, "
            f"{len(young)} recent, {len(missing)} missing stored files"
        )
        if missing or (old and not delete):
            sys.exit(1)
