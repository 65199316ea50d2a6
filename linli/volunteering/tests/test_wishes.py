"""Micro-wishes: posted, approved, claimed, fulfilled with a photo, confirmed; points once; the public wall."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linli.conftest import PASSWORD
from linli.places.models import PartnerUnit
from linli.points.models import Account, Transfer
from linli.volunteering import wishes
from linli.volunteering.activities import ActivityError
from linli.volunteering.models import Wish

from . import activities_support
from .activities_support import jpeg_bytes

vol = activities_support.vol  # the fixture


def photo(name="done.jpg", data=None):
    return SimpleUploadedFile(name, data or jpeg_bytes(), content_type="image/jpeg")


def _login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


def test_whole_life_of_a_wish_through_the_pages_and_points_once(client, vol, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _login(client, vol.v2)
    client.post(reverse("volunteering:wish_new"), {"title": "想要一台收音机", "description": "独居，想听戏"})
    wish = Wish.objects.get()
    assert wish.status == Wish.Status.PENDING and wish.wisher == vol.v2.person
    _login(client, vol.v1)
    client.post(reverse("volunteering:wish_action", args=[wish.pk, "claim"]))
    assert Wish.objects.get().status == Wish.Status.PENDING  # not approved yet: cannot claim
    _login(client, vol.staff)
    client.post(reverse("volunteering:wish_action", args=[wish.pk, "approve"]))
    _login(client, vol.v1)
    client.post(reverse("volunteering:wish_action", args=[wish.pk, "claim"]))
    client.post(reverse("volunteering:wish_action", args=[wish.pk, "fulfil"]), {"photo": photo(), "note": "已送到"})
    wish.refresh_from_db()
    assert wish.status == Wish.Status.FULFILLED and wish.photo
    sent = client.get(reverse("volunteering:wish_photo", args=[wish.pk]))
    assert sent["Content-Type"] == "image/jpeg" and sent["Cache-Control"] == "private, max-age=86400"
    _login(client, vol.v2)
    client.post(reverse("volunteering:wish_action", args=[wish.pk, "confirm"]))
    client.post(reverse("volunteering:wish_action", args=[wish.pk, "confirm"]))
    wish.refresh_from_db()
    assert wish.status == Wish.Status.CONFIRMED and wish.confirmed_by == vol.v2
    assert Transfer.objects.filter(source="wish").count() == 1
    assert Account.objects.get(person=vol.v1.person).balance == 8
    assert wishes.confirm.__doc__  # the rule is documented
    with pytest.raises(ActivityError):
        wishes.confirm(wish, vol.staff)
    assert Transfer.objects.filter(source="wish").count() == 1


def test_staff_post_a_wish_for_an_elderly_person_who_called(client, vol):
    _login(client, vol.staff)
    client.post(reverse("volunteering:wish_new"), {"title": "换个灯泡", "mobile": vol.v3.person.mobile,
                                                 "by_phone": "on"})
    wish = Wish.objects.get()
    assert wish.wisher == vol.v3.person and wish.posted_by == vol.staff and wish.by_phone
    response = client.post(reverse("volunteering:wish_new"), {"title": "x", "mobile": vol.outsider.person.mobile})
    assert response.status_code == 200 and Wish.objects.count() == 1  # not in their area


def test_a_resident_cannot_post_for_someone_else(vol):
    with pytest.raises(ActivityError):
        wishes.post_wish(vol.v1, title="给邻居", wisher=vol.v2.person)


def test_public_wall_shows_no_names_and_no_pending_wishes(client, vol):
    approved = wishes.post_wish(vol.v2, title="想要一台收音机", description="我叫某某，住1栋101")
    wishes.approve(approved, vol.staff)
    pending = wishes.post_wish(vol.v3, title="等待审核的心愿")
    client.logout()
    page = client.get(reverse("volunteering:wish_public")).content.decode()
    assert "想要一台收音机" in page and pending.title not in page
    for private in (vol.v2.person.name, "住1栋101", vol.v2.person.mobile, vol.staff.person.name):
        assert private not in page


def test_claims_by_the_wisher_twice_or_for_another_unit_are_refused(vol):
    wish = wishes.post_wish(vol.v2, title="修门锁")
    wishes.approve(wish, vol.staff)
    with pytest.raises(ActivityError):
        wishes.claim(wish, vol.v2)
    shop = PartnerUnit.objects.create(kind="sponsor_shop", name="爱心面馆", area=vol.tree.comm_a1)
    with pytest.raises(ActivityError):
        wishes.claim(wish, vol.v1, partner=shop)
    wishes.claim(wish, vol.v1)
    with pytest.raises(ActivityError):
        wishes.claim(wish, vol.v3)
    assert Wish.objects.get().claimed_by == vol.v1.person


def test_a_partner_unit_claims_and_fulfils_but_earns_no_points(vol, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    shop = PartnerUnit.objects.create(kind="sponsor_shop", name="爱心面馆", area=vol.tree.comm_a1)
    clerk = make_user("clerk", "sponsor_staff", partner=shop, home=vol.tree.g1)
    wish = wishes.post_wish(vol.v2, title="一碗长寿面")
    wishes.approve(wish, vol.staff)
    wishes.claim(wish, clerk, partner=shop)
    wishes.fulfil(wish, clerk, photo())
    assert wishes.confirm(wish, vol.v2) is None
    assert Wish.objects.get().claimed_partner == shop and not Transfer.objects.exists()


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("x.jpg", b"not a photo", content_type="image/jpeg"),
    SimpleUploadedFile("x.jpg", b"", content_type="image/jpeg"),
])
def test_a_bad_photo_is_refused_and_nothing_changes(client, vol, upload):
    wish = wishes.post_wish(vol.v2, title="修门锁")
    wishes.approve(wish, vol.staff)
    wishes.claim(wish, vol.v1)
    _login(client, vol.v1)
    response = client.post(reverse("volunteering:wish_action", args=[wish.pk, "fulfil"]), {"photo": upload},
                           follow=True)
    assert response.status_code == 200
    assert Wish.objects.get().status == Wish.Status.CLAIMED


def test_only_staff_approve_and_a_rejection_needs_a_reason(client, vol):
    wish = wishes.post_wish(vol.v2, title="<script>x</script>修门锁")
    with pytest.raises(ActivityError):
        wishes.approve(wish, vol.v1)
    with pytest.raises(ActivityError):
        wishes.approve(wish, vol.staff_b)
    with pytest.raises(ActivityError):
        wishes.reject(wish, vol.staff, " ")
    _login(client, vol.staff)
    page = client.get(reverse("volunteering:wish_detail", args=[wish.pk])).content.decode()
    assert "<script>x" not in page
    client.post(reverse("volunteering:wish_action", args=[wish.pk, "reject"]), {"reason": "不属于微心愿范围"})
    assert Wish.objects.get().status == Wish.Status.REJECTED
    assert client.post(reverse("volunteering:wish_action", args=[wish.pk, "explode"])).status_code == 404


@pytest.mark.parametrize("title", ["", "   ", "长" * 61])
def test_bad_wish_titles_are_refused(vol, title):
    with pytest.raises(ActivityError):
        wishes.post_wish(vol.v1, title=title)


def test_wishes_of_another_street_answer_404(client, vol):
    wish = wishes.post_wish(vol.v2, title="修门锁")
    _login(client, vol.outsider)
    assert client.get(reverse("volunteering:wish_detail", args=[wish.pk])).status_code == 404
    wishes.approve(wish, vol.staff)
    assert client.get(reverse("volunteering:wish_detail", args=[wish.pk])).status_code == 404
    assert client.post(reverse("volunteering:wish_action", args=[wish.pk, "claim"])).status_code == 404
    _login(client, vol.v1)  # a neighbour sees the open wish, not the wisher's name
    page = client.get(reverse("volunteering:wish_detail", args=[wish.pk])).content.decode()
    assert "修门锁" in page and vol.v2.person.name not in page


def test_wish_wall_pages_by_key_with_bounded_queries(client, vol, django_assert_max_num_queries):
    for i in range(35):
        w = wishes.post_wish(vol.v2, title=f"心愿{i}")
        wishes.approve(w, vol.staff)
    with django_assert_max_num_queries(4):
        first = client.get(reverse("volunteering:wish_public"))
    assert len(first.context["items"]) == 30
    assert len(client.get(reverse("volunteering:wish_public") + first.context["next_url"]).context["items"]) == 5
