"""Who may do what: roles per organization, and separation of duties. The one home of both rules.

Roles (Membership.Role) are held per organization: 编辑 writes, 审核员 reviews (保密审查), 领导
approves, 管理员 administers the site. Site administrators (superusers and members with the 管理员
role) see every organization; other staff see the organizations they hold a role in.

Separation of duties (docs/design.md, “职责分离”): nobody reviews or approves work they wrote or
contributed to, and the reviewer and the approver of one edition are different people. Superusers
are bound by the same rule. The workflow tables of every app (disclosures/workflow.py,
interaction, reports) use the guards below; queues use their queryset forms, so nobody is shown
work they may not do.
"""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Membership, Organization

Role = Membership.Role


# ---- roles ----------------------------------------------------------------------------------


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def has_role(user, organization, *roles: str) -> bool:
    """`user` holds one of `roles` in `organization` (any role when none is given)."""
    if not _active(user) or organization is None:
        return False
    memberships = Membership.objects.filter(user=user, organization=organization)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return memberships.exists()


def is_member(user, organization) -> bool:
    """Staff of the organization, in any role (they handle its requests and see applicants' data)."""
    return has_role(user, organization)


def organizations_with_role(user, *roles: str) -> QuerySet:
    """Ids of the organizations where `user` holds one of `roles` (a subquery for filters)."""
    return Membership.objects.filter(user=user, role__in=roles).values("organization")


def staff_with_role(organization, *roles: str) -> QuerySet:
    """Active users holding one of `roles` in `organization` (who is notified or reminded)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(memberships__organization=organization, memberships__role__in=roles, is_active=True)
        .distinct()
    )


def is_site_admin(user) -> bool:
    if not _active(user):  # the admin login page asks too
        return False
    return user.is_superuser or Membership.objects.filter(user=user, role=Role.ADMIN).exists()


def user_organizations(user):
    if is_site_admin(user):
        return Organization.objects.all()
    return Organization.objects.filter(memberships__user=user).distinct()


def role_label(role: str) -> str:
    return Role(role).label


# ---- separation of duties -----------------------------------------------------------------------


def wrote(user, obj) -> bool:
    """`user` created or contributed to the current edition of `obj` (anything with `created_by`
    and a `contributors` many-to-many)."""
    if user is None or user.pk is None:
        return False
    if getattr(obj, "created_by_id", None) == user.pk:
        return True
    contributors = getattr(obj, "contributors", None)
    return contributors is not None and obj.pk is not None and contributors.filter(pk=user.pk).exists()


def exclude_written_by(qs: QuerySet, user) -> QuerySet:
    """The queryset form of `wrote`: drop what `user` wrote (queues, dashboards)."""
    return qs.exclude(created_by=user).exclude(contributors=user)


def authorship_refusal(user, obj, step: str) -> str:
    """Why `user` may not `step` (审核/审批/放行 …) `obj`, or '' when they may."""
    if wrote(user, obj):
        return f"您参与了本信息的编写，不能{step}自己编写的内容（职责分离）。"
    return ""


def reviewer_refusal(user, obj) -> str:
    """The approver of an edition must not be its reviewer."""
    if getattr(obj, "reviewed_by_id", None) is not None and obj.reviewed_by_id == user.pk:
        return "同一版本的审核人和审批人不能是同一人（职责分离）。"
    return ""


# ---- admin mixins -------------------------------------------------------------------------------


class OrganizationScopedAdmin:
    """Mixin for ModelAdmins of rows that belong to an organization (`organization_lookup`)."""

    organization_lookup = "organization"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if is_site_admin(request.user):
            return qs
        return qs.filter(**{f"{self.organization_lookup}__in": user_organizations(request.user)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organization":
            kwargs["queryset"] = user_organizations(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SiteAdminOnly:
    """Organizations, roles and the catalogue tree are managed by site administrators; other staff
    may look at them."""

    def has_add_permission(self, request, *args):
        return is_site_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_site_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_site_admin(request.user)
