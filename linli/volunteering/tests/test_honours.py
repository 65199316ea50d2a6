"""Honours: recorded by staff with level, date and citation; shown on the person's page (include and tag)."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse

from linli.conftest import PASSWORD
from linli.volunteering import honours
from linli.volunteering.activities import ActivityError
from linli.volunteering.models import Honour

from . import activities_support

vol = activities_support.vol  # the fixture


def test_staff_record_an_honour_and_it_shows_on_the_person_include(vol):
    honours.add_honour(vol.staff, vol.v1.person, title="最美新就业群体", level="district",
                       awarded_on=dt.date(2024, 5, 4), awarded_by="巴南区委社会工作部", citation="<b>风雨无阻</b>")
    html = render_to_string("volunteering/_person_honours.html", honours.person_honours_context(vol.v1.person))
    assert "最美新就业群体" in html and "2024-05-04" in html and "&lt;b&gt;风雨无阻" in html
    tag = Template("{% load volunteering_honours %}{% person_honours person %}").render(
        Context({"person": vol.v1.person}))
    assert "最美新就业群体" in tag


@pytest.mark.parametrize(("kw", "who"), [
    ({"level": "national"}, "staff"), ({"awarded_on": dt.date(2099, 1, 1)}, "staff"), ({"title": " "}, "staff"),
    ({}, "v2"), ({}, "staff_b"),
])
def test_bad_or_unauthorised_honours_are_refused(vol, kw, who):
    args = {"title": "最美", "level": "street", "awarded_on": dt.date(2024, 1, 1), **kw}
    with pytest.raises(ActivityError):
        honours.add_honour(getattr(vol, who), vol.v1.person, **args)
    assert not Honour.objects.exists()


def test_honour_page_lists_in_scope_and_takes_the_form(client, vol):
    other = honours.add_honour(vol.staff_b, vol.outsider.person, title="乙街道最美", level="street",
                               awarded_on=dt.date(2024, 1, 1))
    assert client.login(username="staff-a1", password=PASSWORD)
    response = client.post(reverse("volunteering:honour_list"), {
        "mobile": vol.v1.person.mobile, "title": "最美新就业群体", "level": "district", "awarded_on": "2024-05-04"})
    assert response.status_code == 302
    page = client.get(reverse("volunteering:honour_list")).content.decode()
    assert "最美新就业群体" in page and other.title not in page
    bad = client.post(reverse("volunteering:honour_list"), {"mobile": vol.v1.person.mobile, "title": "x",
                                                          "level": "galactic", "awarded_on": "someday"})
    assert bad.status_code == 200 and Honour.objects.count() == 2
    client.logout()
    assert client.login(username="v1", password=PASSWORD)
    assert client.post(reverse("volunteering:honour_list"), {"title": "自封"}).status_code == 404
    assert "最美新就业群体" in client.get(reverse("volunteering:honour_list")).content.decode()  # their own
