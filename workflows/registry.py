"""Every procedure by name, and its `transitions` machine built once from the same definition."""
from __future__ import annotations

from transitions import Machine

from workflows.definition import Procedure
from workflows.fire_filing import PROCEDURE as FIRE_FILING
from workflows.land_transition import PROCEDURE as LAND_TRANSITION
from workflows.premise_addition import PROCEDURE as PREMISE_ADDITION

PROCEDURES: dict[str, Procedure] = {p.name: p for p in (PREMISE_ADDITION, LAND_TRANSITION, FIRE_FILING)}


def _transitions(proc: Procedure) -> list[dict]:
    out = []
    for event in proc.events:
        if isinstance(event.dest, str):
            out.append({"trigger": event.name, "source": list(event.sources), "dest": event.dest})
            continue
        for branch in event.dest:   # conditional destinations: first whose condition holds
            out.append({"trigger": event.name, "source": list(event.sources), "dest": branch.dest,
                        "conditions": [lambda ev, when=branch.when: when(ev.kwargs["ctx"])]})
    return out


def _build(proc: Procedure) -> Machine:
    """A plain Machine with no model: the engine triggers its events on a throwaway carrier per call
    (`machine.events[name].trigger(carrier)`), so the machine holds no per-call state and needs no lock."""
    return Machine(model=None, states=list(proc.states), transitions=_transitions(proc),
                         initial=proc.initial, auto_transitions=False, send_event=True,
                         ignore_invalid_triggers=False)


MACHINES: dict[str, Machine] = {name: _build(p) for name, p in PROCEDURES.items()}


def procedure(name: str) -> Procedure | None:
    return PROCEDURES.get(name)
