"""Inline SVG QR codes for the verification link printed on every document."""

import qrcode
import qrcode.constants
from markupsafe import Markup, escape

# DOMAIN.md asks for at least 20 mm; 24 mm of modules (plus a CSS quiet zone) scans
# reliably from a photocopy even for a longish URL.
WIDTH_MM = 24


def qr_code(url: str) -> qrcode.QRCode:
    """The QR code of `url`, medium error correction, no border (the CSS draws the quiet zone).

    A fixed mask: left to itself, qrcode scores all eight in pure Python (4–13 ms a document); any mask
    scans, the choice only evens out dark and light areas, which matters little at 24 mm from a printer.
    """
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=4)
    code.add_data(url)
    code.make(fit=True)
    return code


def qr_path(url: str) -> tuple[int, str]:
    """(modules per side, SVG path data): one stroked segment per horizontal run of dark modules.

    Not qrcode's SvgPathImage: it writes a closed square per module (~4,000 commands), and
    WeasyPrint's SVG path parser took ~90 ms on that; runs cut the path to a fifth.
    """
    matrix = qr_code(url).get_matrix()
    segments = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                segments.append(f"M{start} {y + 0.5}h{x - start}")
            else:
                x += 1
    return len(matrix), "".join(segments)


def qr_svg(url: str, width_mm: float = WIDTH_MM) -> Markup:
    """An <svg> element (no XML declaration) drawing `url` as a QR code `width_mm` wide.

    Inline SVG rather than an <img src="data:..."> so WeasyPrint never asks the URL
    fetcher for it. Returned as Markup because the markup is ours, not the snapshot's.
    """
    size, path = qr_path(url)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="qr" width="{width_mm}mm" '
        f'height="{width_mm}mm" viewBox="0 0 {size} {size}">'
        f"<title>{escape(url)}</title>"
        f'<path d="{path}" stroke="#000" stroke-width="1" fill="none"/></svg>'
    )
