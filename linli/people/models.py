"""People and the two ledgers (两本台账).

The basic-information ledger (基础信息台账) is the ``Person`` record; the contribution ledger
(发挥作用台账) is ``ContributionEntry``.  Every change to a person, a role, a worker profile or a
party record is kept by django-simple-history and shown on the person page.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from linli.core import roles
from linli.core.identifiers import mask_id_number, mask_mobile, validate_id_number, validate_mobile
from linli.places.models import Area, AreaLevel, Building, Department, Household, PartnerUnit, PartyOrg


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Person(models.Model):
    name = models.CharField(_("name"), max_length=50, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True, db_index=True)
    id_number = models.CharField(_("ID-card number"), max_length=18, null=True, blank=True, unique=True,
                                 validators=[validate_id_number])
    mobile = models.CharField(_("mobile number"), max_length=11, blank=True, db_index=True,
                              validators=[validate_mobile])
    household = models.ForeignKey(Household, models.SET_NULL, null=True, blank=True, related_name="members",
                                  verbose_name=_("household"))
    # The finest administrative unit the person belongs to (their household's grid, or the
    # community/street a worker is registered with).  Every scope filter on people uses it.
    area = models.ForeignKey(Area, models.PROTECT, related_name="people", verbose_name=_("area"))
    # Search helpers: the last four characters, indexed, so "search by ID suffix" needs no scan.
    id_suffix = models.CharField(max_length=4, blank=True, db_index=True, editable=False)
    mobile_suffix = models.CharField(max_length=4, blank=True, db_index=True, editable=False)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["id_suffix", "mobile_suffix", "updated_at"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["id"]
        indexes = [models.Index(fields=["area", "id"], name="person_area_id")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.id_number == "":
            self.id_number = None
        self.id_suffix = (self.id_number or "")[-4:]
        self.mobile_suffix = (self.mobile or "")[-4:]
        if self.household_id and not self.area_id and self.household is not None:
            self.area_id = self.household.grid_id
        super().save(*args, **kwargs)

    @classmethod
    def scope_q(cls, scope) -> Q:
        """People registered under the scope's areas, colleagues of its department or shop, and oneself."""
        q = scope.area_q("area__code")
        if scope.department_ids:
            q |= Q(pk__in=RoleAssignment.objects.current().filter(department_id__in=scope.department_ids)
                   .values("person_id"))
        if scope.partner_ids:
            q |= Q(pk__in=RoleAssignment.objects.current().filter(partner_id__in=scope.partner_ids)
                   .values("person_id"))
        if scope.person_id:
            q |= Q(pk=scope.person_id)
        return q

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = timezone.localdate()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number or "")

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)


class Occupation(models.TextChoices):
    FOOD_DELIVERY = "food_delivery", _("Food delivery rider")
    COURIER = "courier", _("Courier")
    RIDE_HAILING = "ride_hailing", _("Ride-hailing driver")
    OTHER = "other", _("Other")


class WorkerProfile(models.Model):
    """新就业群体: a delivery rider, courier or ride-hailing driver."""

    person = models.OneToOneField(Person, models.CASCADE, related_name="worker", verbose_name=_("person"))
    occupation = models.CharField(_("occupation"), max_length=20, choices=Occupation.choices, db_index=True)
    platform = models.CharField(_("platform"), max_length=50, blank=True, help_text=_("e.g. Meituan, Ele.me"))
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    work_grids = models.ManyToManyField(Area, blank=True, related_name="workers", verbose_name=_("work area"),
                                        limit_choices_to={"level": AreaLevel.GRID})
    injury_protection = models.BooleanField(_("occupational-injury protection"), default=False)
    education_upgrade = models.CharField(_("education upgrade"), max_length=100, blank=True)
    education_funded = models.BooleanField(_("education upgrade funded"), default=False)
    registered_on = models.DateField(_("registered on"), default=dt.date.today)
    # On file in the 先锋骑士 points scheme (积分制度建档); the points ledger itself comes with volunteering.
    in_points_scheme = models.BooleanField(_("in the points scheme"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("new-employment worker")
        verbose_name_plural = _("new-employment workers")

    def __str__(self) -> str:
        return f"{self.person.name} ({self.get_occupation_display()})"


class TrainingKind(models.TextChoices):
    TRAINING = "training", _("Training")
    CERTIFICATION = "certification", _("Skills certification")
    EDUCATION = "education", _("Education")


class Training(models.Model):
    person = models.ForeignKey(Person, models.CASCADE, related_name="trainings", verbose_name=_("person"))
    kind = models.CharField(_("kind"), max_length=20, choices=TrainingKind.choices)
    title = models.CharField(_("title"), max_length=100)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    funded = models.BooleanField(_("funded"), default=False)

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-completed_on", "id"]

    def __str__(self) -> str:
        return self.title


class PartyStage(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ACTIVIST = "activist", _("Activist")
    TARGET = "target", _("Development target")
    PROBATIONARY = "probationary", _("Probationary member")
    MEMBER = "member", _("Full member")


RESERVE_STAGES = (PartyStage.APPLICANT, PartyStage.ACTIVIST, PartyStage.TARGET)


class PartyRecord(models.Model):
    """A person's place in the party pipeline, with the date of each step."""

    person = models.OneToOneField(Person, models.CASCADE, related_name="party", verbose_name=_("person"))
    stage = models.CharField(_("stage"), max_length=20, choices=PartyStage.choices, db_index=True)
    org = models.ForeignKey(PartyOrg, models.SET_NULL, null=True, blank=True, related_name="members",
                            verbose_name=_("party organisation"))
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    activist_on = models.DateField(_("activist since"), null=True, blank=True)
    target_on = models.DateField(_("development target since"), null=True, blank=True)
    probationary_on = models.DateField(_("probationary since"), null=True, blank=True)
    member_on = models.DateField(_("full member since"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party record")
        verbose_name_plural = _("party records")

    def __str__(self) -> str:
        return f"{self.person.name}: {self.get_stage_display()}"


class Role(models.TextChoices):
    GRID_WORKER = roles.GRID_WORKER, _("Full-time grid worker")
    PART_TIME_GRID_MEMBER = roles.PART_TIME_GRID_MEMBER, _("Part-time grid member")
    GUIDING_GRID_MEMBER = roles.GUIDING_GRID_MEMBER, _("Guiding grid member")
    BUILDING_HEAD = roles.BUILDING_HEAD, _("Building head")
    RED_BUILDING_HEAD = roles.RED_BUILDING_HEAD, _("Red building head")
    POLICY_PUBLICIST = roles.POLICY_PUBLICIST, _("Policy publicist")
    DISPUTE_MEDIATOR = roles.DISPUTE_MEDIATOR, _("Dispute mediator")
    ENVIRONMENT_MANAGER = roles.ENVIRONMENT_MANAGER, _("Environment manager")
    OPINION_COLLECTOR = roles.OPINION_COLLECTOR, _("Opinion collector")
    COUNCIL_CHAIR = roles.COUNCIL_CHAIR, _("Residents' council chair")
    COUNCIL_MEMBER = roles.COUNCIL_MEMBER, _("Residents' council member")
    BUILDING_GUARDIAN = roles.BUILDING_GUARDIAN, _("Building guardian")
    VOLUNTEER = roles.VOLUNTEER, _("Volunteer")
    ERRAND_AGENT = roles.ERRAND_AGENT, _("Errand agent")
    HOTLINE_DUTY = roles.HOTLINE_DUTY, _("Hotline duty")
    DEPARTMENT_HANDLER = roles.DEPARTMENT_HANDLER, _("Department handler")
    COMMUNITY_STAFF = roles.COMMUNITY_STAFF, _("Community staff")
    STREET_STAFF = roles.STREET_STAFF, _("Street staff")
    DISTRICT_ADMIN = roles.DISTRICT_ADMIN, _("District administrator")
    SPONSOR_STAFF = roles.SPONSOR_STAFF, _("Sponsor-shop staff")
    CARE_WORKER = roles.CARE_WORKER, _("Care worker")


class RoleAssignmentQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None) -> RoleAssignmentQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(starts_on__lte=on), Q(ends_on__isnull=True) | Q(ends_on__gte=on))


class RoleAssignment(models.Model):
    """A role a person holds for a term, tied to the unit it is held in."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="roles", verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, db_index=True)
    area = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="role_assignments",
                             verbose_name=_("area"))
    building = models.ForeignKey(Building, models.PROTECT, null=True, blank=True, related_name="roles",
                                 verbose_name=_("building"))
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="roles",
                                   verbose_name=_("department"))
    partner = models.ForeignKey(PartnerUnit, models.PROTECT, null=True, blank=True, related_name="roles",
                                verbose_name=_("partner unit"))
    starts_on = models.DateField(_("term starts"), default=dt.date.today)
    ends_on = models.DateField(_("term ends"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()
    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["person", "role", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="role_term_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        unit = self.area or self.building or self.department or self.partner
        return f"{self.person.name}: {self.get_role_display()} ({unit})"

    @property
    def unit(self):
        return self.area or self.building or self.department or self.partner


class ContributionEntry(models.Model):
    """One dated line of the contribution ledger (发挥作用台账)."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by staff")
        CASE = "case", _("Case")
        VOLUNTEERING = "volunteering", _("Volunteering")
        MEETING = "meeting", _("Meeting")

    person = models.ForeignKey(Person, models.CASCADE, related_name="contributions", verbose_name=_("person"))
    date = models.DateField(_("date"), default=dt.date.today)
    what = models.CharField(_("what they did"), max_length=200)
    area = models.ForeignKey(Area, models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("where"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    source_ref = models.CharField(_("source reference"), max_length=50, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("verified by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contribution entry")
        verbose_name_plural = _("contribution ledger")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["person", "-date"], name="contribution_person_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.person.name}: {self.what}"


class UnmaskLog(models.Model):
    """Who saw whose full ID-card or mobile number, when and why (PIPL access log)."""

    class Field(models.TextChoices):
        ID_NUMBER = "id_number", _("ID-card number")
        MOBILE = "mobile", _("mobile number")
        HEALTH_NOTES = "health_notes", _("health notes")  # care recipients' health notes (care app)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("user"))
    person = models.ForeignKey(Person, models.CASCADE, related_name="unmask_logs", verbose_name=_("person"))
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    reason = models.CharField(_("reason"), max_length=200)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("unmask log entry")
        verbose_name_plural = _("unmask log")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} → {self.person} ({self.field})"
