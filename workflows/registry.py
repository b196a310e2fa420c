"""Every procedure by name, found among the workflows modules, and its `transitions` machine built once.

A module of this package is a procedure when it declares `PROCEDURE = Procedure(...)` at its top level:
adding one is adding its file (docs/ARCHITECTURE.md), nothing here names it.
"""

from __future__ import annotations

import importlib
from contextlib import contextmanager

from transitions import Machine

import pdf
from workflows.definition import Procedure
from workflows.discovery import procedure_modules


def _discover() -> list[Procedure]:
    """Every module of this package that declares a PROCEDURE, in the order of their `order` (then name)."""
    found = [importlib.import_module(name).PROCEDURE for name in procedure_modules()]
    return sorted(found, key=lambda p: (p.order, p.name))


def _transitions(proc: Procedure) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for event in proc.events:
        if isinstance(event.dest, str):  # a state, or SAME ("="): transitions' reflexive transition
            out.append({"trigger": event.name, "source": list(event.sources), "dest": event.dest})
            continue
        for branch in event.dest:  # conditional destinations: first whose condition holds
            out.append(
                {
                    "trigger": event.name,
                    "source": list(event.sources),
                    "dest": branch.dest,
                    "conditions": [lambda ev, branch=branch: ev.kwargs["firing"].takes(branch)],
                }
            )
    return out


def _prepare(event_data) -> None:
    """Once the machine has found the event allowed from the current state, and before it evaluates any
    branch: the engine's checks of data and guards (workflows.engine.Firing.prepare)."""
    event_data.kwargs["firing"].prepare()


def _build(proc: Procedure) -> Machine:
    """A plain Machine with no model: the engine triggers its events on a throwaway carrier per call
    (`machine.events[name].trigger(carrier)`), so the machine holds no per-call state and needs no lock.
    The machine decides whether an event may fire from a state: MachineError otherwise."""
    return Machine(
        model=None,
        states=list(proc.states),
        transitions=_transitions(proc),
        initial=proc.initial,
        auto_transitions=False,
        send_event=True,
        ignore_invalid_triggers=False,
        prepare_event=[_prepare],
    )


PROCEDURES: dict[str, Procedure] = {}
MACHINES: dict[str, Machine] = {}


def document_kinds(proc: Procedure) -> dict[str, dict]:
    return {kind.name: kind.as_meta() for kind in proc.documents}


def register(proc: Procedure) -> None:
    """Add a procedure: its machine, its document kinds for pdf/; a name or lookup declared twice is an error."""
    if proc.name in PROCEDURES:
        raise ValueError(f"procedure {proc.name!r} is declared twice")
    taken = {name: p.name for p in PROCEDURES.values() for name in p.provides}
    clash = sorted(set(proc.provides) & set(taken))
    if clash:
        raise ValueError(f"{proc.name} provides {clash}, already provided by {[taken[n] for n in clash]}")
    machine = _build(proc)
    pdf.register_kinds(document_kinds(proc))
    PROCEDURES[proc.name], MACHINES[proc.name] = proc, machine


@contextmanager
def registered(proc: Procedure):
    """A procedure registered for the length of a block (tests declare small ones of their own)."""
    register(proc)
    try:
        yield proc
    finally:
        PROCEDURES.pop(proc.name, None)
        MACHINES.pop(proc.name, None)
        for name in document_kinds(proc):
            if not any(name in document_kinds(p) for p in PROCEDURES.values()):
                pdf.KINDS.pop(name, None)


def provider(question: str) -> Procedure:
    """The procedure that answers `question` (its `provides`), for World.lookup."""
    found = next((p for p in PROCEDURES.values() if question in p.provides), None)
    if found is None:
        raise LookupError(f"no procedure provides {question!r}")
    return found


def authority_setting(name: str):
    """The AuthoritySetting `name` some procedure declares (None if none does)."""
    return next((s for p in PROCEDURES.values() for s in p.settings if s.name == name), None)


for _proc in _discover():
    register(_proc)
