"""API: service evaluations (好差评) of an application, and the statistics of API.md."""

from __future__ import annotations

from flask import request

from views.api import api_user, bp, json_body
from workflows import access, evaluations, stats
from workflows.definition import Reason
from workflows.errors import Invalid, NotFound
from workflows.transaction import commit


@bp.post("/applications/<app_id>/evaluation")
def rate_application(app_id):
    user = api_user()
    app = access.application(user, app_id)
    evaluation = evaluations.rate(app, user, json_body())
    commit()
    return evaluation.as_dict(), 201


@bp.get("/applications/<app_id>/evaluation")
def application_evaluation(app_id):
    evaluation = evaluations.of(access.application(api_user(), app_id))
    if evaluation is None:
        raise NotFound("尚无评价", "not rated yet")
    return evaluation.as_dict()


@bp.get("/stats")
def statistics():
    user = api_user()
    empty = [name for name in ("procedure", "from", "to") if request.args.get(name) == ""]
    if empty:  # the OpenAPI document types them (an enum, dates): leave one out rather than send it empty
        raise Invalid(
            "统计条件有误",
            "invalid statistics filters",
            [
                Reason(
                    "empty",
                    f"{name}：不能为空（不限时请省略）",
                    f"{name}: must not be empty (leave it out instead)",
                    name,
                )
                for name in empty
            ],
        )
    return stats.compute(user, stats.parse_filters(request.args, user))
