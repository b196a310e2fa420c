"""The electronic seal mark: a red ring, the authority name around a five-pointed star."""
import math
from functools import lru_cache

from markupsafe import Markup, escape

RED = "#d7000f"
SIZE = 200          # viewBox units; printed 40 mm wide (a real authority seal is 40-42 mm)


def _star(cx: float, cy: float, outer: float) -> str:
    inner = outer * 0.382  # the ratio that makes a regular five-pointed star
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(-90 + i * 36)
        points.append(f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}")
    return " ".join(points)


@lru_cache(maxsize=64)
def seal_svg(authority_name: str) -> Markup:
    """An inline <svg> seal for `authority_name`, the characters spread over the upper arc."""
    c = SIZE / 2
    chars = list(authority_name)
    # Up to ~240 degrees of arc, as on a real seal; short names are spread less.
    span = min(240.0, 19.0 * max(len(chars) - 1, 1))
    font = 20 if len(chars) <= 16 else 16
    baseline_radius = 88 - 0.88 * font  # glyph tops just inside the ring
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="seal" viewBox="0 0 {SIZE} {SIZE}" '
        f'width="40mm" height="40mm">',
        f'<circle cx="{c}" cy="{c}" r="{c - 5}" fill="none" stroke="{RED}" stroke-width="6"/>',
        f'<polygon points="{_star(c, c, 30)}" fill="{RED}"/>',
    ]
    for i, char in enumerate(chars):
        angle = -span / 2 + span * i / max(len(chars) - 1, 1)
        parts.append(
            f'<text transform="rotate({angle:.2f} {c} {c})" x="{c}" y="{c - baseline_radius:.2f}" '
            f'text-anchor="middle" font-size="{font}" font-weight="bold" fill="{RED}" '
            f'font-family="Noto Serif CJK SC">{escape(char)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
