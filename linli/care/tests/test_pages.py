"""The care pages: scope (404 outside), health-note privacy and its log, the phone visit form, one-step needs,
errand pages, hotline, figures; bad input changes nothing; bounded query counts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from linli.care.models import Call, CareRecipient, EmergencyContact, Errand, HealthNote, Visit, VisitDue
from linli.care.services import access, errands
from linli.cases.models import Case, Category
from linli.conftest import PASSWORD
from linli.people.models import UnmaskLog
from linli.volunteering.models import Wish

SECRET = "糖尿病，每日注射胰岛素"


@pytest.fixture
def note(care):
    return HealthNote.objects.create(recipient=care.recipient, text=SECRET, written_by=care.care_worker)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def detail(r):
    return reverse("care:recipient_detail", args=[r.pk])


# --- scope and privacy -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["other_carer", "grid2", "dept", "staff_b", "agent", "duty"])
def test_outsiders_get_404_on_the_recipient_and_its_pages(client, care, note, who):
    login(client, getattr(care, who))
    r = care.recipient
    for name in ("recipient_detail", "recipient_edit", "ledger", "visit_new", "help_book"):
        assert client.get(reverse(f"care:{name}", args=[r.pk])).status_code == 404, name
    assert client.post(reverse("care:health_reveal", args=[r.pk]), {"reason": "核实情况"}).status_code == 404
    assert not UnmaskLog.objects.exists()


@pytest.mark.parametrize("who", ["carer", "other_carer", "grid2", "dept", "staff_b", "agent", "duty"])
def test_outsiders_get_404_on_the_contacts_and_pairs_and_nothing_changes(client, care, who):
    r = care.recipient
    contact = EmergencyContact.objects.create(recipient=r, name="王小明", relation="儿子", phone="13800000001")
    login(client, getattr(care, who))
    posts = [(reverse("care:contact_add", args=[r.pk]), {"name": "李四", "relation": "邻居", "phone": "13800000002"}),
             (reverse("care:contact_remove", args=[r.pk, contact.pk]), {}),
             (reverse("care:pair_add", args=[r.pk]), {"carer": care.other_carer.person.pk}),
             (reverse("care:pair_end", args=[r.pk, care.pair.pk]), {})]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert list(r.contacts.all()) == [contact]
    assert list(r.pairs.active()) == [care.pair]


def test_a_contact_or_pair_of_another_recipient_is_404_through_this_one(client, care):
    other = EmergencyContact.objects.create(recipient=care.recipient2, name="张小红", relation="女儿",
                                            phone="13800000003")
    other_pair = care.recipient2.pairs.get()
    login(client, care.staff)
    r = care.recipient
    assert client.post(reverse("care:contact_remove", args=[r.pk, other.pk])).status_code == 404
    assert client.post(reverse("care:pair_end", args=[r.pk, other_pair.pk])).status_code == 404
    assert EmergencyContact.objects.filter(pk=other.pk).exists()
    other_pair.refresh_from_db()
    assert other_pair.ends_on is None


def test_the_recipient_list_shows_only_the_scope(client, care):
    login(client, care.grid2)
    html = client.get(reverse("care:recipient_list")).content.decode()
    assert "张爷爷" in html and "王奶奶" not in html
    login(client, care.carer)
    html = client.get(reverse("care:recipient_list")).content.decode()
    assert "王奶奶" in html and "张爷爷" not in html  # a carer sees the people they are paired with


@pytest.mark.parametrize("who", ["care_worker", "grid"])
def test_care_roles_and_the_grid_worker_read_health_notes_and_each_reading_is_logged(client, care, note, who):
    user = getattr(care, who)
    login(client, user)
    html = client.get(detail(care.recipient)).content.decode()
    assert SECRET not in html and 'name="reason"' in html
    response = client.post(reverse("care:health_reveal", args=[care.recipient.pk]), {"reason": "入户前了解用药"})
    assert response.status_code == 200 and SECRET in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    log = UnmaskLog.objects.get()
    assert (log.user, log.person, log.field) == (user, care.recipient.person, "health_notes")
    assert log.reason == "入户前了解用药"
    client.post(reverse("care:health_reveal", args=[care.recipient.pk]), {"reason": "再次查看"})
    assert UnmaskLog.objects.count() == 2


@pytest.mark.parametrize("who", ["staff", "carer"])
def test_staff_and_carers_see_the_recipient_but_not_the_health_notes(client, care, note, who):
    login(client, getattr(care, who))
    html = client.get(detail(care.recipient)).content.decode()
    assert "王奶奶" in html and SECRET not in html and 'name="reason"' not in html
    assert client.post(reverse("care:health_reveal", args=[care.recipient.pk]), {"reason": "想看"}).status_code == 404
    assert client.post(reverse("care:health_add", args=[care.recipient.pk]), {"text": "x"}).status_code == 404
    assert not UnmaskLog.objects.exists()


def test_a_reason_is_required_and_nothing_is_logged_without(client, care, note):
    login(client, care.care_worker)
    response = client.post(reverse("care:health_reveal", args=[care.recipient.pk]), {"reason": " "})
    assert response.status_code == 400 and SECRET not in response.content.decode()
    response = client.post(reverse("care:health_reveal", args=[care.recipient.pk]), {"reason": "x" * 201})
    assert response.status_code == 400
    assert not UnmaskLog.objects.exists()


def test_a_grid_worker_of_another_grid_who_is_a_care_worker_elsewhere_does_not_read(care, note, make_user):
    from linli.care.tests.conftest import role
    from linli.core import roles

    role(care.grid2.person, roles.CARE_WORKER, care.tree.comm_b1)
    assert not access.may_read_health(care.grid2, care.recipient)
    assert access.may_read_health(care.grid2, care.recipient2)  # their own grid


def test_the_export_has_no_health_notes_and_masked_numbers(client, care, note):
    login(client, care.staff)
    response = client.get(reverse("care:recipient_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "王奶奶" in cells and not any(SECRET in c or "胰岛素" in c for c in cells)
    assert not any(c == care.recipient.person.mobile for c in cells)
    login(client, care.grid2)  # the grid worker of another grid: only their own grid's people, no health notes
    sheet = load_workbook(io.BytesIO(client.get(reverse("care:recipient_export")).content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "张爷爷" in cells and "王奶奶" not in cells and not any(SECRET in c for c in cells)
    for who in (care.dept, care.carer, care.other_carer):
        login(client, who)
        assert client.get(reverse("care:recipient_export")).status_code == 404


def test_health_notes_stay_out_of_the_ledger_and_visit_pages(client, care, note):
    login(client, care.grid)
    for url in (reverse("care:ledger", args=[care.recipient.pk]), reverse("care:recipient_list")):
        assert SECRET not in client.get(url).content.decode()


# --- registering and pairing ----------------------------------------------------------------------------------

def test_register_a_recipient_from_the_page(client, care, make_person):
    elder = make_person(care.tree.g1, "刘奶奶", birth_date=dt.date(1936, 1, 1))
    login(client, care.grid)
    response = client.post(reverse("care:recipient_new"), {
        "person": elder.pk, "categories": ["solitary", "aged_80"], "risk": "high", "risk_reason": "独居，近期摔倒"})
    assert response.status_code == 302
    assert elder.care.risk == "high" and VisitDue.objects.filter(recipient=elder.care, cadence="week").exists()


@pytest.mark.parametrize("data", [
    {"person": "abc"}, {"categories": ["vip"]}, {"risk": "extreme"}, {"risk_reason": ""},
    {"risk_reason": "x" * 201}, {"doctor_phone": "12"}, {"categories": []},
])
def test_bad_registration_is_refused_with_a_message(client, care, make_person, data):
    elder = make_person(care.tree.g1, "刘奶奶")
    login(client, care.grid)
    form = {"person": elder.pk, "categories": ["solitary"], "risk": "priority", "risk_reason": "独居", **data}
    response = client.post(reverse("care:recipient_new"), form)
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert not CareRecipient.objects.filter(person=elder).exists()


def test_a_person_outside_the_scope_cannot_be_registered(client, care, make_person):
    far = make_person(care.tree.h1, "远方老人")
    login(client, care.grid)
    response = client.post(reverse("care:recipient_new"), {"person": far.pk, "categories": ["solitary"],
                                                          "risk": "priority", "risk_reason": "独居"})
    assert response.status_code == 200 and "没有该编号" in response.content.decode()


def test_pair_a_carer_from_the_page(client, care):
    login(client, care.staff)
    response = client.post(reverse("care:pair_add", args=[care.recipient.pk]), {"carer": care.other_carer.person.pk})
    assert response.status_code == 302
    assert care.recipient.pairs.active().count() == 2
    response = client.post(reverse("care:pair_add", args=[care.recipient.pk]), {"carer": care.recipient.person.pk},
                           follow=True)
    assert "本人不能与自己结对" in response.content.decode()


# --- visits -----------------------------------------------------------------------------------------------------

def visit_form(**extra):
    started = timezone.localtime() - dt.timedelta(minutes=30)
    return {"mode": "in_person", "started_at": started.strftime("%Y-%m-%dT%H:%M"), "minutes": "25",
            "health": "fair", "home_safety": "poor", "mood": "good", "findings": "厨房燃气软管老化",
            "needs": "更换燃气软管", "follow_up": "下周复查", "outcome": "problem", "lat": "29.401",
            "lng": "106.501", **extra}


def test_a_carer_logs_a_visit_from_the_phone_form(client, care):
    login(client, care.carer)
    assert client.get(reverse("care:visit_new", args=[care.recipient.pk])).status_code == 200
    response = client.post(reverse("care:visit_new", args=[care.recipient.pk]), visit_form())
    visit = Visit.objects.get()
    assert response.status_code == 302 and response.url == reverse("care:visit_detail", args=[visit.pk])
    assert visit.carer == care.carer.person and visit.minutes == 25 and visit.lat == 29.401
    assert VisitDue.objects.get(recipient=care.recipient, alert__isnull=True).visit == visit


@pytest.mark.parametrize("data", [
    {"minutes": "0"}, {"minutes": "9999"}, {"started_at": "yesterday"}, {"mode": "telepathy"},
    {"health": "excellent"}, {"lat": "95"}, {"findings": "x" * 501},
    {"started_at": (timezone.localtime() + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")},
    {"started_at": (timezone.localtime() - dt.timedelta(days=40)).strftime("%Y-%m-%dT%H:%M")},
    {"outcome": "problem", "findings": "", "needs": ""},
])
def test_bad_visits_are_refused_and_nothing_is_stored(client, care, data):
    login(client, care.carer)
    response = client.post(reverse("care:visit_new", args=[care.recipient.pk]), visit_form(**data))
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert not Visit.objects.exists()


def test_script_in_a_visit_is_shown_as_text(client, care):
    login(client, care.carer)
    client.post(reverse("care:visit_new", args=[care.recipient.pk]), visit_form(findings="<script>alert(1)</script>"))
    html = client.get(reverse("care:visit_detail", args=[Visit.objects.get().pk])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _visit(client, care, user):
    login(client, user)
    client.post(reverse("care:visit_new", args=[care.recipient.pk]), visit_form())
    return Visit.objects.latest("pk")


def test_a_need_becomes_an_errand_in_one_step(client, care):
    visit = _visit(client, care, care.carer)
    response = client.post(reverse("care:visit_need", args=[visit.pk]),
                           {"kind": "errand", "text": "代买燃气软管", "errand_kind": "other"})
    errand = Errand.objects.get()
    assert response.url == reverse("care:errand_detail", args=[errand.pk])
    assert errand.visit == visit and errand.person == care.recipient.person and errand.description == "代买燃气软管"
    response = client.post(reverse("care:visit_need", args=[visit.pk]), {"kind": "errand"}, follow=True)
    assert "已登记过代办" in response.content.decode() and Errand.objects.count() == 1


def test_a_need_becomes_a_case_in_one_step(client, care):
    visit = _visit(client, care, care.grid)
    category = Category.objects.filter(parent__isnull=False, active=True).first()
    client.post(reverse("care:visit_need", args=[visit.pk]), {"kind": "case", "category": category.pk})
    case = Case.objects.get()
    visit.refresh_from_db()
    assert visit.case == case and case.channel_ref == f"care-visit:{visit.pk}" and case.description == "更换燃气软管"
    response = client.post(reverse("care:visit_need", args=[visit.pk]), {"kind": "case"}, follow=True)
    assert Case.objects.count() == 1 and 'class="error"' in response.content.decode()


def test_a_need_becomes_a_micro_wish_for_staff(client, care):
    visit = _visit(client, care, care.staff)
    client.post(reverse("care:visit_need", args=[visit.pk]), {"kind": "wish", "text": "想要一台收音机"})
    wish = Wish.objects.get()
    visit.refresh_from_db()
    assert visit.wish == wish and wish.wisher == care.recipient.person and wish.status == "pending"


def test_a_volunteer_cannot_post_a_wish_for_someone_else_and_is_told_why(client, care):
    visit = _visit(client, care, care.carer)
    response = client.post(reverse("care:visit_need", args=[visit.pk]), {"kind": "wish"}, follow=True)
    assert not Wish.objects.exists() and 'class="error"' in response.content.decode()


def test_an_outsider_cannot_act_on_a_visit(client, care):
    visit = _visit(client, care, care.carer)
    for who in ("other_carer", "grid2", "dept", "staff_b"):
        login(client, getattr(care, who))
        assert client.get(reverse("care:visit_detail", args=[visit.pk])).status_code == 404
        assert client.post(reverse("care:visit_need", args=[visit.pk]), {"kind": "errand"}).status_code == 404
    assert not Errand.objects.exists()


# --- errands ----------------------------------------------------------------------------------------------------

def test_the_agent_sees_their_errand_on_the_phone_list_and_completes_it(client, care, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    errand = errands.create_errand(care.grid, care.recipient.person, kind="utility", description="代交电费",
                                   advance_fen=20_000)
    login(client, care.grid)
    client.post(reverse("care:errand_action", args=[errand.pk, "dispatch"]), {"agent": care.agent.person.pk})
    login(client, care.agent)
    assert f"errand-{errand.pk}" in client.get(reverse("care:errand_mine")).content.decode()
    client.post(reverse("care:errand_action", args=[errand.pk, "accept"]))
    from linli.care.tests.test_errands import jpeg

    response = client.post(reverse("care:errand_action", args=[errand.pk, "complete"]),
                           {"note": "已交电费", "spent": "158.60", "change": "41.40", "receipt": jpeg()})
    assert response.status_code == 302
    errand.refresh_from_db()
    assert (errand.status, errand.spent_fen, errand.change_fen) == ("done", 15_860, 4_140)
    assert client.get(reverse("care:errand_receipt", args=[errand.pk])).status_code == 200


@pytest.mark.parametrize(("spent", "change"), [("abc", "0"), ("1.234", "0"), ("-3", "0"), ("100", "200000")])
def test_bad_amounts_on_the_page_are_refused(client, care, spent, change):
    errand = errands.create_errand(care.grid, care.recipient.person, kind="utility", description="代交电费")
    errands.dispatch(care.grid, errand, care.agent.person)
    errands.accept(care.agent, errand)
    login(client, care.agent)
    response = client.post(reverse("care:errand_action", args=[errand.pk, "complete"]),
                           {"note": "已交", "spent": spent, "change": change}, follow=True)
    assert 'class="error"' in response.content.decode()
    errand.refresh_from_db()
    assert errand.status == "accepted"


def test_errands_outside_the_scope_are_404(client, care):
    errand = errands.create_errand(care.grid, care.recipient.person, kind="medicine", description="代买药")
    for who in ("grid2", "dept", "staff_b", "other_carer", "agent"):
        login(client, getattr(care, who))
        assert client.get(reverse("care:errand_detail", args=[errand.pk])).status_code == 404
        assert client.post(reverse("care:errand_action", args=[errand.pk, "accept"])).status_code == 404
    errands.dispatch(care.grid, errand, care.agent.person)
    login(client, care.agent)
    assert client.get(reverse("care:errand_detail", args=[errand.pk])).status_code == 200


# --- hotline and due lists --------------------------------------------------------------------------------------

def test_a_call_is_logged_from_the_hotline_page(client, care):
    login(client, care.duty)
    page = client.get(reverse("care:hotline"), {"q": "王奶奶"}).content.decode()
    assert "王奶奶" in page
    response = client.post(reverse("care:call_new"), {
        "area": care.tree.comm_a1.pk, "person": care.recipient.person.pk, "caller_name": "王奶奶",
        "callback_phone": "13900001111", "request_type": "errand", "errand_kind": "bus_card", "notes": "公交卡年审"})
    errand = Errand.objects.get()
    assert response.url == reverse("care:errand_detail", args=[errand.pk]) and errand.call == Call.objects.get()
    assert client.get(response.url).status_code == 200  # the hotline sees the errands of its community
    agents = client.get(response.url).content.decode()
    assert care.agent.person.name in agents


def test_the_hotline_is_404_for_those_without_a_hotline(client, care):
    for who in ("carer", "dept", "agent"):
        login(client, getattr(care, who))
        assert client.get(reverse("care:hotline")).status_code == 404


def test_the_due_list_shows_missed_visits_of_the_scope(client, care):
    now = timezone.now()
    for r in (care.recipient, care.recipient2):
        VisitDue.objects.create(recipient=r, area=r.area, cadence="month", opens_at=now - dt.timedelta(60),
                                due_at=now - dt.timedelta(30), month=dt.date(2000, 1, 1))
    login(client, care.grid)
    html = client.get(reverse("care:due")).content.decode()
    assert "王奶奶" in html and "张爷爷" not in html
    login(client, care.dept)
    assert "王奶奶" not in client.get(reverse("care:due")).content.decode()


def test_figures_and_alerts_pages(client, care):
    login(client, care.staff)
    assert client.get(reverse("care:figures"), {"month": "2026-13"}).status_code == 200
    response = client.post(reverse("care:alerts"), {"kind": "heat", "area": care.tree.comm_a1.pk, "note": "高温"})
    assert response.status_code == 302 and VisitDue.objects.filter(alert__isnull=False).count() == 2
    response = client.post(reverse("care:alerts"), {"kind": "heat", "area": care.tree.comm_b1.pk})
    assert response.status_code == 200 and VisitDue.objects.filter(alert__isnull=False).count() == 2
    for who in ("carer", "dept"):
        login(client, getattr(care, who))
        assert client.get(reverse("care:figures")).status_code == 404
        assert client.get(reverse("care:alerts")).status_code == 404


# --- query counts -----------------------------------------------------------------------------------------------

def test_main_pages_run_a_bounded_number_of_queries(client, care, make_person, django_assert_max_num_queries):
    from linli.care.services import recipients as rs

    for n in range(15):
        p = make_person(care.tree.g1, f"老人{n}")
        r = rs.register(care.staff, p, categories=["solitary"], risk="priority", risk_reason="独居")
        rs.pair(care.staff, r, carer=care.carer.person)
        errands.create_errand(care.grid, p, kind="medicine", description="代买药")
    login(client, care.grid)
    # Measured with 17 recipients and 15 errands; the counts do not grow with the rows (keyset pages).
    budgets = {reverse("care:recipient_list") + "?category=solitary&risk=priority": 10, detail(care.recipient): 14,
               reverse("care:due"): 9, reverse("care:errand_list"): 9, reverse("care:hotline"): 15,
               reverse("care:figures"): 21, reverse("care:visit_list"): 8,
               reverse("care:ledger", args=[care.recipient.pk]): 13}
    for url, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200, url


def test_the_list_filters_by_risk_category_grid_and_name(client, care):
    login(client, care.staff)
    url = reverse("care:recipient_list")
    assert "王奶奶" in client.get(url, {"category": "solitary"}).content.decode()
    assert "王奶奶" not in client.get(url, {"category": "disabled"}).content.decode()
    assert "张爷爷" in client.get(url, {"risk": "high"}).content.decode()
    assert "王奶奶" not in client.get(url, {"risk": "high"}).content.decode()
    assert "王奶奶" not in client.get(url, {"grid": care.tree.g2.code}).content.decode()
    assert "王奶奶" in client.get(url, {"q": "王"}).content.decode()
    assert client.get(url, {"risk": "<script>", "after": "-1", "grid": "x" * 99}).status_code == 200


def test_hotline_duty_logs_an_errand_for_someone_of_its_community(client, care):
    login(client, care.duty)
    response = client.post(reverse("care:errand_new"), {"person": care.recipient.person.pk, "kind": "utility",
                                                        "description": "代交水费", "advance": "50"})
    errand = Errand.objects.get()
    assert response.url == reverse("care:errand_detail", args=[errand.pk]) and errand.advance_fen == 5000
    far = care.staff_b.person
    response = client.post(reverse("care:errand_new"), {"person": far.pk, "kind": "utility", "description": "代交"})
    assert response.status_code == 200 and Errand.objects.count() == 1


def test_only_bookers_open_the_booking_page(client, care):
    login(client, care.carer)
    assert client.get(reverse("care:help_book", args=[care.recipient.pk])).status_code == 404
    login(client, care.grid)
    assert client.get(reverse("care:help_book", args=[care.recipient.pk])).status_code == 200
