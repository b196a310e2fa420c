"""The signing key store: a deployment CA and each authority's certificate, private keys encrypted on disk.

Layout of the directory (BIANMIN_KEYS_DIR), one folder per authority key ("230102:market_regulation" is kept as
230102_market_regulation/):
    ca.crt.pem, ca.key.pem                       the deployment CA (absent when every certificate is imported)
    trust/<fingerprint>.crt.pem                  other trust anchors: the roots of imported certificates
    authorities/<authority>/<fingerprint>.crt.pem  each certificate the authority ever had (+ .chain.pem)
    authorities/<authority>/<fingerprint>.key.pem  the private key (PKCS#8, encrypted), only while current
    authorities/<authority>/current              the fingerprint of the certificate that signs now
Private keys never enter the database: a database dump or a stolen backup cannot sign. Nothing here knows of
models; callers pass an authority's key and name.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS, CERT_DAYS = 20 * 365, 2 * 365
DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")  # id-kp-documentSigning, RFC 9336
PASSPHRASE_FILE = "keys-passphrase"


class SigningUnavailable(Exception):
    """Signing is impossible as configured (no keys, no or a wrong passphrase, no timestamp): a server fault."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class SigningKey:
    """What signing needs, as DER: the private key (PKCS#8, decrypted), its certificate, the chain above it."""

    key_der: bytes
    cert_der: bytes
    chain_der: tuple[bytes, ...]


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def _folder(authority: str) -> str:
    division, _, kind = authority.partition(":")
    if not (division.isdigit() and kind.replace("_", "").isalpha()):
        raise SigningUnavailable(
            f"机关应写作 <区划代码>:<类别>，如 230102:market_regulation，而不是 {authority!r}",
            f"an authority is <division code>:<kind>, e.g. 230102:market_regulation, not {authority!r}",
        )
    return f"{division}_{kind}"


def _mkdirs(path: Path) -> None:
    """Missing folders made owner-only (0700): they hold private keys; a listing is nobody else's business."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)


def _write(path: Path, data: bytes, private: bool = False) -> None:
    """Whole file or nothing (a crash never leaves half a key); private files readable by the owner only."""
    _mkdirs(path.parent)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _stat_mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return None


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _name(common: str, org: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def ensure_passphrase(configured: str, instance_path: str) -> tuple[str, bool]:
    """(passphrase, generated): the configured one, else one kept in the instance folder (mode 0600), made on
    first use. The instance file suits the embedded default only; a deployment sets BIANMIN_KEYS_PASSPHRASE."""
    if configured:
        return configured, False
    path = Path(instance_path) / PASSPHRASE_FILE
    if not path.exists():
        _write(path, secrets.token_urlsafe(32).encode(), private=True)
    return path.read_text().strip(), True


class KeyStore:
    def __init__(self, directory: str | Path, passphrase: str = ""):
        self.dir = Path(directory)
        self.passphrase = passphrase

    # --- reading ------------------------------------------------------------------------------------------
    def _encryption(self):
        if not self.passphrase:
            raise SigningUnavailable(
                "未设置签名密钥口令（BIANMIN_KEYS_PASSPHRASE），无法签发文书",
                "the signing keys' passphrase (BIANMIN_KEYS_PASSPHRASE) is not set: cannot issue",
            )
        return serialization.BestAvailableEncryption(self.passphrase.encode())

    def _private_key(self, path: Path):
        self._encryption()
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise SigningUnavailable(f"签名私钥文件缺失：{path.name}", f"signing key file missing: {path}") from None
        try:
            return serialization.load_pem_private_key(data, self.passphrase.encode())
        except (ValueError, TypeError):
            raise SigningUnavailable(
                "签名密钥口令（BIANMIN_KEYS_PASSPHRASE）不正确，无法解密签名私钥",
                "wrong BIANMIN_KEYS_PASSPHRASE: the signing key cannot be decrypted",
            ) from None

    def check_passphrase(self) -> None:
        """SigningUnavailable unless the passphrase opens the CA key (or, without a CA, every current key)."""
        if self.has_ca():
            self._private_key(self.dir / "ca.key.pem")
            return
        for folder in sorted((self.dir / "authorities").glob("*/current")):
            self._private_key(folder.parent / f"{folder.read_text().strip()}.key.pem")

    def has_ca(self) -> bool:
        return (self.dir / "ca.crt.pem").exists()

    def ca_certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate((self.dir / "ca.crt.pem").read_bytes())

    def current(self, authority: str) -> str | None:
        """The fingerprint of the authority's signing certificate, or None."""
        try:
            return (self.dir / "authorities" / _folder(authority) / "current").read_text().strip() or None
        except FileNotFoundError:
            return None

    def certificate(self, authority: str, fp: str) -> x509.Certificate:
        return x509.load_pem_x509_certificate(
            (self.dir / "authorities" / _folder(authority) / f"{fp}.crt.pem").read_bytes()
        )

    def signing_key(self, authority: str) -> SigningKey:
        """The authority's current key and certificate chain; decrypted once per process and file (see _CACHE)."""
        fp = self.current(authority)
        if fp is None:
            raise SigningUnavailable(
                f"机关 {authority} 没有签名证书：请运行 flask keys init",
                f"authority {authority} has no signing certificate: run `flask keys init`",
            )
        base = self.dir / "authorities" / _folder(authority)
        key_path = base / f"{fp}.key.pem"
        try:
            stamp = key_path.stat().st_mtime_ns
        except FileNotFoundError:
            raise SigningUnavailable(
                f"签名私钥文件缺失：{key_path.name}", f"signing key file missing: {key_path}"
            ) from None
        # the passphrase's digest in the cache key: a changed (or wrong) passphrase is tried, never a stale key used
        cache_key = (str(key_path), stamp, hashlib.sha256(self.passphrase.encode()).digest())
        found = _CACHE.get(cache_key)
        if found is None:
            key = self._private_key(key_path)
            chain_path = base / f"{fp}.chain.pem"
            chain = (
                x509.load_pem_x509_certificates(chain_path.read_bytes())
                if chain_path.exists()
                else [self.ca_certificate()]
            )
            found = SigningKey(
                key.private_bytes(
                    serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                ),
                self.certificate(authority, fp).public_bytes(serialization.Encoding.DER),
                tuple(c.public_bytes(serialization.Encoding.DER) for c in chain),
            )
            _CACHE[cache_key] = found
        return found

    def trust_roots(self) -> tuple[bytes, ...]:
        """DER of every trust anchor: the deployment CA and the roots of imported certificates (public data).

        Asked on every verification, so re-read only when a folder changed: files here are only ever written by
        renaming into place (_write), which changes the folder's mtime; two stat() calls instead of a listing."""
        folders = _FOLDERS.get(self.dir)
        if folders is None:  # the two folders' names as strings, once: os.stat of a str skips pathlib's parsing
            folders = _FOLDERS[self.dir] = (str(self.dir), str(self.dir / "trust"))
        stamp = tuple(_stat_mtime(d) for d in folders)
        if _ROOTS.get(str(self.dir), (None,))[0] != stamp:
            files = ([self.dir / "ca.crt.pem"] if self.has_ca() else []) + sorted((self.dir / "trust").glob("*.pem"))
            _ROOTS[str(self.dir)] = (
                stamp,
                tuple(
                    x509.load_pem_x509_certificate(f.read_bytes()).public_bytes(serialization.Encoding.DER)
                    for f in files
                ),
            )
        return _ROOTS[str(self.dir)][1]

    def authority_of(self, fp: str) -> str | None:
        """Which authority a certificate (by sha256 fingerprint) was made or imported for."""
        for path in (self.dir / "authorities").glob(f"*/{fp}.crt.pem"):
            division, _, kind = path.parent.name.partition("_")
            return f"{division}:{kind}"
        return None

    def listing(self) -> list[dict]:
        rows = []
        for path in sorted((self.dir / "authorities").glob("*/*.crt.pem")):
            cert = x509.load_pem_x509_certificate(path.read_bytes())
            division, _, kind = path.parent.name.partition("_")
            authority, fp = f"{division}:{kind}", path.name.split(".")[0]
            rows.append(
                {
                    "authority": authority,
                    "fingerprint": fp,
                    "serial": format(cert.serial_number, "x"),
                    "subject": cert.subject.rfc4514_string(),
                    "issuer": cert.issuer.rfc4514_string(),
                    "not_after": cert.not_valid_after_utc.date().isoformat(),
                    "current": self.current(authority) == fp,
                }
            )
        return rows

    # --- writing (the CLI's operations) -------------------------------------------------------------------
    def ensure_ca(self, name: str = "便民文书签名根证书 Bianmin document signing CA") -> bool:
        """Create the deployment CA unless it exists; True when created."""
        if self.has_ca():
            return False
        encryption = self._encryption()
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        subject = _name(name, "便民 Bianmin")
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        _write(
            self.dir / "ca.key.pem",
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption),
            private=True,
        )
        _write(self.dir / "ca.crt.pem", _pem(cert))  # last: its presence means the CA is complete
        return True

    def issue(self, authority: str, name: str) -> str:
        """A new ECDSA P-256 certificate from the deployment CA naming the authority; it becomes current."""
        if not self.has_ca():
            raise SigningUnavailable(
                "没有本系统的根证书：请先运行 flask keys init", "no deployment CA: run `flask keys init`"
            )
        ca_cert, ca_key = self.ca_certificate(), self._private_key(self.dir / "ca.key.pem")
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name, name))
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(min(now + timedelta(days=CERT_DAYS), ca_cert.not_valid_after_utc))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            # digitalSignature + contentCommitment (non-repudiation): what a document signature asserts
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            # documentSigning (RFC 9336), and emailProtection because NSS (pdfsig, Firefox's PDF viewer)
            # checks signer certificates for the S/MIME usage
            .add_extension(
                x509.ExtendedKeyUsage([DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        return self._install(authority, key, cert, [])

    def import_p12(self, authority: str, data: bytes, password: str | None) -> tuple[str, bool]:
        """Install a certificate and key from a PKCS#12 file (a real CA's); (fingerprint, newly installed)."""
        try:
            key, cert, chain = pkcs12.load_key_and_certificates(data, password.encode() if password else None)
        except ValueError:
            raise SigningUnavailable(
                "无法读取该 PKCS#12 文件（文件损坏或口令错误）",
                "cannot read this PKCS#12 file (damaged, or a wrong password)",
            ) from None
        if key is None or cert is None:
            raise SigningUnavailable(
                "PKCS#12 文件须含私钥和证书", "the PKCS#12 file must hold a private key and its certificate"
            )
        if not isinstance(key, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)):
            raise SigningUnavailable("仅支持 ECDSA 或 RSA 密钥", "only ECDSA or RSA keys are supported")
        if cert.not_valid_after_utc <= datetime.now(UTC):
            raise SigningUnavailable("证书已过期", "the certificate has expired")
        if not chain:
            raise SigningUnavailable(
                "PKCS#12 文件须含签发该证书的 CA 证书链", "the PKCS#12 file must include its CA chain"
            )
        fp = fingerprint(cert)
        if self.current(authority) == fp:
            return fp, False
        self._encryption()
        # the top of the chain is the anchor a verifier must trust (whether or not it is self-signed)
        _write(self.dir / "trust" / f"{fingerprint(chain[-1])}.crt.pem", _pem(chain[-1]))
        return self._install(authority, key, cert, chain), True

    def _install(self, authority: str, key, cert: x509.Certificate, chain: list[x509.Certificate]) -> str:
        base = self.dir / "authorities" / _folder(authority)
        fp, previous = fingerprint(cert), self.current(authority)
        _write(
            base / f"{fp}.key.pem",
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, self._encryption()),
            private=True,
        )
        if chain:
            _write(base / f"{fp}.chain.pem", b"".join(_pem(c) for c in chain))
        _write(base / f"{fp}.crt.pem", _pem(cert))
        _write(base / "current", fp.encode())  # the switch: one rename
        if previous and previous != fp:
            # a retired key never signs again; its certificate stays (documents it signed still name it)
            (base / f"{previous}.key.pem").unlink(missing_ok=True)
        return fp


_CACHE: dict[tuple, SigningKey] = {}  # decrypted keys, per process: scrypt/PBKDF2 and parsing done once
_ROOTS: dict[str, tuple] = {}
_FOLDERS: dict[Path, tuple[str, str]] = {}
