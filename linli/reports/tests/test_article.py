"""The article's figures on the demo data: each matches the article, links to its rows, rows stay in scope."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from linli.core.models import User
from linli.core.scope import scope_for
from linli.demo.loader import DEMO_PASSWORD, load_demo
from linli.meetings.accountability import figures
from linli.meetings.models import Series
from linli.places.models import Area
from linli.reports import article
from linli.volunteering.models import Pledge


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


def login(client, username):
    assert client.login(username=username, password=DEMO_PASSWORD)


def test_every_built_figure_matches_the_article_on_the_demo(demo, db):
    rows = {r.figure.key: r for r in article.article_figures()}
    wrong = {k: (r.figure.quoted, r.value) for k, r in rows.items() if r.figure.built and not r.matches}
    assert wrong == {}
    assert rows["points_riders"].value == 32 and rows["gifts"].value == 22 and rows["sponsors"].value == 18
    assert rows["zouma_solved"].value == 116 and rows["fee_households"].value == 380
    assert (rows["fengsi_held"].value, rows["fengsi_solved"].value) == (8, 36)
    assert rows["joint_conference"].value == 27 and rows["donated_yuan"].value >= 1_000_000
    assert not rows["opinion_drives"].figure.built and rows["opinion_drives"].value is None


def test_meeting_figures_are_the_accountability_definition(demo, db):
    for key, name in (("fengsi_solved", article.FENGSI), ("roundtable", article.ROUNDTABLE),
                      ("joint_conference", article.JOINT_CONFERENCE)):
        assert article.BY_KEY[key].value(article.place_codes()) == figures(Series.objects.get(name=name)).solved


def test_the_page_shows_values_definitions_and_not_built_parts_in_bounded_queries(demo, db, client,
                                                                                  django_assert_max_num_queries):
    login(client, "street-longzhouwan")
    with django_assert_max_num_queries(len(article.FIGURES) + 8):
        html = client.get(reverse("reports:article")).content.decode()
    assert html.count("✓") == sum(f.built for f in article.FIGURES)
    assert html.count(">尚未建设<") == sum(not f.built for f in article.FIGURES)
    assert reverse("reports:article_rows", args=["zouma_solved"]) in html
    assert "走马二村楼栋长、党员收集" in html  # a definition


def test_rows_behind_a_figure_are_limited_to_the_scope(demo, db, client, django_assert_max_num_queries):
    url = reverse("reports:article_rows", args=["pledges"])
    login(client, "district")
    with django_assert_max_num_queries(12):
        html = client.get(url).content.decode()
    assert html.count("<tr>") == 31 and "?after=" in html  # header + a page of 30, and more
    grid = Area.objects.get(code=scope_for(User.objects.get(username="grid-zouma")).area_codes[0])
    mine = Pledge.objects.filter(area__code__startswith=grid.code).count()
    login(client, "grid-zouma")  # their grid's pledges only
    assert 0 < mine < 50 and client.get(url).content.decode().count("<tr>") == min(mine, 30) + 1
    login(client, "street-longzhouwan")  # another street sees none of 走马梁's pledges
    assert "<tbody>" not in client.get(url).content.decode()
    assert client.get(reverse("reports:article_rows", args=["opinion_drives"])).status_code == 404
    assert client.get(reverse("reports:article_rows", args=["nothing"])).status_code == 404
    login(client, "resident-demo")
    assert client.get(reverse("reports:article")).status_code == 404
