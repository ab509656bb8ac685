"""Staff login protections: what an assessor checks under 等保 2.0 (GB/T 22239-2019) 身份鉴别 and
安全审计 for the admin at /admin/. README “安全” says how to configure them.

- 登录失败处理: django-axes counts failed logins per username *and* client address in the database
  and locks that pair after AXES_FAILURE_LIMIT failures for AXES_COOLOFF_MINUTES (settings); while
  locked even the right password is refused. `lockout_response` is the Chinese page saying until
  when; `unlock` is the audited unlock (admin action 解除锁定, command `unlock_login`).
- 两种鉴别技术组合: a TOTP authenticator (django-otp). A user who has a confirmed one is asked for a
  code after the password; a user whose role requires it (`required_roles`) and has none sets one up
  before reaching the admin. Until then the session is *not* logged in: the password step leaves only
  a short-lived note in the session (`start_pending`), so no page of the site treats the user as
  logged in. The admin site also refuses a session that lacks a second factor it needs
  (`second_factor_ok`, used by portal/admin_site.py), e.g. after an administrator turned it on.
- 登录连接超时自动退出: `SessionIdleMiddleware` ends a logged-in session after SESSION_IDLE_MINUTES
  without a request; SESSION_EXPIRE_AT_BROWSER_CLOSE ends it with the browser.
- 安全审计: logins, logouts, failed logins (password or code), lockouts, unlocks and authenticator
  changes are written with portal.audit.record, with the client address of portal.audit.client_ip
  (the same address axes locks).

Roles are read in one place, `user_roles` (portal.models.Membership).
"""

from __future__ import annotations

import base64
import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.signals import user_login_failed
from django.core import checks
from django.db import transaction
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import record
from .models import LoginAttempt, Membership, SiteProfile, TwoFactorPolicy

Role = Membership.Role
ROLE_ORDER = [role.value for role in Role]


# ---- who needs a second factor -------------------------------------------------------------------


def user_roles(user) -> set[str]:
    """The roles `user` holds in any organization; a superuser counts as 管理员. The one place the
    two-factor rules read roles from."""
    if user is None or user.pk is None:
        return set()
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    if user.is_superuser:
        roles.add(Role.ADMIN.value)
    return roles


def role_names(roles) -> str:
    chosen = [role for role in ROLE_ORDER if role in set(roles)]
    return "、".join(Role(role).label for role in chosen) or "无"


def enforced_roles() -> set[str]:
    """Roles the deployment requires (TWO_FACTOR_REQUIRED_ROLES); the admin cannot lift them."""
    return {role.strip() for role in getattr(settings, "TWO_FACTOR_REQUIRED_ROLES", []) if role.strip()}


def policy() -> TwoFactorPolicy:
    return TwoFactorPolicy.objects.order_by("pk").first() or TwoFactorPolicy()


def required_roles() -> set[str]:
    return enforced_roles() | set(policy().required_roles)


def two_factor_required(user) -> bool:
    required = required_roles()
    return bool(required) and bool(user_roles(user) & required)


def confirmed_authenticator(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def second_step(user) -> str | None:
    """After a correct password: "verify" (enter a code), "setup" (set up an authenticator first,
    the role requires one) or None (the password is enough)."""
    if confirmed_authenticator(user) is not None:
        return "verify"
    if two_factor_required(user):
        return "setup"
    return None


def second_factor_ok(request) -> bool:
    """The logged-in user of `request` has every factor they need: verified by their authenticator
    in this session, or they have none and their role needs none. Kept on the request, since the
    admin asks several times per page."""
    cached = getattr(request, "_portal_second_factor_ok", None)
    if cached is None:
        user = request.user
        if not user.is_authenticated or (hasattr(user, "is_verified") and user.is_verified()):
            cached = True
        else:
            cached = second_step(user) is None
        request._portal_second_factor_ok = cached
    return cached


# ---- between the password and the code ----------------------------------------------------------

PENDING_KEY = "portal_login_pending"
PENDING_SECONDS = 10 * 60  # time to type the code or set up the authenticator after the password


def start_pending(request, user, next_url: str, step: str) -> None:
    """The password was right and `step` is still to do. Nothing is logged in yet."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "hash": user.get_session_auth_hash(),  # a password change meanwhile ends it
        "since": timezone.now().timestamp(),
        "next": next_url,
        "step": step,
    }


def pending_login(request, step: str):
    """(user, note) of the login waiting for `step` in this session, or (None, None)."""
    note = request.session.get(PENDING_KEY)
    if not note or note.get("step") != step:
        return None, None
    if timezone.now().timestamp() - note["since"] > PENDING_SECONDS:
        drop_pending(request)
        return None, None
    user = get_user_model().objects.filter(pk=note["user"], is_active=True, is_staff=True).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), note["hash"]):
        drop_pending(request)
        return None, None
    return user, note


def drop_pending(request) -> None:
    if hasattr(request, "session"):
        request.session.pop(PENDING_KEY, None)
        request.session.pop(SETUP_KEY, None)


def finish_login(request, user, device, backend: str) -> None:
    """Both factors are done: log in, with the device recorded in the session (django-otp)."""
    drop_pending(request)
    user.otp_device = device
    login(request, user, backend=backend)
    request.__dict__.pop("_portal_second_factor_ok", None)


def is_locked(request, user) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    return AxesProxyHandler.is_locked(request, {"username": user.get_username()})


def check_code(request, user, code: str) -> tuple[TOTPDevice | None, str]:
    """The user's authenticator accepts `code` (each code once): (device, ""), or (None, why not).
    A wrong code counts as a failed login — audited, and counted by the lockout like a wrong
    password (the `user_login_failed` signal with factor="totp")."""
    device = confirmed_authenticator(user)
    if device is None:
        return None, "未找到已启用的两步验证设备，请重新登录。"
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, extra = device.verify_is_allowed()
        if not allowed:
            return None, throttled_message(extra)
        accepted = device.verify_token(code)
    if accepted:
        return device, ""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request, factor="totp"
    )
    return None, "动态验证码不正确或已经用过，请输入验证器当前显示的 6 位数字。"


def throttled_message(extra) -> str:
    until = (extra or {}).get("locked_until")
    if until is not None:
        seconds = max(1, int((until - timezone.now()).total_seconds()) + 1)
        return f"动态验证码错误次数较多，请 {seconds} 秒后再试。"
    return "暂时不能验证动态验证码，请稍后再试。"


# ---- setting up an authenticator ----------------------------------------------------------------

SETUP_KEY = "portal_totp_setup"
DEVICE_NAME = "身份验证器"


def enrollment_device(request, user, create: bool = True) -> TOTPDevice | None:
    """The unconfirmed authenticator being set up in this session. Created on the first view, so the
    secret shown stays the same until it is confirmed; older unconfirmed ones of the user go."""
    pk = request.session.get(SETUP_KEY)
    device = TOTPDevice.objects.filter(pk=pk, user=user, confirmed=False).first() if pk else None
    if device is None and create:
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        request.session[SETUP_KEY] = device.pk
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm_authenticator(request, user, device: TOTPDevice, code: str) -> bool:
    """The first code from the new authenticator proves it is set up: it becomes the user's second
    factor (audited)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not device.verify_token(code):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        record(
            "auth.two_factor_enabled",
            actor=user,
            reason=f"用户名：{user.get_username()}",
            request=request,
            data={"username": user.get_username()},
        )
    request.session.pop(SETUP_KEY, None)
    return True


def reset_authenticators(actor, user, request=None) -> int:
    """An administrator removes a user's authenticators (lost phone); the user sets up a new one at
    the next login if their role requires it."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        record(
            "auth.two_factor_reset",
            actor=actor,
            reason=f"用户名：{user.get_username()}",
            request=request,
            data={"username": user.get_username(), "devices": removed},
        )
    return removed


def set_required_roles(actor, roles, request=None) -> TwoFactorPolicy:
    """Which roles must use two-factor login (besides TWO_FACTOR_REQUIRED_ROLES). Audited."""
    chosen = [role for role in ROLE_ORDER if role in set(roles)]
    with transaction.atomic():
        row = TwoFactorPolicy.objects.select_for_update().order_by("pk").first() or TwoFactorPolicy()
        before = list(row.required_roles)
        row.required_roles = chosen
        row.save()
        record(
            "auth.two_factor_policy",
            actor=actor,
            from_state=role_names(before)[:30],
            to_state=role_names(chosen)[:30],
            reason=f"必须使用两步验证的角色：{role_names(chosen)}",
            request=request,
            data={"before": before, "after": chosen},
        )
    return row


def totp_issuer(device) -> str:
    """The name an authenticator app shows next to the account: the site's name."""
    return SiteProfile.current().site_name


# ---- lockout ------------------------------------------------------------------------------------


def cool_off(request=None) -> datetime.timedelta:
    from axes.helpers import get_cool_off

    return get_cool_off(request)


def locked_until(username: str, ip_address: str | None, request=None) -> datetime.datetime:
    """When the lock of this username and address ends, to the next whole minute (so “19:45 后再试”
    is true at 19:45)."""
    last = LoginAttempt.objects.filter(username=username, ip_address=ip_address).aggregate(at=Max("attempt_time"))
    until = (last["at"] or timezone.now()) + cool_off(request)
    if until.second or until.microsecond:
        until = until.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    return timezone.localtime(until)


def lockout_message(until: datetime.datetime) -> str:
    return f"账户已被临时锁定，请于 {until:%Y-%m-%d %H:%M} 后再试，或联系管理员解锁。"


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the Chinese page of a locked username and address (HTTP 429)."""
    from django.contrib import admin

    username = str((credentials or {}).get("username") or request.POST.get("username", ""))[:150]
    until = locked_until(username, getattr(request, "axes_ip_address", None), request)
    drop_pending(request)
    context = {
        **admin.site.each_context(request),
        "title": "账户已被临时锁定",
        "message": lockout_message(until),
        "until": until,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "admin/portal/lockout.html", context, status=429)


def record_lockout(sender, request, username, ip_address, **kwargs) -> None:
    """axes' `user_locked_out` receiver: the moment a lock starts. Attempts while it lasts are
    登录失败 entries of their own (axes sends this signal for each of them too)."""
    if getattr(request, "axes_failures_since_start", None) != settings.AXES_FAILURE_LIMIT:
        return
    until = locked_until(username, ip_address, request)
    record(
        "auth.locked_out",
        reason=f"用户名：{username}，连续 {settings.AXES_FAILURE_LIMIT} 次登录失败，锁定至 {until:%Y-%m-%d %H:%M}",
        request=request,
        data={"username": username, "until": until.isoformat()},
    )


def unlock(*, actor, username: str, ip_address: str | None = None, request=None, via: str = "") -> int:
    """Lift the lock (and forget the failures) of `username`, from one address or from all. Audited."""
    with transaction.atomic():
        attempts = LoginAttempt.objects.filter(username=username)
        if ip_address:
            attempts = attempts.filter(ip_address=ip_address)
        removed = attempts.delete()[0]
        where = f"，地址：{ip_address}" if ip_address else "，所有地址"
        record(
            "auth.unlocked",
            actor=actor,
            reason=f"用户名：{username}{where}" + (f"（{via}）" if via else ""),
            request=request,
            data={"username": username, "ip_address": ip_address, "records": removed},
        )
    return removed


# ---- audit of logins and logouts ----------------------------------------------------------------


def record_login(sender, request, user, **kwargs) -> None:
    """`user_logged_in` receiver."""
    two_factor = getattr(user, "otp_device", None) is not None
    if request is not None and hasattr(request, "session"):
        request.session[LAST_ACTIVITY_KEY] = timezone.now().timestamp()
    record(
        "auth.logged_in",
        actor=user,
        reason="密码＋动态验证码" if two_factor else "密码",
        request=request,
        data={"two_factor": two_factor},
    )


def record_logout(sender, request, user, **kwargs) -> None:
    """`user_logged_out` receiver; an idle timeout says so."""
    if user is None:
        return
    record("auth.logged_out", actor=user, reason=getattr(request, "portal_logout_reason", ""), request=request)


# ---- idle timeout -------------------------------------------------------------------------------

LAST_ACTIVITY_KEY = "portal_last_activity"
ACTIVITY_WRITE_SECONDS = 60  # the session is written at most once a minute for this


class SessionIdleMiddleware:
    """Ends a logged-in session after SESSION_IDLE_MINUTES without a request (等保 2.0 登录连接超时
    自动退出). Only requests that carry a session cookie are looked at, so anonymous visitors of the
    public pages get no session, no write and no `Vary: Cookie` from this."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            now = timezone.now().timestamp()
            last = request.session.get(LAST_ACTIVITY_KEY)
            minutes = settings.SESSION_IDLE_MINUTES
            if last is not None and now - last > minutes * 60:
                request.portal_logout_reason = f"超过 {minutes} 分钟未操作，自动退出"
                logout(request)
                messages.info(request, f"您已超过 {minutes} 分钟未操作，为保护账户安全已自动退出，请重新登录。")
            elif last is None or now - last >= ACTIVITY_WRITE_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


def end_session(request, reason: str) -> None:
    request.portal_logout_reason = reason
    logout(request)
    request.__dict__.pop("_portal_second_factor_ok", None)


# ---- configuration check ------------------------------------------------------------------------


@checks.register(checks.Tags.security)
def two_factor_roles_known(app_configs, **kwargs):
    unknown = sorted(enforced_roles() - set(ROLE_ORDER))
    if unknown:
        return [
            checks.Error(
                f"TWO_FACTOR_REQUIRED_ROLES 含有未知角色：{'、'.join(unknown)}。",
                hint="可用的角色代码：editor（编辑）、reviewer（审核员）、leader（领导）、admin（管理员），用逗号分隔。",
                id="portal.E002",
            )
        ]
    return []
