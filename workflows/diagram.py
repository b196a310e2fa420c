"""A procedure's state machine drawn from its definition (Graphviz dot), the current state highlighted."""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

from workflows.definition import Procedure


def dot_source(proc: Procedure, current: str | None = None, taken: tuple[str, ...] = (), lang: str = "zh") -> str:
    """DOT text: states as boxes (zh + en, or en alone in English), events as edges labelled in the language;
    `taken` = states visited in order."""
    visited = set(taken)
    lines = [
        "digraph procedure {",
        '  rankdir=LR; bgcolor="white";',
        '  node [shape=box, style="rounded,filled", fillcolor="#f4f6fa", color="#8a99b3", '
        'fontname="Noto Sans CJK SC", fontsize=11];',
        '  edge [fontname="Noto Sans CJK SC", fontsize=9, color="#8a99b3", fontcolor="#44516b"];',
    ]
    for name, (zh, en) in proc.states.items():
        attrs = {"label": en if lang == "en" else f"{zh}\\n{en}", "id": f"state-{name}"}
        if name == current:
            attrs.update(fillcolor="#c8102e", fontcolor="white", color="#8b0a1f", penwidth="2")
        elif name in visited:
            attrs.update(fillcolor="#dbe7ff", color="#1f4e9c")
        if name in proc.final_states:
            attrs["peripheries"] = "2"
        lines.append(f'  "{name}" [' + ", ".join(f'{k}="{v}"' for k, v in attrs.items()) + "];")
    steps = set(zip(taken, taken[1:], strict=False))
    for event in proc.events:
        for source in event.sources:
            for dest in event.dests_from(source):
                style = ', color="#1f4e9c", penwidth="2"' if (source, dest) in steps else ""
                label = event.en if lang == "en" else event.zh
                lines.append(f'  "{source}" -> "{dest}" [label="{label}"{style}];')
    lines.append("}")
    return "\n".join(lines)


@lru_cache(maxsize=512)
def svg(source: str) -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError("Graphviz 'dot' is not installed (apt-get install graphviz)")
    out = subprocess.run([dot, "-Tsvg"], input=source.encode(), capture_output=True, timeout=20, check=True)
    return out.stdout.decode()


def render(proc: Procedure, current: str | None = None, taken: tuple[str, ...] = (), lang: str = "zh") -> str:
    return svg(dot_source(proc, current, tuple(taken), lang))
