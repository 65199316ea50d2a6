"""Volunteer teams, activities and sign-ups, service records and certificates, micro-wishes, honours, pledges.

Service records follow the Ministry of Civil Affairs rules (志愿服务记录与证明出具办法, 2021): each holds the
volunteer, the service content, place, time, hours, the organiser and who recorded it; hours are kept in
whole minutes (quarter hours) and a correction never overwrites the computed value silently: the computed
minutes stay on the record, the confirmed minutes beside them with the reason, and every later change is a
``RecordCorrection`` row.  Every model says how it is scoped (``scope_q``) by the area code it belongs to.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.people.models import Person
from linli.places.models import Area, PartnerUnit, ServiceStation

__all__ = [
    "Activity", "Certificate", "Honour", "Pledge", "PledgeFollowUp", "RecordCorrection", "ServiceRecord",
    "SignUp", "Team", "TeamMembership", "Wish",
]


def _new_secret() -> str:
    return secrets.token_hex(20)


class Team(models.Model):
    """A volunteer team (先锋骑士, 红灯笼, a retirees' team …) hosted by an area's office."""

    class Kind(models.TextChoices):
        NEW_EMPLOYMENT = "new_employment", _("New-employment workers")
        PARTY = "party", _("Party members")
        RETIREES = "retirees", _("Retirees")
        RESIDENTS = "residents", pgettext_lazy("team kind", "Residents")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.RESIDENTS)
    area = models.ForeignKey(Area, models.PROTECT, related_name="volunteer_teams", verbose_name=_("host unit"))
    description = models.TextField(_("description"), blank=True, max_length=2000)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope) -> Q:
        q = scope.area_q("area__code")
        if scope.person_id:
            q |= Q(pk__in=TeamMembership.objects.filter(person_id=scope.person_id).values("team_id"))
        return q


class TeamMembership(models.Model):
    """A person's place in a team: a request, then member (or leader), declined or left; history is kept."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for the leader's approval")
        MEMBER = "member", _("Member")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left the team")

    team = models.ForeignKey(Team, models.CASCADE, related_name="memberships", verbose_name=_("team"))
    person = models.ForeignKey(Person, models.CASCADE, related_name="team_memberships", verbose_name=_("person"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    is_leader = models.BooleanField(_("leader"), default=False)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["team", "-is_leader", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "person"], condition=Q(status__in=["requested", "member"]),
                                    name="one_open_membership_per_team"),
        ]
        indexes = [models.Index(fields=["team", "status", "id"], name="membership_team_status")]

    def __str__(self) -> str:
        return f"{self.team} · {self.person}"


class Activity(models.Model):
    """A volunteer activity at a place and time, with a capacity and an organiser."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("Volunteer service")
        STUDY = "study", _("Party study (三会一课, party day)")
        FESTIVAL = "festival", _("Festival activity")
        VISIT = "visit", _("Visit to residents")
        STATION = "station", _("Party-mass service station activity")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SERVICE)
    description = models.TextField(_("service content"), max_length=2000, blank=True)
    area = models.ForeignKey(Area, models.PROTECT, related_name="volunteer_activities", verbose_name=_("host unit"))
    place = models.CharField(_("place"), max_length=200)
    lat = models.FloatField(_("latitude"), null=True, blank=True,
                            validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lng = models.FloatField(_("longitude"), null=True, blank=True,
                            validators=[MinValueValidator(-180), MaxValueValidator(180)])
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1), MaxValueValidator(10_000)])
    participants = models.PositiveIntegerField(
        _("person-times taking part"), default=0,
        help_text=_("Residents who took part or were served, counted by the organiser (signed-up or not)."))
    team = models.ForeignKey(Team, models.PROTECT, null=True, blank=True, related_name="activities",
                             verbose_name=_("organising team"))
    # A service activity held at a station of the 15-minute service circle (free clinics, parent-child days):
    # the station's page lists it.
    station = models.ForeignKey(ServiceStation, models.SET_NULL, null=True, blank=True, related_name="activities",
                                verbose_name=_("service station"))
    organiser = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="organised_activities",
                                  verbose_name=_("organiser"))
    secret = models.CharField(max_length=40, default=_new_secret, editable=False)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="activity_ends_after_start"),
        ]
        indexes = [models.Index(fields=["starts_at", "id"], name="activity_start_id")]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, scope) -> Q:
        q = scope.area_q("area__code")
        if scope.person_id:
            q |= Q(organiser_id=scope.person_id)
            q |= Q(pk__in=SignUp.objects.filter(person_id=scope.person_id).values("activity_id"))
        return q

    @property
    def organiser_name(self) -> str:
        if self.team is not None:
            return self.team.name
        if self.organiser is not None:
            return self.organiser.name
        return self.area.name

    @property
    def length_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class SignUp(models.Model):
    """A volunteer's place on an activity (or on its waiting list), with check-in and check-out."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Signed up")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="signups", verbose_name=_("activity"))
    person = models.ForeignKey(Person, models.CASCADE, related_name="activity_signups", verbose_name=_("volunteer"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("moved up from the waiting list at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    check_in_lat = models.FloatField(null=True, blank=True)
    check_in_lng = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["activity", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], condition=~Q(status="cancelled"),
                                    name="one_signup_per_activity"),
        ]
        indexes = [models.Index(fields=["activity", "status", "id"], name="signup_activity_status")]

    def __str__(self) -> str:
        return f"{self.activity} · {self.person}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return scope.area_or_own_q("activity__area__code", "person_id")


class ServiceRecord(models.Model):
    """One volunteer service record (志愿服务记录): who, what, where, when, how long, organised and recorded by whom."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the organiser's confirmation")
        CONFIRMED = "confirmed", _("Confirmed")

    volunteer = models.ForeignKey(Person, models.PROTECT, related_name="service_records", verbose_name=_("volunteer"))
    activity = models.ForeignKey(Activity, models.PROTECT, null=True, blank=True, related_name="records",
                                 verbose_name=_("activity"))
    signup = models.OneToOneField(SignUp, models.PROTECT, null=True, blank=True, related_name="record",
                                  verbose_name=_("sign-up"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("host unit"))
    content = models.CharField(_("service content"), max_length=300)
    place = models.CharField(_("place"), max_length=200)
    started_at = models.DateTimeField(_("service started"))
    ended_at = models.DateTimeField(_("service ended"))
    computed_minutes = models.PositiveIntegerField(_("computed service time (minutes)"), default=0)
    minutes = models.PositiveIntegerField(_("service time (minutes)"), validators=[MaxValueValidator(24 * 60)])
    correction_reason = models.CharField(_("reason for the correction"), max_length=200, blank=True)
    organiser_name = models.CharField(_("organiser"), max_length=100)
    team = models.ForeignKey(Team, models.SET_NULL, null=True, blank=True, related_name="records",
                             verbose_name=_("organising team"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ended_at__gte=F("started_at")), name="record_ends_after_start"),
            models.CheckConstraint(condition=Q(minutes=F("computed_minutes")) | ~Q(correction_reason=""),
                                   name="record_correction_has_reason"),
        ]
        indexes = [
            models.Index(fields=["volunteer", "status", "started_at"], name="record_volunteer_time"),
            models.Index(fields=["area", "id"], name="record_area_id"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.content}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return scope.area_or_own_q("area__code", "volunteer_id")

    @property
    def hours(self) -> Decimal:
        """Confirmed hours (quarter hours, exact)."""
        return Decimal(self.minutes) / Decimal(60)

    @property
    def person(self) -> Person:
        """The volunteer (the name the points rules read)."""
        return self.volunteer


class RecordCorrection(models.Model):
    """A volunteer's request to correct a record, and the organiser's decision (the old value is kept)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the organiser")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    record = models.ForeignKey(ServiceRecord, models.CASCADE, related_name="corrections", verbose_name=_("record"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    old_minutes = models.PositiveIntegerField(_("recorded minutes"))
    new_minutes = models.PositiveIntegerField(_("requested minutes"), validators=[MaxValueValidator(24 * 60)])
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("record correction")
        verbose_name_plural = _("record corrections")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["record"], condition=Q(status="pending"),
                                    name="one_pending_correction_per_record"),
        ]

    def __str__(self) -> str:
        return f"{self.record}: {self.old_minutes} → {self.new_minutes}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return scope.area_or_own_q("record__area__code", "record__volunteer_id")


class Certificate(models.Model):
    """A volunteer service certificate (志愿服务证明) for a period, with a unique number that can be verified."""

    number = models.CharField(_("certificate number"), max_length=20, unique=True)
    volunteer = models.ForeignKey(Person, models.PROTECT, related_name="service_certificates",
                                  verbose_name=_("volunteer"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("issuing unit"))
    issuer_name = models.CharField(_("issuing organisation"), max_length=100)
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    total_minutes = models.PositiveIntegerField(_("total service time (minutes)"))
    records = models.ManyToManyField(ServiceRecord, related_name="certificates", verbose_name=_("records"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service certificate")
        verbose_name_plural = _("service certificates")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_to__gte=F("period_from")), name="certificate_period"),
        ]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def scope_q(cls, scope) -> Q:
        return scope.area_or_own_q("area__code", "volunteer_id")


def wish_photo_path(instance, filename: str) -> str:
    return f"wishes/{secrets.token_hex(16)}.jpg"


class Wish(models.Model):
    """A micro-wish (微心愿): posted, approved by staff, claimed, fulfilled with a photo, confirmed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Open to claim")
        CLAIMED = "claimed", _("Claimed")
        FULFILLED = "fulfilled", _("Fulfilled, waiting for confirmation")
        CONFIRMED = "confirmed", _("Fulfilled and confirmed")
        REJECTED = "rejected", _("Not approved")

    title = models.CharField(_("wish"), max_length=60, help_text=_("Shown on the public wish wall: no names."))
    description = models.TextField(_("details"), max_length=1000, blank=True)
    area = models.ForeignKey(Area, models.PROTECT, related_name="wishes", verbose_name=_("area"))
    wisher = models.ForeignKey(Person, models.PROTECT, related_name="wishes", verbose_name=_("wisher"))
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("posted by"))
    by_phone = models.BooleanField(_("taken by phone"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    claimed_by = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="claimed_wishes",
                                   verbose_name=_("claimed by"))
    claimed_partner = models.ForeignKey(PartnerUnit, models.PROTECT, null=True, blank=True,
                                        related_name="claimed_wishes", verbose_name=_("claimed by unit"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    photo = models.ImageField(_("photo"), upload_to=wish_photo_path, blank=True)
    fulfil_note = models.CharField(_("what was done"), max_length=200, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    reject_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("micro-wish")
        verbose_name_plural = _("micro-wishes")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "id"], name="wish_status_id"),
            models.Index(fields=["area", "id"], name="wish_area_id"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def fulfiller(self) -> Person | None:
        """The person who earns the points (none when a partner unit fulfilled it)."""
        return self.claimed_by

    @classmethod
    def scope_q(cls, scope) -> Q:
        q = scope.area_q("area__code")
        if scope.person_id:
            q |= Q(wisher_id=scope.person_id) | Q(claimed_by_id=scope.person_id)
        if scope.partner_ids:
            q |= Q(claimed_partner_id__in=scope.partner_ids)
        return q


class Honour(models.Model):
    """An honour a person received (最美新就业群体 …), at street, district or city level."""

    class Level(models.TextChoices):
        STREET = "street", _("Street level")
        DISTRICT = "district", _("District level")
        CITY = "city", _("City level")

    person = models.ForeignKey(Person, models.CASCADE, related_name="honours", verbose_name=_("person"))
    title = models.CharField(_("honour"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    awarded_on = models.DateField(_("awarded on"))
    awarded_by = models.CharField(_("awarded by"), max_length=100, blank=True)
    citation = models.TextField(_("citation"), max_length=1000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-awarded_on", "-id"]
        indexes = [models.Index(fields=["person", "-awarded_on"], name="honour_person_date")]

    def __str__(self) -> str:
        return f"{self.person} · {self.title}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return scope.area_or_own_q("person__area__code", "person_id")


class Pledge(models.Model):
    """A party member's pledge (承诺践诺) and where it stands; the dated follow-ups tell the story."""

    class Status(models.TextChoices):
        PLEDGED = "pledged", _("Pledged")
        IN_PROGRESS = "in_progress", _("In progress")
        FULFILLED = "fulfilled", _("Fulfilled")
        ABANDONED = "abandoned", _("Abandoned")

    person = models.ForeignKey(Person, models.CASCADE, related_name="pledges", verbose_name=_("party member"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="pledges", verbose_name=_("area"))
    text = models.CharField(_("pledge"), max_length=300)
    pledged_on = models.DateField(_("pledged on"))
    due_on = models.DateField(_("to be done by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLEDGED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-id"]
        indexes = [models.Index(fields=["area", "status", "id"], name="pledge_area_status")]

    def __str__(self) -> str:
        return f"{self.person} · {self.text}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return scope.area_or_own_q("area__code", "person_id")


class PledgeFollowUp(models.Model):
    pledge = models.ForeignKey(Pledge, models.CASCADE, related_name="follow_ups", verbose_name=_("pledge"))
    date = models.DateField(_("date"))
    note = models.CharField(_("follow-up"), max_length=300)
    status = models.CharField(_("status after"), max_length=12, choices=Pledge.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                           verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pledge follow-up")
        verbose_name_plural = _("pledge follow-ups")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.note}"
