"""The command line (`flask --app app …`), one module per command group; register_commands wires them all."""
from __future__ import annotations

from flask import Flask

from cli import audit, backup, holidays, jobs, registers, setup, storage, users, worker


def register_commands(app: Flask) -> None:
    for group in (setup, users, holidays, jobs, audit, storage, backup, worker, registers):
        group.register(app)
