"""Helpers for signature tests: pdfsig (poppler, NSS underneath) with a database that trusts the test CA, and the
two ways a signed file gets changed: a byte flipped inside what was signed, an incremental update appended."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import warnings
from pathlib import Path

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

# What pdfsig 22.x prints (poppler's pdfsig.cc): the signature check, then the certificate check.
VALID = "Signature Validation: Signature is Valid."
DIGEST_MISMATCH = "Signature Validation: Digest Mismatch."
TRUSTED = "Certificate Validation: Certificate is Trusted."
UNTRUSTED_ISSUER = "Certificate Validation: Certificate issuer isn't Trusted."
WHOLE_FILE, NOT_WHOLE_FILE = "Total document signed", "Not total document signed"


def nss_database(directory: Path, ca_pem: Path | None) -> str:
    """An NSS database (pdfsig -nssdir) in `directory`, trusting `ca_pem` as a root when given."""
    if shutil.which("certutil") is None:
        raise RuntimeError("certutil is missing: apt-get install libnss3-tools (bin/setup does)")
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(["certutil", "-N", "-d", f"sql:{directory}", "--empty-password"], check=True, capture_output=True)
    if ca_pem is not None:
        subprocess.run(["certutil", "-A", "-d", f"sql:{directory}", "-n", "bianmin-test-ca", "-t", "CT,C,C",
                        "-i", str(ca_pem)], check=True, capture_output=True)
    return f"sql:{directory}"


def pdfsig(data: bytes, nssdir: str, tmp_path: Path) -> str:
    """pdfsig's report on `data` (it reads files only, not stdin)."""
    path = tmp_path / f"pdfsig-{len(list(tmp_path.glob('pdfsig-*')))}.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfsig", "-nssdir", nssdir, str(path)], capture_output=True, text=True, check=True).stdout


def signer_name(report: str) -> str:
    return re.search(r"Signer Certificate Common Name: (.*)", report).group(1).strip()


def byte_flipped(data: bytes) -> bytes:
    """One byte changed halfway into the first signed range (a compressed stream: the file still parses)."""
    start = data.index(b"/ByteRange")
    first_length = int(re.match(rb"/ByteRange\s*\[\s*0\s+(\d+)", data[start:]).group(1))
    changed = bytearray(data)
    changed[first_length // 2] ^= 0x01
    return bytes(changed)


def incrementally_updated(data: bytes) -> bytes:
    """A well-formed incremental update after the signature: the document's title changed, as an editor would."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.root["/Lang"] = generic.TextStringObject("en")     # any change to the catalogue makes a new revision
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def tiny_pdf(kind: str) -> bytes:
    """A one-page valid PDF (signable: pyHanko needs a cross-reference table), for tests about numbers, dates and
    permissions rather than typesetting; WeasyPrint would take ~300 ms a document."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] >>"]
    out, offsets = b"%PDF-1.7\n% " + kind.encode() + b"\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref



def tiny_render_for_signing(kind: str, snapshot: dict):
    """pdf.render_for_signing's stand-in: the tiny PDF and a seal box where the real one usually is."""
    from pdf.seal import WIDTH_PT, Place
    return tiny_pdf(kind), Place(0, (320.0, 200.0, 320.0 + WIDTH_PT, 200.0 + WIDTH_PT))
