"""Official documents as A4 PDFs, rendered from plain-data snapshots (no Flask, no ORM), and their signatures."""

from pdf.render import KINDS, harfbuzz_subset_available, register_kinds, render, render_for_signing
from pdf.seal import seal_appearance

__all__ = ["KINDS", "harfbuzz_subset_available", "register_kinds", "render", "render_for_signing", "seal_appearance"]
