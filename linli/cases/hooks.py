"""What other apps do when a case reaches a step: explicit hooks that ``services.transition`` calls.

The apps above cases (points today) must hear of some steps without cases importing them.  They are
named in the setting ``LINLI_CASE_HOOKS``, e.g. ``{"verify": ["linli.points.earning.on_case_verified"]}``:
after the step's event is written, in the same transaction, each named function is called with the case
and the event.  A hook that fails must not undo the step: it catches its own errors (as the points award
does, in a savepoint) or the step is rolled back with it.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .models import Case, CaseEvent


@cache
def _hooks(action: str) -> tuple:
    return tuple(import_string(path) for path in getattr(settings, "LINLI_CASE_HOOKS", {}).get(action, ()))


def after_step(case: Case, event: CaseEvent) -> None:
    """Call every hook named for ``event.action``."""
    for hook in _hooks(event.action):
        hook(case, event)
