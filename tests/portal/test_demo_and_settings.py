import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from disclosures.models import DisclosureItem

ROOT = Path(__file__).resolve().parents[2]
# The README's production lines set a key ring (README “个人信息加密存储”).
PRODUCTION_KEYS = "k2026:dGVzdC1rZXktb25lLS0tLS0tLS0tLS0tLS0tLS0tLS0="


@pytest.fixture
def demo(db):
    call_command("demo", stdout=open(os.devnull, "w"))


def test_demo_publishes_the_seed_report_with_its_index_number(demo, client):
    item = DisclosureItem.objects.get(index_number="01526257-2-/2016-1230002")
    assert item.organization.name == "龙陵县民政局"
    assert item.category.name == "政府信息公开年报"
    html = client.get(item.get_absolute_url()).content.decode()
    for text in (
        "01526257-2-/2016-1230002",
        "龙陵县民政局",
        "政府信息公开年报",
        "2016-12-30",
        "统一认识,加强领导,确保政务公开落到实处",
    ):
        assert text in html


def test_demo_covers_every_kind_and_workflow_state(demo):
    published = DisclosureItem.objects.published()
    assert published.count() >= 30
    assert set(published.values_list("kind", flat=True)) >= {
        "general",
        "policy",
        "budget",
        "procurement",
        "social_assistance",
        "elderly_care",
        "annual_report",
    }
    states = set(DisclosureItem.objects.values_list("status", flat=True))
    assert states >= {"draft", "pending_review", "pending_approval", "scheduled", "published", "withdrawn"}
    assert DisclosureItem.objects.exclude(return_reason="").exists()


def test_demo_is_idempotent_and_refuses_foreign_data(demo, django_user_model):
    count = DisclosureItem.objects.count()
    call_command("demo", stdout=open(os.devnull, "w"))
    assert DisclosureItem.objects.count() == count


def test_demo_refuses_a_database_with_other_data(db, django_user_model):
    django_user_model.objects.create_user("someone")
    with pytest.raises(CommandError, match="非演示数据"):
        call_command("demo", stdout=open(os.devnull, "w"))


def test_demo_public_pages_answer(demo, client):
    for url in ["/", "/catalog/", "/guide/", "/guide/llczj/", "/api/items.json", "/sitemap.xml", "/feeds/latest/"]:
        assert client.get(url).status_code == 200, url
    for item in DisclosureItem.objects.published():
        assert client.get(item.get_absolute_url()).status_code == 200


def check_deploy(**extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "PORTAL_TESTING", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        SECRET_KEY="x" * 20 + "production-secret-key-for-the-check-0123456789!",
        DEBUG="0",
        FIELD_ENCRYPTION_KEYS=PRODUCTION_KEYS,
        **extra,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_documented_production_defaults_pass_check_deploy():
    """The README's deployment lines (no SECURE_HSTS_PRELOAD) give a clean `check --deploy`."""
    result = check_deploy(ALLOWED_HOSTS="www.longling.gov.cn")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_pass_check_deploy():
    result = check_deploy(ALLOWED_HOSTS="www.longling.gov.cn", SECURE_HSTS_PRELOAD="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_wsgi_refuses_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    result = subprocess.run(
        [sys.executable, "-c", "import portal.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_no_migrations_missing():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings_test"},
    )
    assert result.returncode == 0, result.stdout
