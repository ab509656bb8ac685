"""Moving Organization and Membership into the core app keeps the rows, their permissions and the
audit history (state-only migrations; the tables are unchanged)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("contenttypes", "0002_remove_content_type_name"),
    ("auth", "0012_alter_user_first_name_max_length"),
    ("portal", "0002_seed_work_calendar"),
    ("disclosures", "0003_search_index"),
    ("info_requests", "0002_request_handling"),
    ("reports", "0001_annual_report"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def leaves():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_organizations_and_roles_survive_the_move_into_the_core_app():
    old = migrate(BEFORE)
    User = old.get_model("auth", "User")
    Organization = old.get_model("disclosures", "Organization")
    Membership = old.get_model("disclosures", "Membership")
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    AuditEntry = old.get_model("portal", "AuditEntry")
    Application = old.get_model("info_requests", "Application")

    org = Organization.objects.create(name="旧库县民政局", short_name="民政局", slug="old", code="01526257-2")
    user = User.objects.create(username="old-editor")
    Membership.objects.create(user=user, organization=org, role="editor")
    # As in a database of the old layout: the content types still carry the old app label.
    ContentType.objects.filter(app_label="portal", model__in=["organization", "membership"]).delete()
    ct, _ = ContentType.objects.get_or_create(app_label="disclosures", model="organization")
    perm, _ = Permission.objects.get_or_create(
        content_type=ct, codename="view_organization", defaults={"name": "Can view organization"}
    )
    user.user_permissions.add(perm)
    Application.objects.create(
        organization=org,
        tracking_code="AAAA-BBBB-CCCC",
        applicant_type="natural",
        applicant_name="张三",
        info_title="低保名单",
    )
    AuditEntry.objects.create(action="request_submit", object_repr="旧申请")

    new = migrate(leaves())
    Organization = new.get_model("portal", "Organization")
    Membership = new.get_model("portal", "Membership")
    Application = new.get_model("info_requests", "Application")
    AuditEntry = new.get_model("portal", "AuditEntry")
    User = new.get_model("auth", "User")

    moved = Organization.objects.get(slug="old")
    assert Membership.objects.filter(organization=moved, user__username="old-editor", role="editor").exists()
    assert Application.objects.get(tracking_code="AAAA-BBBB-CCCC").organization_id == moved.pk
    kept = User.objects.get(username="old-editor").user_permissions.get(codename="view_organization")
    assert kept.content_type.app_label == "portal"
    assert AuditEntry.objects.filter(action="request.submit", object_repr="旧申请").exists()
