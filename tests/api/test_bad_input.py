"""Bad input never gives a 500 (API.md Errors): each kind of mistake has its status, code and details."""

from __future__ import annotations

import io

import pytest

from tests.conftest import PDF_BYTES, premise_fields

APPS = "/api/v1/applications"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + b"\0" * 40
JPEG = b"\xff\xd8\xff\xe0\0\x10JFIF\0" + b"\0" * 40


def error_of(r, status: int) -> dict:
    assert r.status_code == status, (r.status_code, r.get_data(as_text=True)[:500])
    body = r.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def fields_named(error: dict) -> set[str]:
    return {d["field"] for d in error["details"]}


# ---- the body itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, status",
    [
        (b'{"procedure": "premise_addition", ', 400),
        (b"[1, 2, 3]", 400),
        (b'"just a string"', 400),
        (b"", 400),
        (b"\xff\xfe{}", 400),
        (b"[" * 100_000, 400),
        (b'{"a":' * 50_000, 400),
        (b'{"fields": "' + b"x" * (256 * 1024 + 1) + b'"}', 413),
    ],
    ids=[
        "truncated JSON",
        "array",
        "string",
        "empty body",
        "not UTF-8",
        "100000 nested arrays",
        "50000 nested objects",
        "body over 256 KiB",
    ],
)
def test_malformed_or_oversized_body(api, raw, status):
    r = api.post(APPS, "alice", data=raw, content_type="application/json")
    error = error_of(r, status)
    assert error["code"] == ("malformed_json" if status == 400 else "payload_too_large")


# ---- fields of a new application ---------------------------------------------------------------


def test_wrong_types_name_each_field(api):
    r = api.post(
        APPS,
        "alice",
        json={
            "procedure": "premise_addition",
            "fields": premise_fields(
                needs_prior_licence="yes", service_category="spaceship", domicile_division="999999"
            ),
        },
    )
    error = error_of(r, 422)
    assert fields_named(error) == {"needs_prior_licence", "service_category", "domicile_division"}


@pytest.mark.parametrize(
    "body, named",
    [
        ({"procedure": "premise_addition", "fields": {"favourite_colour": "red"}}, {"favourite_colour"}),
        ({"procedure": "premise_addition", "fields": {}, "priority": "high"}, {"priority"}),
        ({"procedure": "spaceship_launch", "fields": {}}, {"procedure"}),
        ({"procedure": "premise_addition", "fields": ["enterprise_name"]}, {"fields"}),
        ({"procedure": "premise_addition", "fields": {"enterprise_name": 42}}, {"enterprise_name"}),
        ({"procedure": "premise_addition", "fields": {"enterprise_name": "甲" * 101}}, {"enterprise_name"}),
        ({"procedure": "premise_addition", "fields": {"enterprise_name": "便民\x00家政"}}, {"enterprise_name"}),
    ],
    ids=[
        "unknown field",
        "unknown top-level key",
        "unknown procedure",
        "fields not an object",
        "number for text",
        "too long",
        "control character",
    ],
)
def test_invalid_new_application(api, body, named):
    assert fields_named(error_of(api.post(APPS, "alice", json=body), 422)) == named


@pytest.mark.parametrize(
    "code, says",
    [
        ("91330100716105852A", "校验位"),
        ("91330100716105852", "18位"),
        ("9133010071610585200", "18位"),
        ("9I330100716105852F", "I"),
        ("91O30100716105852F", "O"),
        ("913S0100716105852F", "S"),
        ("9133V100716105852F", "V"),
        ("91330Z00716105852F", "Z"),
    ],
    ids=[
        "wrong check character",
        "17 characters",
        "19 characters",
        "letter I",
        "letter O",
        "letter S",
        "letter V",
        "letter Z",
    ],
)
def test_bad_credit_code(api, code, says):
    error = error_of(
        api.post(APPS, "alice", json={"procedure": "premise_addition", "fields": premise_fields(credit_code=code)}), 422
    )
    assert fields_named(error) == {"credit_code"}
    assert says in error["message"] and says in error["details"][0]["message"]


def test_lower_case_credit_code_is_accepted_in_upper_case(api):
    assert api.draft(credit_code="91330100716105852f")["fields"]["credit_code"] == "91330100716105852F"


def test_messages_follow_accept_language(api):
    body = {"procedure": "premise_addition", "fields": premise_fields(credit_code="91330100716105852A")}
    zh = error_of(api.post(APPS, "alice", json=body), 422)
    en = error_of(api.post(APPS, "alice", json=body, headers={"Accept-Language": "en-GB,en;q=0.9"}), 422)
    assert "校验位" in zh["message"]
    assert "check character" in en["message"] and not any("\u4e00" <= c <= "\u9fff" for c in en["message"])


# ---- events ------------------------------------------------------------------------------------


@pytest.fixture
def submitted(api):
    return api.submitted()


def post_event(api, app, body, user="clerk_daoli"):
    return api.post(f"{APPS}/{app['id']}/events", user, json=body)


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"event": "register"}, 422, "validation_failed"),
        ({"event": "register", "version": "2"}, 422, "validation_failed"),
        ({"event": "register", "version": True}, 422, "validation_failed"),
        ({"event": "register", "version": 1}, 409, "stale_version"),
        ({"event": "submit", "version": 2}, 403, "forbidden"),
        ({"event": "launch", "version": 2}, 422, "unknown_event"),
        ({"version": 2}, 422, "unknown_event"),
        ({"event": "register", "version": 2, "data": ["x"]}, 422, "validation_failed"),
        ({"event": "register", "version": 2, "comment": 5}, 422, "validation_failed"),
        ({"event": "refuse", "version": 2}, 422, "validation_failed"),
        ({"event": "refuse", "version": 2, "data": {"reason": " "}}, 422, "validation_failed"),
        ({"event": "redirect", "version": 2, "data": {"authority": "999999"}}, 422, "validation_failed"),
        ({"event": "redirect", "version": 2, "data": {"authority": "230102"}}, 422, "guard_failed"),
        ({"event": "register", "version": 2, "data": {"extra": 1}}, 422, "validation_failed"),
    ],
    ids=[
        "missing version",
        "version as text",
        "version as bool",
        "stale version",
        "applicant event by clerk",
        "unknown event",
        "no event",
        "data not an object",
        "comment not text",
        "refuse without data",
        "refuse with blank reason",
        "redirect to an unknown division",
        "redirect to itself",
        "unknown data key",
    ],
)
def test_bad_event_request(api, submitted, body, status, code):
    assert submitted["version"] == 2
    assert error_of(post_event(api, submitted, body), status)["code"] == code


def test_event_not_allowed_in_state_is_409(api, submitted):
    error = error_of(
        post_event(api, submitted, {"event": "extend", "version": 2, "data": {"reason": "x"}}, "approver_daoli"), 409
    )
    assert error["code"] == "invalid_state"
    error = error_of(post_event(api, submitted, {"event": "cancel", "version": 2}, "alice"), 409)
    assert error["code"] == "invalid_state"


@pytest.mark.parametrize(
    "items, where",
    [
        ([], ["data.items"]),
        (None, ["data.items"]),
        ("premise_address", ["data.items"]),
        ([{"field": "shoe_size", "reason": "太小"}], ["data.items[0]"]),
        ([{"field": "premise_address", "reason": ""}], ["data.items[0]"]),
        ([{"field": "premise_address"}], ["data.items[0]"]),
        (
            [
                {"field": "premise_address", "reason": "门牌号不清"},
                {"field": "nope", "reason": "x"},
                {"field": "business_scope", "reason": " "},
            ],
            ["data.items[1]", "data.items[2]"],
        ),
        ([{"field": "premise_address", "reason": "a"}, {"field": "premise_address", "reason": "b"}], ["data.items[1]"]),
    ],
    ids=[
        "empty list",
        "no items",
        "not a list",
        "unknown field",
        "empty reason",
        "no reason",
        "every bad item at once",
        "same field twice",
    ],
)
def test_request_correction_needs_a_complete_one_time_list(api, submitted, items, where):
    data = {} if items is None else {"items": items}
    error = error_of(post_event(api, submitted, {"event": "request_correction", "version": 2, "data": data}), 422)
    assert [d["field"] for d in error["details"]] == where
    assert api.get(f"{APPS}/{submitted['id']}", "alice").get_json()["state"] == "submitted"


def test_patch_errors(api):
    draft = api.draft()
    url = f"{APPS}/{draft['id']}"
    assert fields_named(error_of(api.patch(url, "alice", json={"fields": {"nope": 1}}), 422)) == {"nope"}
    assert fields_named(error_of(api.patch(url, "alice", json={}), 422)) == {"fields"}
    assert error_of(api.patch(url, "alice", json={"fields": {}, "version": 7}), 409)["code"] == "stale_version"
    assert error_of(api.patch(url, "bob", json={"fields": {}}), 404)["code"] == "not_found"


@pytest.mark.parametrize("app_id", ["abc", "0", "-1", "99999999999999999999999", "1.5"])
def test_odd_application_ids_are_404(api, app_id):
    assert error_of(api.get(f"{APPS}/{app_id}", "alice"), 404)["code"] == "not_found"


# ---- uploads -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, filename, status",
    [
        (b"this is plain text, not a PDF", "x.pdf", 415),
        (b"GIF89a" + b"\0" * 20, "x.gif", 415),
        (b"<html><script>alert(1)</script>", "x.pdf", 415),
        (b"", "empty.pdf", 422),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024 - 4), "big.pdf", 413),
    ],
    ids=["text named .pdf", "GIF", "HTML named .pdf", "zero bytes", "10 MiB + 1"],
)
def test_rejected_uploads(api, data, filename, status):
    draft = api.draft()
    error_of(api.upload(draft["id"], data=data, filename=filename), status)
    assert api.get(f"{APPS}/{draft['id']}/attachments", "alice").get_json()["items"] == []


@pytest.mark.parametrize(
    "data, filename, ctype",
    [
        (PNG, "scan.dat", "image/png"),
        (JPEG, "photo", "image/jpeg"),
        (PDF_BYTES, "lease.PNG", "application/pdf"),
        (b"%PDF-" + b"0" * (10 * 1024 * 1024 - 5), "exactly-10MiB.pdf", "application/pdf"),
    ],
    ids=["PNG by content", "JPEG by content", "PDF named .PNG", "exactly 10 MiB"],
)
def test_accepted_uploads_judged_by_content(api, data, filename, ctype):
    draft = api.draft()
    r = api.upload(draft["id"], data=data, filename=filename)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert {"id", "kind", "filename", "size", "sha256"} <= set(body)
    assert (body["kind"], body["size"], body.get("content_type")) == ("premise_use_document", len(data), ctype)


@pytest.mark.parametrize(
    "filename, cleaned",
    [
        ("../../etc/passwd", "passwd"),
        ("/abs/path/租赁合同.pdf", "租赁合同.pdf"),
        ("re\tport\x07\x1b.pdf", "report.pdf"),
        ("lease\u202egpj.pdf", "leasegpj.pdf"),
        ("..", "file"),
    ],
    ids=["dot-dot slash", "absolute path", "control characters", "right-to-left override", "only dots"],
)
def test_upload_filename_is_cleaned(api, filename, cleaned):
    draft = api.draft()
    r = api.upload(draft["id"], filename=filename)
    assert r.status_code == 201 and r.get_json()["filename"] == cleaned


def test_upload_filename_with_backslashes_keeps_no_directory(api):
    # werkzeug unquotes the multipart header, so "\\" may already be gone: either way no directory is left
    r = api.upload(api.draft()["id"], filename="..\\..\\windows\\win.ini")
    name = r.get_json()["filename"]
    assert r.status_code == 201 and name.endswith("win.ini") and not {"\\", "/"} & set(name) and ".." not in name


def test_upload_kind_owner_and_state(api):
    draft = api.draft()
    assert fields_named(error_of(api.upload(draft["id"], kind="selfie"), 422)) == {"kind"}
    error_of(api.upload(draft["id"], user="bob"), 404)
    r = api.post(
        f"{APPS}/{draft['id']}/attachments",
        "alice",
        data={"kind": "premise_use_document"},
        content_type="multipart/form-data",
    )
    assert fields_named(error_of(r, 422)) == {"file"}
    submitted = api.submitted(premise_address="经纬街1号")
    assert error_of(api.upload(submitted["id"]), 409)["code"] == "invalid_state"
    error_of(api.upload(submitted["id"], user="clerk_daoli"), 403)


def test_upload_not_multipart(api):
    draft = api.draft()
    r = api.post(
        f"{APPS}/{draft['id']}/attachments", "alice", data=io.BytesIO(PDF_BYTES).read(), content_type="application/pdf"
    )
    assert error_of(r, 422)["details"][0]["field"] == "file"
