"""Writing the audit log. Every state-changing function calls `record` inside its transaction."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings

from .models import AuditEntry


def client_ip(request) -> str | None:
    """The client's address — the one answer for the audit log, the login lockout and the public
    forms' rate limits, so they always agree.

    Without proxies (`TRUSTED_PROXY_COUNT` = 0, the default) it is REMOTE_ADDR and X-Forwarded-For
    is ignored: anyone can write that header. Behind N reverse proxies of our own, each appends the
    address it received the request from, so the Nth address from the right is the one the outermost
    proxy saw; whatever a client wrote itself stands further left and is never used. A header with
    fewer addresses than proxies, or a value that is not an address, falls back to REMOTE_ADDR.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            try:
                return str(ipaddress.ip_address(hops[-proxies]))
            except ValueError:
                pass
    return remote


def entry(
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
    """The unsaved audit record of one action (see `record`, and `record_many` for bulk paths)."""
    if organization is None and obj is not None:
        organization = getattr(obj, "organization", None)
    name = ""
    if actor is not None and getattr(actor, "pk", None):
        name = actor.get_full_name() or actor.get_username()
    return AuditEntry(
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


def _content_changed(actions) -> None:
    if any(not action.startswith("auth.") for action in actions):
        # Every audited state change may change a public page: the page cache's version is bumped
        # once the transaction commits (portal/pagecache.py). Logins never are.
        from . import pagecache

        pagecache.changed()


def record(action: str, **kwargs) -> AuditEntry:
    """Write the audit record of one action (keyword arguments as for `entry`)."""
    _content_changed([action])
    made = entry(action, **kwargs)
    made.save()
    return made


def record_many(entries: list[AuditEntry]) -> None:
    """Write many records at once (imports): one INSERT per batch instead of one per item."""
    if entries:
        _content_changed({e.action for e in entries})
        AuditEntry.objects.bulk_create(entries, batch_size=500)


# Chinese names of audit actions. Codes are `<area>.<step>`; each app registers its own in its
# AppConfig.ready() with `register_labels`, so every code the log holds has a Chinese name in the
# admin (tests/portal/test_audit_labels.py checks the demo's).
ACTION_LABELS: dict[str, str] = {}


def register_labels(labels: dict[str, str]) -> None:
    ACTION_LABELS.update(labels)


register_labels(
    {
        # Staff login (portal/security.py)
        "auth.logged_in": "登录成功",
        "auth.logged_out": "退出登录",
        "auth.login_failed": "登录失败",
        "auth.locked_out": "账户锁定",
        "auth.unlocked": "解除锁定",
        "auth.two_factor_enabled": "启用两步验证",
        "auth.two_factor_reset": "重置两步验证",
        "auth.two_factor_policy": "修改两步验证要求",
    }
)


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)  # an unknown code is shown as it is rather than hidden


def record_login_failure(sender, credentials, request=None, **kwargs) -> None:
    """`user_login_failed` receiver: who tried which username from where. Django already strips
    passwords from `credentials`; we keep only the username anyway. A wrong one-time code of the
    two-factor step is sent as the same signal (`factor="totp"`, portal/security.py)."""
    username = str(credentials.get("username", ""))[:150]
    if kwargs.get("factor") == "totp":
        reason, data = f"用户名：{username}（动态验证码错误）", {"username": username, "factor": "totp"}
    else:
        reason, data = f"用户名：{username}", {"username": username}
    record("auth.login_failed", reason=reason, request=request, data=data)
