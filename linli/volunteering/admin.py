"""Admin for teams, activities, service records, certificates, wishes, honours and pledges.

Service records, corrections and certificates are read-only here: they change only through the pages
(confirmation, correction requests), so the history of a record is never overwritten in the admin.
"""

from django.contrib import admin

from .models import (
    Activity,
    Certificate,
    Honour,
    Pledge,
    PledgeFollowUp,
    RecordCorrection,
    ServiceRecord,
    SignUp,
    Team,
    TeamMembership,
    Wish,
)


class MembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    raw_id_fields = ["person", "decided_by"]
    readonly_fields = ["requested_at", "decided_at", "left_at"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "area", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    raw_id_fields = ["area"]
    inlines = [MembershipInline]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "area", "team", "capacity", "cancelled"]
    list_filter = ["kind", "cancelled"]
    search_fields = ["title", "place"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["area", "team", "organiser", "created_by"]


@admin.register(SignUp)
class SignUpAdmin(admin.ModelAdmin):
    list_display = ["activity", "person", "status", "checked_in_at", "checked_out_at"]
    list_filter = ["status"]
    raw_id_fields = ["activity", "person"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyAdmin):
    list_display = ["volunteer", "content", "started_at", "minutes", "computed_minutes", "status", "organiser_name"]
    list_filter = ["status"]
    search_fields = ["volunteer__name", "content"]
    list_select_related = ["volunteer"]


@admin.register(RecordCorrection)
class RecordCorrectionAdmin(ReadOnlyAdmin):
    list_display = ["record", "old_minutes", "new_minutes", "status", "requested_at"]
    list_filter = ["status"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "volunteer", "issuer_name", "period_from", "period_to", "total_minutes", "issued_at"]
    search_fields = ["number", "volunteer__name"]


@admin.register(Wish)
class WishAdmin(admin.ModelAdmin):
    list_display = ["title", "area", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["title"]
    raw_id_fields = ["area", "wisher", "posted_by", "approved_by", "claimed_by", "claimed_partner", "confirmed_by"]


@admin.register(Honour)
class HonourAdmin(admin.ModelAdmin):
    list_display = ["person", "title", "level", "awarded_on"]
    list_filter = ["level"]
    search_fields = ["person__name", "title"]
    raw_id_fields = ["person", "created_by"]


class FollowUpInline(admin.TabularInline):
    model = PledgeFollowUp
    extra = 0
    raw_id_fields = ["by"]


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    list_display = ["person", "text", "status", "pledged_on"]
    list_filter = ["status"]
    search_fields = ["person__name", "text"]
    raw_id_fields = ["person", "area", "created_by"]
    inlines = [FollowUpInline]
