"""PAdES signatures with pyHanko: sign(pdf, key, place, appearance) -> signed pdf; check(pdf, roots) -> what holds.

Baseline B-B (ETSI EN 319 142-1): SubFilter ETSI.CAdES.detached, SHA-256, the signing-certificate-v2 attribute,
the signing time in the signature dictionary; B-T when a timestamp authority's URL is given. Nothing here knows
of documents or authorities: bytes and DER in, bytes or a report out.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import secrets
import threading
import warnings
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import lru_cache

from asn1crypto import cms
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509

with warnings.catch_warnings():  # pyHanko imports cryptography's DSA module, deprecated since cryptography 45
    warnings.simplefilter("ignore")
    from pyhanko.pdf_utils import generic, layout
    from pyhanko.pdf_utils.content import PdfContent
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper
    from pyhanko.sign.timestamps.common_utils import TimestampRequestError
    from pyhanko.sign.validation import SignatureCoverageLevel, async_validate_pdf_signature
    from pyhanko.stamp import StaticStampStyle
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.registry import SimpleCertificateStore

from pdf.keys import SigningUnavailable
from pdf.seal import Place

log = logging.getLogger(__name__)

FIELD = "AuthoritySignature"
# room for the CMS blob: an ECDSA signature and its signed attributes take < 1 kB; the certificates are added
# below. Reserving a fixed size spares pyHanko a trial signature to measure it (half the signing time).
BASE_RESERVE, TIMESTAMP_RESERVE = 4096, 16384


class _Drawing(PdfContent):
    """Ready-made content-stream operators (the seal) as the signature's appearance: a compressed form XObject
    (the outlines are ~20 kB as text, ~7 kB deflated)."""

    def __init__(self, ops: bytes, width: float, height: float):
        super().__init__(box=layout.BoxConstraints(width=width, height=height))
        self.ops = ops

    def render(self) -> bytes:
        x1, y1, x2, y2 = 0, 0, self.box.width, self.box.height
        form = generic.StreamObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
                generic.pdf_name("/BBox"): generic.ArrayObject(generic.FloatObject(v) for v in (x1, y1, x2, y2)),
                generic.pdf_name("/Filter"): generic.pdf_name("/FlateDecode"),
            },
            encoded_data=_deflated(self.ops),
        )
        self.resources.xobject["/Seal"] = self._ensure_writer.add_object(form)
        return b"/Seal Do"


@lru_cache(maxsize=64)
def _deflated(ops: bytes) -> bytes:
    return zlib.compress(ops, 9)


class _TemplatedSigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner, whose CMS container is built by pyHanko once per key and then reused.

    For a PAdES B-B signature the container is the same every time except for two values: the document's digest
    (in the messageDigest attribute, fixed length) and the signature over the signed attributes. Building it
    anew with asn1crypto took ~75 % of the signing time (~20 ms of ~27); here the template's digest is replaced
    and the attributes signed again (~2 ms). Anything else — a timestamp (B-T), other attributes — goes through
    pyHanko's own path.
    """

    EXPECTED = ["content_type", "message_digest", "signing_certificate_v2"]
    _template: tuple[bytes, int, int, int] | None = None  # DER, digest offset, signed attributes offset, length

    async def async_sign(
        self,
        data_digest,
        digest_algorithm,
        dry_run=False,
        use_pades=False,
        timestamper=None,
        signed_attr_settings=None,
        is_pdf_sig=True,
        encap_content_info=None,
    ):
        settings = signed_attr_settings
        plain = (
            use_pades
            and is_pdf_sig
            and not dry_run
            and timestamper is None
            and encap_content_info is None
            and digest_algorithm == "sha256"
            and len(data_digest) == 32
            and self.signed_attr_prov_spec is None
            and (settings is None or (settings.cades_signed_attrs is None and settings.adobe_revinfo_attr is None))
        )
        if plain and self._template is None:
            self._template = await self._make_template(settings)
        if not plain or not self._template:
            return await super().async_sign(
                data_digest,
                digest_algorithm,
                dry_run=dry_run,
                use_pades=use_pades,
                timestamper=timestamper,
                signed_attr_settings=signed_attr_settings,
                is_pdf_sig=is_pdf_sig,
                encap_content_info=encap_content_info,
            )
        der, at, attrs_at, attrs_length = self._template
        der = der[:at] + data_digest + der[at + 32 :]
        # the attributes are signed as a SET OF (RFC 5652 §5.4), stored [0] IMPLICIT: same bytes, other first tag
        signed = b"\x31" + der[attrs_at + 1 : attrs_at + attrs_length]
        info = cms.ContentInfo.load(der)
        info["content"]["signer_infos"][0]["signature"] = await self.async_sign_raw(signed, digest_algorithm)
        return info

    async def _make_template(self, settings):
        placeholder = secrets.token_bytes(32)
        info = await super().async_sign(placeholder, "sha256", use_pades=True, signed_attr_settings=settings)
        attrs = info["content"]["signer_infos"][0]["signed_attrs"]
        der, attrs_der = info.dump(), attrs.dump()
        if (
            [a["type"].native for a in attrs] != self.EXPECTED
            or der.count(placeholder) != 1
            or der.count(attrs_der) != 1
        ):
            log.warning(
                "unexpected CMS attributes %s: every signature takes pyHanko's full path",
                [a["type"].native for a in attrs],
            )
            return False
        return der, der.index(placeholder), der.index(attrs_der), len(attrs_der)


@lru_cache(maxsize=64)
def _signer(key_der: bytes, cert_der: bytes, chain_der: tuple[bytes, ...]) -> signers.SimpleSigner:
    """pyHanko's signer, built once per key (ASN.1 parsing and the CMS template are the costly parts)."""
    return _TemplatedSigner(
        signing_cert=asn1_x509.Certificate.load(cert_der),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs([asn1_x509.Certificate.load(c) for c in chain_der]),
    )


_loops = threading.local()


def _run(coroutine):
    """Run pyHanko's coroutine to its end: on this thread's own event loop, kept between calls (asyncio.run would
    build and tear one down each time), or, when the caller already runs an event loop (an async server,
    Playwright or schemathesis in tests), on a thread of its own, as a loop cannot be entered twice."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        loop = getattr(_loops, "loop", None)
        if loop is None or loop.is_closed():
            loop = _loops.loop = asyncio.new_event_loop()
        return loop.run_until_complete(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def sign(data: bytes, key, place: Place, appearance: bytes, *, tsa_url: str = "", reason: str = "") -> bytes:
    """`data` with a PAdES signature by `key` (pdf.keys.SigningKey), its widget drawing `appearance` at `place`."""
    signer = _signer(key.key_der, key.cert_der, key.chain_der)
    x1, y1, x2, y2 = place.box
    style = StaticStampStyle(
        border_width=0,
        background=_Drawing(appearance, x2 - x1, y2 - y1),
        background_opacity=1,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
        ),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256", reason=reason or None
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer,
        stamp_style=style,
        timestamper=HTTPTimeStamper(tsa_url, timeout=10) if tsa_url else None,
        new_field_spec=fields.SigFieldSpec(FIELD, on_page=place.page, box=place.box),  # type: ignore[arg-type]  # pyHanko takes points as floats; its annotation says int
    )
    reserve = BASE_RESERVE + len(key.cert_der) + sum(map(len, key.chain_der)) + (TIMESTAMP_RESERVE if tsa_url else 0)
    reserve += reserve % 2  # pyHanko wants an even count
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    try:
        out = _run(pdf_signer.async_sign_pdf(writer, bytes_reserved=reserve))
    except (TimeoutError, TimestampRequestError) as exc:
        raise SigningUnavailable(
            f"时间戳服务（{tsa_url}）不可用，无法签发文书",
            f"the timestamp authority {tsa_url} cannot be reached: {exc}",
        ) from exc
    return out.getvalue()


@dataclass
class Check:
    """What a PDF's signature proves. `valid` only when it is intact, from a trusted certificate, and covers the
    whole file (an incremental update appended after signing could change what the reader shows)."""

    signed: bool = False
    intact: bool = False
    trusted: bool = False
    modified_after_signing: bool = False
    signer: str = ""
    certificate_serial: str = ""
    certificate_fingerprint: str = ""
    signed_at: str | None = None
    timestamped: bool = False
    signed_length: int = 0  # bytes the signature covers (the signed revision), for finding the original
    problem: str = ""  # unsigned | unreadable | malformed | altered | untrusted | modified

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted and not self.modified_after_signing

    def as_dict(self) -> dict:
        return {**asdict(self), "valid": self.valid}


def check(data: bytes, roots: tuple[bytes, ...]) -> Check:
    """The first signature of `data`, validated against the trust anchors `roots` (DER); never raises."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pyHanko warns about lenient parsing of odd files
            signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception as exc:  # an upload may be anything: a broken PDF is an answer, not an error
        log.info("unreadable PDF (%s): %s", type(exc).__name__, exc)
        return Check(problem="unreadable")
    if not signatures:
        return Check(problem="unsigned")
    embedded = signatures[0]
    result = Check(signed=True)
    try:
        cert = embedded.signer_cert
        result.signer = _common_name(cert)
        result.certificate_serial = format(cert.serial_number, "x")
        result.certificate_fingerprint = hashlib.sha256(cert.dump()).hexdigest()
        result.signed_length = _signed_length(embedded)
        context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(r) for r in roots], allow_fetching=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            status = _run(async_validate_pdf_signature(embedded, context, skip_diff=True))
    except Exception as exc:  # an uploaded file may be crafted: whatever breaks validation is an answer, not a 500
        log.info("signature cannot be validated (%s): %s", type(exc).__name__, exc)
        result.problem = "malformed"
        return result
    result.intact = bool(status.intact and status.valid)
    result.trusted = bool(status.trusted)
    result.modified_after_signing = status.coverage != SignatureCoverageLevel.ENTIRE_FILE
    timestamp = status.timestamp_validity
    result.timestamped = timestamp is not None
    when = timestamp.timestamp if timestamp is not None else status.signer_reported_dt
    result.signed_at = when.isoformat() if when else None
    result.problem = (
        "altered"
        if not result.intact
        else "untrusted"
        if not result.trusted
        else "modified"
        if result.modified_after_signing
        else ""
    )
    return result


def _signed_length(embedded) -> int:
    _, _, start, length = embedded.byte_range
    return start + length


def _common_name(cert: asn1_x509.Certificate) -> str:
    names = cert.subject.native
    return names.get("common_name") or cert.subject.human_friendly
