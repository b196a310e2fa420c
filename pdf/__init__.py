"""Official documents as A4 PDFs, rendered from plain-data snapshots (no Flask, no ORM)."""
from pdf.render import KINDS, harfbuzz_subset_available, register_kinds, render

__all__ = ["KINDS", "harfbuzz_subset_available", "register_kinds", "render"]
