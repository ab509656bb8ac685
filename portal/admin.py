from django import forms
from django.contrib import admin, messages
from django.db.models import Q

from . import security
from .access import SiteAdminOnly, is_site_admin, user_organizations
from .audit import action_label
from .models import (
    AuditEntry,
    Authenticator,
    BackgroundJob,
    CalendarDay,
    CalendarYear,
    Leader,
    LoginAttempt,
    Membership,
    Organization,
    SiteProfile,
    TwoFactorPolicy,
)
from .workcalendar import uncovered_years


class ReadOnlyAdmin:
    """Records nobody edits in the admin (audit log, login attempts, devices, background jobs, and the
    dashboards and pages that ride on a model: 网站迁移, 网站自查, 办理看板, 互动回应看板):
    viewed only; they change through their own code paths."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WithoutBulkDelete:
    """Records that are kept (published items, revisions, applications, messages): the admin's
    “删除所选” action is removed, since it would delete past `has_delete_permission`'s rule."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


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


class _AuditCopyFilter(admin.SimpleListFilter):
    """Filter on an id the entry keeps a plain copy of (with its name), so the list survives the
    deletion of what it names."""

    id_field = name_field = ""

    def lookups(self, request, model_admin):
        rows = (
            model_admin.get_queryset(request)
            .exclude(**{self.id_field: None})
            .values_list(self.id_field, self.name_field)
            .distinct()
            .order_by(self.name_field)
        )
        return [(str(pk), name) for pk, name in rows]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(**{self.id_field: int(self.value())})
        return queryset


class AuditOrganizationFilter(_AuditCopyFilter):
    title = "机构"
    parameter_name = "org"
    id_field, name_field = "organization_id", "organization_name"


class AuditActorFilter(_AuditCopyFilter):
    title = "操作人"
    parameter_name = "actor"
    id_field, name_field = "actor_id", "actor_name"


class AuditActionFilter(admin.SimpleListFilter):
    title = "操作"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).values_list("action", flat=True).distinct().order_by("action")
        return [(code, action_label(code)) for code in codes]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin, admin.ModelAdmin):
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
        qs = super().get_queryset(request)
        if is_site_admin(request.user):
            return qs
        return qs.filter(Q(organization_id__in=user_organizations(request.user).values("pk")) | Q(actor=request.user))


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


# ---- staff login security (portal/security.py) ---------------------------------------------------


class TwoFactorPolicyForm(forms.ModelForm):
    required_roles = forms.MultipleChoiceField(
        label="必须使用两步验证的角色",
        choices=Membership.Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="担任所选角色之一的用户（超级用户按管理员计），登录时必须在密码之外输入身份验证器的动态验证码；"
        "尚未设置的，在下次登录时先设置。未选的角色中，已自行启用两步验证的用户也要输入验证码。",
    )

    class Meta:
        model = TwoFactorPolicy
        fields = ["required_roles"]


@admin.register(TwoFactorPolicy)
class TwoFactorPolicyAdmin(admin.ModelAdmin):
    """One row, changed by site administrators only; every change is audited."""

    form = TwoFactorPolicyForm
    list_display = ["__str__", "roles", "enforced", "updated_at"]
    readonly_fields = ["enforced"]
    fields = ["required_roles", "enforced"]

    @admin.display(description="必须使用两步验证的角色")
    def roles(self, obj):
        return security.role_names(obj.required_roles)

    @admin.display(description="部署时强制的角色（不能在此取消）")
    def enforced(self, obj=None):
        return security.role_names(security.enforced_roles())

    def has_module_permission(self, request):
        return is_site_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_site_admin(request.user)

    def has_add_permission(self, request):
        return is_site_admin(request.user) and not TwoFactorPolicy.objects.exists()

    def has_change_permission(self, request, obj=None):
        return is_site_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        row = security.set_required_roles(request.user, form.cleaned_data["required_roles"], request=request)
        obj.pk = row.pk


class LockedFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("yes", "锁定中"), ("no", "未锁定")]

    def queryset(self, request, queryset):
        from django.conf import settings
        from django.utils import timezone

        locked = Q(failures_since_start__gte=settings.AXES_FAILURE_LIMIT) & Q(
            attempt_time__gt=timezone.now() - settings.AXES_COOLOFF_TIME
        )
        if self.value() == "yes":
            return queryset.filter(locked)
        if self.value() == "no":
            return queryset.exclude(locked)
        return queryset


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Failed logins per username and address (django-axes), for site administrators; 解除锁定 is
    the only change and is audited."""

    list_display = ["user_name", "address", "failures", "last_attempt", "status"]
    list_filter = [LockedFilter]
    search_fields = ["username", "ip_address"]
    fields = readonly_fields = ["user_name", "address", "failures", "last_attempt", "status", "agent"]
    actions = ["unlock"]
    ordering = ["-attempt_time"]

    @admin.display(description="用户名", ordering="username")
    def user_name(self, obj):
        return obj.username

    @admin.display(description="地址", ordering="ip_address")
    def address(self, obj):
        return obj.ip_address

    @admin.display(description="连续失败次数", ordering="failures_since_start")
    def failures(self, obj):
        return obj.failures_since_start

    @admin.display(description="最近一次失败", ordering="attempt_time")
    def last_attempt(self, obj):
        return obj.attempt_time

    @admin.display(description="浏览器")
    def agent(self, obj):
        return obj.user_agent

    @admin.display(description="锁定")
    def status(self, obj):
        from django.conf import settings
        from django.utils import timezone

        if obj.failures_since_start < settings.AXES_FAILURE_LIMIT:
            return "未锁定"
        until = security.locked_until(obj.username, obj.ip_address)
        return f"锁定至 {until:%Y-%m-%d %H:%M}" if until > timezone.now() else "已到期"

    @admin.action(description="解除锁定（清除所选的失败记录）")
    def unlock(self, request, queryset):
        pairs = sorted(set(queryset.values_list("username", "ip_address")), key=lambda p: (p[0] or "", p[1] or ""))
        for username, ip_address in pairs:
            security.unlock(actor=request.user, username=username, ip_address=ip_address, request=request)
        self.message_user(request, f"已解除 {len(pairs)} 个账户（按用户名和地址）的登录锁定。", messages.SUCCESS)

    def has_module_permission(self, request):
        return is_site_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_site_admin(request.user)


@admin.register(Authenticator)
class AuthenticatorAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Staff members' TOTP authenticators (never their secrets), for site administrators; a lost
    phone is handled by 重置两步验证, which is audited."""

    list_display = ["owner", "device_name", "state", "created", "last_used"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    fields = readonly_fields = ["owner", "device_name", "state", "created", "last_used"]
    actions = ["reset"]

    @admin.display(description="用户", ordering="user__username")
    def owner(self, obj):
        return obj.user.get_full_name() or obj.user.get_username()

    @admin.display(description="名称")
    def device_name(self, obj):
        return obj.name

    @admin.display(description="状态", ordering="confirmed")
    def state(self, obj):
        return "已启用" if obj.confirmed else "设置中（未确认）"

    @admin.display(description="设置时间", ordering="created_at")
    def created(self, obj):
        return obj.created_at

    @admin.display(description="最近使用", ordering="last_used_at")
    def last_used(self, obj):
        return obj.last_used_at

    @admin.action(description="重置两步验证（删除设备，用户下次登录时重新设置）")
    def reset(self, request, queryset):
        users = {device.user for device in queryset.select_related("user")}
        for user in sorted(users, key=lambda u: u.pk):
            security.reset_authenticators(request.user, user, request=request)
        self.message_user(request, f"已重置 {len(users)} 个用户的两步验证。", messages.SUCCESS)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_module_permission(self, request):
        return is_site_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_site_admin(request.user)


@admin.register(BackgroundJob)
class BackgroundJobAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """后台任务 (portal/tasks.py): state, progress and error of each long job; read-only except 重试.
    Site administrators see every job; other staff the jobs they started."""

    list_display = ["label", "status", "progress", "created_by", "created_at", "finished_at", "attempts"]
    list_filter = ["status", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["label"]
    actions = ["retry_failed"]
    fields = [
        "label",
        "status",
        "progress",
        "progress_note",
        "attempts",
        "created_by",
        "organization",
        "created_at",
        "started_at",
        "finished_at",
        "result_view",
        "error_view",
    ]
    readonly_fields = fields

    @admin.display(description="进度")
    def progress(self, obj):
        from django.utils.html import format_html

        total = f" / {obj.progress_total}" if obj.progress_total else ""
        return format_html(
            '<progress max="100" value="{}" aria-label="进度">{}%</progress> {}%（{}{}）',
            obj.percent,
            obj.percent,
            obj.percent,
            obj.progress_done,
            total,
        )

    @admin.display(description="结果")
    def result_view(self, obj):
        import json

        from django.utils.html import format_html

        if not obj.result:
            return "-"
        return format_html("<pre>{}</pre>", json.dumps(obj.result, ensure_ascii=False, indent=2)[:5000])

    @admin.display(description="错误")
    def error_view(self, obj):
        from django.utils.html import format_html

        return format_html("<pre>{}</pre>", obj.error) if obj.error else "-"

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("created_by", "organization")
        return qs if is_site_admin(request.user) else qs.filter(created_by=request.user)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_site_admin(request.user):
            actions.pop("retry_failed", None)
        return actions

    @admin.action(description="重试所选的失败任务")
    def retry_failed(self, request, queryset):
        from .tasks import JobError, retry

        if not is_site_admin(request.user):
            self.message_user(request, "只有系统管理员才能重试后台任务。", messages.ERROR)
            return
        done = 0
        for row in queryset:
            try:
                retry(row, request.user, request=request)
                done += 1
            except JobError as exc:
                self.message_user(request, str(exc), messages.WARNING)
        if done:
            self.message_user(request, f"已重新排队 {done} 个任务。", messages.SUCCESS)
