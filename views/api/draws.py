"""API: spot-check draws (POST by the clerk a procedure's draw rule names; reading and verifying are public) and
authority settings."""

from __future__ import annotations

from sqlalchemy import select

from models import Authority, Draw, db
from models.base import ID_MAX, local_iso
from views.api import api_user, bp, json_body
from workflows import documents, draws, operations
from workflows.accounts import authority_for
from workflows.definition import Reason
from workflows.errors import Forbidden, Invalid, NotFound
from workflows.transaction import commit


def _draw(draw_id) -> Draw:
    ok = str(draw_id).isascii() and str(draw_id).isdigit() and len(str(draw_id)) < 12 and int(draw_id) <= ID_MAX
    found = db.session.get(Draw, int(draw_id)) if ok else None
    if found is None:
        raise NotFound("没有这次抽查", "no such draw")
    return found


@bp.post("/draws")
def create_draw():
    user = api_user()
    body = json_body()
    with documents.rendered_later():  # any document the draw's events issue is rendered by the worker
        draw = draws.run(user, body.get("ratios"))
        commit()
    return draws.public_view(draw, logins=True), 201


@bp.get("/draws")
def list_draws():
    rows = db.session.execute(select(Draw).order_by(Draw.id.desc()).limit(100)).scalars()
    return {
        "items": [
            {
                "id": d.id,
                "authority": d.authority.name,
                "drawn_at": local_iso(d.drawn_at),
                "selected": len(d.selected),
                "closed": len(d.closed),
            }
            for d in rows
        ]
    }


@bp.get("/draws/<draw_id>")
def get_draw(draw_id):
    return draws.public_view(_draw(draw_id))


@bp.get("/draws/<draw_id>/verify")
def verify_draw(draw_id):
    draw = _draw(draw_id)
    return {"id": draw.id, "seed": draw.seed, "reproduced": draws.reproduced(draw)}


@bp.get("/authorities/<key>/settings")
def authority_settings(key):
    api_user()
    authority = _authority(key)
    return {"authority": authority.as_dict(), "settings": authority.settings or {}}


@bp.put("/authorities/<key>/settings")
def set_authority_settings(key):
    """{"<setting>": "<value>", …}: each one the same operation as the admin page and `flask authorities set`."""
    user = api_user()
    if user.role != "admin":
        raise Forbidden("只有管理员可以修改机关设置", "only admins change authority settings")
    authority = _authority(key)
    body = json_body()
    if not body:
        raise Invalid(
            "设置有误",
            "invalid settings",
            [
                Reason(
                    "required",
                    '请给出要修改的设置，如 {"fire_mode": "promise"}',
                    'name a setting, e.g. {"fire_mode": "promise"}',
                    "settings",
                )
            ],
        )
    for name, value in body.items():
        operations.set_authority_setting(user, authority, name, value)
    commit()
    return {"authority": authority.as_dict(), "settings": authority.settings}


def _authority(key) -> Authority:
    found = authority_for(key)
    if found is None:
        raise NotFound("没有这个机关", "no such authority")
    return found
