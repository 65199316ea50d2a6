"""微孝义诊/家访/课堂: a volunteering activity recorded as outreach with the health centre and the police;
sessions and person-times per kind; bad input is refused and changes nothing; 404 outside the scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.care.models import Outreach
from linli.care.services import figures, outreach
from linli.care.services.access import CareError
from linli.conftest import PASSWORD
from linli.places.models import Area, AreaLevel, Department, PartnerKind, PartnerUnit
from linli.volunteering.models import Activity

URL = reverse("care:outreach")


def _activity(area, title="微孝义诊进社区", participants=60, days_ago=3, **kw) -> Activity:
    start = timezone.now().replace(microsecond=0) - dt.timedelta(days=days_ago)
    return Activity.objects.create(title=title, area=area, place="社区党群服务站", starts_at=start,
                                   ends_at=start + dt.timedelta(hours=2), capacity=20, participants=participants,
                                   **kw)


@pytest.fixture
def partners(care):
    t = care.tree
    centre = PartnerUnit.objects.create(kind=PartnerKind.PROVIDER, name="甲一社区卫生服务中心", area=t.comm_a1)
    police = Department.objects.create(kind="street_post", code="paichusuo-a", name="甲街道派出所", area=t.street_a)
    other = Area.objects.create(level=AreaLevel.DISTRICT, code="500114", name="丙区")
    far = PartnerUnit.objects.create(kind=PartnerKind.PROVIDER, name="丙区医院", area=other)
    return centre, police, far


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_record_outreach_with_the_health_centre_and_the_police_and_count_it(care, partners):
    centre, police, _far = partners
    clinic = outreach.record(care.staff, _activity(care.tree.g1), kind="clinic", partners=[centre])
    visits = outreach.record(care.grid, _activity(care.tree.g1, "微孝家访", 12), kind="home_visit",
                             partners=[centre], departments=[police])
    outreach.record(care.staff, _activity(care.tree.comm_a1, "防诈骗微孝课堂", 45), kind="class",
                    departments=[police])
    assert list(clinic.partners.all()) == [centre] and list(visits.departments.all()) == [police]
    totals = {t.kind: (t.sessions, t.person_times) for t in outreach.totals(outreach.visible(care.staff))}
    assert totals == {"clinic": (1, 60), "home_visit": (1, 12), "class": (1, 45)}
    # The grid worker of G2 counts only what was held in their grid; the monthly figures count it too.
    assert {t.kind: t.sessions for t in outreach.totals(outreach.visible(care.grid2))} == {
        "clinic": 0, "home_visit": 0, "class": 0}
    month = {t.kind: t.person_times for t in figures.care_figures(care.staff, timezone.localdate()).outreach}
    held = {t.kind: t.person_times for t in outreach.totals(Outreach.objects.filter(
        activity__starts_at__month=timezone.localtime().month))}
    assert month == held


@pytest.mark.parametrize(("who", "kwargs", "message"), [
    ("staff", {"kind": "clinic"}, "共建单位或部门"),
    ("staff", {"kind": "party", "partners": "centre"}, "义诊、家访或课堂"),
    ("staff", {"kind": "clinic", "partners": "far"}, "不在活动所在的区县"),
    ("staff_b", {"kind": "clinic", "partners": "centre"}, "只有活动所在区域"),
    ("carer", {"kind": "clinic", "partners": "centre"}, "只有活动所在区域"),
    ("grid2", {"kind": "clinic", "partners": "centre"}, "只有活动所在区域"),
])
def test_bad_outreach_is_refused_and_nothing_is_stored(care, partners, who, kwargs, message):
    centre, _police, far = partners
    named = {"centre": [centre], "far": [far]}
    kwargs = {**kwargs, "partners": named.get(kwargs.get("partners", ""), [])}
    with pytest.raises(CareError, match=message):
        outreach.record(getattr(care, who), _activity(care.tree.g1), **kwargs)
    assert not Outreach.objects.exists()


def test_a_cancelled_or_already_recorded_activity_is_refused(care, partners):
    centre = partners[0]
    activity = _activity(care.tree.g1)
    outreach.record(care.staff, activity, kind="clinic", partners=[centre])
    with pytest.raises(CareError, match="已登记为微孝活动"):
        outreach.record(care.staff, activity, kind="class", partners=[centre])
    with pytest.raises(CareError, match="已取消"):
        outreach.record(care.staff, _activity(care.tree.g1, cancelled=True), kind="clinic", partners=[centre])
    assert Outreach.objects.get().kind == "clinic"


def test_the_page_records_an_activity_and_lists_it_with_its_partners(client, care, partners):
    centre, police, far = partners
    activity = _activity(care.tree.g1, participants=80)
    login(client, care.staff)
    html = client.get(URL).content.decode()
    assert activity.title in html and "丙区医院" not in html  # partners of another district are not offered
    response = client.post(URL, {"activity": activity.pk, "kind": "clinic", "partners": [centre.pk],
                                 "departments": [police.pk]}, follow=True)
    html = response.content.decode()
    o = Outreach.objects.get()
    assert f'id="outreach-{o.pk}"' in html and "甲一社区卫生服务中心" in html and "甲街道派出所" in html
    assert "80" in html
    # Once recorded, the activity is no longer offered in the form.
    select = re.search(r'<select name="activity".*?</select>', html, re.S).group(0)
    assert activity.title not in select


def test_bad_posts_on_the_page_show_the_reason_and_store_nothing(client, care, partners):
    centre, _police, far = partners
    activity = _activity(care.tree.g1)
    login(client, care.staff)
    response = client.post(URL, {"activity": activity.pk, "kind": "clinic"})
    assert response.status_code == 200 and "单位或部门" in response.content.decode()
    response = client.post(URL, {"activity": activity.pk, "kind": "clinic", "partners": [far.pk]})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    other = _activity(care.tree.h1, "乙一社区义诊")  # outside staff A1's areas: not offered
    response = client.post(URL, {"activity": other.pk, "kind": "clinic", "partners": [centre.pk]})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not Outreach.objects.exists()


@pytest.mark.parametrize("who", ["carer", "agent", "duty", "dept"])
def test_the_page_is_404_for_those_who_do_not_manage_care(client, care, partners, who):
    login(client, getattr(care, who))
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"activity": _activity(care.tree.g1).pk, "kind": "clinic",
                             "partners": [partners[0].pk]}).status_code == 404
    assert not Outreach.objects.exists()


def test_outreach_of_another_community_is_not_listed(client, care, partners):
    centre = partners[0]
    outreach.record(care.staff, _activity(care.tree.g1, "甲一社区微孝义诊"), kind="clinic", partners=[centre])
    login(client, care.staff_b)
    html = client.get(URL).content.decode()
    assert "甲一社区微孝义诊" not in html


def test_the_page_runs_a_bounded_number_of_queries(client, care, partners, django_assert_max_num_queries):
    centre, police, _far = partners
    for n in range(6):
        outreach.record(care.staff, _activity(care.tree.g1, f"微孝课堂第{n}期"), kind="class", partners=[centre],
                        departments=[police])
    login(client, care.staff)
    with django_assert_max_num_queries(16):
        assert client.get(URL).status_code == 200
