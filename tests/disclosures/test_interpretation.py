"""政策解读 “三同步”: a 行政规范性文件 and its 解读 link to each other, and approving the file without
one warns (or, when the site chooses, is refused)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from disclosures import interpretation, workflow
from disclosures.models import PolicyDetail


def policy_item(build, state="published", **fields):
    item = build.item(state="draft", category=build.policy_category, kind="policy", validity="valid", **fields)
    PolicyDetail.objects.create(item=item, doc_type=PolicyDetail.DocType.NORMATIVE)
    if state != "draft":
        workflow.submit(item, build.editor)
        workflow.review(item, build.reviewer, secrecy_confirmed=True)
        if state == "published":
            workflow.approve(item, build.leader)
    item.refresh_from_db()
    return item


def test_a_policy_and_its_interpretation_link_both_ways(client, build, site_profile):
    reading = build.item("《低保办法》政策解读", category=build.policy_category)
    policy = policy_item(build)
    PolicyDetail.objects.filter(item=policy).update(interpretation=reading)
    page = client.get(policy.get_absolute_url()).content.decode()
    assert f'href="{reading.get_absolute_url()}"' in page and "政策解读" in page
    page = client.get(reading.get_absolute_url()).content.decode()
    assert f'href="{policy.get_absolute_url()}"' in page and "解读的文件" in page


def test_an_unpublished_interpretation_is_not_linked(client, build, site_profile):
    draft = build.item("解读草稿", state="draft", category=build.policy_category)
    policy = policy_item(build)
    PolicyDetail.objects.filter(item=policy).update(interpretation=draft)
    assert "解读草稿" not in client.get(policy.get_absolute_url()).content.decode()


def test_approval_without_interpretation_warns_by_default(client, build, settings):
    from django.contrib.auth.models import Permission

    item = policy_item(build, state="pending_approval")
    build.leader.user_permissions.add(*Permission.objects.filter(content_type__app_label="disclosures"))
    client.force_login(build.leader)
    page = client.get(f"/admin/disclosures/disclosureitem/{item.pk}/workflow/approve/").content.decode()
    assert "尚未关联政策解读" in page
    workflow.approve(item, build.leader)  # warn: still allowed


def test_the_site_may_block_approval_without_interpretation(build, settings):
    settings.POLICY_INTERPRETATION_RULE = "block"
    item = policy_item(build, state="pending_approval")
    with pytest.raises(ValidationError, match="三同步"):
        workflow.approve(item, build.leader)
    reading = build.item("解读")
    PolicyDetail.objects.filter(item=item).update(interpretation=reading)
    workflow.approve(item, build.leader)


def test_published_files_without_interpretation_are_listed(build):
    listed = policy_item(build)
    linked = policy_item(build)
    PolicyDetail.objects.filter(item=linked).update(interpretation=build.item("解读"))
    assert list(interpretation.policies_without()) == [listed]
