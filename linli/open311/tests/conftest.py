import json
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from linli.cases.models import Category, CategoryKind
from linli.open311.models import ApiKey, ServiceAttribute

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schema"


def _registry() -> Registry:
    return Registry().with_resources(
        (path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT4))
        for path in SCHEMA_DIR.glob("*.json"))


REGISTRY = _registry()


def validate(document, schema_name: str) -> None:
    """Validate a JSON answer against one of the official GeoReport v2 schemas."""
    schema = json.loads((SCHEMA_DIR / schema_name).read_text())
    jsonschema.Draft4Validator(schema, registry=REGISTRY, format_checker=jsonschema.FormatChecker()).validate(document)


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    from django.core.cache import cache

    from linli.core.counters import forget_local
    from linli.open311 import catalogue

    cache.clear()
    forget_local()
    catalogue.forget()


@pytest.fixture
def services(tree):
    parent = Category.objects.create(kind=CategoryKind.COMPONENT, code="public-facilities", name="公用设施")
    manhole = Category.objects.create(parent=parent, kind=CategoryKind.COMPONENT, code="manhole-cover", name="井盖")
    lamp = Category.objects.create(parent=parent, kind=CategoryKind.COMPONENT, code="street-lamp", name="路灯")
    ServiceAttribute.objects.create(category=lamp, code="lamp-number", datatype="string", required=True,
                                    description="灯杆编号", order=1)
    ServiceAttribute.objects.create(category=lamp, code="fault", datatype="singlevaluelist", required=False,
                                    description="故障", order=2,
                                    values=[{"key": "dark", "name": "不亮"}, {"key": "flicker", "name": "闪烁"}])
    ServiceAttribute.objects.create(category=lamp, code="height", datatype="number", description="高度", order=3)
    return manhole, lamp


@pytest.fixture
def api_key(tree):
    key = ApiKey(name="city-app", area=tree.street_a)
    raw = key.set_new_key()
    key.save()
    return key, raw
