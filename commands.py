"""The command line of API.md: init-db, seed-demo, users create, holidays load, jobs run, audit verify (+ backup, storage)."""
from __future__ import annotations

import sys
from datetime import date

import click
from flask import Flask
from flask.cli import AppGroup   # its commands push an app context, also under app.test_cli_runner()
from flask_migrate import upgrade
from sqlalchemy import select

from models import Application, Authority, AuditEntry, Division, db
from models.audit import GENESIS
from workflows import accounts, engine, holidays, jobs, security
from workflows.jobs import SYSTEM
from workflows.errors import DomainError
from workflows.places import AUTHORITY_KINDS, CITY, DIVISIONS, authority_name


def ensure_reference_data() -> int:
    """Every Harbin division with an authority of every kind; returns how many rows were added."""
    added = 0
    for code, (name, short) in [(CITY[0], (CITY[1], CITY[2])), *DIVISIONS.items()]:
        if db.session.get(Division, code) is None:
            db.session.add(Division(code=code, name=name, short=short, level="city" if code == CITY[0] else "county"))
            added += 1
    db.session.flush()
    existing = {tuple(r) for r in db.session.execute(select(Authority.division_code, Authority.kind))}
    for code in [CITY[0], *DIVISIONS]:
        for kind in AUTHORITY_KINDS:
            if (code, kind) not in existing:
                db.session.add(Authority(division_code=code, kind=kind, name=authority_name(code, kind)))
                added += 1
    db.session.commit()
    return added


def register_commands(app: Flask) -> None:
    import backup
    import storage_cli
    storage_cli.register(app)     # flask storage check
    backup.register(app)          # flask backup create / restore

    @app.cli.command("init-db")
    def init_db():
        """Migrate the schema to head and load Harbin's divisions and authorities (idempotent)."""
        upgrade()
        added = ensure_reference_data()
        click.echo(f"database ready; {added} reference rows added")

    @app.cli.command("seed-demo")
    def seed_demo():
        """Demo staff, applicants and applications in several states (idempotent)."""
        from demo import seed
        ensure_reference_data()
        click.echo(seed())

    users = AppGroup("users", help="Manage users.")
    app.cli.add_command(users)

    @users.command("create")
    @click.option("--username", required=True)
    @click.option("--password", required=True)
    @click.option("--role", required=True)
    @click.option("--authority", default=None, help="<division code>:<kind>, e.g. 230102:market_regulation")
    @click.option("--name", "display_name", default="")
    @click.option("--email", default=None, help="notifications are also mailed here (when SMTP is configured)")
    def users_create(username, password, role, authority, display_name, email):
        """Create a user; fails with exit code 1 if the username exists or a value is wrong."""
        try:
            user = accounts.create_user(username, password, role, authority, display_name, email=email)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            click.echo(exc.message("zh") + "\n" + exc.message("en"), err=True)
            sys.exit(1)
        click.echo(f"已创建用户 {user.username}（{user.role}）" + (f"，邮箱 {user.email}" if user.email else "") +
                   f"\ncreated {user.username} ({user.role})" + (f", e-mail {user.email}" if user.email else ""))

    hol = AppGroup("holidays", help="The holiday table for years the calendar package does not know.")
    app.cli.add_command(hol)

    @hol.command("load")
    @click.argument("file", type=click.File("r", encoding="utf-8"))
    def holidays_load(file):
        """Load FILE: lines 'YYYY-MM-DD,holiday|workday,name' and 'year,YYYY' (see docs/)."""
        text_ = file.read()
        try:
            unchanged = holidays_already_loaded(text_)
            if unchanged is not None:   # the same file again: keep the table and its load time (a cache key)
                count, years = unchanged
                click.echo(f"节假日表已有此文件的全部内容，未作改动\nloaded {count} days for "
                           f"{', '.join(map(str, years))}: the table already holds exactly these, nothing changed")
                return
            count, years = holidays.load(text_)
            recounted = engine.recompute_provisional_deadlines(SYSTEM)
            db.session.commit()
        except ValueError as exc:
            db.session.rollback()
            click.echo(str(exc), err=True)
            sys.exit(1)
        click.echo(f"loaded {count} days for {', '.join(map(str, years))}; {recounted} provisional deadlines recounted")

    jobs_group = AppGroup("jobs", help="Daily jobs (cron entry point).")
    app.cli.add_command(jobs_group)

    @jobs_group.command("run")
    @click.option("--as-of", "as_of", default=None, help="run as on this Asia/Shanghai date (YYYY-MM-DD)")
    def jobs_run(as_of):
        """Deadline flags, expiries and reminders; running it twice changes nothing more."""
        try:
            day = date.fromisoformat(as_of) if as_of is not None else None
        except ValueError:
            click.echo("--as-of must be YYYY-MM-DD", err=True)
            sys.exit(2)
        click.echo(jobs.run(day))

    audit = AppGroup("audit", help="The audit trail.")
    app.cli.add_command(audit)

    @audit.command("verify")
    def audit_verify():
        """Check every application's hash chain; exit 1 on the first break."""
        broken = verify_chains()
        if broken:
            for line in broken:
                click.echo(line, err=True)
            sys.exit(1)
        click.echo("audit trail intact")


def holidays_already_loaded(text_: str) -> tuple[int, list[int]] | None:
    """(entries, years) when every year of the file is loaded with exactly its entries, else None.

    Raises ValueError for a bad file, as holidays.load() does."""
    from models import Holiday
    from workflows.calendar import parse_holiday_file
    entries, declared = parse_holiday_file(text_)
    years = sorted(set(declared) | {d.year for d, _w, _n in entries})
    if not years or not set(years) <= set(holidays.known_years()):
        return None
    rows = set()
    for year in years:
        rows |= {tuple(r) for r in db.session.execute(select(Holiday.day, Holiday.is_working_day, Holiday.name).where(
            Holiday.day.between(date(year, 1, 1), date(year, 12, 31))))}
    return (len(entries), years) if rows == set(entries) and len(rows) == len(entries) else None


def verify_chains() -> list[str]:
    problems, prev = [], {}
    rows = db.session.execute(select(AuditEntry).order_by(AuditEntry.application_id, AuditEntry.seq)).scalars()
    for entry in rows:
        want_prev, want_seq = prev.get(entry.application_id, (GENESIS, 0))
        if entry.seq != want_seq + 1:
            problems.append(f"application {entry.application_id}: entry {entry.seq} follows {want_seq} (missing entry)")
        if entry.prev_hash != want_prev:
            problems.append(f"application {entry.application_id}: entry {entry.seq} does not chain to the previous one")
        if entry.compute_hash() != entry.hash:
            problems.append(f"application {entry.application_id}: entry {entry.seq} was altered (hash mismatch)")
        prev[entry.application_id] = (entry.hash, entry.seq)
    # the head each application keeps names its last entry: deleting the last entries is caught too
    for app_id, seq, head in db.session.execute(select(Application.id, Application.audit_seq, Application.audit_head)):
        if prev.get(app_id, (GENESIS, 0)) != (head, seq):
            problems.append(f"application {app_id}: the chain ends at entry {prev.get(app_id, (GENESIS, 0))[1]}, "
                            f"but the application records entry {seq} as its last (entries removed)")
    return problems + security.verify_chain()      # and the admins' own log (三权分立: the auditor checks it)
