"""Care's links on the home page and in the navigation bar, by role (the call form on the home page of the
person on duty: ``test_desk``)."""

from __future__ import annotations

from django.urls import reverse

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
