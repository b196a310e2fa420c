"""The electronic seal mark: a red ring, the authority name around a five-pointed star (SVG, and PDF operators)."""

import math
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from fontTools.pens.basePen import BasePen
from fontTools.ttLib import TTCollection, TTFont
from markupsafe import Markup, escape

RED = "#d7000f"
SIZE = 200  # viewBox units; printed 40 mm wide (a real authority seal is 40-42 mm)


def _star(cx: float, cy: float, outer: float) -> str:
    inner = outer * 0.382  # the ratio that makes a regular five-pointed star
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(-90 + i * 36)
        points.append(f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}")
    return " ".join(points)


def _placed_chars(authority_name: str) -> list[tuple[float, int, float, str]]:
    """(angle in degrees, font size, baseline radius, character) of each character over the upper arc."""
    chars = list(authority_name)
    # Up to ~240 degrees of arc, as on a real seal; short names are spread less.
    span = min(240.0, 19.0 * max(len(chars) - 1, 1))
    font = 20 if len(chars) <= 16 else 16
    baseline_radius = 88 - 0.88 * font  # glyph tops just inside the ring
    return [
        (-span / 2 + span * i / max(len(chars) - 1, 1), font, baseline_radius, char) for i, char in enumerate(chars)
    ]


@lru_cache(maxsize=64)
def seal_svg(authority_name: str) -> Markup:
    """An inline <svg> seal for `authority_name`, the characters spread over the upper arc."""
    c = SIZE / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="seal" viewBox="0 0 {SIZE} {SIZE}" width="40mm" height="40mm">',
        f'<circle cx="{c}" cy="{c}" r="{c - 5}" fill="none" stroke="{RED}" stroke-width="6"/>',
        f'<polygon points="{_star(c, c, 30)}" fill="{RED}"/>',
    ]
    for angle, font, baseline_radius, char in _placed_chars(authority_name):
        parts.append(
            f'<text transform="rotate({angle:.2f} {c} {c})" x="{c}" y="{c - baseline_radius:.2f}" '
            f'text-anchor="middle" font-size="{font}" font-weight="bold" fill="{RED}" '
            f'font-family="Noto Serif CJK SC">{escape(char)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


# --- the same seal as PDF drawing operators: the appearance of the document's digital signature ----------------
# The signature widget draws the seal, so the mark a reader sees is the one the signature carries (DOMAIN.md §0).
# The characters are drawn as outlines taken from the font (no font to embed: a few kB per document instead of
# ~80 kB, and no parsing of a second PDF per signing); built once per authority name and process.

MM = 72 / 25.4
WIDTH_PT = 40 * MM


@dataclass(frozen=True)
class Place:
    """Where the seal goes: page index (0 = first) and box (x1, y1, x2, y2) in PDF points from the bottom left."""

    page: int
    box: tuple[float, float, float, float]


class _OutlinePen(BasePen):
    """fontTools pen writing PDF path operators (a CFF font's cubic curves go through unchanged)."""

    def __init__(self, glyph_set):
        super().__init__(glyph_set)
        self.ops: list[str] = []

    def _moveTo(self, p):
        self.ops.append(f"{p[0]:.1f} {p[1]:.1f} m")

    def _lineTo(self, p):
        self.ops.append(f"{p[0]:.1f} {p[1]:.1f} l")

    def _curveToOne(self, p1, p2, p3):
        self.ops.append(" ".join(f"{v:.1f}" for p in (p1, p2, p3) for v in p) + " c")

    def _closePath(self):
        self.ops.append("h")


@lru_cache(maxsize=1)
def _seal_font():
    """The bold Noto Serif CJK SC face the SVG seal names, found through fontconfig (as WeasyPrint finds it)."""
    found = subprocess.run(
        ["fc-match", "-f", "%{file}\n%{index}", "Noto Serif CJK SC:bold"], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    path, index = found[0], int(found[1] or 0)
    if path.lower().endswith((".ttc", ".otc")):
        return TTCollection(path, lazy=True).fonts[index]
    return TTFont(path, lazy=True)


def _rgb(hex_colour: str) -> str:
    return " ".join(f"{int(hex_colour[i : i + 2], 16) / 255:.3f}" for i in (1, 3, 5))


@lru_cache(maxsize=256)
def seal_appearance(authority_name: str) -> bytes:
    """PDF content-stream operators drawing the seal of `authority_name` in a WIDTH_PT square (origin bottom left)."""
    font = _seal_font()
    glyphs, cmap = font.getGlyphSet(), font.getBestCmap()
    upem = font["head"].unitsPerEm
    c, scale = SIZE / 2, WIDTH_PT / SIZE
    k = 0.5523 * (c - 5)  # Bezier handle length of a quarter circle
    r = c - 5
    ops = [
        "q",
        f"{scale:.5f} 0 0 {-scale:.5f} 0 {WIDTH_PT:.3f} cm",  # y down, in the SVG's 200-unit box
        f"{_rgb(RED)} RG {_rgb(RED)} rg 6 w",
        f"{c + r} {c} m {c + r} {c + k:.2f} {c + k:.2f} {c + r} {c} {c + r} c "
        f"{c - k:.2f} {c + r} {c - r} {c + k:.2f} {c - r} {c} c "
        f"{c - r} {c - k:.2f} {c - k:.2f} {c - r} {c} {c - r} c "
        f"{c + k:.2f} {c - r} {c + r} {c - k:.2f} {c + r} {c} c S",
    ]
    star = _star(c, c, 30).split()
    ops.append(" ".join(f"{p.replace(',', ' ')} {'m' if i == 0 else 'l'}" for i, p in enumerate(star)) + " h f")
    for angle, font_size, baseline_radius, char in _placed_chars(authority_name):
        name = cmap.get(ord(char))
        if name is None:  # a character the font lacks: leave its place empty rather than fail to issue
            continue
        pen = _OutlinePen(glyphs)
        glyphs[name].draw(pen)
        a = math.radians(angle)
        em = font_size / upem
        ops += [
            "q",
            f"1 0 0 1 {c} {c} cm",
            f"{math.cos(a):.5f} {math.sin(a):.5f} {-math.sin(a):.5f} {math.cos(a):.5f} 0 0 cm",
            f"1 0 0 1 {-glyphs[name].width * em / 2:.2f} {-baseline_radius:.2f} cm",
            f"{em:.5f} 0 0 {-em:.5f} 0 0 cm",
            " ".join(pen.ops) + " f",
            "Q",
        ]
    ops.append("Q")
    return "\n".join(ops).encode()
