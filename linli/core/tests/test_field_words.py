"""Words a street office reads: the same English word means different things on different pages, and a
date input shows the default it is given (issue 16)."""

import datetime as dt
import pathlib

from django.utils import translation

from linli.core.text import natural_key
from linli.places.models import Area, Building
from linli.volunteering.forms import CertificateForm
from linli.volunteering.models import Team

APPS = pathlib.Path(__file__).resolve().parents[2]


def test_no_filter_button_takes_the_admin_word():
    """Django's own catalogue says 过滤器 for "Filter"; our buttons say 筛选."""
    bare = [str(p.relative_to(APPS)) for p in APPS.glob("*/templates/**/*.html")
            if '{% translate "Filter" %}' in p.read_text()]
    assert bare == []
    with translation.override("zh-hans"):
        assert translation.pgettext("filter form", "Filter") == "筛选"


def test_check_in_and_out_team_kind_and_end_date_have_their_own_words():
    with translation.override("zh-hans"):
        assert translation.pgettext("checked in at", "In") == "签到"
        assert translation.pgettext("checked out at", "Out") == "签退"
        assert str(Team.Kind.RESIDENTS.label) == "居民"
        assert str(CertificateForm.base_fields["date_to"].label) == "结束日期"


def test_certificate_dates_render_as_a_date_input_can_show_them(db):
    form = CertificateForm(initial={"date_from": dt.date(2026, 1, 1), "date_to": dt.date(2026, 3, 31)},
                           areas=Area.objects.none())
    html = str(form["date_from"]) + str(form["date_to"])
    assert 'value="2026-01-01"' in html and 'value="2026-03-31"' in html


def test_buildings_sort_as_numbers(tree):
    for name in ("10栋", "2栋", "1栋", "1栋A"):
        Building.objects.create(grid=tree.g1, name=name)
    assert sorted(["10栋", "2栋", "1栋", "1栋A"], key=natural_key) == ["1栋", "1栋A", "2栋", "10栋"]
    from linli.people.registry import grid_summary

    assert [b.name for b in grid_summary(tree.g1).buildings] == ["1栋", "1栋A", "2栋", "10栋"]
