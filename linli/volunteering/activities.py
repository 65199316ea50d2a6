"""Activities: sign-ups with a waiting list, on-site check-in by a rotating code, hours and records.
``ActivityError`` is the refusal of every volunteering service; teams are in ``teams``, who may do what in
``access``.

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
import struct
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.people.models import Person
from linli.places.geo import distance_m
from linli.points import earning

from .access import may_decide_record, may_organise
from .models import Activity, RecordCorrection, ServiceRecord, SignUp

CODE_WINDOW_SECONDS = 60
CHECKIN_MARGIN = dt.timedelta(minutes=30)
CHECKIN_RADIUS_M = 300
QUARTER_SECONDS = 15 * 60


class ActivityError(ValidationError):
    """A refused action, with a message for the user."""


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
    activity = record.activity if record.activity_id else None
    if accept and activity is not None and correction.new_minutes > activity.length_minutes:
        raise ActivityError(_("Service time cannot be longer than the activity (%(n)d minutes).")
                            % {"n": activity.length_minutes})
    correction.status = RecordCorrection.Status.ACCEPTED if accept else RecordCorrection.Status.REJECTED
    correction.decided_by, correction.decided_at, correction.decision_note = user, timezone.now(), note[:200]
    correction.save()
    if accept:
        record.minutes = correction.new_minutes
        record.correction_reason = (correction.reason if record.minutes != record.computed_minutes else "")[:200]
        record.save(update_fields=["minutes", "correction_reason"])
        _award(record)
    return correction


