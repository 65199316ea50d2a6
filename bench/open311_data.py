"""Grow the demo's cases to N rows for the Open311 benchmark (clones with their status events).

Used only by ``bench/open311.py`` on a throwaway LINLI_HOME; never by the test suite.
"""

from __future__ import annotations

import datetime as dt
import random


def grow_cases(target: int, *, seed: int = 311, window_days: int = 90) -> int:
    """Clone existing public cases (new numbers, dates spread over the last ``window_days``) up to ``target``."""
    from django.db import transaction
    from django.utils import timezone

    from linli.cases.models import Case, CaseEvent

    rng = random.Random(seed)
    templates = list(Case.objects.filter(public_hidden=False).order_by("id")[:500])
    have = Case.objects.count()
    if not templates or have >= target:
        return have
    now = timezone.now()
    batch: list[Case] = []
    made = 0
    with transaction.atomic():
        while have + made < target:
            source = templates[made % len(templates)]
            clone = Case(**{f.attname: getattr(source, f.attname) for f in Case._meta.concrete_fields
                            if f.attname not in {"id", "number", "client_token"}})
            clone.number = f"B{have + made:09d}"  # above every clone of an earlier call
            clone.created_at = now - dt.timedelta(seconds=rng.randrange(window_days * 86400))
            clone.updated_at = clone.created_at + dt.timedelta(hours=rng.randrange(48))
            batch.append(clone)
            made += 1
            if len(batch) == 2000:
                _flush(batch, Case, CaseEvent)
                batch = []
        if batch:
            _flush(batch, Case, CaseEvent)
    return have + made


def _flush(batch, Case, CaseEvent) -> None:  # noqa: N803 - the models, passed in after django.setup()
    # bulk_create runs pre_save: switch the automatic dates off so that the spread dates are kept.
    created_field, updated_field = Case._meta.get_field("created_at"), Case._meta.get_field("updated_at")
    created_field.auto_now_add = updated_field.auto_now = False
    try:
        created = Case.objects.bulk_create(batch)
    finally:
        created_field.auto_now_add = updated_field.auto_now = True
    events = [CaseEvent(case=c, action="accept", from_status="reported", to_status=c.status,
                        note="已受理，正在处理", at=c.created_at) for c in created if c.status != "reported"]
    CaseEvent.objects.bulk_create(events)
