from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from linli.core.admin_site import MaskedFieldsMixin, mask_json
from linli.core.identifiers import mask_name, mask_phone

from .models import ApiKey, Open311Request, ServiceAttribute, StreetOpen311Settings
from .services import Open311Error, file_request


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "area__name"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if not change:
            raw = obj.set_new_key()
            messages.warning(request, _("The new key is %(key)s. Copy it now: it is shown only once.") % {"key": raw})
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for key in queryset.filter(revoked_at__isnull=True):
            key.revoke()


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    list_display = ["category", "code", "datatype", "required", "order"]
    list_filter = ["datatype", "required"]
    search_fields = ["code", "description", "category__name"]


@admin.register(Open311Request)
class Open311RequestAdmin(MaskedFieldsMixin, admin.ModelAdmin):
    masked_fields = {"data": mask_json({"name": mask_name, "first_name": mask_name, "last_name": mask_name,
                                        "phone": mask_phone, "email": mask_name})}
    list_display = ["token", "api_key", "case", "rejected", "created_at"]
    list_filter = ["rejected", "api_key"]
    readonly_fields = ["token", "api_key", "case", "data", "attributes", "media_url", "created_at"]
    actions = ["file_selected"]

    @admin.action(description=_("Accept the selected reports and file them as cases"))
    def file_selected(self, request, queryset):
        for item in queryset.filter(case__isnull=True, rejected=False):
            try:
                file_request(item, user=None)
            except Open311Error as exc:
                messages.error(request, f"{item.token}: {exc.description}")


admin.site.register(StreetOpen311Settings)
