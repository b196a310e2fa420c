"""Structural checks of one procedure's declaration, shared by test_structure.py (every registered procedure)
and test_declarations.py (a small procedure declared in the test)."""

from __future__ import annotations

import re

from models.user import ROLES
from workflows import diagram
from workflows.definition import Procedure


def graph(proc: Procedure) -> set[tuple[str, str, str]]:
    """(source, event, destination) of every declared step."""
    return {(s, e.name, d) for e in proc.events for s in e.sources for d in e.dests_from(s)}


def reachable(proc: Procedure, start: str) -> set[str]:
    seen, todo = {start}, [start]
    steps = graph(proc)
    while todo:
        state = todo.pop()
        for source, _e, dest in steps:
            if source == state and dest not in seen:
                seen.add(dest)
                todo.append(dest)
    return seen


def every_state_reachable(proc: Procedure) -> None:
    assert set(proc.states) - reachable(proc, proc.initial) == set()


def every_non_final_state_has_a_way_out(proc: Procedure) -> None:
    """A way out of the state (to another one), and from it a way to the end."""
    for state in set(proc.states) - set(proc.final_states):
        assert any(s == state and d != state for s, _e, d in graph(proc)), state
        assert reachable(proc, state) & set(proc.final_states), state


def every_event_has_a_role(proc: Procedure) -> None:
    for event in proc.events:
        assert event.roles and set(event.roles) <= {*ROLES, "system"}, event.name
        assert set(event.sources) <= set(proc.states), event.name
        assert set(event.dests) <= set(proc.states), event.name
        if isinstance(event.decides, tuple):
            assert set(event.decides) <= set(event.dests), event.name


def machine_equals_declaration(proc: Procedure, machine) -> None:
    assert list(machine.states) == list(proc.states)
    assert machine.initial == proc.initial
    from_machine = {
        (source, name, t.dest if t.dest is not None else source)
        for name, ev in machine.events.items()
        for source, ts in ev.transitions.items()
        for t in ts
    }
    assert from_machine == graph(proc)
    for state in proc.states:  # the machine alone says what may fire where
        assert set(machine.get_triggers(state)) == {e.name for e in proc.events if state in e.sources}, state


def diagram_shows_the_declaration(proc: Procedure) -> None:
    for lang in ("zh", "en"):
        source = diagram.dot_source(proc, lang=lang)
        nodes = set(re.findall(r'^  "(\w+)" \[', source, re.M))
        edges = {(a, label, b) for a, b, label in re.findall(r'^  "(\w+)" -> "(\w+)" \[label="([^"]*)"', source, re.M)}
        assert nodes == set(proc.states)
        title = {e.name: (e.en if lang == "en" else e.zh) for e in proc.events}
        assert edges == {(s, title[e], d) for s, e, d in graph(proc)}


def _numbers(value) -> set[int]:
    if isinstance(value, dict):
        return set().union(*(_numbers(v) for v in value.values())) if value else set()
    if isinstance(value, (list, tuple)):
        return set().union(*(_numbers(v) for v in value)) if value else set()
    return {value} if isinstance(value, int) and not isinstance(value, bool) else set()


def guide_limits_are_the_engines(proc: Procedure) -> None:
    """Every number of the guide's time limits is one of the engine's limits, and every limit in days that the
    engine counts is stated (the guide is built from the same TIME_LIMITS)."""
    texts = proc.guide.get("time_limits", [])
    stated = {int(n) for t in texts for n in re.findall(r"(\d+)\s*(?:个工作日|日|天|年)", t.zh)}
    stated |= {int(n) for t in texts for n in re.findall(r"(\d+)\s*(?:working days|days|years)", t.en)}
    engine = _numbers(proc.time_limits)
    assert stated <= engine, f"numbers in the guide that no time limit has: {stated - engine}"
    days = {v["days"] for v in proc.time_limits.values() if isinstance(v, dict) and "days" in v}
    assert days <= stated, f"limits the guide does not state: {days - stated}"
