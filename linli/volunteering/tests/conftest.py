import datetime as dt
from types import SimpleNamespace

import pytest

from linli.places.models import PartnerUnit
from linli.volunteering.models import Reward, Scheme


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
    return make_person(tree.g1, name="骑手小王")


@pytest.fixture
def ns(scheme, shop, reward, rider):
    return SimpleNamespace(scheme=scheme, shop=shop, reward=reward, rider=rider)
