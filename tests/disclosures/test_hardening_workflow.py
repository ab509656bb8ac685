"""Every path that makes content public runs the same checks and the same separation of duties."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from disclosures import workflow
from disclosures.models import DisclosureItem

# 18 digits with a valid checksum and birth date: a real-looking 身份证号.
FULL_ID = "530523199001011235"


def test_emergency_publish_is_refused_while_the_body_holds_an_identity_number(build, client, site_profile):
    item = build.item(state="draft", body=f"<p>低保名单：张三 {FULL_ID}</p>")
    with pytest.raises(ValidationError, match="个人隐私"):
        workflow.emergency_publish(item, build.leader, reason="灾情紧急")
    item.refresh_from_db()
    assert item.status == DisclosureItem.Status.DRAFT and not item.index_number
    assert client.get(item.get_absolute_url()).status_code == 404
    assert FULL_ID not in client.get("/search/?q=530523").content.decode()


def test_emergency_publish_after_an_override_by_a_leader_who_did_not_write_it(build):
    item = build.item(state="draft", body=f"<p>惩戒公示：{FULL_ID}</p>")
    workflow.override_pii(item, build.leader, reason="依法公示失信被执行人")
    workflow.emergency_publish(item, build.leader2, reason="灾情紧急")
    item.refresh_from_db()
    assert item.status == DisclosureItem.Status.PUBLISHED


def test_a_user_who_is_editor_and_leader_cannot_emergency_publish_their_own_draft(build):
    from portal.models import Membership

    both = build.user("both", "editor", org=build.org)
    Membership.objects.create(user=both, organization=build.org, role=Membership.Role.LEADER)
    item = build.item(state="draft")
    item.created_by = both
    item.save()
    item.contributors.add(both)
    with pytest.raises(PermissionDenied, match="职责分离"):
        workflow.emergency_publish(item, both, reason="我自己写的")
    assert not workflow.can(both, "emergency_publish", item)


def test_history_import_runs_the_same_checks(build):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", password="pw-123456")
    item = build.item(state="draft", body=f"<p>{FULL_ID}</p>")
    when = timezone.make_aware(datetime.datetime(2016, 12, 30, 9))
    with pytest.raises(ValidationError, match="个人隐私"):
        workflow.import_published(item, admin, published_at=when)
    item.refresh_from_db()
    assert item.status == DisclosureItem.Status.DRAFT


def test_scheduling_runs_the_checks_too(build):
    item = build.item(state="pending_approval")
    item.body = f"<p>{FULL_ID}</p>"
    DisclosureItem.objects.filter(pk=item.pk).update(body=item.body)
    with pytest.raises(ValidationError, match="个人隐私"):
        workflow.approve(item, build.leader, publish_at=timezone.now() + datetime.timedelta(days=1))
