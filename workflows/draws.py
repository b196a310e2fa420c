"""双随机、一公开: a reproducible spot-check draw over an authority's filed fire filings, in one transaction."""
from __future__ import annotations

import random
import secrets

from flask import current_app
from sqlalchemy import select, update

from models import Application, Authority, Draw, User, db
from models.base import local_iso
from workflows import engine
from workflows.registry import PROCEDURES
from workflows.definition import Reason
from workflows.documents import holder_of
from workflows.errors import Forbidden, Invalid

DEFAULT_RATIOS = {"crowded": 0.5, "standard": 0.1, "simplified": 0.05, "late": 1.0}


def category(app: Application) -> str:
    """Late beats crowded beats route: the strictest ratio that applies."""
    if app.is_late:
        return "late"
    if (app.fields or {}).get("crowded_place"):
        return "crowded"
    return "standard" if app.route == "standard" else "simplified"


def compute(seed: str, candidates: list[list], ratios: dict, pool: list[str]) -> tuple[list[int], list[int], dict]:
    """The selection and the inspectors, recomputable from the seed and the recorded inputs alone."""
    rng = random.Random(seed)
    selected, closed, inspectors = [], [], {}
    for app_id, cat in candidates:
        draw = rng.random()
        (selected if cat == "late" or draw < ratios[cat] else closed).append(app_id)
    for app_id in selected:
        inspectors[str(app_id)] = rng.choice(pool)
    return selected, closed, inspectors


def clean_ratios(given) -> dict:
    ratios = dict(current_app.config.get("DRAW_RATIOS") or DEFAULT_RATIOS)
    if given is None:
        return ratios
    problems = []
    if not isinstance(given, dict):
        raise Invalid("ratios 应为对象", "ratios must be an object", [Reason("type", "ratios：应为对象", "ratios: object", "ratios")])
    for key, value in given.items():
        if key not in ratios or key == "late":
            problems.append(Reason("unknown_ratio", f"ratios.{key}：只能设置 crowded、standard、simplified（逾期备案一律抽查）",
                                   f"ratios.{key}: only crowded, standard, simplified (late filings are always selected)",
                                   f"ratios.{key}"))
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            problems.append(Reason("range", f"ratios.{key}：应为0到1之间的数", f"ratios.{key}: a number 0–1", f"ratios.{key}"))
        else:
            ratios[key] = float(value)
    if problems:
        raise Invalid("抽查比例有误", "invalid ratios", problems)
    return ratios


def run(actor, ratios=None) -> Draw:
    """Draw over every filed application of the actor's housing authority; the caller commits."""
    if actor.role != "clerk" or actor.authority is None or actor.authority.kind != "housing":
        raise Forbidden("只有住房和城乡建设部门的窗口人员可以组织抽查", "only a housing authority's clerk may run a draw")
    ratios = clean_ratios(ratios)
    # lock the authority row: two draws at once run one after the other and never select an application twice
    db.session.execute(update(Authority).where(Authority.id == actor.authority_id).values(settings=Authority.settings))
    apps = db.session.execute(select(Application).where(
        Application.procedure == "fire_filing", Application.authority_id == actor.authority_id,
        Application.state == "filed").order_by(Application.id)).scalars().all()
    pool = sorted(db.session.execute(select(User.username).where(
        User.authority_id == actor.authority_id, User.role == "inspector")).scalars())
    candidates = [[a.id, category(a)] for a in apps]
    if apps and not pool:
        raise Invalid("本机关没有检查员，无法抽查", "the authority has no inspectors to assign",
                      [Reason("inspectors", "请先为本机关设置检查员", "create inspectors first", "inspectors")])
    seed = secrets.token_hex(16)
    selected, closed, inspectors = compute(seed, candidates, ratios, pool)
    draw = Draw(authority_id=actor.authority_id, seed=seed, ratios=ratios, candidates=candidates, pool=pool,
                selected=selected, closed=closed, inspectors=inspectors, drawn_by_id=actor.id)
    db.session.add(draw)
    db.session.flush()
    ids = {u.username: u.id for u in db.session.execute(select(User).where(User.username.in_(pool))).scalars()}
    for app in apps:
        chosen = app.id in selected
        data = {"selected": chosen, "draw_id": draw.id}
        if chosen:
            data["inspector_id"] = ids[inspectors[str(app.id)]]
        engine.fire(app, "draw", actor, data, app.version, internal=True)
    return draw


def reproduced(draw: Draw) -> bool:
    return compute(draw.seed, draw.candidates, draw.ratios, draw.pool) == (draw.selected, draw.closed, draw.inspectors)


def inspector_names(draw: Draw) -> dict[str, str]:
    """The pool's login names -> the names the public may read: each inspector's display name, or "检查员N"
    (their place in the pool) for one who has none. A login name is never published."""
    users = {u.username: u.display_name for u in db.session.execute(
        select(User).where(User.username.in_(draw.pool))).scalars()} if draw.pool else {}
    names = {}
    for n, login in enumerate(draw.pool, start=1):
        name = (users.get(login) or "").strip()
        names[login] = name if name and name != login else f"检查员{n}"     # a display name that is the login: none
    return names


def public_view(draw: Draw, logins: bool = False) -> dict:
    """What the public sees: the seed, the ratios, holders' and inspectors' names and the outcome; nothing personal
    beyond that. `logins`: the inspectors by login name, for the clerk who ran the draw (POST /api/v1/draws)."""
    apps = {a.id: a for a in db.session.execute(select(Application).where(
        Application.id.in_([c[0] for c in draw.candidates]))).scalars()} if draw.candidates else {}
    names = {login: login for login in draw.pool} if logins else inspector_names(draw)
    inspectors = {app_id: names.get(login, login) for app_id, login in draw.inspectors.items()}
    return {"id": draw.id, "authority": draw.authority.name, "authority_key": draw.authority.key, "seed": draw.seed,
            "ratios": draw.ratios, "drawn_at": local_iso(draw.drawn_at),
            "selected": draw.selected, "closed": draw.closed, "inspectors": inspectors,
            "results": [{"id": app_id, "number": apps[app_id].number if app_id in apps else None,
                         "holder": holder_of(apps[app_id].fields or {}, PROCEDURES[apps[app_id].procedure])[0]
                         if app_id in apps else None,
                         "facility": (apps[app_id].fields or {}).get("facility_name") if app_id in apps else None,
                         "category": cat, "selected": app_id in draw.selected,
                         "inspector": inspectors.get(str(app_id)),
                         "state": apps[app_id].state if app_id in apps else None}
                        for app_id, cat in draw.candidates]}
