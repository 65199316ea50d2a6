"""Shared fixtures: a small administrative tree and users holding roles in it."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import SimpleNamespace

import pytest

from linli.cases.models import Category, CategoryKind, HandlerLevel
from linli.core.identifiers import id_check_char
from linli.core.models import User
from linli.core.tests.browser import *  # noqa: F401,F403
from linli.core.tests.redis_server import redis  # noqa: F401
from linli.people.models import Person, RoleAssignment
from linli.places.models import Area, AreaLevel, Building, BuildingUnit, Department, Household, PartnerUnit
from linli.points.models import Reward, Scheme

PASSWORD = "correct-horse-9"  # noqa: S105 - test accounts only


def square(lng: float, lat: float, size: float = 0.002) -> dict:
    """A GeoJSON square polygon with its south-west corner at (lng, lat)."""
    return {"type": "Polygon", "coordinates": [[
        [lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]]}


def make_id_number(seq: int, birth: dt.date = dt.date(1980, 1, 1), region: str = "990101") -> str:
    """A checksum-valid ID number with a region prefix no real district uses."""
    first17 = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_check_char(first17)


@pytest.fixture
def tree(db):
    """Two streets; street A has community A1 with grids G1, G2; street B has B1 with grid H1."""
    district = Area.objects.create(level=AreaLevel.DISTRICT, code="500113", name="巴南区")
    street_a = Area.objects.create(level=AreaLevel.STREET, code="500113001", name="甲街道", parent=district)
    street_b = Area.objects.create(level=AreaLevel.STREET, code="500113002", name="乙街道", parent=district)
    comm_a1 = Area.objects.create(level=AreaLevel.COMMUNITY, code="500113001001", name="甲一社区", parent=street_a)
    comm_b1 = Area.objects.create(level=AreaLevel.COMMUNITY, code="500113002001", name="乙一社区", parent=street_b)
    g1 = Area.objects.create(level=AreaLevel.GRID, code="500113001001001", name="一网格", parent=comm_a1,
                             boundary=square(106.500, 29.400))
    g2 = Area.objects.create(level=AreaLevel.GRID, code="500113001001002", name="二网格", parent=comm_a1,
                             boundary=square(106.502, 29.400))
    h1 = Area.objects.create(level=AreaLevel.GRID, code="500113002001001", name="三网格", parent=comm_b1,
                             boundary=square(106.600, 29.400))
    dept = Department.objects.create(kind="district", code="chengguan", name="城管局", area=district)
    return SimpleNamespace(district=district, street_a=street_a, street_b=street_b, comm_a1=comm_a1,
                           comm_b1=comm_b1, g1=g1, g2=g2, h1=h1, dept=dept)


@pytest.fixture
def make_person(db):
    counter = iter(range(1, 10_000))

    def make(area: Area, name: str = "", **kwargs) -> Person:
        n = next(counter)
        kwargs.setdefault("id_number", make_id_number(n))
        kwargs.setdefault("mobile", f"1380000{n:04d}")
        return Person.objects.create(area=area, name=name or f"居民{n}", **kwargs)

    return make


@pytest.fixture
def make_user(db, make_person):
    """A user whose person holds ``role`` in ``area`` (or in ``department``)."""

    def make(username: str, role: str | None = None, area: Area | None = None, department=None,
             partner=None, home: Area | None = None) -> User:
        person = make_person(home or area or department.area, name=username)
        if role:
            RoleAssignment.objects.create(person=person, role=role, area=area, department=department,
                                          partner=partner, starts_on=dt.date(2020, 1, 1))
        return User.objects.create_user(username=username, password=PASSWORD, person=person)

    return make


@pytest.fixture
def household(tree):
    building = Building.objects.create(grid=tree.g1, name="1栋", lat=29.401, lng=106.501)
    unit = BuildingUnit.objects.create(building=building, number="1")
    return Household.objects.create(unit=unit, door="101")


@pytest.fixture(autouse=True)
def _seeded_catalogue(request):
    """Transactional tests flush the database, which drops the categories migration 0002 seeds: put them back."""
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        from linli.cases.catalogue import seed_categories

        seed_categories()


@pytest.fixture(autouse=True)
def _fresh_suggestions():
    """The category suggester keeps what it learned from the catalogue and past cases for a while in the
    process; a test starts from its own database, not from what an earlier test left."""
    from linli.cases.suggest import reset_cache

    reset_cache()


@pytest.fixture
def robot():
    """A group robot on loopback that records what it receives."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"errcode": 0}')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/robot", received
    server.shutdown()


# --- the points scheme of street A, a sponsor shop and its reward (points and volunteering tests) ---

@pytest.fixture
def scheme(tree):
    return Scheme.objects.create(code="pioneer", name="先锋骑士积分制度", area=tree.street_a, manual_daily_cap=50)


@pytest.fixture
def shop(tree):
    return PartnerUnit.objects.create(kind="sponsor_shop", name="爱心面馆", area=tree.comm_a1)


@pytest.fixture
def reward(scheme, shop):
    today = dt.date.today()
    return Reward.objects.create(sponsor=shop, scheme=scheme, name="牛肉面一碗", points=20, stock=10, value_fen=1800,
                                 valid_from=today - dt.timedelta(days=1), valid_until=today + dt.timedelta(days=30))


@pytest.fixture
def rider(tree, make_person):
    """A rider living in grid g1 (a Person, no account)."""
    return make_person(tree.g1, name="骑手小王")


@pytest.fixture
def ns(scheme, shop, reward, rider):
    return SimpleNamespace(scheme=scheme, shop=shop, reward=reward, rider=rider)


# --- the case loop: a small catalogue and the people around grid g1 (cases, api, open311 tests) ---

@pytest.fixture
def categories(tree):
    parent = Category.objects.create(kind=CategoryKind.COMPONENT, code="public-facilities", name="公用设施")
    manhole = Category.objects.create(parent=parent, kind=CategoryKind.COMPONENT, code="manhole-cover",
                                      name="井盖", handler_level=HandlerLevel.GRID, accept_hours=2, resolve_days=3)
    wall = Category.objects.create(parent=parent, kind=CategoryKind.COMPONENT, code="outer-wall",
                                   name="外墙隐患", handler_level=HandlerLevel.DEPARTMENT, department=tree.dept)
    other = Category.objects.create(kind=CategoryKind.EVENT, code="order", name="秩序")
    wiring = Category.objects.create(parent=other, kind=CategoryKind.EVENT, code="tangled-wiring",
                                     name="飞线", handler_level=HandlerLevel.COMMUNITY)
    return SimpleNamespace(parent=parent, manhole=manhole, wall=wall, wiring=wiring, other=other)


@pytest.fixture
def actors(tree, make_user):
    """Users around grid g1 of community A1, and outsiders."""
    return SimpleNamespace(
        reporter=make_user("rider", home=tree.g1),
        worker=make_user("worker", "grid_worker", tree.g1),
        worker2=make_user("worker2", "grid_worker", tree.g1),
        other_worker=make_user("other", "grid_worker", tree.g2),
        community=make_user("community", "community_staff", tree.comm_a1),
        street=make_user("street", "street_staff", tree.street_a),
        other_street=make_user("streetb", "street_staff", tree.street_b),
        dept=make_user("dept", "department_handler", department=tree.dept),
        hotline=make_user("hotline", "hotline_duty", tree.street_a),
    )


# --- reports/reliability.md: the tallies of the reliability tests (linli/core/tests/reliability.py) ---

def pytest_sessionfinish(session, exitstatus):
    from linli.core.tests import reliability

    if worker := reliability.worker_id():
        reliability.dump_fragment(worker)
    elif path := reliability.write_report():
        session.config.get_terminal_writer().line(f"reliability report: {path}")
