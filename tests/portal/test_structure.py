"""The layout rules of the code base: the core app depends on no feature app, and every audit
code has a Chinese label."""

from __future__ import annotations

import ast
from pathlib import Path

from django.core.management import call_command

from portal.audit import ACTION_LABELS, action_label
from portal.models import AuditEntry

ROOT = Path(__file__).resolve().parents[2]
FEATURE_APPS = {"disclosures", "info_requests", "reports", "interaction"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_the_core_app_imports_no_feature_app():
    offenders = []
    for path in sorted((ROOT / "portal").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for module in imported_modules(path):
            if module.split(".")[0] in FEATURE_APPS:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_every_audit_code_of_the_demo_has_a_chinese_label(db):
    call_command("demo", stdout=open("/dev/null", "w"))
    codes = set(AuditEntry.objects.values_list("action", flat=True))
    assert codes, "the demo writes audit entries"
    unlabelled = sorted(code for code in codes if action_label(code) == code)
    assert unlabelled == []


def test_audit_labels_are_chinese_and_codes_follow_one_style():
    for code, label in ACTION_LABELS.items():
        area, _, step = code.partition(".")
        assert area and step and code == code.lower(), code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in label), (code, label)


def test_kept_records_have_no_bulk_delete_in_the_admin(rf, admin_user):
    # Published items are withdrawn, revisions, applications and messages kept as the record:
    # the admin's “删除所选” would delete past each admin's has_delete_permission.
    from django.contrib import admin

    from disclosures.models import DisclosureItem, Revision
    from info_requests.models import Application
    from interaction.models import Message

    request = rf.get("/admin/")
    request.user = admin_user
    for model in (DisclosureItem, Revision, Application, Message):
        assert "delete_selected" not in admin.site._registry[model].get_actions(request), model
