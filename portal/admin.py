from django.contrib import admin, messages

from .access import SiteAdminOnly, is_site_admin, user_organizations
from .audit import action_label
from .models import AuditEntry, CalendarDay, CalendarYear, Leader, Membership, Organization, SiteProfile
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
        messages.warning(
            request,
            f"尚未录入{names}年的节假日和调休安排：涉及该年的期限暂按周末计算（暂定）。"
            "请在本表录入该年的法定节假日和调休上班日，然后在“已录入年份”中登记该年。",
        )


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


class AuditOrganizationFilter(admin.SimpleListFilter):
    title = "机构"
    parameter_name = "org"

    def lookups(self, request, model_admin):
        rows = (
            model_admin.get_queryset(request)
            .exclude(organization_id=None)
            .values_list("organization_id", "organization_name")
            .distinct()
            .order_by("organization_name")
        )
        return [(str(pk), name) for pk, name in rows]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(organization_id=int(self.value()))
        return queryset


class AuditActionFilter(admin.SimpleListFilter):
    title = "操作"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).values_list("action", flat=True).distinct().order_by("action")
        return [(code, action_label(code)) for code in codes]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class AuditActorFilter(admin.SimpleListFilter):
    title = "操作人"
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        rows = (
            model_admin.get_queryset(request)
            .exclude(actor_id=None)
            .values_list("actor_id", "actor_name")
            .distinct()
            .order_by("actor_name")
        )
        return [(str(pk), name) for pk, name in rows]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(actor_id=int(self.value()))
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log can be searched and filtered, never changed or deleted. Staff see
    the entries of their own organizations and their own actions; administrators see everything
    (including login failures, which belong to no organization)."""

    list_display = ["at", "actor_name", "action_name", "object_repr", "state_change", "reason_short"]
    list_per_page = 50
    list_filter = [AuditOrganizationFilter, AuditActorFilter, AuditActionFilter, ("at", admin.DateFieldListFilter)]
    search_fields = ["actor_name", "object_repr", "reason", "object_id"]
    date_hierarchy = "at"

    @admin.display(description="操作", ordering="action")
    def action_name(self, obj):
        return action_label(obj.action)

    @admin.display(description="状态变化")
    def state_change(self, obj):
        if obj.from_state and obj.to_state:
            return f"{obj.from_state} → {obj.to_state}"
        return obj.to_state or obj.from_state

    @admin.display(description="理由/说明")
    def reason_short(self, obj):
        return obj.reason[:80]

    def get_queryset(self, request):
        from django.db.models import Q

        qs = super().get_queryset(request)
        if is_site_admin(request.user):
            return qs
        return qs.filter(Q(organization_id__in=user_organizations(request.user).values("pk")) | Q(actor=request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LeaderInline(admin.TabularInline):
    model = Leader
    extra = 1
    fields = ["name", "title", "duties", "current", "order"]


@admin.register(Organization)
class OrganizationAdmin(SiteAdminOnly, admin.ModelAdmin):
    inlines = [LeaderInline]
    list_display = ["name", "short_name", "code", "index_template", "phone"]
    search_fields = ["name", "short_name", "code"]
    prepopulated_fields = {}
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "code", "index_template", "order"]}),
        (
            "公开指南信息（条例第十二条）",
            {
                "fields": [
                    "office_name",
                    "office_address",
                    "office_hours",
                    "phone",
                    "fax",
                    "email",
                    "postcode",
                    "website",
                    "reading_points",
                    "functions",
                ]
            },
        ),
    ]


@admin.register(Membership)
class MembershipAdmin(SiteAdminOnly, admin.ModelAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["organization", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]

    def has_module_permission(self, request):
        return is_site_admin(request.user)

    def get_queryset(self, request):
        # Who holds which role is known to site administrators only; other staff reaching the
        # list by its address see the memberships of their own organizations.
        qs = super().get_queryset(request).select_related("user", "organization")
        if is_site_admin(request.user):
            return qs
        return qs.filter(organization__in=user_organizations(request.user))
