"""Admin for people, roles, worker profiles, party records, trainings, the contribution ledger and
the unmask log.  Lists show ID-card and mobile numbers masked only; the unmask log is read-only."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from linli.core.admin_site import MaskedFieldsMixin, ReadOnlyAdmin
from linli.core.identifiers import mask_id_number, mask_mobile

from .models import (
    ContributionEntry,
    PartyRecord,
    Person,
    RoleAssignment,
    Training,
    UnmaskLog,
    WorkerProfile,
)

PERSON_SEARCH = ("name", "=id_suffix", "=mobile_suffix")


class MaskedMixin:
    @admin.display(description=_("ID-card number"))
    def masked_id(self, obj) -> str:
        person = obj if isinstance(obj, Person) else obj.person
        return person.masked_id_number or "—"

    @admin.display(description=_("mobile number"))
    def masked_phone(self, obj) -> str:
        person = obj if isinstance(obj, Person) else obj.person
        return person.masked_mobile or "—"


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ("role", "area", "building", "department", "partner", "starts_on", "ends_on", "note")
    raw_id_fields = ("area", "building", "department", "partner")


class WorkerInline(admin.StackedInline):
    model = WorkerProfile
    extra = 0
    max_num = 1
    raw_id_fields = ("work_grids",)


class PartyInline(admin.StackedInline):
    model = PartyRecord
    extra = 0
    max_num = 1
    raw_id_fields = ("org",)


class TrainingInline(admin.TabularInline):
    model = Training
    extra = 0


class ContributionInline(admin.TabularInline):
    model = ContributionEntry
    extra = 0
    fields = ("date", "what", "area", "place", "source", "verified_by")
    raw_id_fields = ("area", "verified_by")
    ordering = ("-date", "-id")


@admin.register(Person)
class PersonAdmin(MaskedFieldsMixin, MaskedMixin, SimpleHistoryAdmin):
    masked_fields = {"id_number": mask_id_number, "mobile": mask_mobile}
    unmask_url_name, unmask_fields = "people:unmask", ("id_number", "mobile")  # the logged flow
    list_display = ("name", "gender", "age_display", "masked_id", "masked_phone", "area", "household")
    list_select_related = ("area", "household__unit__building")
    list_filter = ("area__level", "gender", "roles__role", "worker__occupation", "party__stage", "created_at")
    search_fields = PERSON_SEARCH
    raw_id_fields = ("area", "household")
    date_hierarchy = "created_at"
    inlines = (RoleInline, WorkerInline, PartyInline, TrainingInline, ContributionInline)
    show_full_result_count = False
    history_list_display = ("name", "area")

    @admin.display(description=_("Age"))
    def age_display(self, obj: Person):
        return obj.age if obj.age is not None else "—"

    def get_search_results(self, request, queryset, search_term):
        # ID suffixes are stored upper-case ("123X"); names are matched case-insensitively anyway.
        return super().get_search_results(request, queryset, search_term.strip().upper())


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("person", "role", "area", "building", "department", "partner", "starts_on", "ends_on")
    list_select_related = ("person", "area", "building__grid", "department", "partner")
    list_filter = ("role", "area__level", "starts_on", "ends_on")
    search_fields = ("person__name", "=person__id_suffix", "=person__mobile_suffix")
    raw_id_fields = ("person", "area", "building", "department", "partner")
    date_hierarchy = "starts_on"


@admin.register(WorkerProfile)
class WorkerProfileAdmin(MaskedMixin, SimpleHistoryAdmin):
    list_display = ("person", "masked_phone", "occupation", "platform", "employer", "injury_protection",
                    "in_points_scheme", "registered_on")
    list_select_related = ("person",)
    list_filter = ("occupation", "injury_protection", "in_points_scheme", "education_funded", "registered_on")
    search_fields = ("person__name", "=person__id_suffix", "=person__mobile_suffix", "platform", "employer")
    raw_id_fields = ("person", "work_grids")
    date_hierarchy = "registered_on"


@admin.register(PartyRecord)
class PartyRecordAdmin(SimpleHistoryAdmin):
    list_display = ("person", "stage", "org", "applied_on", "activist_on", "target_on", "probationary_on",
                    "member_on")
    list_select_related = ("person", "org")
    list_filter = ("stage", "org__kind", "applied_on", "member_on")
    search_fields = ("person__name", "=person__id_suffix", "=person__mobile_suffix", "org__name")
    raw_id_fields = ("person", "org")


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ("title", "person", "kind", "completed_on", "funded")
    list_select_related = ("person",)
    list_filter = ("kind", "funded", "completed_on")
    search_fields = ("title", "person__name", "=person__id_suffix", "=person__mobile_suffix")
    raw_id_fields = ("person",)


@admin.register(ContributionEntry)
class ContributionEntryAdmin(admin.ModelAdmin):
    list_display = ("date", "person", "what", "area", "place", "source", "verified_by")
    list_select_related = ("person", "area", "verified_by")
    list_filter = ("source", "date", "area__level")
    search_fields = ("what", "place", "person__name", "=person__id_suffix", "=person__mobile_suffix")
    raw_id_fields = ("person", "area", "verified_by")
    date_hierarchy = "date"


@admin.register(UnmaskLog)
class UnmaskLogAdmin(ReadOnlyAdmin):
    """The access log is written by the unmask service only; nobody edits or deletes it here."""

    list_display = ("at", "user", "person", "field", "reason", "ip")
    list_select_related = ("user", "person")
    list_filter = ("field", "at")
    search_fields = ("person__name", "user__username", "reason")
    date_hierarchy = "at"
