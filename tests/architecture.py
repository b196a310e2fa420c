"""An import-linter contract type for .importlinter: procedures are pure declarations.

`ProceduresArePure` is the forbidden contract over every procedure module that workflows.discovery finds
(any module declaring `PROCEDURE = Procedure(...)`), so a new procedure is checked the day it is added,
without being listed anywhere.
"""

from __future__ import annotations

from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.domain import fields
from importlinter.domain.imports import ModuleExpression

from workflows.discovery import procedure_modules


class ProceduresArePure(ForbiddenContract):
    """Like `forbidden`, with the procedure modules as its source modules."""

    type_name = "procedures_are_pure"
    source_modules = fields.SetField(subfield=fields.ModuleExpressionField(), required=False)

    def check(self, graph, verbose):
        self.source_modules = {ModuleExpression(name) for name in procedure_modules()}
        return super().check(graph, verbose)
