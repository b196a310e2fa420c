"""What one application needs of each material, given its fields: the same AttachmentSpec and derived values that
the submit guard (values.missing_required) reads, so the page never calls "if applicable" what submit demands."""

from __future__ import annotations

from dataclasses import dataclass

from workflows.definition import AttachmentSpec, Procedure

REQUIRED, NOT_NEEDED, CONDITIONAL = "required", "not_needed", "conditional"


@dataclass(frozen=True)
class Material:
    spec: AttachmentSpec
    status: str  # required | not_needed | conditional (a field it depends on is still empty)

    @property
    def kind(self) -> str:
        return self.spec.kind

    def as_dict(self) -> dict:
        return {**self.spec.as_dict(), "status": self.status}


def status_of(spec: AttachmentSpec, fields: dict, derived: dict) -> str:
    if spec.required:
        return REQUIRED
    if any(fields.get(name) in (None, "") for name in spec.depends_on):
        return CONDITIONAL
    return REQUIRED if spec.needed({**fields, **derived}) else NOT_NEEDED


def materials(proc: Procedure, fields: dict, derived: dict) -> list[Material]:
    return [Material(spec, status_of(spec, fields, derived)) for spec in proc.attachments]
