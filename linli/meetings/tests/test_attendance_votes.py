"""Sign-in with the rotating code (and points), votes with quorum, the personal calendar link."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from linli.meetings import services
from linli.meetings.models import Attendance, MotionResult, VoteRule
from linli.meetings.services import MeetingError, tally

from .conftest import at_meeting


def test_sign_in_with_the_code_of_this_minute(meeting, people):
    now = at_meeting(meeting)
    code = services.current_code(meeting, now)
    attendance = services.sign_in(meeting, people.resident.person, code, now=now)
    assert attendance.signed_in_at == now and attendance.invited
    assert services.present_count(meeting) == 1
    with pytest.raises(MeetingError):
        services.sign_in(meeting, people.resident.person, code, now=now)


def test_a_visitor_without_invitation_can_sign_in(meeting, people):
    now = at_meeting(meeting)
    services.sign_in(meeting, people.far_resident.person, services.current_code(meeting, now), now=now)
    assert Attendance.objects.get(meeting=meeting, person=people.far_resident.person).invited is False


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "0000000"])
def test_wrong_code_is_refused(meeting, people, code):
    with pytest.raises(MeetingError):
        services.sign_in(meeting, people.resident.person, code, now=at_meeting(meeting))
    assert services.present_count(meeting) == 0


def test_code_of_another_meeting_or_an_old_minute_is_refused(series, meeting, people):
    now = at_meeting(meeting)
    other = series.meetings.exclude(pk=meeting.pk).first()
    with pytest.raises(MeetingError):
        services.sign_in(meeting, people.resident.person, services.current_code(other, now), now=now)
    with pytest.raises(MeetingError):
        services.sign_in(meeting, people.resident.person,
                         services.current_code(meeting, now - dt.timedelta(minutes=3)), now=now)


def test_sign_in_only_around_the_meeting(meeting, people):
    early = meeting.starts_at - dt.timedelta(hours=1)
    with pytest.raises(MeetingError):
        services.sign_in(meeting, people.resident.person, services.current_code(meeting, early), now=early)
    late = meeting.ends_at + dt.timedelta(hours=1)
    with pytest.raises(MeetingError):
        services.sign_in(meeting, people.resident.person, services.current_code(meeting, late), now=late)


def test_signing_in_earns_meeting_points_once(meeting, people, tree):
    from linli.people.models import WorkerProfile
    from linli.points.models import Scheme, Transfer

    Scheme.objects.create(code="a", name="甲街道积分", area=tree.street_a, points_per_meeting=5)
    WorkerProfile.objects.create(person=people.resident.person, occupation="food_delivery", in_points_scheme=True)
    now = at_meeting(meeting)
    attendance = services.sign_in(meeting, people.resident.person, services.current_code(meeting, now), now=now)
    services._award(attendance)  # a second call for the same deed records nothing more
    transfers = Transfer.objects.filter(key=f"meeting:{attendance.pk}")
    assert transfers.count() == 1 and transfers.get().amount == 5


def test_staff_mark_present_someone_without_a_phone(meeting, people):
    services.mark_present(people.staff, meeting, people.neighbour.person, now=at_meeting(meeting))
    assert services.present_count(meeting) == 1
    with pytest.raises(PermissionDenied):
        services.mark_present(people.outsider, meeting, people.resident.person, now=at_meeting(meeting))


@pytest.mark.parametrize(("present", "f", "a", "x", "rule", "quorum", "result"), [
    (5, 3, 1, 1, VoteRule.MAJORITY, 3, MotionResult.PASSED),
    (6, 3, 2, 1, VoteRule.MAJORITY, 3, MotionResult.FAILED),     # 3 of 6 is not more than half
    (6, 3, 2, 1, VoteRule.SIMPLE, 3, MotionResult.PASSED),       # more for than against
    (2, 2, 0, 0, VoteRule.MAJORITY, 3, MotionResult.NO_QUORUM),
    (9, 6, 3, 0, VoteRule.TWO_THIRDS, 5, MotionResult.PASSED),
    (9, 5, 3, 1, VoteRule.TWO_THIRDS, 5, MotionResult.FAILED),
    (0, 0, 0, 0, VoteRule.SIMPLE, 0, MotionResult.NO_QUORUM),
])
def test_tally(present, f, a, x, rule, quorum, result):
    assert tally(present=present, votes_for=f, against=a, abstain=x, rule=rule, quorum=quorum) == result


def test_vote_by_members_present_with_quorum(running, people, series):
    # the 10-yuan self-management fee: three members, quorum by default a majority of them (2)
    motion = services.put_motion(people.staff, running, text="每户每月缴纳自治管理费10元")
    assert motion.quorum == 2
    now = at_meeting(running)
    for user in (people.resident, people.worker):
        services.mark_present(people.staff, running, user.person, now=now)
    services.mark_present(people.staff, running, people.far_resident.person, now=now)  # not a member
    with pytest.raises(MeetingError):  # only members present vote
        services.cast_votes(people.staff, motion, {people.far_resident.person.pk: "for"})
    with pytest.raises(MeetingError):  # an absent member neither
        services.cast_votes(people.staff, motion, {people.neighbour.person.pk: "for"})
    with pytest.raises(MeetingError):
        services.cast_votes(people.staff, motion, {people.resident.person.pk: "maybe"})
    services.cast_votes(people.staff, motion, {people.resident.person.pk: "for", people.worker.person.pk: "against"})
    services.cast_votes(people.staff, motion, {people.worker.person.pk: "for"})  # a member changes their vote
    motion = services.close_motion(people.staff, motion)
    assert (motion.present, motion.votes_for, motion.votes_against, motion.result) == (2, 2, 0, MotionResult.PASSED)
    with pytest.raises(MeetingError):
        services.cast_votes(people.staff, motion, {people.resident.person.pk: "against"})


def test_vote_without_quorum(running, people):
    motion = services.put_motion(people.staff, running, text="更换门禁", quorum=3)
    services.mark_present(people.staff, running, people.resident.person, now=at_meeting(running))
    services.cast_votes(people.staff, motion, {people.resident.person.pk: "for"})
    assert services.close_motion(people.staff, motion).result == MotionResult.NO_QUORUM


@pytest.mark.parametrize("kwargs", [{"text": ""}, {"text": "x" * 301}, {"text": "x", "rule": "loudest"},
                                    {"text": "x", "quorum": 0}])
def test_bad_motion_is_refused(running, people, kwargs):
    with pytest.raises(MeetingError):
        services.put_motion(people.staff, running, **kwargs)
    assert not running.motions.exists()


def test_calendar_token_can_be_revoked(people):
    first = services.calendar_token(people.resident)
    assert services.calendar_token(people.resident) == first
    second = services.revoke_calendar_token(people.resident)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.token != first.token
    assert services.calendar_token(people.resident) == second


def test_sign_in_page_of_a_far_meeting_needs_the_code(client, people, running):
    from django.urls import reverse

    url = reverse("meetings:signin", args=[running.pk])
    client.force_login(people.far_resident)
    assert client.get(url).status_code == 404
    assert client.get(url, {"code": "000000"}).status_code == 404
    code = services.current_code(running)
    assert client.get(url, {"code": code}).status_code == 200
    assert client.post(url, {"code": code}).status_code == 302 and services.present_count(running) == 1


# --- members vote on their own phones ---------------------------------------------------------------------------

@pytest.fixture
def motion(running, people):
    """The 10-yuan fee put to the vote; the resident and the worker (members) have signed in."""
    motion = services.put_motion(people.staff, running, text="每户每月缴纳自治管理费10元")
    for user in (people.resident, people.worker):
        services.mark_present(people.staff, running, user.person)
    return motion


def _vote_url(motion):
    from django.urls import reverse

    return reverse("meetings:motion_vote", args=[motion.pk])


def test_a_member_present_votes_once_on_their_phone_and_the_host_sees_the_count(client, motion, people):
    from django.urls import reverse

    from linli.meetings.models import Vote

    client.force_login(people.resident)
    page = client.get(reverse("meetings:meeting_detail", args=[motion.meeting_id])).content.decode()
    assert _vote_url(motion) in page  # the open motion is offered on the member's phone
    page = client.get(_vote_url(motion)).content.decode()
    assert motion.text in page and 'value="for"' in page and 'value="abstain"' in page
    assert client.post(_vote_url(motion), {"choice": "for"}).status_code == 302
    response = client.post(_vote_url(motion), {"choice": "against"})  # once: a second vote is refused
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert list(Vote.objects.filter(motion=motion).values_list("person_id", "choice", "own")) == [
        (people.resident.person.pk, "for", True)]
    client.force_login(people.worker)
    client.post(_vote_url(motion), {"choice": "abstain"})
    with pytest.raises(MeetingError):  # the host cannot overwrite a member's own vote
        services.cast_votes(people.staff, motion, {people.resident.person.pk: "against"})
    client.force_login(people.staff)
    response = client.get(reverse("meetings:motion", args=[motion.pk]))
    assert response.context["tally"] == {"for": 1, "against": 0, "abstain": 1, "voted": 2, "present": 2}
    assert "2 / 2" in response.content.decode()
    assert f"p{people.resident.person.pk}" not in response.context["form"].fields  # voted on their phone
    motion = services.close_motion(people.staff, motion)
    assert (motion.votes_for, motion.abstentions, motion.present, motion.result) == (1, 1, 2, MotionResult.FAILED)
    client.force_login(people.worker)
    response = client.post(_vote_url(motion), {"choice": "for"})  # closed: refused, the count stands
    assert 'role="alert"' in response.content.decode() and motion.votes.count() == 2


def test_who_may_not_vote_gets_a_clear_message_and_nothing_changes(client, motion, people, running):
    services.mark_present(people.staff, running, people.far_resident.person)  # present, not a member
    for user in (people.neighbour, people.far_resident):  # a member not present; present, not a member
        client.force_login(user)
        response = client.get(_vote_url(motion))
        assert response.status_code == 200 and 'value="for"' not in response.content.decode()
        response = client.post(_vote_url(motion), {"choice": "for"})
        assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    client.force_login(people.resident)
    for choice in ("maybe", "", "for" * 10):
        response = client.post(_vote_url(motion), {"choice": choice})
        assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not motion.votes.exists()


def test_the_vote_page_outside_scope_answers_404(client, motion, people):
    client.force_login(people.outsider)
    assert client.get(_vote_url(motion)).status_code == 404
    assert client.post(_vote_url(motion), {"choice": "for"}).status_code == 404
    assert not motion.votes.exists()


def test_own_vote_service_refusals(motion, people):
    with pytest.raises(MeetingError):
        services.vote_own(people.neighbour, motion, "for")  # not signed in
    with pytest.raises(MeetingError):
        services.vote_own(people.resident, motion, "maybe")
    with pytest.raises(MeetingError):
        services.vote_own(people.staff, motion, "for")  # the host has not signed in as a member
    services.vote_own(people.resident, motion, "against")
    with pytest.raises(MeetingError):
        services.vote_own(people.resident, motion, "for")
    assert motion.votes.get().choice == "against"
