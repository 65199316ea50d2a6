"""Outside-scope POSTs on a recipient's contacts and pairs: 404, and nothing changes (issue 14, scope matrix).

``care:contact_add``, ``care:contact_remove`` and ``care:pair_end`` are tried by staff of another community,
a grid worker of the neighbouring grid and the recipient's own carer (who may see, not manage), and with a
contact or pair of another recipient under a recipient the caller does manage.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.care.models import CarePair, EmergencyContact
from linli.care.services import recipients
from linli.conftest import PASSWORD

OUTSIDERS = ["staff_b", "grid2", "dept", "carer", "agent", "duty"]


@pytest.fixture
def contact(care):
    return recipients.add_contact(care.staff, care.recipient, name="王小明", relation="儿子", phone="13800001234")


def state() -> tuple[list, list]:
    """Every contact and every pair as stored, to compare before and after."""
    return (list(EmergencyContact.objects.order_by("pk").values()), list(CarePair.objects.order_by("pk").values()))


def post_as(client, user, url: str, data: dict | None = None) -> int:
    assert client.login(username=user.username, password=PASSWORD)
    return client.post(url, data or {}).status_code


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_cannot_add_or_remove_contacts_or_end_pairs(client, care, contact, who):
    r, before = care.recipient, state()
    user = getattr(care, who)
    assert post_as(client, user, reverse("care:contact_add", args=[r.pk]),
                   {"name": "冒充者", "relation": "朋友", "phone": "13900000000"}) == 404
    assert post_as(client, user, reverse("care:contact_remove", args=[r.pk, contact.pk])) == 404
    assert post_as(client, user, reverse("care:pair_end", args=[r.pk, care.pair.pk])) == 404
    assert state() == before


def test_a_contact_or_pair_of_another_recipient_is_404_under_one_the_caller_manages(client, care, contact):
    """The grid worker of G2 manages recipient2, not recipient: the ids of recipient's rows under recipient2's URL."""
    r2, before = care.recipient2, state()
    assert post_as(client, care.grid2, reverse("care:contact_remove", args=[r2.pk, contact.pk])) == 404
    assert post_as(client, care.grid2, reverse("care:pair_end", args=[r2.pk, care.pair.pk])) == 404
    assert state() == before


def test_inside_the_scope_the_same_posts_work(client, care, contact):
    r = care.recipient
    assert post_as(client, care.staff, reverse("care:contact_add", args=[r.pk]),
                   {"name": "王小红", "relation": "女儿", "phone": "13800005678"}) == 302
    assert post_as(client, care.staff, reverse("care:contact_remove", args=[r.pk, contact.pk])) == 302
    assert post_as(client, care.staff, reverse("care:pair_end", args=[r.pk, care.pair.pk])) == 302
    assert list(r.contacts.values_list("name", flat=True)) == ["王小红"]
    care.pair.refresh_from_db()
    assert care.pair.ends_on is not None
