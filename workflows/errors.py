"""Domain errors: each carries an HTTP status, a snake_case code, zh + en text and per-rule details."""

from __future__ import annotations

from workflows.definition import Reason


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(
        self,
        zh: str,
        en: str,
        details: list[Reason] | list[dict] | None = None,
        code: str | None = None,
        status: int | None = None,
    ):
        super().__init__(en)
        self.zh, self.en = zh, en
        self.details = [d.as_dict() if isinstance(d, Reason) else d for d in (details or [])]
        if code:
            self.code = code
        if status:
            self.status = status

    def message(self, lang: str) -> str:
        if not self.details:
            return self.zh if lang == "zh" else self.en
        key = "message" if lang == "zh" else "message_en"
        sep = "；" if lang == "zh" else "; "
        head = self.zh if lang == "zh" else self.en
        return head + ("：" if lang == "zh" else ": ") + sep.join(d.get(key, "") for d in self.details)


class Malformed(DomainError):
    status, code = 400, "malformed_request"


class Unauthenticated(DomainError):
    status, code = 401, "unauthenticated"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


class NotFound(DomainError):
    status, code = 404, "not_found"

    def __init__(self, zh: str = "未找到，或您无权查看", en: str = "not found, or not visible to you"):
        super().__init__(zh, en)


class Conflict(DomainError):
    status, code = 409, "conflict"


class TooLarge(DomainError):
    status, code = 413, "payload_too_large"


class UnsupportedType(DomainError):
    status, code = 415, "unsupported_media_type"


class Invalid(DomainError):
    status, code = 422, "validation_failed"


class RateLimited(DomainError):
    """429: too many attempts from one address; `retry_after` (seconds) goes out as the Retry-After header."""

    status, code = 429, "rate_limited"

    def __init__(self, zh: str, en: str, retry_after: int = 60):
        super().__init__(zh, en)
        self.retry_after = max(1, int(retry_after))


class Locked(DomainError):
    status, code = 423, "account_locked"
