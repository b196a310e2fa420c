"""`flask keys`: init makes the CA and a certificate per authority once, import takes a real CA's PKCS#12, rotate
replaces a key, list shows them; every refusal says why, in Chinese and English, with exit code 1."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from models import Authority, SecurityEvent, db
from pdf.keys import KeyStore


def files(directory):
    return {p.relative_to(directory): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def keys_app(app, tmp_path):
    """The test app with an empty keys folder and an instance folder of its own (for a generated passphrase)."""
    app.config["KEYS_DIR"] = str(tmp_path / "keys")
    app.instance_path = str(tmp_path / "instance")
    (tmp_path / "instance").mkdir()
    return app


def test_init_makes_a_ca_and_one_certificate_per_authority_then_changes_nothing(keys_app, runner, tmp_path):
    first = runner.invoke(args=["keys", "init"])
    assert first.exit_code == 0, first.output
    with keys_app.app_context():
        authorities = db.session.query(Authority).count()
    assert f"{authorities} authority certificates issued" in first.output
    store = KeyStore(tmp_path / "keys", keys_app.config["KEYS_PASSPHRASE"])
    cert = store.certificate("230102:market_regulation", store.current("230102:market_regulation"))
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "哈尔滨市道里区市场监督管理局"
    assert isinstance(cert.public_key(), ec.EllipticCurvePublicKey) and cert.public_key().curve.name == "secp256r1"
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert cert.issuer == store.ca_certificate().subject
    assert timedelta(days=700) < cert.not_valid_after_utc - cert.not_valid_before_utc < timedelta(days=740)
    assert stat.S_IMODE((tmp_path / "keys" / "authorities").stat().st_mode) == 0o700
    key_file = next((tmp_path / "keys").rglob("*.key.pem"))
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and b"ENCRYPTED PRIVATE KEY" in key_file.read_bytes()
    before = files(tmp_path / "keys")
    second = runner.invoke(args=["keys", "init"])
    assert second.exit_code == 0 and "nothing changed" in second.output, second.output
    assert files(tmp_path / "keys") == before
    with keys_app.app_context():  # one security-log entry, for the run that changed something
        assert [e.action for e in db.session.query(SecurityEvent).all()] == ["keys.init"]


def test_without_a_configured_passphrase_init_generates_one_and_warns(keys_app, runner, tmp_path):
    keys_app.config["KEYS_PASSPHRASE"] = ""
    result = runner.invoke(args=["keys", "init"])
    assert result.exit_code == 0 and "BIANMIN_KEYS_PASSPHRASE" in result.output, result.output
    generated = tmp_path / "instance" / "keys-passphrase"
    assert stat.S_IMODE(generated.stat().st_mode) == 0o600 and len(generated.read_text()) >= 40
    with keys_app.app_context():
        from workflows import signing

        assert signing.key_for("230102:market_regulation").key_der  # the generated passphrase opens the keys


def test_init_with_a_wrong_passphrase_fails_and_writes_nothing(keys_app, runner, tmp_path):
    assert runner.invoke(args=["keys", "init"]).exit_code == 0
    before = files(tmp_path / "keys")
    keys_app.config["KEYS_PASSPHRASE"] = "not the one"
    result = runner.invoke(args=["keys", "init"])
    assert result.exit_code == 1 and "不正确" in result.output and "wrong BIANMIN_KEYS_PASSPHRASE" in result.output
    assert files(tmp_path / "keys") == before


def _real_ca_p12(password: bytes) -> tuple[bytes, x509.Certificate]:
    """A PKCS#12 as a commercial CA hands it out: key, certificate and the CA's chain."""
    now = datetime.now(UTC)
    root_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "某电子认证服务有限公司根CA")])
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "哈尔滨市道里区市场监督管理局")]))
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"daoli", key, cert, [root], serialization.BestAvailableEncryption(password)
    )
    return data, cert


def test_import_a_real_ca_certificate_then_sign_with_it(keys_app, runner, tmp_path, api):
    assert runner.invoke(args=["keys", "init"]).exit_code == 0
    data, cert = _real_ca_p12(b"p12-secret")
    (tmp_path / "daoli.p12").write_bytes(data)
    args = ["keys", "import", "230102:market_regulation", str(tmp_path / "daoli.p12"), "--password", "p12-secret"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0 and "imported" in result.output, result.output
    before = files(tmp_path / "keys")
    again = runner.invoke(args=args)
    assert again.exit_code == 0 and "nothing changed" in again.output and files(tmp_path / "keys") == before
    submitted = api.submitted()
    doc = api.fire(submitted["id"], "register", "clerk_daoli").get_json()["documents"][0]
    signature = api.get(f"/api/v1/verify/{doc['verify_url'].rsplit('/', 1)[1]}").get_json()["signature"]
    assert signature["valid"] and signature["certificate_serial"] == "2"  # trusted through the imported root
    assert signature["authority"] == "230102:market_regulation"


@pytest.mark.parametrize(
    "args, zh, en",
    [
        (["keys", "rotate", "230102:no_such_kind"], "没有机关", "no authority"),
        (["keys", "rotate", "not-an-authority"], "没有机关", "no authority"),
        (["keys", "import", "230102:market_regulation", "{p12}", "--password", "wrong"], "口令错误", "wrong password"),
    ],
)
def test_bad_input_is_refused_with_the_reason(keys_app, runner, tmp_path, args, zh, en):
    assert runner.invoke(args=["keys", "init"]).exit_code == 0
    (tmp_path / "x.p12").write_bytes(_real_ca_p12(b"right")[0])
    result = runner.invoke(args=[a.replace("{p12}", str(tmp_path / "x.p12")) for a in args])
    assert result.exit_code == 1 and zh in result.output and en in result.output, result.output


def test_list_before_init_says_what_to_do(keys_app, runner):
    result = runner.invoke(args=["keys", "list"])
    assert result.exit_code == 0 and "flask keys init" in result.output
