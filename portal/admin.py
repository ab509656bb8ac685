from django.contrib import admin, messages

from .models import AuditEntry, CalendarDay, CalendarYear, SiteProfile
from .workcalendar import uncovered_years


@admin.register(SiteProfile)
class SiteProfileAdmin(admin.ModelAdmin):
    list_display = ["site_name", "sponsor", "site_code", "icp_number", "psb_number"]

    def has_add_permission(self, request):
        return not SiteProfile.objects.exists()


def warn_uncovered_years(request) -> None:
    """Until someone enters a coming year's holidays, deadlines there count weekends only."""
    years = uncovered_years()
    if years:
        names = "、".join(str(y) for y in years)
        messages.warning(request, f"尚未录入{names}年的节假日和调休安排：涉及该年的期限暂按周末计算（暂定）。"
                                  "请在本表录入该年的法定节假日和调休上班日，然后在“已录入年份”中登记该年。")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "source"]
    list_filter = ["kind", "source"]
    date_hierarchy = "date"

    def changelist_view(self, request, extra_context=None):
        warn_uncovered_years(request)
        return super().changelist_view(request, extra_context)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "complete"]

    def changelist_view(self, request, extra_context=None):
        warn_uncovered_years(request)
        return super().changelist_view(request, extra_context)


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
