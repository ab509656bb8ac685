"""Who may see what in the staff side: roles per organization (Membership) decide it.

Administrators (superusers and members with the 管理员 role) see every organization; other staff
see the organizations they hold a role in. Admin classes of every app scope their querysets and
organization choices with `OrganizationScopedAdmin`.
"""

from __future__ import annotations

from .models import Membership, Organization


def is_site_admin(user) -> bool:
    if not user.is_authenticated or not user.is_active:  # the admin login page asks too
        return False
    return user.is_superuser or Membership.objects.filter(user=user, role=Membership.Role.ADMIN).exists()


def user_organizations(user):
    if is_site_admin(user):
        return Organization.objects.all()
    return Organization.objects.filter(memberships__user=user).distinct()


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
