"""Care: elderly people on a visit plan, the filial hotline (微孝热线), errands (便民代办), the six helps (六助).

A care recipient is a ``people.Person`` (never a copy) with care categories, a risk level and its reason,
emergency contacts and a family doctor; the address is their household's.  Health notes are a separate,
append-only table that only care roles and the recipient's grid worker may read, every reading written
to the people app's access log (``UnmaskLog``, field "health_notes").

Visits are planned by pairs (``CarePair``: a volunteer and/or a team ↔ a recipient).  Each pair's plan is
a series of ``VisitDue`` rows: one per calendar period of the recipient's risk level (high: ISO week,
priority: month, ordinary: quarter) and one per alert that staff declare for an area (a visit within 24
hours).  A visit meets every open due of the recipient; the background worker flags dues that are close
and those missed.  Visit rates are counts over ``VisitDue`` (indexed), never Python loops over visits.

Scope: every row is scoped by the area of the person it serves (``area`` denormalised, an indexed code
range), plus what the user does themselves (their own pairs' recipients, the errands sent to them).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.identifiers import mask_mobile
from linli.core.money import yuan_cents
from linli.people.models import Person
from linli.places.models import Area, Department, PartnerUnit

MAX_FEN = 10_000_000  # 100,000 yuan: more than any errand or service should handle


class CareCategory(models.TextChoices):
    SOLITARY = "solitary", _("Living alone")
    EMPTY_NEST = "empty_nest", _("Empty-nest")
    DISABLED = "disabled", _("Disabled")
    AGED_80 = "aged_80", _("Aged 80 or over")
    SPECIAL_DIFFICULTY = "special_difficulty", _("In special difficulty")


class Risk(models.TextChoices):
    HIGH = "high", _("High risk: visit every week")
    PRIORITY = "priority", _("Priority: visit every month")
    ORDINARY = "ordinary", _("Ordinary: visit every quarter")


class Cadence(models.TextChoices):
    WEEK = "week", _("Weekly")
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    ALERT = "alert", _("Within 24 hours of an alert")


CADENCE_OF_RISK: dict[str, str] = {Risk.HIGH: Cadence.WEEK, Risk.PRIORITY: Cadence.MONTH,
                                   Risk.ORDINARY: Cadence.QUARTER}


def _person_scope_q(scope, prefix: str) -> Q:
    """Rows of a person (through ``prefix``) in the scope's areas, plus the user's own."""
    q = scope.area_q("area__code")
    if scope.person_id:
        q |= Q(**{prefix: scope.person_id})
    return q


class CareRecipient(models.Model):
    person = models.OneToOneField(Person, models.PROTECT, related_name="care", verbose_name=_("person"))
    # The person's area when they were registered or last edited: the scope key (a code range, indexed).
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("area"))
    categories = models.JSONField(_("care categories"), default=list)
    risk = models.CharField(_("risk level"), max_length=10, choices=Risk.choices, default=Risk.ORDINARY,
                            db_index=True)
    risk_reason = models.CharField(_("reason for the risk level"), max_length=200)
    family_doctor = models.CharField(_("family doctor"), max_length=50, blank=True)
    doctor_institution = models.CharField(_("family doctor's clinic"), max_length=100, blank=True)
    doctor_phone = models.CharField(_("family doctor's phone"), max_length=20, blank=True)
    active = models.BooleanField(_("on the care list"), default=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("registered by"))
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("care recipient")
        verbose_name_plural = _("care recipients")
        ordering = ["-id"]
        indexes = [models.Index(fields=["area", "id"], name="care_recipient_area_id")]

    def __str__(self) -> str:
        return self.person.name

    @classmethod
    def scope_q(cls, scope) -> Q:
        q = _person_scope_q(scope, "person_id")
        if scope.person_id:  # a carer sees the recipients they or their team are paired with
            q |= Q(pk__in=CarePair.objects.active().mine_q_ids(scope.person_id))
        return q

    def category_labels(self) -> list[str]:
        labels = dict(CareCategory.choices)
        return [str(labels[c]) for c in self.categories if c in labels]

    @property
    def cadence(self) -> str:
        return CADENCE_OF_RISK[self.risk]


class EmergencyContact(models.Model):
    recipient = models.ForeignKey(CareRecipient, models.CASCADE, related_name="contacts",
                                  verbose_name=_("care recipient"))
    name = models.CharField(_("name"), max_length=50)
    relation = models.CharField(_("relation"), max_length=20)
    phone = models.CharField(_("phone"), max_length=20)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("emergency contact")
        verbose_name_plural = _("emergency contacts")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone) if len(self.phone) == 11 else self.phone[:3] + "****"


class HealthNote(models.Model):
    """One dated line of a recipient's health file (append-only; read through ``services.reveal_health``)."""

    recipient = models.ForeignKey(CareRecipient, models.CASCADE, related_name="health_notes",
                                  verbose_name=_("care recipient"))
    text = models.TextField(_("health note"), max_length=1000)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("written by"))
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("health notes")
        verbose_name_plural = _("health notes")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.at:%Y-%m-%d}"


class CarePairQuerySet(models.QuerySet):
    def active(self) -> CarePairQuerySet:
        return self.filter(ends_on__isnull=True)

    def mine_q_ids(self, person_id: int):
        """Recipient ids of the pairs ``person_id`` is the carer of, or whose team they belong to."""
        from linli.volunteering.models import TeamMembership

        teams = TeamMembership.objects.filter(person_id=person_id, status=TeamMembership.Status.MEMBER)
        return self.filter(Q(carer_id=person_id) | Q(team_id__in=teams.values("team_id"))).values("recipient_id")


class CarePair(models.Model):
    """结对: a volunteer (and/or their team) who owns the visit plan of a recipient."""

    recipient = models.ForeignKey(CareRecipient, models.CASCADE, related_name="pairs",
                                  verbose_name=_("care recipient"))
    carer = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="care_pairs",
                              verbose_name=_("carer"))
    team = models.ForeignKey("volunteering.Team", models.PROTECT, null=True, blank=True, related_name="care_pairs",
                             verbose_name=_("team"))
    starts_on = models.DateField(_("paired since"))
    ends_on = models.DateField(_("pair ended"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    objects = CarePairQuerySet.as_manager()

    class Meta:
        verbose_name = _("care pair")
        verbose_name_plural = _("care pairs")
        ordering = ["recipient", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(carer__isnull=False) | Q(team__isnull=False),
                                   name="care_pair_has_carer_or_team"),
        ]
        indexes = [models.Index(fields=["carer", "ends_on"], name="care_pair_carer")]

    def __str__(self) -> str:
        who = self.carer.name if self.carer is not None else self.team.name if self.team is not None else ""
        return f"{who} ↔ {self.recipient.person.name}"


class Alert(models.Model):
    """An alert for an area (heat wave, cold snap, outage): every recipient there needs a visit within 24 h."""

    class Kind(models.TextChoices):
        HEAT = "heat", _("Heat wave")
        COLD = "cold", _("Cold snap")
        OUTAGE = "outage", _("Power or water outage")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("area"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("declared at"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("declared by"))

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.area.name}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return scope.area_q("area__code")


class Visit(models.Model):
    """One visit (in person or by phone), with the data points of electronic visit verification."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("By phone")

    class Level(models.TextChoices):
        GOOD = "good", _("Good")
        FAIR = "fair", _("Fair")
        POOR = "poor", _("Poor")

    class Outcome(models.TextChoices):
        OK = "ok", _("All well")
        FOLLOW_UP = "follow_up", _("Needs a follow-up")
        PROBLEM = "problem", _("A problem was found")

    recipient = models.ForeignKey(CareRecipient, models.PROTECT, related_name="visits",
                                  verbose_name=_("care recipient"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("area"))
    carer = models.ForeignKey(Person, models.PROTECT, related_name="care_visits", verbose_name=_("carer"))
    team = models.ForeignKey("volunteering.Team", models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("team"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    service_type = models.CharField(_("service type"), max_length=40, default="home_visit")
    started_at = models.DateTimeField(_("started at"), db_index=True)
    ended_at = models.DateTimeField(_("ended at"))
    lat = models.FloatField(_("latitude"), null=True, blank=True,
                            validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lng = models.FloatField(_("longitude"), null=True, blank=True,
                            validators=[MinValueValidator(-180), MaxValueValidator(180)])
    health = models.CharField(_("health"), max_length=6, choices=Level.choices, default=Level.GOOD)
    home_safety = models.CharField(_("home safety"), max_length=6, choices=Level.choices, default=Level.GOOD)
    mood = models.CharField(_("mood"), max_length=6, choices=Level.choices, default=Level.GOOD)
    needs = models.CharField(_("needs found"), max_length=300, blank=True)
    findings = models.CharField(_("what was found"), max_length=500, blank=True)
    follow_up = models.CharField(_("follow-up"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OK)
    # The need found, turned into a case, an errand (``Errand.visit``) or a micro-wish in one step.
    case = models.ForeignKey("cases.Case", models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("case"))
    wish = models.ForeignKey("volunteering.Wish", models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("micro-wish"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["area", "id"], name="care_visit_area_id"),
            models.Index(fields=["recipient", "-started_at"], name="care_visit_recipient"),
            models.Index(fields=["carer", "-started_at"], name="care_visit_carer"),
        ]
        constraints = [models.CheckConstraint(condition=Q(ended_at__gte=models.F("started_at")),
                                              name="care_visit_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d} {self.recipient_id}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        q = _person_scope_q(scope, "carer_id")
        if scope.person_id:
            q |= Q(recipient__person_id=scope.person_id) | Q(recipient_id__in=CarePair.objects.active().mine_q_ids(
                scope.person_id))
        return q

    @property
    def minutes(self) -> int:
        return int((self.ended_at - self.started_at).total_seconds() // 60)


class VisitDue(models.Model):
    """One visit a recipient is owed: a calendar period of their plan, or the 24 hours after an alert."""

    # The pair that owned the plan when the due was made (none: the grid worker's own responsibility).
    pair = models.ForeignKey(CarePair, models.SET_NULL, null=True, blank=True, related_name="dues",
                             verbose_name=_("care pair"))
    recipient = models.ForeignKey(CareRecipient, models.CASCADE, related_name="dues",
                                  verbose_name=_("care recipient"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("area"))
    team = models.ForeignKey("volunteering.Team", models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("team"))
    cadence = models.CharField(_("cadence"), max_length=10, choices=Cadence.choices)
    alert = models.ForeignKey(Alert, models.CASCADE, null=True, blank=True, related_name="dues",
                              verbose_name=_("alert"))
    opens_at = models.DateTimeField(_("from"))
    due_at = models.DateTimeField(_("due by"), db_index=True)
    month = models.DateField(_("counts in month"))  # first day of the month the due ends in: the rates' key
    visit = models.ForeignKey(Visit, models.SET_NULL, null=True, blank=True, related_name="dues",
                              verbose_name=_("met by visit"))
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    # Later visit after a miss (the due stays missed in the figures), or a risk change that replaced it.
    caught_up_at = models.DateTimeField(_("caught up at"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("replaced at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("due-soon notice sent"), null=True, blank=True)
    missed_notice_at = models.DateTimeField(_("missed notice sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("visit due")
        verbose_name_plural = _("visits due")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "cadence", "opens_at"], condition=Q(alert__isnull=True),
                                    name="care_due_one_per_period"),
            models.UniqueConstraint(fields=["recipient", "alert"], condition=Q(alert__isnull=False),
                                    name="care_due_one_per_alert"),
        ]
        indexes = [
            models.Index(fields=["area", "due_at"], name="care_due_area"),
            models.Index(fields=["recipient", "met_at"], name="care_due_recipient"),
            models.Index(fields=["team", "month"], name="care_due_team"),
            models.Index(fields=["month", "area"], name="care_due_month"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.cadence} {self.due_at:%Y-%m-%d}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        q = scope.area_q("area__code")
        if scope.person_id:
            q |= Q(recipient_id__in=CarePair.objects.active().mine_q_ids(scope.person_id))
        return q


# --- the hotline ------------------------------------------------------------------------------------------

class DutySlot(models.Model):
    """The weekly pattern of the hotline: who sits on duty on which weekday, from when to when."""

    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("hotline of"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), validators=[MaxValueValidator(6)])
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="duty_slots", verbose_name=_("on duty"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("duty slot")
        verbose_name_plural = _("duty roster")
        ordering = ["weekday", "starts", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends__gt=models.F("starts")), name="care_slot_ends_after")]

    def __str__(self) -> str:
        return f"{self.weekday} {self.starts:%H:%M}-{self.ends:%H:%M} {self.person_id}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _person_scope_q(scope, "person_id")


class DutySwap(models.Model):
    """A one-off change of the roster: on ``date`` the slot is taken by ``replacement`` instead."""

    slot = models.ForeignKey(DutySlot, models.CASCADE, related_name="swaps", verbose_name=_("duty slot"))
    date = models.DateField(_("date"))
    replacement = models.ForeignKey(Person, models.PROTECT, related_name="+", verbose_name=_("taken by"))
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("duty swap")
        verbose_name_plural = _("duty swaps")
        ordering = ["date", "id"]
        constraints = [models.UniqueConstraint(fields=["slot", "date"], name="care_swap_one_per_day")]

    def __str__(self) -> str:
        return f"{self.date} {self.slot_id} → {self.replacement_id}"


class RequestType(models.TextChoices):
    ERRAND = "errand", _("Errand")
    SIX_HELPS = "six_helps", _("Six-helps booking")
    PROBLEM = "problem", _("Problem report (a case)")
    OTHER = "other", _("Other")


class Call(models.Model):
    """One call to the filial hotline (微孝热线)."""

    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("area"))
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                 verbose_name=_("taken by"))
    at = models.DateTimeField(_("time"), db_index=True)
    caller_name = models.CharField(_("caller"), max_length=50)
    callback_phone = models.CharField(_("callback number"), max_length=20, blank=True)
    person = models.ForeignKey(Person, models.PROTECT, related_name="care_calls", verbose_name=_("for whom"))
    request_type = models.CharField(_("request"), max_length=10, choices=RequestType.choices)
    notes = models.CharField(_("notes"), max_length=500)
    case = models.ForeignKey("cases.Case", models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("case"))

    class Meta:
        verbose_name = _("hotline call")
        verbose_name_plural = _("hotline calls")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["area", "id"], name="care_call_area_id"),
                   models.Index(fields=["person", "-at"], name="care_call_person")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.caller_name}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        q = scope.area_q("area__code")
        if scope.person_id:
            q |= Q(taken_by__person_id=scope.person_id)
        return q

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.callback_phone) if len(self.callback_phone) == 11 else self.callback_phone[:3] + "****"


# --- errands ------------------------------------------------------------------------------------------------

def receipt_path(instance, filename: str) -> str:
    return f"care/receipts/{secrets.token_hex(16)}.jpg"


class Errand(models.Model):
    """便民代办: an errand done by an agent for someone (utility bill, certification, bus card, medicine …)."""

    class Kind(models.TextChoices):
        UTILITY = "utility", _("Pay water or electricity bill")
        RETIREMENT = "retirement", _("Retirement-qualification certification")
        BUS_CARD = "bus_card", _("Bus-card annual review")
        MEDICINE = "medicine", _("Buy medicine")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for an agent")
        DISPATCHED = "dispatched", _("Sent to an agent")
        ACCEPTED = "accepted", _("Accepted by the agent")
        DONE = "done", _("Done, waiting for confirmation")
        CONFIRMED = "confirmed", _("Done and confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN = (Status.REQUESTED, Status.DISPATCHED, Status.ACCEPTED)

    kind = models.CharField(_("errand"), max_length=12, choices=Kind.choices)
    description = models.CharField(_("details"), max_length=300)
    person = models.ForeignKey(Person, models.PROTECT, related_name="errands", verbose_name=_("for whom"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("area"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    agent = models.ForeignKey(Person, models.PROTECT, null=True, blank=True, related_name="agent_errands",
                              verbose_name=_("agent"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name=_("logged by"))
    visit = models.ForeignKey(Visit, models.SET_NULL, null=True, blank=True, related_name="errands",
                              verbose_name=_("found on visit"))
    call = models.ForeignKey(Call, models.SET_NULL, null=True, blank=True, related_name="errands",
                             verbose_name=_("hotline call"))
    advance_fen = models.PositiveIntegerField(_("money handed to the agent (fen)"), default=0,
                                              validators=[MaxValueValidator(MAX_FEN)])
    spent_fen = models.PositiveIntegerField(_("spent (fen)"), null=True, blank=True,
                                            validators=[MaxValueValidator(MAX_FEN)])
    change_fen = models.PositiveIntegerField(_("change returned (fen)"), null=True, blank=True,
                                             validators=[MaxValueValidator(MAX_FEN)])
    done_note = models.CharField(_("what was done"), max_length=300, blank=True)
    receipt = models.ImageField(_("receipt photo"), upload_to=receipt_path, blank=True)
    created_at = models.DateTimeField(_("logged at"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    minutes_to_done = models.PositiveIntegerField(_("minutes from request to done"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("confirmed by"))

    class Meta:
        verbose_name = _("errand")
        verbose_name_plural = _("errands")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["area", "id"], name="care_errand_area_id"),
            models.Index(fields=["agent", "status", "id"], name="care_errand_agent"),
            models.Index(fields=["person", "-created_at"], name="care_errand_person"),
            models.Index(fields=["status", "id"], name="care_errand_status"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        q = scope.area_q("area__code")
        if scope.person_id:
            q |= Q(agent_id=scope.person_id) | Q(person_id=scope.person_id)
        return q


class ErrandEvent(models.Model):
    """The append-only history of an errand: every step, who and when."""

    errand = models.ForeignKey(Errand, models.CASCADE, related_name="events", verbose_name=_("errand"))
    action = models.CharField(_("action"), max_length=12)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("time"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    LABELS = {"request": _("logged"), "dispatch": _("sent to the agent"), "accept": _("accepted"),
              "decline": _("declined by the agent"), "done": _("reported done"), "confirm": _("confirmed"),
              "cancel": _("cancelled")}

    class Meta:
        verbose_name = _("errand event")
        verbose_name_plural = _("errand events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.errand_id} {self.action}"

    @property
    def label(self) -> str:
        return str(self.LABELS.get(self.action, self.action))


# --- the six helps -------------------------------------------------------------------------------------------

class HelpKind(models.TextChoices):
    CLEANING = "cleaning", _("Cleaning (助洁)")
    EMERGENCY = "emergency", _("Emergency help (助急)")
    MOBILITY = "mobility", _("Mobility (助行)")
    BATHING = "bathing", _("Bathing (助浴)")
    MEDICAL = "medical", _("Medical care (助医)")
    MEALS = "meals", _("Meals (助餐)")


class HelpService(models.Model):
    """A service of the six helps (六助) offered by a provider (a partner unit)."""

    kind = models.CharField(_("help"), max_length=10, choices=HelpKind.choices)
    name = models.CharField(_("service"), max_length=100)
    provider = models.ForeignKey(PartnerUnit, models.PROTECT, related_name="help_services",
                                 verbose_name=_("provider"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("offered in"))
    price_fen = models.PositiveIntegerField(_("price (fen, 0 = free)"), default=0,
                                            validators=[MaxValueValidator(MAX_FEN)])
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("six-helps service")
        verbose_name_plural = _("six-helps services")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def price_yuan(self) -> str:
        return yuan_cents(self.price_fen)

    @classmethod
    def scope_q(cls, scope) -> Q:
        return scope.area_q("area__code")


class HelpBooking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    service = models.ForeignKey(HelpService, models.PROTECT, related_name="bookings", verbose_name=_("service"))
    recipient = models.ForeignKey(CareRecipient, models.PROTECT, related_name="bookings",
                                  verbose_name=_("care recipient"))
    area = models.ForeignKey(Area, models.PROTECT, related_name="+", verbose_name=_("area"))
    date = models.DateField(_("date"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    price_fen = models.PositiveIntegerField(_("price (fen)"), default=0)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("booked by"))
    call = models.ForeignKey(Call, models.SET_NULL, null=True, blank=True, related_name="bookings",
                             verbose_name=_("hotline call"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    delivered_by = models.CharField(_("delivered by"), max_length=50, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"), null=True, blank=True, validators=[MaxValueValidator(720)])
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("six-helps booking")
        verbose_name_plural = _("six-helps bookings")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["area", "id"], name="care_booking_area_id"),
                   models.Index(fields=["recipient", "-date"], name="care_booking_recipient")]

    def __str__(self) -> str:
        return f"{self.date} {self.service_id}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return _person_scope_q(scope, "recipient__person_id")


# --- 微孝义诊/家访/课堂 --------------------------------------------------------------------------------------

class Outreach(models.Model):
    """A 微孝 free clinic, home-visit day or class: a volunteering activity (its time, place, sign-ups and
    person-times) held with partner units (the health centre) and departments (the police station).

    Not a copy of the activity: the care side only adds what kind of outreach it is and who ran it with the
    community; the person-times are the activity's ``participants``."""

    class Kind(models.TextChoices):
        CLINIC = "clinic", _("Free clinic (微孝义诊)")
        HOME_VISIT = "home_visit", _("Home visits (微孝家访)")
        CLASS = "class", _("Class (微孝课堂)")

    activity = models.OneToOneField("volunteering.Activity", models.CASCADE, related_name="care_outreach",
                                    verbose_name=_("volunteer activity"))
    kind = models.CharField(_("outreach"), max_length=10, choices=Kind.choices)
    partners = models.ManyToManyField(PartnerUnit, blank=True, related_name="care_outreach",
                                      verbose_name=_("partner units"))
    departments = models.ManyToManyField(Department, blank=True, related_name="care_outreach",
                                         verbose_name=_("departments"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("微孝 outreach")
        verbose_name_plural = _("微孝 outreach")
        ordering = ["-activity__starts_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.activity_id}"

    @classmethod
    def scope_q(cls, scope) -> Q:
        return scope.area_q("activity__area__code")


# The label of ``roles.CARE_WORKER`` in ``people.Role``, translated in this app's catalogue.
CARE_WORKER_LABEL = _("Care worker")
