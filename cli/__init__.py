"""The command line (`flask --app app …`), one module per command group; register_commands wires them all."""

from __future__ import annotations

from flask import Flask

from cli import audit, authorities, backup, holidays, jobs, keys, registers, setup, storage, users, worker


def register_commands(app: Flask) -> None:
    for group in (setup, keys, users, authorities, holidays, jobs, audit, storage, backup, worker, registers):
        group.register(app)
