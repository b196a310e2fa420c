"""Every registered procedure is well formed (STYLE.md 8): states reachable, a way out of every non-final
state, every event with a role, the `transitions` machine and the diagram exactly the declaration, the
guide's time limits the engine's own."""

from __future__ import annotations

import pytest

from pdf.render import TEMPLATES
from tests.engine import structure
from workflows.registry import MACHINES, PROCEDURES

NAMES = sorted(PROCEDURES)


@pytest.mark.parametrize("name", NAMES)
def test_every_state_is_reachable_from_the_initial_one(name):
    structure.every_state_reachable(PROCEDURES[name])


@pytest.mark.parametrize("name", NAMES)
def test_every_non_final_state_has_a_way_out(name):
    structure.every_non_final_state_has_a_way_out(PROCEDURES[name])


@pytest.mark.parametrize("name", NAMES)
def test_every_event_has_a_role(name):
    structure.every_event_has_a_role(PROCEDURES[name])


@pytest.mark.parametrize("name", NAMES)
def test_the_machine_is_the_declaration(name):
    structure.machine_equals_declaration(PROCEDURES[name], MACHINES[name])


@pytest.mark.parametrize("name", NAMES)
def test_the_diagram_shows_exactly_the_declaration(name):
    structure.diagram_shows_the_declaration(PROCEDURES[name])


@pytest.mark.parametrize("name", NAMES)
def test_the_guides_time_limits_are_the_engines(name):
    structure.guide_limits_are_the_engines(PROCEDURES[name])


@pytest.mark.parametrize("name", NAMES)
def test_every_declared_document_kind_has_its_template(name):
    for kind in PROCEDURES[name].documents:
        assert (TEMPLATES / f"{kind.template or kind.name}.html").is_file(), kind.name
