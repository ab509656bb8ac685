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


# Chinese names of audit actions, for the admin and the internal history. Apps add theirs with
# ACTION_LABELS.update(...); unknown codes are shown as they are.
ACTION_LABELS: dict[str, str] = {
    "auth.login_failed": "登录失败",
    "item.submit": "提交审核",
    "item.review": "审核通过（保密审查）",
    "item.approve": "审批发布",
    "item.schedule": "审批并定时发布",
    "item.publish_due": "定时发布",
    "item.return": "退回修改",
    "item.emergency_publish": "应急发布",
    "item.confirm_emergency": "复核应急发布",
    "item.withdraw": "撤回",
    "item.set_validity": "变更有效性",
    "item.import_published": "导入历史信息",
    "item.pii_override": "放行隐私检查",
    "item.pii_mask": "脱敏",
    "revision.start": "创建修订",
    "revision.submit": "修订提交审核",
    "revision.review": "修订审核通过（保密审查）",
    "revision.approve": "修订审批生效",
    "revision.return": "修订退回",
    "revision.discard": "放弃修订",
    "revision.pii_override": "修订放行隐私检查",
    "revision.pii_mask": "修订脱敏",
}


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


def record_login_failure(sender, credentials, request=None, **kwargs) -> None:
    """`user_login_failed` receiver: who tried which username from where. Django already strips
    passwords from `credentials`; we keep only the username anyway."""
    username = str(credentials.get("username", ""))[:150]
    record("auth.login_failed", reason=f"用户名：{username}", request=request, data={"username": username})
