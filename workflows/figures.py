"""Figures and addresses as an office writes them in a document: 860平方米, 26万元, an address printed once."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from vocabulary import CITY, division_name, street_name


def number(value) -> str:
    """860.0 → "860", 180.50 → "180.5", 1e3 → "1000": no trailing zeros, no exponent; "" for nothing."""
    if value is None or value == "":
        return ""
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not d.is_finite():
        return str(value)
    text = format(d.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def area(value) -> str:
    """A floor area: 860平方米 (no thousands separator: GB/T 15835 writes areas plain)."""
    return f"{number(value)}平方米" if number(value) else ""


def yuan(value) -> str:
    """Money: whole ten-thousands as 26万元, anything else with thousands separators, 260,500元."""
    text = number(value)
    if not text:
        return ""
    d = Decimal(text)
    if d >= 10_000 and d % 10_000 == 0:
        return f"{number(d / 10_000)}万元"
    whole, _, fraction = text.partition(".")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "") + "元"


def place(division: str | None, street: str | None, address: str | None) -> str:
    """Division + street office + address, each prefix printed once: an address that already begins with the
    city, the division or the street is not prefixed again ("道里区安静街道" + "哈尔滨市道里区安静街15号" →
    "道里区安静街道安静街15号")."""
    rest = (address or "").strip()
    div, street_text = division_name(division), street_name(street)
    for prefix in (CITY[1], div, street_text):
        if prefix and rest.startswith(prefix):
            rest = rest[len(prefix) :]
    return f"{div}{street_text}{rest}"
