"""Brute-force lockout of the staff login (django-axes) and the one client address function it
shares with the audit log and the public forms (portal.audit.client_ip)."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from portal.audit import client_ip
from portal.models import AuditEntry
from tests.portal.login_helpers import logged_in, password_login

ROOT = Path(__file__).resolve().parents[2]


def fail(client, username, times, **extra):
    response = None
    for _ in range(times):
        response = password_login(client, username, "wrong-password", **extra)
    return response


# ---- the client address ------------------------------------------------------------------------


def test_without_trusted_proxies_the_address_is_remote_addr_and_x_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert client_ip(request) == "198.51.100.7"


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (1, "203.0.113.50", "203.0.113.50"),
        (1, "6.6.6.6, 203.0.113.50", "203.0.113.50"),  # what the client wrote itself stands left
        (2, "6.6.6.6, 203.0.113.50, 10.0.0.2", "203.0.113.50"),
        (2, "203.0.113.50", "10.0.0.1"),  # fewer addresses than proxies: not through them all
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_trusted_proxies_the_nth_address_from_the_right_is_the_client(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


# ---- lockout -------------------------------------------------------------------------------------


def test_five_failures_lock_the_username_from_that_address_with_a_chinese_page_saying_until_when(client, build):
    for _ in range(4):
        assert password_login(client, "editor", "wrong-password", REMOTE_ADDR="203.0.113.9").status_code == 200
    response = password_login(client, "editor", "wrong-password", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429
    attempt = AccessAttempt.objects.get(username="editor", ip_address="203.0.113.9")
    until = timezone.localtime(attempt.attempt_time + datetime.timedelta(minutes=30))
    if until.second or until.microsecond:
        until = until.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    page = response.content.decode()
    assert f"账户已被临时锁定，请于 {until:%Y-%m-%d %H:%M} 后再试，或联系管理员解锁" in page
    assert str(until.tzinfo) == "Asia/Shanghai"

    entry = AuditEntry.objects.get(action="auth.locked_out")
    assert entry.ip_address == "203.0.113.9" and entry.data["username"] == "editor"
    assert "连续 5 次登录失败" in entry.reason and f"{until:%Y-%m-%d %H:%M}" in entry.reason
    assert AuditEntry.objects.filter(action="auth.login_failed").count() == 5


def test_the_right_password_does_not_work_while_locked_and_works_after_the_cool_off(client, build):
    fail(client, "editor", 5, REMOTE_ADDR="203.0.113.9")
    response = password_login(client, "editor", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429 and "账户已被临时锁定" in response.content.decode()
    assert not logged_in(client)
    assert AuditEntry.objects.filter(action="auth.locked_out").count() == 1  # the lock began once

    # 31 minutes later (the attempts are moved back rather than waiting)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    response = password_login(client, "editor", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302 and response.url == "/admin/"
    assert logged_in(client)


def test_the_lock_holds_one_username_from_one_address_only(client, build):
    fail(client, "editor", 5, REMOTE_ADDR="203.0.113.9")
    assert password_login(client, "editor", REMOTE_ADDR="198.51.100.20").status_code == 302  # the real user elsewhere
    client.logout()
    assert password_login(client, "reviewer", REMOTE_ADDR="203.0.113.9").status_code == 302


def test_the_failure_limit_and_cool_off_are_settings(client, build, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=10)
    assert fail(client, "editor", 3, REMOTE_ADDR="203.0.113.9").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=11))
    assert password_login(client, "editor", REMOTE_ADDR="203.0.113.9").status_code == 302


def test_a_spoofed_x_forwarded_for_does_not_escape_the_lock_without_trusted_proxies(client, build, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        password_login(
            client, "editor", "wrong-password", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
        )
    response = password_login(client, "editor", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    assert set(AuditEntry.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


def test_behind_a_trusted_proxy_lockout_and_audit_use_the_forwarded_client(client, build, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(5):
        password_login(client, "editor", "wrong-password", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", **proxy)
    assert password_login(client, "editor", HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy).status_code == 429
    # another client behind the same proxy is not locked out with the first one
    assert password_login(client, "editor", HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy).status_code == 302
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    assert AuditEntry.objects.get(action="auth.locked_out").ip_address == "203.0.113.9"
    assert AuditEntry.objects.get(action="auth.logged_in").ip_address == "198.51.100.20"


def test_a_site_administrator_unlocks_in_the_admin_and_it_is_audited(client, build):
    from django.contrib.auth import get_user_model

    fail(client, "editor", 5, REMOTE_ADDR="203.0.113.9")
    root = get_user_model().objects.create_superuser("root", password="pw")
    admin_client = type(client)()
    admin_client.force_login(root)
    listing = admin_client.get("/admin/portal/loginattempt/?locked=yes").content.decode()
    assert "editor" in listing and "锁定至" in listing and "203.0.113.9" in listing
    attempt = AccessAttempt.objects.get()
    response = admin_client.post(
        "/admin/portal/loginattempt/", {"action": "unlock", "_selected_action": [attempt.pk]}, follow=True
    )
    assert "已解除 1 个账户" in response.content.decode()
    entry = AuditEntry.objects.get(action="auth.unlocked")
    assert entry.actor == root and "editor" in entry.reason and "203.0.113.9" in entry.reason
    assert password_login(client, "editor", REMOTE_ADDR="203.0.113.9").status_code == 302


def test_other_staff_do_not_see_the_lockout_list(client, build):
    client.force_login(build.editor)
    assert client.get("/admin/portal/loginattempt/").status_code == 403


def test_the_unlock_command_lifts_the_lock_and_is_audited(client, build):
    fail(client, "editor", 5, REMOTE_ADDR="203.0.113.9")
    call_command("unlock_login", "editor", stdout=open(os.devnull, "w"))
    assert not AccessAttempt.objects.exists()
    assert "命令行" in AuditEntry.objects.get(action="auth.unlocked").reason
    assert password_login(client, "editor", REMOTE_ADDR="203.0.113.9").status_code == 302


def test_the_lockout_settings_come_from_the_environment():
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(
        AXES_FAILURE_LIMIT="7",
        AXES_COOLOFF_MINUTES="45",
        TRUSTED_PROXY_COUNT="2",
        SESSION_IDLE_MINUTES="15",
        TWO_FACTOR_REQUIRED_ROLES="leader,admin",
        DJANGO_SETTINGS_MODULE="portal.settings_test",
    )
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds() // 60), s.TRUSTED_PROXY_COUNT, "
        "s.SESSION_IDLE_MINUTES, ','.join(s.TWO_FACTOR_REQUIRED_ROLES))"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.split() == ["7", "45", "2", "15", "leader,admin"], result.stderr
