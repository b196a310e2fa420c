"""Helpers for signature tests: pdfsig (poppler, NSS underneath) with a database that trusts the test CA, and the
two ways a signed file gets changed: a byte flipped inside what was signed, an incremental update appended."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import warnings
from datetime import UTC
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
        subprocess.run(
            ["certutil", "-A", "-d", f"sql:{directory}", "-n", "bianmin-test-ca", "-t", "CT,C,C", "-i", str(ca_pem)],
            check=True,
            capture_output=True,
        )
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
    writer.root["/Lang"] = generic.TextStringObject("en")  # any change to the catalogue makes a new revision
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def tiny_pdf(kind: str) -> bytes:
    """A one-page valid PDF (signable: pyHanko needs a cross-reference table), for tests about numbers, dates and
    permissions rather than typesetting; WeasyPrint would take ~300 ms a document."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] >>",
    ]
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


class LocalTimestampAuthority:
    """An RFC 3161 timestamp authority on a loopback port (pyHanko's DummyTimeStamper behind http.server), with a
    certificate of its own from a throwaway CA: for PAdES B-T without the network."""

    def __init__(self):
        import threading
        from datetime import datetime, timedelta
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        from asn1crypto import keys, tsp
        from asn1crypto import x509 as asn1_x509
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's dummy TSA signs RSA only
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "便民测试时间戳服务 test TSA")])
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(7)
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(key, hashes.SHA256())
        )
        stamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
            tsa_key=keys.PrivateKeyInfo.load(
                key.private_bytes(
                    serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                )
            ),
        )
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
                outer.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
