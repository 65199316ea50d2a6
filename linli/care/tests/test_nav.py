"""Care's links on the home page and in the navigation bar, by role; the on-duty tile."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from linli.care.services import hotline
from linli.care.tests.test_pages import login


def test_links_follow_the_roles(client, care):
    login(client, care.grid)
    html = client.get(reverse("home")).content.decode()
    assert reverse("care:recipient_list") in html and reverse("care:due") in html
    login(client, care.agent)
    html = client.get(reverse("home")).content.decode()
    assert reverse("care:errand_mine") in html and reverse("care:due") not in html
    login(client, care.dept)
    assert "/care/" not in client.get(reverse("home")).content.decode()


def test_the_person_on_duty_gets_the_call_form_on_their_home_page(client, care):
    now = timezone.localtime()
    login(client, care.duty)
    assert "热线值班中" not in client.get(reverse("home")).content.decode()
    start = (now - dt.timedelta(minutes=5)).time() if (now.hour, now.minute) >= (0, 5) else dt.time(0)
    end = min((now + dt.timedelta(hours=1)).time(), dt.time(23, 59)) if now.hour < 23 else dt.time(23, 59, 59)
    hotline.add_slot(care.staff, care.tree.comm_a1, weekday=now.weekday(),
                     starts=start.replace(second=0, microsecond=0), ends=end,
                     person=care.duty.person, valid_from=dt.date(2020, 1, 1))
    html = client.get(reverse("home")).content.decode()
    assert "热线值班中：登记来电" in html
    page = client.get(reverse("care:hotline")).content.decode()
    assert "您正在值班" in page and 'name="caller_name"' in page
