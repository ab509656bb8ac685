"""Two-factor login for staff (TOTP, django-otp): asked when the user has an authenticator, required
per role by the site administrator (or the deployment), set up on first login. Codes are made with
django-otp's own TOTP function from the device's key, as a phone would."""

from __future__ import annotations

import os

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import security
from portal.models import AuditEntry, TwoFactorPolicy
from tests.portal.login_helpers import code, confirmed_device, logged_in, password_login

VERIFY = "/admin/login/verify/"
SETUP = "/admin/login/two-factor/"


def require(*roles):
    TwoFactorPolicy.objects.create(required_roles=list(roles))


def test_demo_users_log_in_with_the_password_only(client, db):
    call_command("demo", stdout=open(os.devnull, "w"))
    for username in ["editor", "reviewer", "leader", "admin"]:
        response = password_login(client, username, "demo-pass-2026")
        assert response.status_code == 302 and response.url == "/admin/", username
        assert client.get("/admin/").status_code == 200
        client.post("/admin/logout/")


def test_a_user_with_an_authenticator_is_asked_for_the_code_after_the_password(client, build):
    device = confirmed_device(build.editor)
    response = password_login(client, "editor", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302 and response.url == VERIFY
    assert not logged_in(client)  # the password alone logs nobody in
    assert client.get("/admin/").status_code == 302
    page = client.get(VERIFY).content.decode()
    assert "两步验证" in page and "动态验证码" in page

    response = client.post(VERIFY, {"code": code(device)}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302 and response.url == "/admin/"
    assert logged_in(client) and client.get("/admin/").status_code == 200
    entry = AuditEntry.objects.get(action="auth.logged_in")
    assert entry.reason == "密码＋动态验证码" and entry.data == {"two_factor": True}
    assert entry.ip_address == "203.0.113.9"


def test_a_wrong_code_is_refused_audited_and_counted_by_the_lockout(client, build):
    device = confirmed_device(build.editor)
    password_login(client, "editor", REMOTE_ADDR="203.0.113.9")
    wrong = f"{(int(code(device)) + 1) % 1000000:06d}"
    response = client.post(VERIFY, {"code": wrong}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200 and "动态验证码不正确" in response.content.decode()
    assert not logged_in(client)
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.data == {"username": "editor", "factor": "totp"} and "动态验证码错误" in entry.reason
    assert AccessAttempt.objects.get(username="editor").failures_since_start == 1


def test_five_wrong_codes_lock_the_account(client, build, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own back-off would otherwise slow the attempts down
    device = confirmed_device(build.editor)
    password_login(client, "editor", REMOTE_ADDR="203.0.113.9")
    wrong = f"{(int(code(device)) + 500000) % 1000000:06d}"
    responses = [client.post(VERIFY, {"code": wrong}, REMOTE_ADDR="203.0.113.9") for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert "账户已被临时锁定" in responses[-1].content.decode()
    assert AuditEntry.objects.filter(action="auth.locked_out").count() == 1
    # the password step is now refused, and the pending login is gone
    assert password_login(client, "editor", REMOTE_ADDR="203.0.113.9").status_code == 429
    assert client.get(VERIFY).status_code == 302


def test_django_otp_slows_down_guessing(client, build):
    device = confirmed_device(build.editor)
    password_login(client, "editor")
    wrong = f"{(int(code(device)) + 1) % 1000000:06d}"
    client.post(VERIFY, {"code": wrong})
    response = client.post(VERIFY, {"code": code(device)})  # even the right code waits out the back-off
    assert response.status_code == 200 and "秒后再试" in response.content.decode()
    assert not logged_in(client)


def test_a_code_works_once(client, build):
    device = confirmed_device(build.editor)
    password_login(client, "editor")
    used = code(device)
    client.post(VERIFY, {"code": used})
    client.post("/admin/logout/")
    password_login(client, "editor")
    response = client.post(VERIFY, {"code": used})
    assert response.status_code == 200 and not logged_in(client)


def test_the_code_step_expires_and_needs_the_password_again(client, build):
    device = confirmed_device(build.editor)
    password_login(client, "editor")
    session = client.session
    session[security.PENDING_KEY]["since"] -= security.PENDING_SECONDS + 1
    session.save()
    response = client.post(VERIFY, {"code": code(device)})
    assert response.status_code == 302 and response.url == "/admin/login/"
    assert not logged_in(client)


def test_the_code_page_without_a_password_sends_to_the_login(client, build):
    assert client.get(VERIFY).url == "/admin/login/"
    assert client.get(SETUP).url == "/admin/login/"


# ---- required per role -------------------------------------------------------------------------


def test_a_required_role_without_an_authenticator_sets_one_up_before_the_admin(client, build):
    require("leader")
    response = password_login(client, "leader", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302 and response.url == SETUP
    assert not logged_in(client) and client.get("/admin/").status_code == 302

    page = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=build.leader, confirmed=False)
    assert security.secret_text(device) in page
    assert "otpauth://totp/" in page and "secret=" in page
    assert '<img src="/admin/login/two-factor/qr.svg"' in page
    qr = client.get("/admin/login/two-factor/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert "no-store" in qr["Cache-Control"]
    assert client.get(SETUP).content.decode().count(security.secret_text(device)) == 1  # the same secret again

    response = client.post(SETUP, {"code": "000000" if code(device) != "000000" else "111111"})
    assert response.status_code == 200 and "动态验证码不正确" in response.content.decode() and not logged_in(client)
    device.throttle_reset()
    response = client.post(SETUP, {"code": code(device)}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302 and response.url == "/admin/"
    assert logged_in(client) and client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    entry = AuditEntry.objects.get(action="auth.two_factor_enabled")
    assert entry.actor == build.leader and entry.ip_address == "203.0.113.9"

    client.post("/admin/logout/")
    assert password_login(client, "leader").url == VERIFY  # from now on the code is asked


def test_roles_not_required_keep_the_password_only(client, build):
    require("leader")
    assert password_login(client, "editor").url == "/admin/"


def test_the_deployment_can_require_roles_the_admin_cannot_lift(client, build, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["admin"]
    get_user_model().objects.create_superuser("root", password="pw-123456")
    assert password_login(client, "root").url == SETUP  # a superuser counts as 管理员
    assert security.required_roles() == {"admin"}


def test_an_unknown_role_in_the_setting_is_a_configuration_error(settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["leader", "boss"]
    errors = security.two_factor_roles_known(None)
    assert [e.id for e in errors] == ["portal.E002"] and "boss" in errors[0].msg


def test_a_session_without_the_now_required_factor_is_sent_back_to_log_in(client, build):
    client.force_login(build.leader)
    assert client.get("/admin/").status_code == 200
    require("leader")
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
    page = client.get(response.url).content.decode()
    assert "本账户需要两步验证，请重新登录" in page
    assert not logged_in(client)
    assert "需要两步验证" in AuditEntry.objects.get(action="auth.logged_out").reason


def test_a_site_administrator_sets_the_required_roles_and_it_is_audited(client, build):
    root = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(root)
    page = client.get("/admin/portal/twofactorpolicy/add/").content.decode()
    for label in ["编辑", "审核员", "领导", "管理员"]:
        assert label in page
    response = client.post("/admin/portal/twofactorpolicy/add/", {"required_roles": ["reviewer", "leader"]})
    assert response.status_code == 302
    assert security.required_roles() == {"reviewer", "leader"}
    entry = AuditEntry.objects.get(action="auth.two_factor_policy")
    assert entry.actor == root and entry.to_state == "审核员、领导" and entry.from_state == "无"


def test_other_staff_cannot_change_the_requirement(client, build):
    require("leader")
    client.force_login(build.editor)
    policy = TwoFactorPolicy.objects.get()
    assert client.get(f"/admin/portal/twofactorpolicy/{policy.pk}/change/").status_code == 403
    assert client.post(f"/admin/portal/twofactorpolicy/{policy.pk}/change/", {"required_roles": []}).status_code == 403
    assert security.required_roles() == {"leader"}


# ---- optional set-up, and reset by an administrator --------------------------------------------


def test_staff_can_turn_two_factor_on_themselves(client, build):
    client.force_login(build.editor)
    assert "两步验证" in client.get("/admin/").content.decode()
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=build.editor)
    response = client.post(SETUP, {"code": code(device)}, follow=True)
    assert "两步验证已启用" in response.content.decode()
    assert client.get("/admin/").status_code == 200  # this session is now verified
    assert "已启用两步验证" in client.get(SETUP).content.decode()
    client.post("/admin/logout/")
    assert password_login(client, "editor").url == VERIFY


def test_an_administrator_resets_a_lost_authenticator_and_it_is_audited(client, build):
    device = confirmed_device(build.editor)
    root = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(root)
    listing = client.get("/admin/portal/authenticator/").content.decode()
    assert "已启用" in listing and device.key not in listing
    client.post("/admin/portal/authenticator/", {"action": "reset", "_selected_action": [device.pk]})
    assert not TOTPDevice.objects.filter(user=build.editor).exists()
    entry = AuditEntry.objects.get(action="auth.two_factor_reset")
    assert entry.actor == root and "editor" in entry.reason
    client.logout()
    assert password_login(client, "editor").url == "/admin/"  # no role requires it: password again


@pytest.mark.parametrize("path", ["/admin/portal/authenticator/", "/admin/portal/twofactorpolicy/"])
def test_only_site_administrators_see_the_two_factor_lists(client, build, path):
    client.force_login(build.leader)
    assert client.get(path).status_code == 403
