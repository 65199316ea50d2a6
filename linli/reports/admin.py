from django.contrib import admin

from .models import Target


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("area", "department", "kpi", "percent", "updated_at")
    list_filter = ("kpi",)
    list_editable = ("percent",)
    raw_id_fields = ("area", "department")
    search_fields = ("area__name", "area__code", "department__name")
