"""Loading the demo: fast, and never over data that are not the demo's."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from linli.demo.loader import DemoError, is_loaded, load_demo
from linli.people.models import Person
from linli.places.models import Area


def test_demo_loads(db):
    # How long it takes is measured by ``make bench`` (demo load), never asserted here.
    summary = load_demo()
    assert summary.created and is_loaded()
    assert Person.objects.count() > 3000


def test_demo_refuses_to_overwrite_a_district_it_did_not_create(tree, make_person):
    make_person(tree.g1, name="真实居民")
    with pytest.raises(DemoError):
        load_demo()
    with pytest.raises(CommandError, match="500113"):
        call_command("demo", "--reset")
    assert not is_loaded()
    assert list(Person.objects.values_list("name", flat=True)) == ["真实居民"]
    assert Area.objects.count() == 8
