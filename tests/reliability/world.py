"""A populated world for the reliability tests: staff of every role in the authorities the
procedures involve (home division 230102 and another, 230103), bearer tokens, and a way to bring a
fresh application of any procedure to any state through the API."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass

from models import Application, db
from tests.conftest import PDF_BYTES, premise_fields
from workflows import accounts, engine
from workflows.jobs import SYSTEM
from workflows.registry import PROCEDURES

HOME, OTHER = "230102", "230103"
STAFF_ROLES = ("clerk", "approver", "reviewer", "inspector")
# the handling authority's kind, every party kind, and one kind that has nothing to do with it
KINDS = {
    "premise_addition": ("market_regulation", "natural_resources"),
    "land_transition": ("natural_resources", "civil_affairs", "housing", "government", "market_regulation"),
    "fire_filing": ("housing", "market_regulation"),
    "childcare_filing": ("health", "market_regulation"),
}
ALL_KINDS = tuple(dict.fromkeys(k for kinds in KINDS.values() for k in kinds))


def staff(role: str, kind: str, division: str = HOME) -> str:
    return f"{role}_{kind}_{division}"


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    kind: str | None = None
    division: str | None = None

    @property
    def label(self) -> str:
        if self.kind is None:
            return self.username
        return f"{self.role}@{self.kind}:{'home' if self.division == HOME else 'other'}"


OWNER, STRANGER = Actor("alice", "applicant"), Actor("bob", "applicant")
ADMIN, AUDITOR = Actor("admin", "admin"), Actor("auditor", "auditor")


def actors(procedure: str) -> list[Actor]:
    """Everyone the matrix tries on an application of `procedure`."""
    out = [OWNER, STRANGER, ADMIN, AUDITOR]
    for role in STAFF_ROLES:
        for kind in KINDS[procedure]:
            for division in (HOME, OTHER):
                out.append(Actor(staff(role, kind, division), role, kind, division))
    return out


FIELDS = {
    "premise_addition": premise_fields(),
    "land_transition": {
        "operator_name": "哈尔滨市阳光颐养养老服务有限公司",
        "credit_code": "91230102MA1D0XG5LR",
        "land_holder_name": "哈尔滨市道里区城市建设投资有限公司",
        "property_certificate_no": "黑（2021）哈尔滨市不动产权第0012345号",
        "building_address": "经纬街274号院3号楼",
        "building_division": HOME,
        "floor_area_m2": 860,
        "current_land_use": "工业用地",
        "service_type": "elderly_care",
        "price_commitment": "床位费不高于同区域公办养老机构收费标准",
    },
    # the standard route (over 300 m² and over ¥300,000): submit waits for a clerk, whatever the mode
    "fire_filing": {
        "facility_name": "经纬街274号院社区养老服务站",
        "credit_code": "91230102MA1D0XG5LR",
        "site_address": "经纬街274号院1号楼1层",
        "site_division": HOME,
        "facility_type": "elderly_care",
        "special_construction": False,
        "crowded_place": False,
        "floor_area_m2": 800,
        "total_investment_yuan": 2_000_000,
        "completion_date": "2026-11-23",
    },
    "childcare_filing": {
        "institution_name": "哈尔滨市道里区小星星托育服务有限公司",
        "credit_code": "91230102MA1E7TY0X3",
        "registration_kind": "enterprise",
        "registered_scope": "托育服务；婴幼儿早期发展咨询",
        "address": "群力第五大道1688号2号楼1层",
        "division": HOME,
        "street": "230102019",
        "care_types": ["full_day", "hourly"],
        "places": 40,
        "floor_area_m2": 420,
        "classes": [
            {"age_group": "infant", "children": 8, "caregivers": 3},
            {"age_group": "toddler", "children": 12, "caregivers": 3},
        ],
        "legal_representative": "王丽华",
        "contact_phone": "0451-84610000",
    },
}
ATTACHMENTS = {
    "premise_addition": ("premise_use_document",),
    "land_transition": ("property_certificate", "holder_consent", "project_plan", "safety_assessment"),
    "fire_filing": ("filing_form", "completion_report", "as_built_drawings"),
    "childcare_filing": (
        "commitment_letter",
        "registration_certificate",
        "premises_proof",
        "staff_certificates",
        "health_evaluation",
        "fire_safety_proof",
    ),
}

REASON = {"reason": "材料与实际情况不符"}
# valid data for every event name of the three procedures (API.md "Event data by event")
VALID_DATA = {
    "submit": None,
    "resubmit": {"answers": {"credit_code": "代码与营业执照一致，已核对"}},  # every item answered (DOMAIN §0)
    "withdraw": None,
    "accept": None,
    "register": None,
    "file": None,
    "revert": None,
    "expire": None,
    "request_recheck": None,
    "cancel": None,
    "approve": None,
    "refuse": REASON,
    "not_accept": REASON,
    "not_approve": REASON,
    "revoke": REASON,
    "terminate": REASON,
    "extend": {"reason": "需现场核查"},
    "redirect": {"authority": OTHER},
    "request_correction": {"items": [{"field": "credit_code", "reason": "与营业执照不一致"}]},
    "give_opinion": {"agree": True, "opinion": "同意"},
    "issue_review_opinion": {"expropriation_plan": False, "soil_ok": True, "use_change_allowed": True},
    "record_inspection": {"passed": True, "findings": "合格"},
    "convert": {"land_document": "哈道自然资规〔2031〕第88号"},
    "draw": {"selected": True, "draw_id": 1},
    "record_verification": {"compliant": True, "findings": "符合要求"},
    "conclude": {"compliant": True, "findings": "说明属实，已整改"},
    "explain": {"explanation": "已新聘两名持证保育人员"},
    "amend": {"fields": {"places": 45}},
}

CLERK = {p: staff("clerk", KINDS[p][0]) for p in KINDS}
SUBMIT = ("submit", OWNER.username)
DRAW, EXPIRE = "<draw>", "<expire>"  # steps that are not an event fired through the API by a user
# how each state is reached from a complete draft: (event, username) steps
PATHS = {
    "premise_addition": {
        "draft": [],
        "submitted": [SUBMIT],
        "under_review": [SUBMIT, ("accept", CLERK["premise_addition"])],
        "correction_required": [SUBMIT, ("request_correction", CLERK["premise_addition"])],
        "registered": [SUBMIT, ("register", CLERK["premise_addition"])],
    },
    "fire_filing": {
        "draft": [],
        "submitted": [SUBMIT],
        "correction_required": [SUBMIT, ("request_correction", CLERK["fire_filing"])],
        "filed": [SUBMIT, ("file", CLERK["fire_filing"])],
        "selected": [SUBMIT, ("file", CLERK["fire_filing"]), (DRAW, CLERK["fire_filing"])],
        "rectifying": [
            SUBMIT,
            ("file", CLERK["fire_filing"]),
            (DRAW, CLERK["fire_filing"]),
            ("record_inspection", staff("inspector", "housing"), {"passed": False, "findings": "疏散通道堵塞"}),
        ],
        "rechecking": [
            SUBMIT,
            ("file", CLERK["fire_filing"]),
            (DRAW, CLERK["fire_filing"]),
            ("record_inspection", staff("inspector", "housing"), {"passed": False, "findings": "疏散通道堵塞"}),
            ("request_recheck", OWNER.username),
        ],
    },
}
_LAND = [SUBMIT, ("accept", CLERK["land_transition"])]
_LAND_OPINIONS = [
    *_LAND,
    ("give_opinion", staff("reviewer", "civil_affairs")),
    ("give_opinion", staff("reviewer", "housing")),
]
_LAND_REVIEWED = [*_LAND_OPINIONS, ("issue_review_opinion", CLERK["land_transition"])]
_LAND_APPROVED = [*_LAND_REVIEWED, ("approve", staff("approver", "government"))]
PATHS["land_transition"] = {
    "draft": [],
    "submitted": [SUBMIT],
    "correction_required": [SUBMIT, ("request_correction", CLERK["land_transition"])],
    "department_review": _LAND,
    "planning_review": _LAND_OPINIONS,
    "government_approval": _LAND_REVIEWED,
    "in_transition": _LAND_APPROVED,
    "expired": [*_LAND_APPROVED, (EXPIRE, "system")],
}


_HEALTH = CLERK["childcare_filing"]
_NONCOMPLIANT = {"compliant": False, "findings": "保育人员与婴幼儿比例低于1:5"}
_FILED = [SUBMIT, ("file", _HEALTH)]
_ASKED = [*_FILED, ("record_verification", staff("inspector", "health"), _NONCOMPLIANT)]
PATHS["childcare_filing"] = {
    "draft": [],
    "submitted": [SUBMIT],
    "correction_required": [SUBMIT, ("request_correction", _HEALTH)],
    "filed": _FILED,
    "verified": [*_FILED, ("record_verification", staff("inspector", "health"))],
    "explanation_required": _ASKED,
    "explanation_submitted": [*_ASKED, ("explain", OWNER.username)],
    "noncompliant": [*_ASKED, ("explain", OWNER.username), ("conclude", _HEALTH, _NONCOMPLIANT)],
}


class World:
    """The users, their tokens, and `bring(procedure, state)` through the real API."""

    def __init__(self, app, client):
        self.app, self.client = app, client
        self.tokens: dict[str, str] = {}
        self._n = itertools.count(1)

    def populate(self, kinds: tuple[str, ...] = ALL_KINDS, extra: list[tuple[str, str, str | None]] = ()) -> World:
        """alice and bob (applicants), admin, auditor, and every staff role of `kinds` in both divisions."""
        people = [(a.username, a.role, None) for a in (OWNER, STRANGER, ADMIN, AUDITOR)]
        staff_rows = [(staff(r, k, d), r, f"{d}:{k}") for r in STAFF_ROLES for k in kinds for d in (HOME, OTHER)]
        with self.app.app_context():
            users = [accounts.create_user(n, "correct-horse-9", r, a) for n, r, a in [*people, *staff_rows, *extra]]
            for user in users:
                self.tokens[user.username] = accounts.issue_token(user)[0]
            db.session.commit()
        return self

    def headers(self, username: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def get(self, url: str, username: str | None = None):
        return self.client.get(url, headers=self.headers(username) if username else {})

    def post(self, url: str, username: str, **kw):
        return self.client.post(url, headers=self.headers(username), **kw)

    def fire(self, app_id: int, event: str, username: str, data=None, version: int | None = None):
        if version is None:
            version = self.app_json(app_id)["version"]
        body = {"event": event, "version": version}
        if event == "approve":  # a government's approval carries its opinion (审批意见)
            body["comment"] = "同意"
        if data is not None:
            body["data"] = data
        return self.post(f"/api/v1/applications/{app_id}/events", username, json=body)

    def app_json(self, app_id: int, username: str = OWNER.username) -> dict:
        r = self.get(f"/api/v1/applications/{app_id}", username)
        assert r.status_code == 200, r.get_json()
        return r.get_json()

    def upload(
        self,
        app_id: int,
        kind: str,
        username: str = OWNER.username,
        data: bytes = PDF_BYTES,
        filename: str = "scan.pdf",
    ):
        return self.post(
            f"/api/v1/applications/{app_id}/attachments",
            username,
            data={"kind": kind, "file": (io.BytesIO(data), filename)},
            content_type="multipart/form-data",
        )

    def draft(self, procedure: str, **fields) -> dict:
        given = fields
        fields = {**FIELDS[procedure], **fields}
        if procedure == "premise_addition" and "premise_address" not in given:
            fields["premise_address"] = f"中央大街{next(self._n)}号"  # a registered premise is not registered twice
        r = self.post("/api/v1/applications", OWNER.username, json={"procedure": procedure, "fields": fields})
        assert r.status_code == 201, r.get_json()
        app_id = r.get_json()["id"]
        for kind in ATTACHMENTS[procedure]:
            assert self.upload(app_id, kind).status_code == 201
        return self.app_json(app_id)

    def bring(self, procedure: str, state: str, **fields) -> dict:
        """A fresh application of `procedure` owned by alice, in `state`, reached through the API."""
        body = self.draft(procedure, **fields)
        for step in PATHS[procedure][state]:
            event, username = step[0], step[1]
            if event == DRAW:
                r = self.post(
                    "/api/v1/draws", username, json={"ratios": {"standard": 1, "simplified": 1, "crowded": 1}}
                )
                assert r.status_code == 201 and body["id"] in r.get_json()["selected"], r.get_json()
            elif event == EXPIRE:
                with self.app.app_context():
                    row = db.session.get(Application, body["id"])
                    engine.fire(row, "expire", SYSTEM, None, row.version)
                    db.session.commit()
            else:
                data = step[2] if len(step) > 2 else VALID_DATA[event]
                r = self.fire(body["id"], event, username, data)
                assert r.status_code == 200, (event, username, r.get_json())
            body = self.app_json(body["id"])
        assert body["state"] == state, (procedure, state, body["state"])
        return body


def all_events():
    """(procedure, event, source state) for every event and every state it may be fired from."""
    for name, proc in PROCEDURES.items():
        for event in proc.events:
            for source in event.sources:
                yield name, event, source
