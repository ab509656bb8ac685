"""Writing the audit log. Every state-changing function calls `record` inside its transaction."""

from __future__ import annotations

from typing import Any

from .models import AuditEntry


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: str,
    *,
    actor=None,
    obj=None,
    organization=None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    request=None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
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


# Chinese names of audit actions. Codes are `<area>.<step>`; each app registers its own in its
# AppConfig.ready() with `register_labels`, so every code the log holds has a Chinese name in the
# admin (tests/portal/test_audit_labels.py checks the demo's).
ACTION_LABELS: dict[str, str] = {}


def register_labels(labels: dict[str, str]) -> None:
    ACTION_LABELS.update(labels)


register_labels({"auth.login_failed": "登录失败"})


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)  # an unknown code is shown as it is rather than hidden


def record_login_failure(sender, credentials, request=None, **kwargs) -> None:
    """`user_login_failed` receiver: who tried which username from where. Django already strips
    passwords from `credentials`; we keep only the username anyway."""
    username = str(credentials.get("username", ""))[:150]
    record("auth.login_failed", reason=f"用户名：{username}", request=request, data={"username": username})
