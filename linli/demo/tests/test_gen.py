"""``linli gen``: estate scale in a test database (slow: about 10 s per generation)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Sum

from linli.core.identifiers import id_check_char
from linli.demo.gen import SCALES, GenError, counts, digest, generate
from linli.people.models import Person
from linli.places.models import Area
from linli.points.models import Account

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _generate_and_digest(seed: int) -> tuple[dict[str, int], str]:
    with transaction.atomic():
        made = generate("estate", seed, out=None)
        result = made, digest()
        transaction.set_rollback(True)
    return result


def test_estate_counts_ids_ledger_and_determinism():
    scale = SCALES["estate"]
    with transaction.atomic():
        call_command("gen", "--scale", "estate", "--seed", "7", stdout=io.StringIO(), stderr=io.StringIO())
        c = counts()
        assert (c["people"], c["cases"], c["transfers"], c["services"], c["grids"]) == (
            scale.people, scale.cases, scale.transfers, scale.services, scale.grids)
        assert c["events"] > c["cases"]  # every case has its report event, most have more
        assert all(i[17] == id_check_char(i[:17]) and i.startswith("990113")
                   for i in Person.objects.values_list("id_number", flat=True))
        assert all(m.startswith("154") for m in Person.objects.exclude(mobile="").values_list("mobile", flat=True))
        assert Account.objects.aggregate(total=Sum("balance"))["total"] == 0
        assert not Account.objects.filter(kind="person", balance__lt=0).exists()
        assert Area.objects.filter(level="grid", boundary__isnull=True).count() == 0
        first = digest()
        transaction.set_rollback(True)
    assert _generate_and_digest(7)[1] == first
    assert _generate_and_digest(8)[1] != first


def test_refuses_a_non_empty_database_and_changes_nothing():
    Area.objects.create(level="district", code="500113", name="巴南区")
    with pytest.raises(CommandError, match="数据库不是空的"):
        call_command("gen", "--scale", "estate", stdout=io.StringIO(), stderr=io.StringIO())
    assert Area.objects.count() == 1 and not Person.objects.exists()


def test_unknown_scale_is_refused():
    with pytest.raises(GenError, match="未知规模"):
        generate("city", out=None)
