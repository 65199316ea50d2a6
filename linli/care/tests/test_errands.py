"""The errand life cycle with money in fen: dispatch, accept, done with receipt and change, confirm; refusals."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.care.models import Errand, ErrandEvent
from linli.care.services import errands
from linli.care.services.access import CareError


def jpeg(name="receipt.jpg") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


@pytest.fixture
def errand(care):
    return errands.create_errand(care.grid, care.recipient.person, kind=Errand.Kind.MEDICINE,
                                 description="代买降压药（氨氯地平）", advance_fen=10_000)


def test_life_cycle_with_advance_spending_and_change(care, errand, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert errand.status == Errand.Status.REQUESTED and errand.advance_fen == 10_000
    errands.dispatch(care.grid, errand, care.agent.person)
    assert list(errands.agent_open(care.agent)) == [errand]
    errands.accept(care.agent, errand)
    done = errands.complete(care.agent, errand, note="已买到药，发票附后", spent_fen=6_850, change_fen=3_150,
                            receipt=jpeg())
    assert (done.status, done.spent_fen, done.change_fen) == (Errand.Status.DONE, 6_850, 3_150)
    assert done.receipt.name.startswith("care/receipts/") and done.minutes_to_done is not None
    assert list(errands.agent_open(care.agent)) == []
    with pytest.raises(CareError):
        errands.confirm(care.agent, done)  # the agent does not confirm their own errand
    errands.confirm(care.staff, done)
    errand.refresh_from_db()
    assert errand.status == Errand.Status.CONFIRMED and errand.confirmed_by == care.staff
    assert list(ErrandEvent.objects.filter(errand=errand).values_list("action", flat=True)) == [
        "request", "dispatch", "accept", "done", "confirm"]


def test_the_person_it_was_done_for_may_confirm(care, errand, make_user):
    from linli.core.models import User

    errands.dispatch(care.grid, errand, care.agent.person)
    errands.accept(care.agent, errand)
    errands.complete(care.agent, errand, note="电费已交", spent_fen=0, change_fen=10_000)
    elder = User.objects.create_user(username="elder", password="x-long-password-1", person=care.recipient.person)
    errands.confirm(elder, errand)
    errand.refresh_from_db()
    assert errand.status == Errand.Status.CONFIRMED


@pytest.mark.parametrize(("spent", "change", "message"), [
    (6_850, 3_200, "不能多于"),    # more change than the advance minus the spending: refused
    (6_850, 3_000, "应为"),        # fen missing
    (12_000, 1, "不能多于"),        # spent above the advance: the agent laid it out, no change
])
def test_wrong_change_is_refused_and_changes_nothing(care, errand, spent, change, message, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    errands.dispatch(care.grid, errand, care.agent.person)
    errands.accept(care.agent, errand)
    with pytest.raises(CareError) as exc:
        errands.complete(care.agent, errand, note="已办", spent_fen=spent, change_fen=change, receipt=jpeg())
    assert message in exc.value.messages[0]
    errand.refresh_from_db()
    assert errand.status == Errand.Status.ACCEPTED and errand.spent_fen is None and not errand.receipt


def test_amounts_are_shown_by_the_one_money_formatter(care, settings, tmp_path):
    """Refusals and the errand's history show yuan with two decimals and thousands (core.money.yuan_cents)."""
    settings.MEDIA_ROOT = tmp_path
    big = errands.create_errand(care.grid, care.recipient.person, kind=Errand.Kind.UTILITY,
                                description="代缴全年物业费", advance_fen=250_000)
    errands.dispatch(care.grid, big, care.agent.person)
    errands.accept(care.agent, big)
    with pytest.raises(CareError) as exc:
        errands.complete(care.agent, big, note="已缴", spent_fen=123_456, change_fen=126_545, receipt=jpeg())
    assert "1,265.44" in exc.value.messages[0]
    with pytest.raises(CareError) as exc:
        errands.complete(care.agent, big, note="已缴", spent_fen=123_456, change_fen=0, receipt=jpeg())
    assert "1,265.44" in exc.value.messages[0] and "2,500.00" in exc.value.messages[0]
    errands.complete(care.agent, big, note="已缴", spent_fen=123_456, change_fen=126_544, receipt=jpeg())
    assert "1,234.56" in big.events.get(action="done").note


def test_spending_above_the_advance_with_no_change_is_accepted(care, errand, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    errands.dispatch(care.grid, errand, care.agent.person)
    errands.accept(care.agent, errand)
    done = errands.complete(care.agent, errand, note="药价上涨，代垫20元", spent_fen=12_000, change_fen=0,
                            receipt=jpeg())
    assert done.change_fen == 0


def test_money_must_be_whole_fen_in_range(care, errand):
    errands.dispatch(care.grid, errand, care.agent.person)
    errands.accept(care.agent, errand)
    for bad in (-1, 10_000_001, 12.5, "100", True):
        with pytest.raises(CareError):
            errands.complete(care.agent, errand, note="x", spent_fen=bad, change_fen=0)
    with pytest.raises(CareError):
        errands.create_errand(care.grid, care.recipient.person, kind="utility", description="水费", advance_fen=-5)


def test_spending_needs_a_receipt_and_the_receipt_must_be_a_photo(care, errand):
    errands.dispatch(care.grid, errand, care.agent.person)
    errands.accept(care.agent, errand)
    with pytest.raises(CareError):
        errands.complete(care.agent, errand, note="已买", spent_fen=5_000, change_fen=5_000)
    fake = SimpleUploadedFile("r.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(CareError):
        errands.complete(care.agent, errand, note="已买", spent_fen=5_000, change_fen=5_000, receipt=fake)
    errand.refresh_from_db()
    assert errand.status == Errand.Status.ACCEPTED


def test_only_the_agent_sent_acts_and_only_agents_of_the_area_are_sent(care, errand, make_user):
    from linli.core import roles

    far_agent = make_user("agent-b", roles.ERRAND_AGENT, care.tree.comm_b1)
    with pytest.raises(CareError):
        errands.dispatch(care.grid, errand, far_agent.person)
    with pytest.raises(CareError):
        errands.dispatch(care.carer, errand, care.agent.person)  # a volunteer does not dispatch
    errands.dispatch(care.grid, errand, care.agent.person)
    with pytest.raises(CareError):
        errands.accept(far_agent, errand)
    with pytest.raises(CareError):
        errands.complete(care.agent, errand, note="x", spent_fen=0, change_fen=10_000)  # not accepted yet
    errands.decline(care.agent, errand, "这周在外地")
    errand.refresh_from_db()
    assert errand.status == Errand.Status.REQUESTED and errand.agent is None


def test_cancel_needs_a_reason_and_an_open_errand(care, errand):
    with pytest.raises(CareError):
        errands.cancel(care.grid, errand, "")
    errands.cancel(care.grid, errand, "家属已代办")
    with pytest.raises(CareError):
        errands.cancel(care.grid, errand, "again")
