"""Background work for the points scheme: every night, refund unclaimed redemptions and expire old points."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

log = logging.getLogger(__name__)


def run_daily_expiry() -> dict[str, int]:
    """Refund redemptions not collected in time, then expire points per scheme; returns what was done."""
    from . import ledger, rewards
    from .models import Scheme

    done = {"redemptions_refunded": 0, "points_expired": 0}
    while True:  # expire_redemptions handles at most 1000 per call
        n = rewards.expire_redemptions()
        done["redemptions_refunded"] += n
        if n < 1000:
            break
    for scheme in Scheme.objects.order_by("id"):
        done["points_expired"] += ledger.expire_points(scheme)
    log.info("points expiry: %s", done)
    return done


@db_periodic_task(crontab(hour="2", minute="30"))
def daily_points_expiry() -> None:
    run_daily_expiry()
