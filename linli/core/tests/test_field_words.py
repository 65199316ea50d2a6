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


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_every_admin_model_and_app_is_named_in_chinese():
    """The admin's index and its pages name each model in the street office's language, not in English."""
    from django.contrib import admin

    assert len(admin.site._registry) > 30
    with translation.override("zh-hans"):
        english = sorted(f"{m._meta.app_label}.{m.__name__}: {m._meta.verbose_name} / {m._meta.verbose_name_plural}"
                         for m in admin.site._registry
                         if not (_chinese(str(m._meta.verbose_name)) and _chinese(str(m._meta.verbose_name_plural))))
        apps = sorted(c.label for c in {m._meta.app_config for m in admin.site._registry}
                      if not _chinese(str(c.verbose_name)))
    assert english == [] and apps == []


def test_no_case_event_is_shown_by_its_code():
    """The case history labels every event, e.g. the deadline watcher's ``overdue`` as 已超期."""
    from linli.cases.presentation import EVENT_LABELS, event_label
    from linli.cases.workflow import TRANSITIONS

    with translation.override("zh-hans"):
        assert event_label("overdue") == "已超期"
        assert [a for a in [*TRANSITIONS, *EVENT_LABELS] if not _chinese(event_label(a))] == []


def test_the_figures_pages_say_from_and_to_not_recipient_and_post():
    """A word another page translates otherwise (“To” a recipient, “Unit” a post) keeps its own meaning."""
    from linli.points.forms import FiguresForm

    with translation.override("zh-hans"):
        form = FiguresForm({}, [("500113", "巴南区")])
        labels = [str(form.fields[n].label) for n in ("unit", "start", "last")]
        assert labels == ["单位", "起", "止"]
        assert translation.gettext("To") == "止" and translation.gettext("Unit") == "单位"
