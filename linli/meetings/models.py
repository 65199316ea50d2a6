"""Deliberation meetings (逢四说事, 小哥圆桌会, 联席会议, 党群议事会, 小区理事会 …): kinds, series, occurrences,
agendas, attendance, minutes with one outcome per item, motions and votes.

- A ``MeetingKind`` is configurable (admin); a ``Series`` is one body that meets (its host unit, place,
  members and recurrence); a ``Meeting`` is one occurrence, generated ahead from the recurrence
  (``scheduled_for`` keeps the recurrence's date, so moving a meeting never makes the generator add it again).
- An ``AgendaItem`` is a topic: proposed by anyone in scope, promoted from an open case, carried over from an
  earlier meeting (deferred) or escalated from a lower series.  The minutes give it a summary and exactly one
  outcome; an assigned or escalated item is tied to a case in the closed loop, whose live state is what
  accountability reports.
- ``ItemEvent`` is the append-only history of an item (proposed, promoted, outcome …); it is never edited.
- Every model says how it is scoped (``scope_q``): by the area code of the series' host unit, plus what the
  user takes part in (a member, an invited person, a member department).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from linli.cases.models import Case, Category
from linli.people.models import Person
from linli.places.models import Area, Department, PartnerUnit


def _new_secret() -> str:
    return secrets.token_hex(20)


class Recurrence(models.TextChoices):
    MONTHLY = "monthly", _("Monthly on a day of the month")
    WEEKLY = "weekly", _("Weekly on a weekday")
    AD_HOC = "ad_hoc", _("When called (ad hoc)")


class MeetingKind(models.Model):
    """A kind of meeting the platform knows (configurable in the admin; the demo seeds the article's five)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    description = models.CharField(_("description"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("meeting kind")
        verbose_name_plural = _("meeting kinds")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Series(models.Model):
    """A body that meets again and again: its kind, host unit, usual place, members and recurrence."""

    kind = models.ForeignKey(MeetingKind, models.PROTECT, related_name="series", verbose_name=_("kind"))
    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey(Area, models.PROTECT, related_name="meeting_series", verbose_name=_("host unit"))
    place = models.CharField(_("usual place"), max_length=200)
    recurrence = models.CharField(_("recurrence"), max_length=10, choices=Recurrence.choices,
                                  default=Recurrence.MONTHLY)
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Moved to the next working day when it falls on a weekend or a holiday."))
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(6)],
        help_text=_("0 is Monday, 6 is Sunday."))
    start_time = models.TimeField(_("starts at (local time)"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("length in minutes"), default=90, validators=[MinValueValidator(15), MaxValueValidator(600)])
    members = models.ManyToManyField(Person, blank=True, related_name="meeting_series", verbose_name=_("members"))
    departments = models.ManyToManyField(Department, blank=True, related_name="meeting_series",
                                         verbose_name=_("member departments"))
    partners = models.ManyToManyField(PartnerUnit, blank=True, related_name="meeting_series",
                                      verbose_name=_("partner units"))
    escalates_to = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="escalated_from",
                                     verbose_name=_("escalates to"),
                                     help_text=_("The higher body for what this one cannot solve."))
    quorum = models.PositiveSmallIntegerField(_("quorum for votes"), default=0,
                                              help_text=_("Members present needed for a vote; 0: a majority of "
                                                          "the members."))
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(recurrence="monthly") | Q(day_of_month__isnull=False),
                                   name="series_monthly_needs_day"),
            models.CheckConstraint(condition=~Q(recurrence="weekly") | Q(weekday__isnull=False),
                                   name="series_weekly_needs_weekday"),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope) -> Q:
        q = scope.area_q("area__code")
        if scope.person_id:
            q |= Q(pk__in=Series.members.through.objects.filter(person_id=scope.person_id).values("series_id"))
        if scope.department_ids:
            q |= Q(pk__in=Series.departments.through.objects.filter(department_id__in=scope.department_ids)
                   .values("series_id"))
        return q


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    """One occurrence of a series."""

    series = models.ForeignKey(Series, models.PROTECT, related_name="meetings", verbose_name=_("series"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="meetings", verbose_name=_("host unit"))
    title = models.CharField(_("title"), max_length=120)
    scheduled_for = models.DateField(_("date by the recurrence"), null=True, blank=True, editable=False)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices,
                              default=MeetingStatus.SCHEDULED)
    moved_reason = models.CharField(_("reason for moving"), max_length=200, blank=True)
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    secret = models.CharField(max_length=40, default=_new_secret, editable=False)
    held_at = models.DateTimeField(_("minutes closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "scheduled_for"], name="meeting_series_date"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["series", "starts_at"], name="meeting_series_start"),
            models.Index(fields=["starts_at", "id"], name="meeting_start_id"),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, scope) -> Q:
        q = scope.area_q("area__code") | Q(series__in=Series.objects.filter(Series.scope_q(scope)))
        if scope.person_id:
            q |= Q(pk__in=Attendance.objects.filter(person_id=scope.person_id).values("meeting_id"))
        return q


class ItemSource(models.TextChoices):
    PROPOSAL = "proposal", _("Proposed topic")
    CASE = "case", _("Open case")
    FREE = "free", _("Free item")
    DEFERRED = "deferred", _("Deferred from an earlier meeting")
    ESCALATED = "escalated", _("Escalated from another series")


class Outcome(models.TextChoices):
    SOLVED = "solved", _("Solved on the spot")
    ASSIGNED = "assigned", _("Assigned as a case")
    ESCALATED = "escalated", _("Escalated")
    DEFERRED = "deferred", _("Deferred to the next meeting")
    DECLINED = "declined", _("Not taken up")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="items", verbose_name=_("meeting"))
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("topic"), max_length=100)
    description = models.TextField(_("details"), max_length=2000, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=ItemSource.choices, default=ItemSource.FREE)
    raised_by = models.ForeignKey(Person, models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("raised by"))
    raised_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("raised by (account)"))
    area = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("where"), help_text=_("The grid or unit the topic is about."))
    category = models.ForeignKey(Category, models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("category"))
    case = models.ForeignKey(Case, models.SET_NULL, null=True, blank=True, related_name="meeting_items",
                             verbose_name=_("case"))
    carried_from = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="carried_to",
                                     verbose_name=_("carried from"))
    channel_ref = models.CharField(_("channel reference"), max_length=100, blank=True,
                                   help_text=_("e.g. the WeChat group and the sender's nickname; never shown publicly"))
    # The minutes: a summary and exactly one outcome, recorded once.
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True, db_index=True)
    outcome_note = models.TextField(_("what was done or decided"), max_length=2000, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    handler_level = models.CharField(_("handler level"), max_length=12, blank=True)
    handler_department = models.ForeignKey(Department, models.SET_NULL, null=True, blank=True, related_name="+",
                                           verbose_name=_("handling department"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "id"]
        indexes = [
            models.Index(fields=["meeting", "position"], name="item_meeting_position"),
            models.Index(fields=["outcome", "id"], name="item_outcome_id"),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, scope) -> Q:
        q = Q(meeting__in=Meeting.objects.filter(Meeting.scope_q(scope)))
        if scope.person_id:
            q |= Q(raised_by_id=scope.person_id)
        return q

    @property
    def tracked(self) -> bool:
        """An outcome that lives on in the case loop (and on the accountability pages)."""
        return self.outcome in (Outcome.ASSIGNED, Outcome.ESCALATED) and self.case_id is not None


ITEM_ACTIONS = {
    "proposed": _("Proposed"), "added": _("Put on the agenda"), "promoted": _("Case put on the agenda"),
    "outcome": _("Outcome recorded"), "moved": _("Moved with a cancelled meeting"),
    "deferred": _("Carried over (deferred)"), "escalated": _("Received (escalated)"),
}


class ItemEvent(models.Model):
    """One step of an item's life: append-only, never edited."""

    item = models.ForeignKey(AgendaItem, models.CASCADE, related_name="events", verbose_name=_("agenda item"))
    action = models.CharField(_("action"), max_length=20)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("by"))
    data = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("agenda item event")
        verbose_name_plural = _("agenda item events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.action}"

    @property
    def label(self) -> str:
        return str(ITEM_ACTIONS.get(self.action, self.action))


class Attendance(models.Model):
    """A person invited to or present at a meeting; signing in earns meeting points."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="attendances", verbose_name=_("meeting"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="meeting_attendances", verbose_name=_("person"))
    invited = models.BooleanField(_("invited"), default=False)
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)
    signed_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("signed in by"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["meeting", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once")]
        indexes = [models.Index(fields=["person", "meeting"], name="attendance_person")]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.person_id}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return Q(meeting__in=Meeting.objects.filter(Meeting.scope_q(scope)))


class VoteRule(models.TextChoices):
    SIMPLE = "simple", _("More for than against")
    MAJORITY = "majority", _("More than half of the members present")
    TWO_THIRDS = "two_thirds", _("Two thirds of the members present")


class MotionResult(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not passed")
    NO_QUORUM = "no_quorum", _("No quorum")


class Motion(models.Model):
    """A decision put to the vote of the members present (e.g. a 10-yuan monthly self-management fee)."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="motions", verbose_name=_("meeting"))
    item = models.ForeignKey(AgendaItem, models.SET_NULL, null=True, blank=True, related_name="motions",
                             verbose_name=_("agenda item"))
    text = models.CharField(_("motion"), max_length=300)
    rule = models.CharField(_("rule"), max_length=12, choices=VoteRule.choices, default=VoteRule.MAJORITY)
    quorum = models.PositiveSmallIntegerField(_("quorum"), default=1)
    # Cached when the vote is closed (the votes themselves stay).
    present = models.PositiveSmallIntegerField(_("members present"), default=0)
    votes_for = models.PositiveSmallIntegerField(_("for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("against"), default=0)
    abstentions = models.PositiveSmallIntegerField(_("abstain"), default=0)
    result = models.CharField(_("result"), max_length=10, choices=MotionResult.choices, blank=True)
    closed_at = models.DateTimeField(_("vote closed at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("put by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.text


class VoteChoice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class Vote(models.Model):
    """A member's vote: cast on their own phone (``own``, once, final) or recorded by the host for them."""

    motion = models.ForeignKey(Motion, models.CASCADE, related_name="votes", verbose_name=_("motion"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="+", verbose_name=_("member"))
    choice = models.CharField(_("vote"), max_length=8, choices=VoteChoice.choices)
    own = models.BooleanField(_("cast on the member's phone"), default=False)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["motion", "person"], name="vote_once")]

    def __str__(self) -> str:
        return f"{self.motion_id} {self.person_id} {self.choice}"


class CalendarToken(models.Model):
    """The secret in a user's personal calendar-feed URL; revoking it kills the old URL."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=_new_secret, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")
        indexes = [models.Index(fields=["user", "revoked_at"], name="caltoken_user")]

    def __str__(self) -> str:
        return f"{self.user_id}"


class OpinionDrive(models.Model):
    """An opinion drive (征集意见): a question put to the residents of an area for a while."""

    question = models.CharField(_("question"), max_length=300)
    area = models.ForeignKey(Area, models.PROTECT, related_name="opinion_drives", verbose_name=_("area"))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("opinion drive")
        verbose_name_plural = _("opinion drives")
        ordering = ["-opens_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="drive_closes_after")]

    def __str__(self) -> str:
        return self.question

    @classmethod
    def scope_q(cls, scope) -> Q:
        return scope.area_q("area__code")


class Opinion(models.Model):
    """One resident's answer to a drive; staff turn it into a case or a meeting topic in one step."""

    drive = models.ForeignKey(OpinionDrive, models.CASCADE, related_name="opinions", verbose_name=_("opinion drive"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="opinions", verbose_name=_("resident"))
    text = models.TextField(_("opinion"), max_length=1000)
    case = models.ForeignKey(Case, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("case"))
    item = models.ForeignKey(AgendaItem, models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("agenda item"))
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("handled by"))
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("given at"), auto_now_add=True)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["drive", "id"]
        constraints = [models.UniqueConstraint(fields=["drive", "person"], name="opinion_once_per_drive")]

    def __str__(self) -> str:
        return self.text[:40]

    @classmethod
    def scope_q(cls, scope) -> Q:
        q = Q(drive__in=OpinionDrive.objects.filter(OpinionDrive.scope_q(scope)))
        if scope.person_id:
            q |= Q(person_id=scope.person_id)
        return q
