"""Writing the audit log. Every state-changing function calls `record` inside its transaction."""

from __future__ import annotations

from typing import Any

from .models import AuditEntry


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(action: str, *, actor=None, obj=None, organization=None, from_state: str = "",
           to_state: str = "", reason: str = "", request=None, data: dict[str, Any] | None = None) -> AuditEntry:
    if organization is None and obj is not None:
        organization = getattr(obj, "organization", None)
    name = ""
    if actor is not None and getattr(actor, "pk", None):
        name = actor.get_full_name() or actor.get_username()
    return AuditEntry.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_name=name,
        action=action,
        organization_id=getattr(organization, "pk", None),
        organization_name=str(organization) if organization is not None else "",
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        ip_address=client_ip(request),
        data=data or {},
    )
