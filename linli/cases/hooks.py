"""What other apps do when a case is filed or reaches a step: explicit hooks the services call.

The apps above cases (points, the reports rollup) must hear of some steps without cases importing them.
They are named in the setting ``LINLI_CASE_HOOKS``, e.g. ``{"verify": ["linli.points.earning.on_case_verified"]}``:
after the step's event is written (by ``transition``, and by ``file_case`` for the filing, action
``"report"``), in the same transaction, each named function is called with the case and the event.  A step
that changes the handling department records the one before in ``event.data["from_department"]``.  A hook
that fails must not undo the step: it catches its own errors (as the points award does, in a savepoint) or
the step is rolled back with it.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .models import Case, CaseEvent

FROM_DEPARTMENT = "from_department"  # in a step's event data: the department that handled the case before it


@cache
def _hooks(action: str) -> tuple:
    return tuple(import_string(path) for path in getattr(settings, "LINLI_CASE_HOOKS", {}).get(action, ()))


def after_step(case: Case, event: CaseEvent) -> None:
    """Call every hook named for ``event.action``."""
    for hook in _hooks(event.action):
        hook(case, event)
