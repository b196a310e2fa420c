"""`flask keys init | import | rotate | list`: the deployment CA and each authority's document-signing certificate."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from models import Authority, db
from pdf.keys import KeyStore, SigningUnavailable, ensure_passphrase
from workflows import operations, signing
from workflows.accounts import authority_for


def _fail(zh: str, en: str) -> None:
    click.echo(f"{zh}\n{en}", err=True)
    sys.exit(1)


def _authority(spec: str) -> Authority:
    found = authority_for(spec)
    if found is None:
        _fail(
            f"没有机关 {spec!r}：应写作 <区划代码>:<类别>，如 230102:market_regulation",
            f"no authority {spec!r}: write <division code>:<kind>, e.g. 230102:market_regulation",
        )
    return found


def register(app: Flask) -> None:
    keys = AppGroup("keys", help="Document-signing keys: the deployment CA and one certificate per authority.")
    app.cli.add_command(keys)

    @keys.command("init")
    def keys_init():
        """Create the deployment CA and a certificate for every authority that has none (idempotent)."""
        phrase, generated = ensure_passphrase(
            current_app.config.get("KEYS_PASSPHRASE") or "", current_app.instance_path
        )
        if generated:
            click.echo(
                "警告：未设置 BIANMIN_KEYS_PASSPHRASE，使用实例目录中生成的口令（仅适用于本机演示，正式部署必须设置）\n"
                "warning: BIANMIN_KEYS_PASSPHRASE is not set; using the passphrase generated in the instance "
                "folder (the embedded demo only: a deployment must set it)",
                err=True,
            )
        try:
            done = operations.init_keys(KeyStore(current_app.config["KEYS_DIR"], phrase))
            db.session.commit()
        except SigningUnavailable as exc:
            _fail(exc.zh, exc.en)
        made_ca, made = done.ca_created, done.certificates
        click.echo(
            f"密钥目录 {done.directory}：{'新建根证书，' if made_ca else ''}新签发 {len(made)} 个机关证书\n"
            f"keys in {done.directory}: {'created the deployment CA, ' if made_ca else ''}"
            f"{len(made)} authority certificates issued" + ("" if made_ca or made else " (nothing changed)")
        )

    @keys.command("import")
    @click.argument("authority")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option(
        "--password",
        envvar="BIANMIN_P12_PASSWORD",
        default=None,
        help="the PKCS#12 file's password (or BIANMIN_P12_PASSWORD)",
    )
    def keys_import(authority, file, password):
        """Sign AUTHORITY's documents with the certificate and key in FILE (PKCS#12 from a real CA)."""
        found = _authority(authority)
        try:
            fp, installed = operations.import_certificate(found, file.read_bytes(), password)
            db.session.commit()
        except SigningUnavailable as exc:
            _fail(exc.zh, exc.en)
        click.echo(
            f"{found.name} 的签名证书{'已导入' if installed else '已是该证书，未作改动'}：{fp[:16]}\n"
            f"{found.key}: {'imported' if installed else 'already signing with this certificate, nothing changed'}"
            f" {fp[:16]}"
        )

    @keys.command("rotate")
    @click.argument("authority")
    def keys_rotate(authority):
        """A new key and certificate for AUTHORITY; documents signed before keep verifying with the old one."""
        found = _authority(authority)
        try:
            old, new = operations.rotate_key(found)
            db.session.commit()
        except SigningUnavailable as exc:
            _fail(exc.zh, exc.en)
        click.echo(
            f"{found.name} 的签名证书已更换：{(old or '-')[:16]} → {new[:16]}\n"
            f"{found.key}: rotated {(old or '-')[:16]} -> {new[:16]}"
        )

    @keys.command("list")
    def keys_list():
        """Every certificate of every authority; * marks the one that signs now."""
        rows = signing.store().listing()
        if not rows:
            click.echo("还没有签名证书：请运行 flask keys init\nno signing certificates yet: run `flask keys init`")
            return
        for row in rows:
            click.echo(
                f"{'*' if row['current'] else ' '} {row['authority']:<32} {row['fingerprint'][:16]}  "
                f"serial {row['serial'][:16]}  until {row['not_after']}  {row['subject']}"
            )
