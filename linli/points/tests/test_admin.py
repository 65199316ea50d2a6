"""Admin: schemes and rewards editable (with a restock action); accounts, transfers, redemptions read-only."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from linli.core.models import User
from linli.points import ledger, rewards
from linli.points.models import Transfer


@pytest.fixture
def admin_client(client, db):
    User.objects.create_superuser("root", "root@example.org", "pw-root-123")
    client.login(username="root", password="pw-root-123")
    return client


@pytest.fixture
def books(ns):
    t = ledger.earn(ns.scheme, ns.rider, 50, key="k", source="service", reason="服务")
    r = rewards.redeem(ns.rider, ns.reward, request_key="a")
    return t, r


def test_admin_lists_open_in_chinese(ns, books, admin_client):
    for model in ("scheme", "account", "transfer", "reward", "redemption"):
        response = admin_client.get(reverse(f"admin:points_{model}_changelist"))
        assert response.status_code == 200, model
    assert "积分流水" in admin_client.get(reverse("admin:points_transfer_changelist")).content.decode()


def test_transfers_accounts_and_redemptions_cannot_be_added_changed_or_deleted(ns, books, admin_client):
    transfer, redemption = books
    account = ledger.person_account(ns.rider)
    for model, pk in (("transfer", transfer.pk), ("account", account.pk), ("redemption", redemption.pk)):
        assert admin_client.get(reverse(f"admin:points_{model}_add")).status_code == 403
        assert admin_client.post(reverse(f"admin:points_{model}_delete", args=[pk]),
                                 {"post": "yes"}).status_code == 403
        page = admin_client.get(reverse(f"admin:points_{model}_change", args=[pk]))
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert Transfer.objects.filter(pk=transfer.pk).exists()
    assert redemption.code not in admin_client.get(
        reverse("admin:points_redemption_change", args=[redemption.pk])).content.decode()


def test_restock_action_asks_for_a_number_and_adds_items(ns, admin_client):
    url = reverse("admin:points_reward_changelist")
    data = {"action": "restock_action", ACTION_CHECKBOX_NAME: [ns.reward.pk]}
    page = admin_client.post(url, data).content.decode()
    assert "补充数量" in page
    admin_client.post(url, {**data, "apply": "1", "items": "5"})
    ns.reward.refresh_from_db()
    assert (ns.reward.stock, ns.reward.stock_offered) == (15, 15)
    page = admin_client.post(url, {**data, "apply": "1", "items": "-3"}).content.decode()
    ns.reward.refresh_from_db()
    assert ns.reward.stock == 15 and "补充数量" in page


def test_reward_stock_is_not_edited_by_hand(ns, admin_client):
    page = admin_client.get(reverse("admin:points_reward_change", args=[ns.reward.pk])).content.decode()
    assert 'name="stock"' not in page and 'name="points"' in page
