"""Request helpers for the staff-login tests (portal/security.py)."""

from __future__ import annotations

from django_otp.oath import totp

PASSWORD = "pw-123456"  # tests/conftest.py Builder.user


def password_login(client, username, password=PASSWORD, **extra):
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password, "next": "/admin/"}, **extra
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def code(device, ahead: int = 0) -> str:
    """The device's current TOTP code (or the one `ahead` steps later), by django-otp's own function."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead):0{device.digits}d}"


def confirmed_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="测试验证器", confirmed=True)
