from django.contrib import admin

from .models import AuditEntry, CalendarDay, CalendarYear, SiteProfile


@admin.register(SiteProfile)
class SiteProfileAdmin(admin.ModelAdmin):
    list_display = ["site_name", "sponsor", "site_code", "icp_number", "psb_number"]

    def has_add_permission(self, request):
        return not SiteProfile.objects.exists()


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "source"]
    list_filter = ["kind", "source"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "complete"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log can be searched and filtered, never changed or deleted."""

    list_display = ["at", "actor_name", "action", "organization_name", "object_repr", "from_state", "to_state",
                    "ip_address"]
    list_filter = ["action", "organization_name", ("at", admin.DateFieldListFilter)]
    search_fields = ["actor_name", "object_repr", "reason", "object_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
