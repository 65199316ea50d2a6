"""Teams, activities, sign-ups with a waiting list, on-site check-in by a rotating code, hours and records.

- Joining a team is a request that a leader (or staff over the team's host unit) approves or declines.
- Sign-up takes a place while places remain, else a place on the waiting list; when someone with a place
  cancels, the first on the waiting list moves up (in the same transaction, the activity row locked).
- The organiser's phone shows a 6-digit code that changes every minute: an HMAC of the minute's number
  under the activity's secret (as TOTP, RFC 6238), accepted for the current and the previous minute, only
  from 30 minutes before the start to 30 minutes after the end, and, when the phone shares a position,
  within 300 m of the place.
- Hours: check-out minus check-in, rounded to the nearest quarter hour, capped by the activity's length.
  The organiser confirms them or corrects them with a reason; the computed value stays on the record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import struct
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.scope import scope_for, scoped
from linli.people.models import Person
from linli.places.models import code_range
from linli.points import earning

from .models import Activity, RecordCorrection, ServiceRecord, SignUp, Team, TeamMembership

CODE_WINDOW_SECONDS = 60
CHECKIN_MARGIN = dt.timedelta(minutes=30)
CHECKIN_RADIUS_M = 300
QUARTER_SECONDS = 15 * 60


class ActivityError(ValidationError):
    """A refused action, with a message for the user."""


# --- who may see and do what -----------------------------------------------------------------------------

def neighbourhood_q(code_field: str, user) -> Q:
    """Rows hosted in the user's own street (or by their district): what a resident may browse and join."""
    person = getattr(user, "person", None)
    area = getattr(person, "area", None)
    if area is None:
        return Q(pk__in=[])
    low, high = code_range(area.code[:9])
    return Q(**{f"{code_field}__gte": low, f"{code_field}__lt": high}) | Q(**{code_field: area.code[:6]})


def visible(qs: QuerySet, user, code_field: str = "area__code") -> QuerySet:
    """Rows in the user's scope, plus those hosted in their neighbourhood (teams and activities to join)."""
    scope = scope_for(user)
    if scope.everything:
        return qs
    return qs.filter(qs.model.scope_q(scope) | neighbourhood_q(code_field, user))


def covers(user, area) -> bool:
    """True if ``user`` is staff (community, street, district) over ``area``."""
    scope = scope_for(user)
    return scope.everything or (scope.is_staff and scope.covers_code(area.code))


def is_team_leader(user, team: Team) -> bool:
    if not getattr(user, "person_id", None):
        return False
    return TeamMembership.objects.filter(team=team, person_id=user.person_id, is_leader=True,
                                         status=TeamMembership.Status.MEMBER).exists()


def may_manage_team(user, team: Team) -> bool:
    return covers(user, team.area) or is_team_leader(user, team)


def may_organise(user, activity: Activity) -> bool:
    """The organiser, the organising team's leaders, whoever created it, and staff over its host unit."""
    if covers(user, activity.area):
        return True
    person_id = getattr(user, "person_id", None)
    if person_id and person_id == activity.organiser_id:
        return True
    if activity.created_by_id and activity.created_by_id == user.pk:
        return True
    return bool(activity.team_id and is_team_leader(user, activity.team))


def may_create_activity(user) -> bool:
    scope = scope_for(user)
    if scope.is_staff:
        return True
    return bool(user.person_id) and TeamMembership.objects.filter(
        person_id=user.person_id, is_leader=True, status=TeamMembership.Status.MEMBER).exists()


# --- teams ----------------------------------------------------------------------------------------------

def request_to_join(team: Team, person: Person) -> TeamMembership:
    if not team.active:
        raise ActivityError(_("This team does not take new members."))
    existing = TeamMembership.objects.filter(team=team, person=person, status__in=[
        TeamMembership.Status.REQUESTED, TeamMembership.Status.MEMBER]).first()
    if existing:
        if existing.status == TeamMembership.Status.MEMBER:
            raise ActivityError(_("You are already a member of this team."))
        raise ActivityError(_("Your request is already waiting for the leader."))
    try:
        with transaction.atomic():
            return TeamMembership.objects.create(team=team, person=person)
    except IntegrityError:
        raise ActivityError(_("Your request is already waiting for the leader.")) from None


def decide_membership(membership: TeamMembership, user, *, approve: bool) -> TeamMembership:
    if not may_manage_team(user, membership.team):
        raise ActivityError(_("Only the team's leaders can decide on requests."))
    if membership.status != TeamMembership.Status.REQUESTED:
        raise ActivityError(_("This request has already been decided."))
    membership.status = TeamMembership.Status.MEMBER if approve else TeamMembership.Status.DECLINED
    membership.decided_at, membership.decided_by = timezone.now(), user
    membership.save(update_fields=["status", "decided_at", "decided_by"])
    return membership


def leave_team(team: Team, person: Person) -> TeamMembership:
    membership = TeamMembership.objects.filter(team=team, person=person, status__in=[
        TeamMembership.Status.REQUESTED, TeamMembership.Status.MEMBER]).first()
    if membership is None:
        raise ActivityError(_("You are not a member of this team."))
    membership.status, membership.left_at = TeamMembership.Status.LEFT, timezone.now()
    membership.is_leader = False
    membership.save(update_fields=["status", "left_at", "is_leader"])
    return membership


# --- sign-up and the waiting list ---------------------------------------------------------------------------

def _locked(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity.pk)


@transaction.atomic
def sign_up(activity: Activity, person: Person, now: dt.datetime | None = None) -> SignUp:
    """A place if one is free, else a place on the waiting list."""
    now = now or timezone.now()
    activity = _locked(activity)
    if activity.cancelled:
        raise ActivityError(_("This activity has been cancelled."))
    if now >= activity.ends_at:
        raise ActivityError(_("This activity is over."))
    if SignUp.objects.filter(activity=activity, person=person).exclude(status=SignUp.Status.CANCELLED).exists():
        raise ActivityError(_("You have already signed up for this activity."))
    taken = SignUp.objects.filter(activity=activity, status=SignUp.Status.CONFIRMED).count()
    status = SignUp.Status.CONFIRMED if taken < activity.capacity else SignUp.Status.WAITING
    return SignUp.objects.create(activity=activity, person=person, status=status)


@transaction.atomic
def cancel_sign_up(signup: SignUp, now: dt.datetime | None = None) -> SignUp | None:
    """Cancel; if that frees a place, the first on the waiting list gets it (returned)."""
    now = now or timezone.now()
    activity = _locked(signup.activity)
    signup.refresh_from_db()
    if signup.status == SignUp.Status.CANCELLED:
        raise ActivityError(_("This sign-up is already cancelled."))
    if signup.checked_in_at:
        raise ActivityError(_("You have already checked in; the organiser can correct your hours instead."))
    if now >= activity.ends_at:
        raise ActivityError(_("This activity is over."))
    had_place = signup.status == SignUp.Status.CONFIRMED
    signup.status, signup.cancelled_at = SignUp.Status.CANCELLED, now
    signup.save(update_fields=["status", "cancelled_at"])
    if not had_place:
        return None
    taken = SignUp.objects.filter(activity=activity, status=SignUp.Status.CONFIRMED).count()
    if taken >= activity.capacity:
        return None
    first = SignUp.objects.filter(activity=activity, status=SignUp.Status.WAITING).order_by("id").first()
    if first is not None:
        first.status, first.promoted_at = SignUp.Status.CONFIRMED, now
        first.save(update_fields=["status", "promoted_at"])
    return first


# --- the rotating code -----------------------------------------------------------------------------------

def _window(at: dt.datetime) -> int:
    return int(at.timestamp()) // CODE_WINDOW_SECONDS


def _code(secret: str, window: int) -> str:
    digest = hmac.new(secret.encode(), struct.pack(">Q", window), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


class HasSecret(Protocol):
    """Anything that shows a rotating check-in code: an activity, a meeting."""

    secret: str


def current_code(activity: HasSecret, at: dt.datetime | None = None) -> str:
    """The code the organiser shows now."""
    return _code(activity.secret, _window(at or timezone.now()))


def seconds_left(at: dt.datetime | None = None) -> int:
    at = at or timezone.now()
    return CODE_WINDOW_SECONDS - int(at.timestamp()) % CODE_WINDOW_SECONDS


def code_is_valid(activity: HasSecret, code: str, at: dt.datetime | None = None) -> bool:
    """True for the code of the current minute or of the previous one."""
    code = (code or "").strip()
    if len(code) != 6 or not code.isdigit():
        return False
    window = _window(at or timezone.now())
    return any(hmac.compare_digest(code, _code(activity.secret, w)) for w in (window, window - 1))


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    r = 6_371_000
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def check_window_open(activity: Activity, at: dt.datetime) -> None:
    if at < activity.starts_at - CHECKIN_MARGIN:
        raise ActivityError(_("Check-in opens 30 minutes before the activity starts."))
    if at > activity.ends_at + CHECKIN_MARGIN:
        raise ActivityError(_("Check-in closed 30 minutes after the activity ended."))


def check_position(activity: Activity, lat: float | None, lng: float | None) -> None:
    """Within 300 m of the place, if both the phone and the activity have a position."""
    if lat is None or lng is None or activity.lat is None or activity.lng is None:
        return
    far = distance_m(lat, lng, activity.lat, activity.lng)
    if far > CHECKIN_RADIUS_M:
        raise ActivityError(_("You are %(m)d m from the activity's place; check in within %(r)d m of it.")
                            % {"m": round(far), "r": CHECKIN_RADIUS_M})


# --- hours ---------------------------------------------------------------------------------------------

def round_quarter(seconds: float) -> int:
    """Minutes, rounded to the nearest quarter hour (half a quarter rounds up)."""
    if seconds <= 0:
        return 0
    return int((seconds + QUARTER_SECONDS / 2) // QUARTER_SECONDS) * 15


def service_minutes(activity: Activity, checked_in: dt.datetime, checked_out: dt.datetime) -> int:
    """Check-out minus check-in, rounded to the quarter hour, capped by the activity's length."""
    return min(round_quarter((checked_out - checked_in).total_seconds()), activity.length_minutes)


@transaction.atomic
def check_in_or_out(activity: Activity, person: Person, code: str, *, lat: float | None = None,
                    lng: float | None = None, now: dt.datetime | None = None) -> SignUp:
    """Check in (the first time) or out (the second) with the code on the organiser's screen.

    A person without a sign-up gets one when a place is free (people also turn up on the day).
    """
    now = now or timezone.now()
    if activity.cancelled:
        raise ActivityError(_("This activity has been cancelled."))
    check_window_open(activity, now)
    if not code_is_valid(activity, code, now):
        raise ActivityError(_("The code is wrong or has expired; enter the code shown now."))
    check_position(activity, lat, lng)
    signup = (SignUp.objects.select_for_update().filter(activity=activity, person=person)
              .exclude(status=SignUp.Status.CANCELLED).first())
    if signup is None:
        signup = sign_up(activity, person, now=now)
    if signup.status == SignUp.Status.WAITING:
        raise ActivityError(_("You are on the waiting list; wait for a place before checking in."))
    if signup.checked_in_at is None:
        signup.checked_in_at, signup.check_in_lat, signup.check_in_lng = now, lat, lng
        signup.save(update_fields=["checked_in_at", "check_in_lat", "check_in_lng"])
        return signup
    if signup.checked_out_at is not None:
        raise ActivityError(_("You have already checked out of this activity."))
    signup.checked_out_at = now
    signup.save(update_fields=["checked_out_at"])
    _pending_record(signup, recorded_by=None)
    return signup


def _pending_record(signup: SignUp, recorded_by) -> ServiceRecord:
    """The record of a sign-up, made from its check-in and check-out (0 minutes if either is missing)."""
    existing = ServiceRecord.objects.filter(signup=signup).first()
    if existing:
        return existing
    activity = signup.activity
    started = signup.checked_in_at or activity.starts_at
    ended = signup.checked_out_at or max(started, activity.ends_at)
    computed = service_minutes(activity, signup.checked_in_at, signup.checked_out_at) \
        if signup.checked_in_at and signup.checked_out_at else 0
    return ServiceRecord.objects.create(
        volunteer=signup.person, activity=activity, signup=signup, area=activity.area,
        content=(activity.description or activity.title)[:300], place=activity.place,
        started_at=started, ended_at=max(started, ended), computed_minutes=computed, minutes=computed,
        organiser_name=activity.organiser_name[:100], team=activity.team, recorded_by=recorded_by)


def _check_minutes(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 24 * 60:
        raise ActivityError(_("Service time is a whole number of minutes between 0 and 1440."))
    return value


def _award(record: ServiceRecord) -> None:
    earning.award_service_hours(record)


@transaction.atomic
def confirm_hours(signup: SignUp, user, *, minutes: int | None = None, reason: str = "") -> ServiceRecord:
    """The organiser confirms the computed hours, or sets other hours with a reason (the computed value is kept)."""
    activity = signup.activity
    if not may_organise(user, activity):
        raise ActivityError(_("Only the activity's organiser can confirm hours."))
    if signup.status != SignUp.Status.CONFIRMED or signup.checked_in_at is None and minutes is None:
        raise ActivityError(_("This volunteer did not check in; enter the hours and a reason."))
    record = ServiceRecord.objects.select_for_update().filter(signup=signup).first() or \
        _pending_record(signup, recorded_by=user)
    if record.status == ServiceRecord.Status.CONFIRMED:
        raise ActivityError(_("These hours are already confirmed; a change now goes through a correction."))
    reason = (reason or "").strip()
    if minutes is None:
        minutes = record.computed_minutes
    minutes = _check_minutes(minutes)
    if minutes > activity.length_minutes:
        raise ActivityError(_("Service time cannot be longer than the activity (%(n)d minutes).")
                            % {"n": activity.length_minutes})
    if minutes != record.computed_minutes and not reason:
        raise ActivityError(_("Give a reason for changing the computed hours."))
    record.minutes, record.correction_reason = minutes, reason[:200] if minutes != record.computed_minutes else ""
    record.status, record.confirmed_by, record.confirmed_at = ServiceRecord.Status.CONFIRMED, user, timezone.now()
    if record.recorded_by_id is None:
        record.recorded_by = user
    record.save()
    if record.minutes:
        _award(record)
    return record


@transaction.atomic
def request_correction(record: ServiceRecord, user, *, minutes: int, reason: str) -> RecordCorrection:
    """A volunteer asks the organiser to correct a confirmed record."""
    if record.volunteer_id != getattr(user, "person_id", None):
        raise ActivityError(_("Only the volunteer can ask for a correction of their record."))
    if record.status != ServiceRecord.Status.CONFIRMED:
        raise ActivityError(_("The organiser has not confirmed this record yet."))
    minutes = _check_minutes(minutes)
    reason = (reason or "").strip()
    if not reason:
        raise ActivityError(_("Give a reason for the correction."))
    if minutes == record.minutes:
        raise ActivityError(_("The requested time is the recorded time."))
    if record.corrections.filter(status=RecordCorrection.Status.PENDING).exists():
        raise ActivityError(_("A correction of this record is already waiting for the organiser."))
    return RecordCorrection.objects.create(record=record, requested_by=user, old_minutes=record.minutes,
                                           new_minutes=minutes, reason=reason[:200])


def may_decide_record(user, record: ServiceRecord) -> bool:
    if record.activity_id:
        return may_organise(user, record.activity)
    return covers(user, record.area)


@transaction.atomic
def decide_correction(correction: RecordCorrection, user, *, accept: bool, note: str = "") -> RecordCorrection:
    record = (ServiceRecord.objects.select_for_update(of=("self",)).select_related("activity")
              .get(pk=correction.record_id))
    if not may_decide_record(user, record):
        raise ActivityError(_("Only the organiser can decide on a correction."))
    correction.refresh_from_db()
    if correction.status != RecordCorrection.Status.PENDING:
        raise ActivityError(_("This correction has already been decided."))
    note = (note or "").strip()
    if not accept and not note:
        raise ActivityError(_("Say why the correction is rejected."))
    if accept and record.activity_id and correction.new_minutes > record.activity.length_minutes:
        raise ActivityError(_("Service time cannot be longer than the activity (%(n)d minutes).")
                            % {"n": record.activity.length_minutes})
    correction.status = RecordCorrection.Status.ACCEPTED if accept else RecordCorrection.Status.REJECTED
    correction.decided_by, correction.decided_at, correction.decision_note = user, timezone.now(), note[:200]
    correction.save()
    if accept:
        record.minutes = correction.new_minutes
        record.correction_reason = (correction.reason if record.minutes != record.computed_minutes else "")[:200]
        record.save(update_fields=["minutes", "correction_reason"])
        _award(record)
    return correction


def visible_activities(user) -> QuerySet:
    return visible(Activity.objects.all(), user)


def visible_teams(user) -> QuerySet:
    return visible(Team.objects.all(), user)


def records_in_scope(user) -> QuerySet:
    return scoped(ServiceRecord.objects.all(), user)


def organised_q(user, prefix: str = "") -> Q:
    """Records (``prefix`` to reach the record) of activities the user organises, created or leads the team of."""
    q = Q(**{f"{prefix}activity__created_by_id": user.pk})
    if getattr(user, "person_id", None):
        led = TeamMembership.objects.filter(person_id=user.person_id, is_leader=True,
                                            status=TeamMembership.Status.MEMBER).values("team_id")
        q |= Q(**{f"{prefix}activity__organiser_id": user.person_id}) | Q(**{f"{prefix}activity__team_id__in": led})
    return q


def records_visible(user) -> QuerySet:
    """Records in scope, plus those of the activities the user organises (to confirm and correct them)."""
    scope = scope_for(user)
    qs = ServiceRecord.objects.all()
    if scope.everything:
        return qs
    return qs.filter(ServiceRecord.scope_q(scope) | organised_q(user))


def corrections_visible(user) -> QuerySet:
    scope = scope_for(user)
    qs = RecordCorrection.objects.all()
    if scope.everything:
        return qs
    return qs.filter(RecordCorrection.scope_q(scope) | organised_q(user, "record__"))
