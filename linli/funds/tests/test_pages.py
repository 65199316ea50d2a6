"""The fund pages: who sees what (404 outside), bad input, receipts, corrections, claims, query counts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from linli.conftest import PASSWORD
from linli.funds import services
from linli.funds.models import Entry, FeeRate, SpendingClaim

from .conftest import START


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def paid(estate, access):
    user = estate.staff
    for i, h in enumerate(estate.h1 + estate.h2):
        services.record_payment(estate.fund, household=h, first_month=START, months=1 + i % 3, method="cash",
                                receipt_no=f"P{i}", by=user, access=access(user, estate.fund),
                                paid_on=dt.date(2024, 1, 10))
    return estate


def urls(estate) -> dict[str, str]:
    f = estate.fund.pk
    return {
        "detail": reverse("funds:detail", args=[f]), "statement": reverse("funds:statement", args=[f]),
        "b1": reverse("funds:building", args=[f, estate.b1.pk]),
        "b2": reverse("funds:building", args=[f, estate.b2.pk]),
        "pay_b1": reverse("funds:pay", args=[f, estate.b1.pk]), "pay_b2": reverse("funds:pay", args=[f, estate.b2.pk]),
        "ledger": reverse("funds:ledger", args=[f]), "rates": reverse("funds:rates", args=[f]),
        "claims": reverse("funds:claims", args=[f]), "exemptions": reverse("funds:exemptions", args=[f]),
    }


# who → page → status.  Residents see only the statement (the fund page sends them there).
MATRIX = {
    "staff": {"detail": 200, "statement": 200, "b1": 200, "b2": 200, "pay_b2": 200, "ledger": 200, "rates": 200,
              "claims": 200, "exemptions": 200},
    "grid": {"detail": 200, "statement": 200, "b1": 200, "b2": 200, "pay_b2": 200, "ledger": 200, "rates": 404,
             "claims": 200, "exemptions": 404},
    "guardian": {"detail": 200, "statement": 200, "b1": 200, "b2": 404, "pay_b1": 200, "pay_b2": 404,
                 "ledger": 404, "rates": 404, "claims": 404},
    "chair": {"detail": 200, "statement": 200, "b1": 404, "ledger": 200, "claims": 200, "rates": 404},
    "resident": {"detail": 302, "statement": 200, "b1": 404, "b2": 404, "ledger": 404, "claims": 404},
    "outsider": {"detail": 404, "statement": 404, "b1": 404, "ledger": 404},
    "other_staff": {"detail": 404, "statement": 404, "b1": 404, "ledger": 404, "rates": 404},
}


@pytest.mark.parametrize("who", MATRIX)
def test_access_matrix(client, paid, who):
    login(client, getattr(paid, who))
    pages = urls(paid)
    for page, status in MATRIX[who].items():
        assert client.get(pages[page]).status_code == status, (who, page)


def test_guardian_sees_only_their_building_on_the_fund_page(client, paid):
    login(client, paid.guardian)
    html = client.get(urls(paid)["detail"]).content.decode()
    assert urls(paid)["b1"] in html and urls(paid)["b2"] not in html


def test_another_estates_fund_is_404_and_not_listed(client, paid):
    login(client, paid.resident)
    other = paid.other_fund.pk
    assert client.get(reverse("funds:statement", args=[other])).status_code == 404
    html = client.get(reverse("funds:list")).content.decode()
    assert paid.fund.name in html and paid.other_fund.name not in html
    login(client, paid.outsider)
    assert "没有与您相关的自治管理服务费" in client.get(reverse("funds:list")).content.decode()


def test_anonymous_users_are_sent_to_sign_in(client, paid):
    assert client.get(urls(paid)["statement"]).status_code == 302


def test_statement_page(client, paid, django_assert_max_num_queries):
    login(client, paid.resident)
    with django_assert_max_num_queries(14):
        html = client.get(urls(paid)["statement"], {"month": "2024-01"}).content.decode()
    assert "2024-01 收支公示" in html and "上月结余" in html and "本月结余" in html
    assert "本月应缴 8 户，已缴 8 户" in html and "150.00" in html  # 15 months paid in January
    html = client.get(urls(paid)["statement"], {"month": "2024-13"}).content.decode()
    assert "月份格式为 YYYY-MM" in html


def test_guardian_building_page(client, paid, django_assert_max_num_queries):
    login(client, paid.guardian)
    with django_assert_max_num_queries(16):
        html = client.get(urls(paid)["b1"], {"year": "2024"}).content.decode()
    assert "1-101" in html and "本楼栋欠费" in html
    assert client.get(urls(paid)["b1"], {"year": "abc"}).status_code == 200


def test_fund_page_query_count_does_not_grow_with_households(client, paid, access, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linli.places.models import Building

    from .conftest import homes

    login(client, paid.staff)
    with CaptureQueriesContext(connection) as before:
        client.get(urls(paid)["detail"])
    for n in range(3):  # three more buildings with paying homes
        for i, h in enumerate(homes(Building.objects.create(grid=paid.tree.g1, name=f"{n + 3}栋"), 6)):
            services.record_payment(paid.fund, household=h, first_month=START, months=2, method="cash",
                                    receipt_no=f"N{n}-{i}", by=paid.staff, access=access(paid.staff, paid.fund),
                                    paid_on=dt.date(2024, 2, 1))
    with django_assert_max_num_queries(len(before.captured_queries)):
        html = client.get(urls(paid)["detail"]).content.decode()
    assert len(before.captured_queries) <= 24
    assert "各楼栋收缴情况" in html and "1栋" in html and "5栋" in html


def test_guardian_records_a_payment_and_prints_the_receipt(client, estate):
    login(client, estate.guardian)
    home = estate.h1[1]
    response = client.post(urls(estate)["pay_b1"], {"household": home.pk, "first_month": "2024-01", "months": "3",
                                                     "method": "cash", "receipt_no": "XH-0001",
                                                     "paid_on": "2024-03-02"})
    entry = Entry.objects.get()
    assert response.status_code == 302 and response.url == reverse("funds:entry", args=[estate.fund.pk, entry.pk])
    html = client.get(response.url).content.decode()
    assert "收据" in html and "XH-0001" in html and "30.00" in html and "2024-01、2024-02、2024-03" in html
    assert "更正这笔账" not in html  # only staff correct entries


@pytest.mark.parametrize("data, message", [
    ({"months": "abc"}, "输入整数"),
    ({"months": "99"}, "24"),
    ({"first_month": "2024-1x"}, "月份格式"),
    ({"household": "999999"}, "选择一个有效的选项"),
    ({"receipt_no": ""}, "这个字段是必填项"),
    ({"receipt_no": "x" * 31}, "31"),
    ({"paid_on": "2099-01-01"}, "未来"),
    ({"paid_on": "0001-01-01"}, "2000"),
    ({"method": "bitcoin"}, "选择一个有效的选项"),
])
def test_payment_bad_input_changes_nothing(client, estate, data, message):
    login(client, estate.staff)
    form = {"household": estate.h1[0].pk, "first_month": "2024-01", "months": "1", "method": "cash",
            "receipt_no": "Z1", "paid_on": "2024-03-02", **data}
    response = client.post(urls(estate)["pay_b1"], form)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Entry.objects.exists()


def test_household_of_another_building_cannot_be_paid_through_this_one(client, estate):
    login(client, estate.staff)
    response = client.post(urls(estate)["pay_b1"], {"household": estate.h2[0].pk, "first_month": "2024-01",
                                                     "months": "1", "method": "cash", "receipt_no": "Z1",
                                                     "paid_on": "2024-03-02"})
    assert response.status_code == 400 and not Entry.objects.exists()


def test_guardian_cannot_post_for_another_building(client, estate):
    login(client, estate.guardian)
    response = client.post(urls(estate)["pay_b2"], {"household": estate.h2[0].pk, "first_month": "2024-01",
                                                     "months": "1", "method": "cash", "receipt_no": "Z1",
                                                     "paid_on": "2024-03-02"})
    assert response.status_code == 404 and not Entry.objects.exists()


def test_staff_corrects_an_entry_with_a_reason(client, paid):
    login(client, paid.staff)
    entry = Entry.objects.order_by("pk").first()
    url = reverse("funds:reverse", args=[paid.fund.pk, entry.pk])
    client.post(url, {"reason": ""})
    assert Entry.objects.count() == 8
    response = client.post(url, {"reason": "<script>alert(1)</script>收错户"})
    correction = Entry.objects.get(reverses=entry)
    assert response.url == reverse("funds:entry", args=[paid.fund.pk, correction.pk])
    html = client.get(response.url).content.decode()
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    login(client, paid.grid)
    assert client.post(url, {"reason": "x"}).status_code == 404


def test_rate_page_adds_rows_and_refuses_bad_amounts(client, estate):
    login(client, estate.staff)
    today = dt.date.today().replace(day=1)
    month = f"{today:%Y-%m}"
    for bad, message in (("-5", "以元为单位"), ("10.001", "以元为单位"), ("99999", "10,000")):
        response = client.post(urls(estate)["rates"], {"amount": bad, "starts_on": month})
        assert response.status_code == 400 and message in response.content.decode()
    response = client.post(urls(estate)["rates"], {"amount": "2024-01", "starts_on": month})
    assert response.status_code == 400
    assert client.post(urls(estate)["rates"], {"amount": "12", "starts_on": month}).status_code == 302
    assert list(FeeRate.objects.order_by("id").values_list("amount_fen", flat=True)) == [1000, 1200]


def _jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 200, 200)).save(out, "JPEG")
    return SimpleUploadedFile("receipt.jpg", out.getvalue(), content_type="image/jpeg")


def test_claim_with_receipt_then_chair_approves(client, paid):
    login(client, paid.staff)
    form = {"item": "wages", "amount": "30", "spent_on": "2024-01-31", "payee": "保洁员", "description": "1月工资",
            "decision_ref": "逢四说事"}
    bad = client.post(urls(paid)["claims"], {**form, "receipt": SimpleUploadedFile("x.jpg", b"not an image")})
    assert bad.status_code == 400 and "JPEG" in bad.content.decode() and not SpendingClaim.objects.exists()
    response = client.post(urls(paid)["claims"], {**form, "receipt": _jpeg()})
    claim = SpendingClaim.objects.get()
    assert response.status_code == 302 and claim.receipt
    receipt_url = reverse("funds:claim_receipt", args=[paid.fund.pk, claim.pk])
    assert client.get(receipt_url)["Content-Type"] == "image/jpeg"
    claim_url = reverse("funds:claim", args=[paid.fund.pk, claim.pk])
    assert client.post(claim_url, {"decision": "approve"}).status_code == 404  # staff do not approve
    login(client, paid.resident)
    assert client.get(receipt_url).status_code == 404
    login(client, paid.chair)
    client.post(claim_url, {"decision": "approve"})
    claim.refresh_from_db()
    assert claim.status == "approved" and claim.entry.amount_fen == -3000
    assert services.balance(paid.fund) == 15_000 - 3000


def test_exemption_through_the_building_page(client, estate):
    login(client, estate.staff)
    url = reverse("funds:exempt", args=[estate.fund.pk, estate.b1.pk])
    client.post(url, {"household": estate.h1[0].pk, "first_month": "2024-01", "reason": ""})
    assert not estate.fund.exemptions.exists()
    client.post(url, {"household": estate.h1[0].pk, "first_month": "2024-01", "reason": "低保户"})
    ex = estate.fund.exemptions.get()
    assert ex.approved_by == estate.staff
    html = client.get(urls(estate)["exemptions"]).content.decode()
    assert "低保户" in html
    client.post(reverse("funds:cancel_exemption", args=[estate.fund.pk, ex.pk]), {"reason": "情况好转"})
    assert hasattr(estate.fund.exemptions.get(), "cancellation")


def test_password_fixture_is_usable(client, estate):
    assert client.login(username="resident", password=PASSWORD)
