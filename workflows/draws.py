"""双随机、一公开: a reproducible spot-check draw over an authority's applications, in one transaction.

What is drawn is declared: a procedure's DrawRule names the state its candidates are in, the batch event
that moves each of them, the categories with their ratios and which role of the handling authority runs it.
"""

from __future__ import annotations

import random
import secrets

from flask import current_app
from sqlalchemy import select, update

from models import Application, Authority, Draw, User, db
from models.base import local_iso
from workflows import engine
from workflows.context import Case
from workflows.definition import DrawRule, Procedure, Reason
from workflows.errors import Forbidden, Invalid
from workflows.registry import PROCEDURES


def rules_for(user) -> list[tuple[Procedure, DrawRule]]:
    """The draws this user may run: those of the procedures its authority handles, by its role."""
    kind = user.authority.kind if getattr(user, "authority", None) else None
    return [
        (p, p.draw)
        for p in PROCEDURES.values()
        if p.draw is not None and p.authority_kind == kind and user.role == p.draw.role
    ]


def rule_of(draw: Draw) -> tuple[Procedure, DrawRule] | None:
    """The rule a recorded draw followed: its authority's procedure with a draw."""
    return next(
        ((p, p.draw) for p in PROCEDURES.values() if p.draw is not None and p.authority_kind == draw.authority.kind),
        None,
    )


def compute(
    seed: str, candidates: list[list], ratios: dict, pool: list[str], always: frozenset[str] = frozenset({"late"})
) -> tuple[list[int], list[int], dict]:
    """The selection and the inspectors, recomputable from the seed and the recorded inputs alone."""
    rng = random.Random(seed)
    selected: list[int] = []
    closed: list[int] = []
    inspectors: dict = {}
    for app_id, cat in candidates:
        draw = rng.random()
        (selected if cat in always or draw < ratios[cat] else closed).append(app_id)
    for app_id in selected:
        inspectors[str(app_id)] = rng.choice(pool)
    return selected, closed, inspectors


def _always(rule: DrawRule) -> frozenset[str]:
    return frozenset(c.name for c in rule.categories if c.always)


def clean_ratios(rule: DrawRule, given) -> dict:
    ratios = dict(current_app.config.get("DRAW_RATIOS") or rule.ratios)
    if given is None:
        return ratios
    if not isinstance(given, dict):
        raise Invalid(
            "ratios 应为对象",
            "ratios must be an object",
            [Reason("type", "ratios：应为对象", "ratios: object", "ratios")],
        )
    settable = [c.name for c in rule.categories if not c.always]
    always = [c for c in rule.categories if c.always]
    why_zh = f"（{'、'.join(c.zh for c in always)}一律抽查）" if always else ""
    why_en = f" ({', '.join(c.en for c in always)}: always selected)" if always else ""
    problems = []
    for key, value in given.items():
        if key not in settable:
            problems.append(
                Reason(
                    "unknown_ratio",
                    f"ratios.{key}：只能设置 {'、'.join(settable)}{why_zh}",
                    f"ratios.{key}: only {', '.join(settable)}{why_en}",
                    f"ratios.{key}",
                )
            )
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            problems.append(
                Reason("range", f"ratios.{key}：应为0到1之间的数", f"ratios.{key}: a number 0–1", f"ratios.{key}")
            )
        else:
            ratios[key] = float(value)
    if problems:
        raise Invalid("抽查比例有误", "invalid ratios", problems)
    return ratios


def run(actor, ratios=None) -> Draw:
    """Draw over every candidate of the actor's authority (the state its procedure's rule names); the caller
    commits."""
    rules = rules_for(actor)
    if not rules:
        who = [p.draw.who for p in PROCEDURES.values() if p.draw is not None]
        raise Forbidden(
            f"只有{'或'.join(w.zh for w in who)}可以组织抽查", f"only {' or '.join(w.en for w in who)} may run a draw"
        )
    proc, rule = rules[0]
    ratios = clean_ratios(rule, ratios)
    # lock the authority row: two draws at once run one after the other and never select an application twice
    db.session.execute(update(Authority).where(Authority.id == actor.authority_id).values(settings=Authority.settings))
    apps = (
        db.session.execute(
            select(Application)
            .where(
                Application.procedure == proc.name,
                Application.authority_id == actor.authority_id,
                Application.state == rule.state,
            )
            .order_by(Application.id)
        )
        .scalars()
        .all()
    )
    pool = sorted(
        db.session.execute(
            select(User.username).where(User.authority_id == actor.authority_id, User.role == rule.pool_role)
        ).scalars()
    )
    candidates = [[a.id, rule.category(Case(a))] for a in apps]
    if apps and not pool:
        raise Invalid(
            "本机关没有检查员，无法抽查",
            "the authority has no inspectors to assign",
            [Reason("inspectors", "请先为本机关设置检查员", "create inspectors first", "inspectors")],
        )
    seed = secrets.token_hex(16)
    selected, closed, inspectors = compute(seed, candidates, ratios, pool, _always(rule))
    draw = Draw(
        authority_id=actor.authority_id,
        seed=seed,
        ratios=ratios,
        candidates=candidates,
        pool=pool,
        selected=selected,
        closed=closed,
        inspectors=inspectors,
        drawn_by_id=actor.id,
    )
    db.session.add(draw)
    db.session.flush()
    ids = {u.username: u.id for u in db.session.execute(select(User).where(User.username.in_(pool))).scalars()}
    for app in apps:
        chosen = app.id in selected
        data = {"selected": chosen, "draw_id": draw.id}
        if chosen:
            data["inspector_id"] = ids[inspectors[str(app.id)]]
        engine.fire(app, rule.event, actor, data, app.version, internal=True)
    return draw


def reproduced(draw: Draw) -> bool:
    found = rule_of(draw)
    always = _always(found[1]) if found else frozenset({"late"})
    return compute(draw.seed, draw.candidates, draw.ratios, draw.pool, always) == (
        draw.selected,
        draw.closed,
        draw.inspectors,
    )


def inspector_names(draw: Draw) -> dict[str, str]:
    """The pool's login names -> the names the public may read: each inspector's display name, or "检查员N"
    (their place in the pool) for one who has none. A login name is never published."""
    users = (
        {
            u.username: u.display_name
            for u in db.session.execute(select(User).where(User.username.in_(draw.pool))).scalars()
        }
        if draw.pool
        else {}
    )
    names = {}
    for n, login in enumerate(draw.pool, start=1):
        name = (users.get(login) or "").strip()
        names[login] = name if name and name != login else f"检查员{n}"  # a display name that is the login: none
    return names


def public_view(draw: Draw, logins: bool = False) -> dict:
    """What the public sees: the seed, the ratios, holders' and inspectors' names and the outcome; nothing personal
    beyond that. `logins`: the inspectors by login name, for the clerk who ran the draw (POST /api/v1/draws)."""
    apps = (
        {
            a.id: a
            for a in db.session.execute(
                select(Application).where(Application.id.in_([c[0] for c in draw.candidates]))
            ).scalars()
        }
        if draw.candidates
        else {}
    )
    names = {login: login for login in draw.pool} if logins else inspector_names(draw)
    inspectors = {app_id: names.get(login, login) for app_id, login in draw.inspectors.items()}
    found = rule_of(draw)
    categories = {c.name: c for c in found[1].categories} if found else {}

    def holder(app_id):
        app = apps.get(app_id)
        return PROCEDURES[app.procedure].holder.of(app.fields or {})[0] if app and app.procedure in PROCEDURES else None

    def subject(app_id):
        app = apps.get(app_id)
        return (
            PROCEDURES[app.procedure].holder.subject_of(app.fields or {})
            if app and app.procedure in PROCEDURES
            else None
        )

    return {
        "id": draw.id,
        "authority": draw.authority.name,
        "authority_key": draw.authority.key,
        "seed": draw.seed,
        "ratios": draw.ratios,
        "drawn_at": local_iso(draw.drawn_at),
        "selected": draw.selected,
        "closed": draw.closed,
        "inspectors": inspectors,
        "title": {"zh": found[1].title.zh, "en": found[1].title.en} if found else None,
        "categories": [
            {
                "name": c.name,
                "zh": c.zh,
                "en": c.en,
                "always": c.always,
                "ratio": 1.0 if c.always else draw.ratios.get(c.name),
            }
            for c in categories.values()
        ],
        "results": [
            {
                "id": app_id,
                "number": apps[app_id].number if app_id in apps else None,
                "holder": holder(app_id),
                "subject": subject(app_id),
                "category": cat,
                "category_title": {"zh": categories[cat].zh, "en": categories[cat].en}
                if cat in categories
                else {"zh": cat, "en": cat},
                "selected": app_id in draw.selected,
                "inspector": inspectors.get(str(app_id)),
                "state": apps[app_id].state if app_id in apps else None,
            }
            for app_id, cat in draw.candidates
        ],
    }
