"""The unified social credit code (统一社会信用代码) check of GB 32100-2015."""

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=False))
    return CHARSET[(31 - total % 31) % 31]


def problem(code: object) -> tuple[str, str] | None:
    """None when valid, else (zh, en) saying what is wrong."""
    if not isinstance(code, str) or len(code) != 18:
        return ("统一社会信用代码应为18位", "the unified social credit code must be 18 characters")
    bad = sorted({c for c in code if c not in CHARSET})
    if bad:
        return (
            f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用I、O、S、V、Z）",
            f"the credit code contains characters not allowed: {''.join(bad)} (no I, O, S, V, Z)",
        )
    want = check_character(code[:17])
    if code[17] != want:
        return (
            f"统一社会信用代码校验位错误（第18位应为{want}）",
            f"the credit code's check character is wrong (position 18 should be {want})",
        )
    return None


def is_valid(code: object) -> bool:
    return problem(code) is None
