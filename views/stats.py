"""Statistics pages (staff: own authority; admin/auditor: all): SVG charts, CSV; and the applicant's rating form."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from infra.extensions import login_manager
from infra.i18n import bi
from models import Authority, db
from workflows import access, evaluations, stats
from workflows.registry import PROCEDURES
from workflows.transaction import commit

bp = Blueprint("stats", __name__)
BAR_WIDTH = 360  # the bar area of a chart, in SVG units (labels left of it, values right)
COLOURS = {"blue": "#0b4f9c", "green": "#2e7d32", "red": "#c62828", "amber": "#b26a00"}


bp.add_app_template_global(evaluations.SCORES, "evaluation_scores")


@bp.app_template_global()
def evaluation_of(app):
    return evaluations.of(app)


@bp.app_template_global()
def may_evaluate(app) -> bool:
    return current_user.is_authenticated and evaluations.refusal(app, current_user) is None


@bp.before_request
def logged_in():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def bar_chart(rows: list[tuple[str, str, int, str]]) -> dict:
    """Geometry of a horizontal bar chart: rows are (label zh, label en, value, colour name)."""
    top = max((value for _zh, _en, value, _c in rows), default=0) or 1
    bars = [
        {
            "zh": zh,
            "en": en,
            "value": value,
            "fill": COLOURS[colour],
            "y": 8 + i * 30,
            "width": round(BAR_WIDTH * value / top) if value else 0,
        }
        for i, (zh, en, value, colour) in enumerate(rows)
    ]
    return {"bars": bars, "height": 16 + 30 * len(rows), "bar_width": BAR_WIDTH}


def charts(figures: dict) -> dict:
    """The dashboard's charts: applications per state (one per procedure), on time vs late, scores."""
    per_state = []
    for name, data in figures["procedures"].items():
        proc = PROCEDURES[name]
        if data["total"] or figures["scope"]["procedure"]:
            rows = [(proc.states[s][0], proc.states[s][1], n, "blue") for s, n in data["states"].items()]
            per_state.append({"procedure": proc, "chart": bar_chart(rows)})
    decided = figures["decided"]
    timing = bar_chart(
        [("按期办结", "on time", decided["on_time"], "green"), ("超期办结", "late", decided["late"], "red")]
    )
    scores = bar_chart(
        [
            (
                f"{s}分 {evaluations.SCORES[s][0]}",
                evaluations.SCORES[s][1],
                figures["evaluations"]["scores"][str(s)],
                "amber",
            )
            for s in range(5, 0, -1)
        ]
    )
    return {"per_state": per_state, "timing": timing, "scores": scores}


@bp.get("/stats")
def dashboard():
    user = current_user._get_current_object()
    filters = stats.parse_filters(request.args, user)
    figures = stats.compute(user, filters)
    authorities = []
    if user.role in ("admin", "auditor"):
        authorities = (
            db.session.execute(select(Authority).order_by(Authority.division_code, Authority.kind)).scalars().all()
        )
    return render_template(
        "stats/dashboard.html",
        figures=figures,
        charts=charts(figures),
        args=request.args,
        authorities=authorities,
        comments=stats.recent_comments(user, filters),
    )


def csv_rows(figures: dict) -> list[list]:
    """The figures as (section, item, key, value) rows, Chinese first."""
    scope, decided, ev = figures["scope"], figures["decided"], figures["evaluations"]
    proc = PROCEDURES.get(scope["procedure"] or "")
    rows = [
        ["范围 Scope", "机关 Authority", "authority", scope["authority"]["name"] if scope["authority"] else "全部 All"],
        ["范围 Scope", "办理事项 Procedure", "procedure", proc.zh if proc else "全部 All"],
        ["范围 Scope", "提交日期自 Submitted from", "from", scope["from"] or ""],
        ["范围 Scope", "提交日期至 Submitted to", "to", scope["to"] or ""],
        ["范围 Scope", "统计日 As of", "today", scope["today"]],
        ["合计 Total", "申请总数 Applications", "total", figures["total"]],
    ]
    for name, data in figures["procedures"].items():
        p = PROCEDURES[name]
        rows += [
            ["状态 State", f"{p.zh}·{p.states[s][0]} {s}", f"state:{name}:{s}", n] for s, n in data["states"].items()
        ]
    rows += [
        ["办结 Decided", "已办结 Decided", "decided", decided["total"]],
        ["办结 Decided", "按期办结 On time", "on_time", decided["on_time"]],
        ["办结 Decided", "超期办结 Late", "late", decided["late"]],
        ["办结 Decided", "按期率 On-time rate", "on_time_rate", _blank(decided["on_time_rate"])],
        [
            "用时 Time",
            "办结用时中位数（工作日）Median working days to decision",
            "median_working_days",
            _blank(figures["median_working_days"]),
        ],
        ["逾期 Overdue", "当前逾期未办 Open and overdue now", "open_overdue", figures["open_overdue"]],
        ["评价 Evaluation", "评价数 Ratings", "evaluations", ev["count"]],
        ["评价 Evaluation", "平均分 Mean score", "mean_score", _blank(ev["mean"])],
    ]
    rows += [
        [
            "评价 Evaluation",
            f"{s}分 {evaluations.SCORES[s][0]} {evaluations.SCORES[s][1]}",
            f"score:{s}",
            ev["scores"][str(s)],
        ]
        for s in range(5, 0, -1)
    ]
    return rows


def _blank(value):
    return "" if value is None else value


@bp.get("/stats.csv")
def export_csv():
    user = current_user._get_current_object()
    figures = stats.compute(user, stats.parse_filters(request.args, user))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["分类 Section", "项目 Item", "代码 Key", "数值 Value"])
    writer.writerows(csv_rows(figures))
    name = f"bianmin-stats-{figures['scope']['today']}.csv"
    # the BOM tells Excel the file is UTF-8, so the Chinese is not garbled
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"},
    )


@bp.post("/stats/evaluate/<int:app_id>")
def evaluate(app_id):
    if current_user.role != "applicant":
        abort(403)
    app = access.application(current_user, app_id)
    raw = request.form.get("score", "")
    score = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 4 else raw  # the API refuses what is left
    evaluations.rate(app, current_user, {"score": score, "comment": request.form.get("comment", "")})
    commit()
    flash(bi("感谢您的评价"), "info")
    return redirect(url_for("portal.application", app_id=app.id, _anchor="evaluation"), 303)


@bp.get("/stats/evaluate/<int:app_id>")
def back_to_application(app_id):
    """A refused rating goes back to its referrer; without one the browser lands here."""
    return redirect(url_for("portal.application", app_id=app_id, _anchor="evaluation"))
