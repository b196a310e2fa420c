"""DOMAIN.md §1 as data: the premise_addition event table, copied from the spec, not from the code."""

# event: (sources, destination, roles)
PREMISE_EVENTS = {
    "submit": (("draft",), "submitted", ("applicant",)),
    "register": (("submitted", "under_review"), "registered", ("clerk",)),
    "accept": (("submitted",), "under_review", ("clerk",)),
    "extend": (("under_review",), "under_review", ("approver",)),
    "request_correction": (("submitted", "under_review"), "correction_required", ("clerk",)),
    "resubmit": (("correction_required",), "submitted", ("applicant",)),
    "refuse": (("submitted", "under_review"), "refused", ("clerk",)),
    "redirect": (("submitted",), "redirected", ("clerk",)),
    "withdraw": (("submitted", "correction_required", "under_review"), "withdrawn", ("applicant",)),
    "cancel": (("registered",), "cancelled", ("applicant",)),
    "revoke": (("registered",), "revoked", ("approver",)),
}
PREMISE_STATES = (
    "draft",
    "submitted",
    "correction_required",
    "under_review",
    "registered",
    "refused",
    "redirected",
    "withdrawn",
    "cancelled",
    "revoked",
)
PREMISE_FINAL = {"refused", "redirected", "withdrawn", "cancelled", "revoked"}

# Valid data for each event (API.md "Event data by event").
REASON = {"reason": "提交的场所使用证明与实际不符"}
ITEMS = {"items": [{"field": "premise_use_document", "reason": "租赁合同缺少出租方签章"}]}
# the resubmission answers every item (DOMAIN §0): here in writing
ANSWERS = {"answers": {"premise_use_document": "已与出租方补签，签章页随件提交"}}
VALID_DATA = {
    "submit": None,
    "register": None,
    "accept": None,
    "resubmit": ANSWERS,
    "withdraw": None,
    "extend": {"reason": "需现场核查经营场所"},
    "request_correction": ITEMS,
    "refuse": REASON,
    "redirect": {"authority": "230103"},
    "cancel": {"closed_on": "2026-11-25"},
    "revoke": REASON,
}
