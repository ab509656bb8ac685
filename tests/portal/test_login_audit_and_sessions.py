"""Logins and logouts in the audit log; staff sessions end when idle and with the browser; the
public pages get no session from any of it; password rules speak Chinese."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.audit import ACTION_LABELS, action_label
from portal.models import AuditEntry
from portal.security import LAST_ACTIVITY_KEY
from tests.portal.login_helpers import logged_in, password_login


def test_login_and_logout_are_audited_with_the_address_and_chinese_labels(client, build):
    response = password_login(client, "editor", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302 and logged_in(client)
    entry = AuditEntry.objects.get(action="auth.logged_in")
    assert entry.actor == build.editor and entry.ip_address == "203.0.113.9"
    assert entry.reason == "密码" and entry.data == {"two_factor": False}

    client.post("/admin/logout/", REMOTE_ADDR="203.0.113.9")
    assert not logged_in(client)
    entry = AuditEntry.objects.get(action="auth.logged_out")
    assert entry.actor == build.editor and entry.ip_address == "203.0.113.9"

    labels = {"auth.logged_in": "登录成功", "auth.logged_out": "退出登录", "auth.login_failed": "登录失败"}
    labels["auth.locked_out"] = "账户锁定"
    for code, label in labels.items():
        assert ACTION_LABELS[code] == label and action_label(code) == label


def test_the_audit_log_lists_logins_in_chinese(client, build):
    password_login(client, "editor", REMOTE_ADDR="203.0.113.9")
    root = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(root)
    rows = client.get("/admin/portal/auditentry/?action=auth.logged_in").content.decode()
    assert "登录成功" in rows.split('id="result_list"')[1]


# ---- idle timeout ------------------------------------------------------------------------------


def set_last_activity(client, minutes_ago: float) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = timezone.now().timestamp() - minutes_ago * 60
    session.save()


def test_a_staff_session_ends_after_thirty_idle_minutes(client, build):
    password_login(client, "editor")
    assert client.get("/admin/").status_code == 200
    set_last_activity(client, 31)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[0][0].startswith("/admin/login/")
    assert not logged_in(client)
    assert "已超过 30 分钟未操作" in response.content.decode()
    entry = AuditEntry.objects.get(action="auth.logged_out")
    assert entry.actor == build.editor and "超过 30 分钟未操作" in entry.reason


def test_activity_keeps_the_session_and_moves_the_clock(client, build):
    password_login(client, "editor")
    set_last_activity(client, 29)
    assert client.get("/admin/").status_code == 200
    assert timezone.now().timestamp() - client.session[LAST_ACTIVITY_KEY] < 60
    set_last_activity(client, 29)  # 29 more minutes: still in, since the last request counted
    assert client.get("/admin/").status_code == 200


def test_the_idle_period_is_a_setting(client, build, settings):
    settings.SESSION_IDLE_MINUTES = 5
    password_login(client, "editor")
    set_last_activity(client, 6)
    assert client.get("/admin/").status_code == 302
    assert not logged_in(client)


def test_the_session_cookie_ends_with_the_browser(client, build):
    response = password_login(client, "editor")
    cookie = response.cookies["sessionid"]
    assert cookie.value and not cookie["expires"] and not cookie["max-age"]


def test_anonymous_public_pages_create_no_session_and_stay_cacheable(client, build, site_profile):
    response = client.get("/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert "Cookie" not in response.headers.get("Vary", "")


# ---- password rules in Chinese -----------------------------------------------------------------


@pytest.mark.parametrize(
    "password, message",
    [
        ("zhangsan99", "密码与用户名过于相似。"),
        ("Ab3$x", "密码太短，至少需要 8 个字符。"),
        ("password", "这个密码太常见，容易被猜中，请换一个。"),
        ("83920175614", "密码不能全是数字。"),
    ],
)
def test_validate_password_speaks_chinese(db, password, message):
    user = get_user_model()(username="zhangsan99", email="zs@example.com")
    with pytest.raises(ValidationError) as raised:
        validate_password(password, user)
    assert message in raised.value.messages
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for text in raised.value.messages)


def test_every_password_help_text_is_chinese(db):
    texts = password_validators_help_texts()
    assert len(texts) == 4
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in text) and "password" not in text for text in texts)


def test_the_admin_password_change_form_says_why_in_chinese(client, build):
    client.force_login(build.editor)
    page = client.get("/admin/password_change/").content.decode()
    assert "密码至少需要 8 个字符。" in page
    response = client.post(
        "/admin/password_change/",
        {"old_password": "pw-123456", "new_password1": "Ab3$x", "new_password2": "Ab3$x"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "密码太短，至少需要 8 个字符。" in page
    assert "This password" not in page
