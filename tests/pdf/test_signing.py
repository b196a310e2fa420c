"""pdf.sign: every kind of document signed (PAdES) with its authority's key, the seal as the signature's
appearance; pdfsig (poppler/NSS) and our own check agree on what holds and what was changed."""

import pytest

from pdf import render_for_signing, seal_appearance
from pdf.keys import KeyStore
from pdf.render import KINDS
from pdf.samples import sample_snapshot
from pdf.sign import check, sign
from tests.conftest import KEYS_DIR, KEYS_PASSPHRASE
from tests.signing import (
    DIGEST_MISMATCH,
    NOT_WHOLE_FILE,
    TRUSTED,
    UNTRUSTED_ISSUER,
    VALID,
    WHOLE_FILE,
    byte_flipped,
    incrementally_updated,
    pdfsig,
    signer_name,
)
from vocabulary import AUTHORITY_KINDS, CITY, DIVISIONS, authority_name

STORE = KeyStore(KEYS_DIR, KEYS_PASSPHRASE)
BY_NAME = {authority_name(code, kind): f"{code}:{kind}" for code in [CITY[0], *DIVISIONS] for kind in AUTHORITY_KINDS}


def signed_sample(kind: str) -> bytes:
    snapshot = sample_snapshot(kind)
    data, place = render_for_signing(kind, snapshot)
    key = STORE.signing_key(BY_NAME[snapshot["authority_name"]])
    return sign(data, key, place, seal_appearance(snapshot["authority_name"]))


@pytest.fixture(scope="module")
def signed() -> dict[str, bytes]:
    return {kind: signed_sample(kind) for kind in KINDS}


@pytest.mark.parametrize("kind", KINDS)
def test_pdfsig_finds_a_valid_pades_signature_by_the_issuing_authority(signed, kind, nss, tmp_path):
    report = pdfsig(signed[kind], nss["trusted"], tmp_path)
    assert report.count("Signature #") == 1, report
    assert VALID in report and TRUSTED in report and WHOLE_FILE in report, report
    assert "Signature Type: ETSI.CAdES.detached" in report and "SHA-256" in report, report
    assert signer_name(report) == sample_snapshot(kind)["authority_name"]
    ours = check(signed[kind], STORE.trust_roots())
    assert ours.valid and ours.signer == sample_snapshot(kind)["authority_name"], ours


def test_without_the_ca_the_signature_is_intact_but_its_issuer_unknown(signed, nss, tmp_path):
    report = pdfsig(signed["registration_notice"], nss["empty"], tmp_path)
    assert VALID in report and UNTRUSTED_ISSUER in report, report
    ours = check(signed["registration_notice"], ())
    assert ours.intact and not ours.trusted and not ours.valid and ours.problem == "untrusted"


def test_one_byte_changed_breaks_the_signature(signed, nss, tmp_path):
    changed = byte_flipped(signed["registration_notice"])
    report = pdfsig(changed, nss["trusted"], tmp_path)
    assert DIGEST_MISMATCH in report and VALID not in report, report
    ours = check(changed, STORE.trust_roots())
    assert not ours.valid and not ours.intact and ours.problem == "altered"


def test_an_incremental_update_after_signing_is_caught(signed, nss, tmp_path):
    updated = incrementally_updated(signed["registration_notice"])
    report = pdfsig(updated, nss["trusted"], tmp_path)
    # the signed revision itself still checks out; what pdfsig reports is that it no longer covers the file
    assert NOT_WHOLE_FILE in report and WHOLE_FILE + "\n" not in report, report
    ours = check(updated, STORE.trust_roots())
    assert ours.intact and ours.modified_after_signing and not ours.valid and ours.problem == "modified"
    assert ours.signed_length == len(signed["registration_notice"])  # the issued file, byte for byte


@pytest.mark.parametrize("kind", ["registration_notice", "transition_approval"])  # one page, and three
def test_the_seal_is_the_signature_appearance_where_the_seal_box_is(signed, kind):
    """The signature's widget sits on the seal box's page and rectangle, and draws the seal (its appearance
    stream); the page's own content has an empty box there."""
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader

    _unsigned, place = render_for_signing(kind, sample_snapshot(kind))
    reader = PdfFileReader(io.BytesIO(signed[kind]))
    (field,) = [f.get_object() for f in reader.root["/AcroForm"]["/Fields"]]
    assert field["/FT"] == "/Sig" and field["/Subtype"] == "/Widget"
    assert [round(float(v), 1) for v in field["/Rect"]] == [round(v, 1) for v in place.box]
    page_refs = [ref.idnum for ref in reader.root["/Pages"]["/Kids"]]
    assert field.raw_get("/P").idnum == page_refs[place.page]
    appearance = field["/AP"]["/N"]
    assert float(appearance["/BBox"][2]) == pytest.approx(place.box[2] - place.box[0], abs=1)  # pyHanko rounds
    # the seal itself: a form XObject inside the appearance, the outlines of the authority's name in red
    (seal,) = [
        x.get_object()
        for x in appearance["/Resources"]["/XObject"].values()
        if b" c" in x.get_object().data and b"0.843 0.000 0.059 rg" in x.get_object().data
    ]
    assert seal.data.count(b" f") >= len(sample_snapshot(kind)["authority_name"])  # a glyph per character


def test_unsigned_and_broken_files_are_reported_not_raised():
    assert check(b"not a pdf at all", ()).problem == "unreadable"
    from weasyprint import HTML

    assert check(HTML(string="<p>x</p>").write_pdf(), ()).problem == "unsigned"
