"""spiffworkflow_vs_engine: a SpiffWorkflow step run as a persistent service ÷ our full event, same database."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, Table, Text, select, update

from bench.common import (
    PREMISE_FIELDS,
    build_schema,
    interleave,
    make_app,
    median,
    ms,
    paired_ratio,
    r3,
    scratch_dir,
    seed_applications,
)
from bench.events import DATA, EngineEvent, RawCoreEvent

BPMN = Path(__file__).with_name("premise_addition.bpmn")
META = MetaData()
# what a service keeps per case: the serialised workflow and a version for the same optimistic check
SPIFF_CASES = Table(
    "spiff_cases",
    META,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("serialization", Text, nullable=False),
)


def _spiff():
    from SpiffWorkflow.bpmn.parser import BpmnParser
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    parser = BpmnParser()
    parser.add_bpmn_file(str(BPMN))
    return parser.get_spec("premise_addition"), BpmnWorkflow, BpmnWorkflowSerializer(), TaskState


def complete(workflow, TaskState, name: str, **data) -> None:
    """Complete the ready user task `name` with `data`, then let the engine run to the next wait."""
    task = workflow.get_next_task(state=TaskState.READY, manual=True)
    if task is None or task.task_spec.name != name:
        raise RuntimeError(f"expected ready task {name}, found {task and task.task_spec.name}")
    task.data.update(data)
    task.run()
    workflow.do_engine_steps()


def case_at_extend() -> str:
    """The serialised case of one application waiting for `extend`: submitted, accepted, review chose extend.
    The form fields travel in the workflow data, as they would in a BPMN service."""
    spec, BpmnWorkflow, serializer, TaskState = _spiff()
    wf = BpmnWorkflow(spec)
    wf.do_engine_steps()
    complete(wf, TaskState, "submit", fields=dict(PREMISE_FIELDS))
    complete(wf, TaskState, "intake", intake="accept")
    complete(wf, TaskState, "review", review="extend")
    return serializer.serialize_json(wf)


class SpiffStep:
    """Per request: load the JSON, deserialize, complete the ready user task, run the engine, serialize,
    write it back with the version checked, commit."""

    def __init__(self, engine, ids: list[int]):
        _spec, _wf, self.serializer, self.TaskState = _spiff()
        self.engine, self.ids = engine, list(ids)

    def __call__(self) -> None:
        case_id = self.ids.pop()
        with self.engine.connect() as conn:
            row = conn.execute(
                select(SPIFF_CASES.c.version, SPIFF_CASES.c.serialization).where(SPIFF_CASES.c.id == case_id)
            ).one()
            wf = self.serializer.deserialize_json(row.serialization)
            complete(wf, self.TaskState, "extend", **DATA)
            done = conn.execute(
                update(SPIFF_CASES)
                .where(SPIFF_CASES.c.id == case_id, SPIFF_CASES.c.version == row.version)
                .values(version=row.version + 1, serialization=self.serializer.serialize_json(wf))
            )
            assert done.rowcount == 1
            conn.commit()


def _phases(blob: str, n: int) -> dict:
    """Where a Spiff step's CPU goes, without the database: deserialize, complete + engine, serialize."""
    _spec, _wf, serializer, TaskState = _spiff()
    t = {"deserialize": 0.0, "complete_and_run": 0.0, "serialize": 0.0}
    for _ in range(n):
        t0 = time.perf_counter()
        wf = serializer.deserialize_json(blob)
        t1 = time.perf_counter()
        complete(wf, TaskState, "extend", **DATA)
        t2 = time.perf_counter()
        serializer.serialize_json(wf)
        t3 = time.perf_counter()
        t["deserialize"] += t1 - t0
        t["complete_and_run"] += t2 - t1
        t["serialize"] += t3 - t2
    return {f"{k}_ms": ms(v / n) for k, v in t.items()}


def run(quick: bool) -> dict:
    import SpiffWorkflow

    rounds, per_round = (42, 5) if quick else (210, 10)
    need = (rounds + 1) * per_round
    blob = case_at_extend()
    with scratch_dir("bench-spiff-") as tmp:
        app = make_app(f"sqlite:///{tmp / 'spiff.sqlite'}", tmp / "storage")
        build_schema(app)
        ours = seed_applications(app, need, "under_review")
        raw = seed_applications(app, need, "under_review")
        with app.app_context():
            from models import db

            META.create_all(db.engine)
            with db.engine.begin() as conn:
                conn.execute(
                    SPIFF_CASES.insert(), [{"id": i, "version": 1, "serialization": blob} for i in range(1, need + 1)]
                )
            # raw Core (the same writes as our event, nothing else) shows the ceiling of this ratio: no engine
            # that writes the row, the audit entry and commits durably can beat it
            times = interleave(
                {
                    "spiff": SpiffStep(db.engine, list(range(1, need + 1))),
                    "engine": EngineEvent(app, ours),
                    "raw_core": RawCoreEvent(app, raw),
                },
                rounds,
                per_round,
                warmup=per_round,
            )
            db.engine.dispose()
    detail = {
        "step": "extend (Spiff: complete user task 'extend', run to 'decide'; ours: the extend event)",
        "bpmn": "bench/premise_addition.bpmn",
        "spiffworkflow": getattr(SpiffWorkflow, "__version__", "3.x"),
        "serialization_bytes": len(blob.encode()),
        "database": "SQLite WAL, synchronous=FULL, same file",
        "spiff_step_ms": ms(median(times["spiff"])),
        "engine_event_ms": ms(median(times["engine"])),
        "raw_core_event_ms": ms(median(times["raw_core"])),
        "ceiling_spiff_over_raw_core": r3(paired_ratio(times, "spiff", "raw_core")),
        "spiff_phases_without_db": _phases(blob, 100 if quick else 400),
        "rounds": rounds,
        "steps_per_round": per_round,
    }
    return {"value": r3(paired_ratio(times, "spiff", "engine")), "detail": detail}
