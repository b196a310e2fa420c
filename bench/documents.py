"""document_vs_bare_weasyprint: the register event issuing its notice ÷ bare WeasyPrint on the same HTML."""

from __future__ import annotations

import time

from bench.common import (
    CLERK,
    DIVISION,
    build_schema,
    interleave,
    make_app,
    median,
    ms,
    paired_ratio,
    r3,
    scratch_dir,
    seed_applications,
)
from bench.events import EngineEvent

KIND = "registration_notice"


class BareRender:
    """WeasyPrint alone on the HTML of a notice the engine issued: no QR, no Jinja, no fetcher, no storage."""

    def __init__(self, source: str):
        from weasyprint import HTML

        from pdf.render import ASSETS

        self.HTML, self.source, self.base_url = HTML, source, ASSETS.as_uri() + "/"
        self.size = 0

    def __call__(self) -> None:
        self.size = len(self.HTML(string=self.source, base_url=self.base_url).write_pdf())


def _last_document():
    from sqlalchemy import select

    from models import Document, db

    return db.session.execute(select(Document).order_by(Document.id.desc()).limit(1)).scalar_one()


def _phases(snapshot: dict, n: int) -> dict:
    """Where the issuing time goes outside WeasyPrint: the HTML with its QR code, the QR code alone, and the
    PAdES signature (pyHanko: parse, seal appearance, CMS with ECDSA P-256, write) on the rendered notice."""
    import pdf
    from pdf.qr import qr_svg
    from pdf.render import html
    from pdf.sign import sign
    from workflows import signing

    t0 = time.perf_counter()
    for _ in range(n):
        html(KIND, snapshot, signed=True)
    t1 = time.perf_counter()
    for _ in range(n):
        qr_svg(snapshot["verify_url"])
    t2 = time.perf_counter()
    unsigned, place = pdf.render_for_signing(KIND, snapshot)
    key = signing.key_for(f"{DIVISION}:market_regulation")
    appearance = pdf.seal_appearance(snapshot["authority_name"])
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        sign(unsigned, key, place, appearance)
        samples.append(time.perf_counter() - t)
    return {
        "template_html_with_qr_ms": ms((t1 - t0) / n),
        "qr_svg_ms": ms((t2 - t1) / n),
        "signing_ms": ms(median(samples)),
        "signing_ms_min": ms(min(samples)),
    }


def run(quick: bool) -> dict:
    rounds, per_round = (15, 1) if quick else (21, 2)
    with scratch_dir("bench-docs-") as tmp:
        app = make_app(f"sqlite:///{tmp / 'docs.sqlite'}", tmp / "storage")
        build_schema(app)
        ids = seed_applications(app, (rounds + 2) * per_round + 2, "submitted")
        with app.app_context():
            from pdf.render import html

            issue = EngineEvent(app, ids, "register", CLERK, {})
            issue()  # one notice, to take its HTML from
            doc = _last_document()
            # the HTML the engine rendered: the seal box left empty for the signature's appearance
            source, size, snapshot = html(KIND, doc.snapshot, signed=True), doc.size, dict(doc.snapshot)
            bare = BareRender(source)
            times = interleave({"issue": issue, "bare": bare}, rounds, per_round, warmup=per_round)
            phases = _phases(snapshot, 20 if quick else 100)
            from models import db

            db.session.remove()
            db.engine.dispose()
    detail = {
        "event": "premise_addition register (submitted -> registered): number, snapshot, QR, render, "
        "PAdES signature (ECDSA P-256, the seal as its appearance), fsync'd file, document row, "
        "notification, audit, commit",
        "signing_ms": phases["signing_ms"],
        "issue_ms": ms(median(times["issue"])),
        "bare_weasyprint_ms": ms(median(times["bare"])),
        "pdf_bytes": size,
        "bare_pdf_bytes": bare.size,
        "html_chars": len(source),
        "outside_weasyprint": phases,
        "rounds": rounds,
        "documents_per_round": per_round,
    }
    return {"value": r3(paired_ratio(times, "issue", "bare")), "detail": detail}
