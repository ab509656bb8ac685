"""The demo shows every workflow situation, and each role can do its part."""

import os

import pytest
from django.core.management import call_command

from disclosures import pii, queues
from disclosures.models import DisclosureItem, Revision


@pytest.fixture
def demo(db):
    call_command("demo", stdout=open(os.devnull, "w"))


def test_demo_has_a_pending_revision_invisible_to_the_public(demo, client):
    revision = Revision.objects.get(status=Revision.Status.PENDING_REVIEW)
    assert revision.item.status == DisclosureItem.Status.PUBLISHED
    page = client.get(revision.item.get_absolute_url()).content.decode()
    assert "办理时限：县级民政部门" not in page
    assert "补充审核确认办理时限" not in page


def test_demo_has_a_roster_the_pii_guard_flags(demo):
    roster = DisclosureItem.objects.get(title__startswith="（草稿·隐私检查未通过）")
    assert roster.status == DisclosureItem.Status.DRAFT
    kinds = {f.kind for f in pii.scan_item(roster)}
    assert kinds == {"id18", "mobile", "bank_card"}


def test_demo_emergency_publication_waits_for_a_second_leader(demo, django_user_model):
    item = DisclosureItem.objects.get(emergency=True)
    assert item.status == DisclosureItem.Status.PUBLISHED
    leader, leader2 = (
        django_user_model.objects.get(username="leader"),
        django_user_model.objects.get(username="leader2"),
    )
    assert item not in queues.emergencies_to_confirm(leader)
    assert item in queues.emergencies_to_confirm(leader2)


def test_each_demo_role_sees_its_queue_in_the_admin(demo, client, django_user_model):
    expectations = {
        "reviewer": "（待审核）特困人员生活自理能力评估结果",
        "leader": "（待审批）2027年养老服务补贴标准",
        "editor": "（退回）临时救助审批结果",
    }
    for username, title in expectations.items():
        client.force_login(django_user_model.objects.get(username=username))
        page = client.get("/admin/").content.decode()
        assert title in page, username
    client.force_login(django_user_model.objects.get(username="reviewer"))
    page = client.get("/admin/").content.decode()
    assert "修订待我审核" in page and "最低生活保障办事指南（第1次修订）" in page
