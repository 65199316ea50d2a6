"""100 parallel redemptions at a reward with stock 10 by a person with points for 20: exactly 10 succeed,
the others get a clear error, and nothing is oversold or overdrawn (SQLite and PostgreSQL alike)."""

import threading

import pytest
from django.db import connection

from linli.points import ledger, rewards
from linli.points.models import Account, Redemption, Reward

PARALLEL = 100


@pytest.mark.django_db(transaction=True)
def test_parallel_redemptions_never_oversell_or_overdraw(ns):
    ledger.earn(ns.scheme, ns.rider, 20 * ns.reward.points, key="grant", source="manual")
    start = threading.Barrier(PARALLEL)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        try:
            start.wait(timeout=60)
            try:
                rewards.redeem(ns.rider, Reward.objects.get(pk=ns.reward.pk), request_key=f"tap-{i}")
                result = "ok"
            except rewards.SoldOut as exc:
                result = "sold out: " + " ".join(exc.messages)
            except ledger.InsufficientPoints as exc:
                result = "no points: " + " ".join(exc.messages)
            except Exception as exc:  # noqa: BLE001 - any other failure is a test failure, reported below
                result = f"error: {exc!r}"
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(PARALLEL)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert len(outcomes) == PARALLEL
    assert not [o for o in outcomes if o.startswith("error")], [o for o in outcomes if o.startswith("error")][:3]
    assert outcomes.count("ok") == 10
    assert all(o.startswith("sold out: ") and len(o) > len("sold out: ") for o in outcomes if o != "ok")
    ns.reward.refresh_from_db()
    account = ledger.person_account(ns.rider)
    assert ns.reward.stock == 0 and Redemption.objects.count() == 10
    assert account.balance == 10 * ns.reward.points == ledger.balance_from_movements(account)
    assert sum(Account.objects.values_list("balance", flat=True)) == 0
