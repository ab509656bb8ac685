"""Content checks before publication: 错别字, 规范表述, 敏感词 and 领导信息 (a wrong leader title is a
严重表述错误 of the website inspection)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from disclosures import content_checks, content_rules_io, workflow
from disclosures.models import ContentRule, DisclosureItem
from portal.models import Leader


@pytest.fixture
def leaders(build):
    Leader.objects.create(organization=build.org, name="张三", title="县长", current=False)
    Leader.objects.create(organization=build.org, name="李四", title="县长", current=True)
    Leader.objects.create(organization=build.org, name="王五", title="副县长", current=True)


def kinds(text):
    return [(f.kind, f.matched) for f in content_checks.scan_text(text, "正文")]


def test_the_starter_rules_are_loaded_with_their_sources(db):
    rule = ContentRule.objects.get(pattern="中华人民共合国")
    assert rule.kind == "typo" and rule.suggestion == "中华人民共和国" and "宪法" in rule.source
    assert ContentRule.objects.filter(kind="sensitive").exists()
    assert not ContentRule.objects.filter(source="").exists()


def test_typo_wording_and_sensitive_words_are_found_with_suggestion(db):
    found = content_checks.scan_text("依据中华人民共合国有关法律，原国土资源部发文。六合彩", "正文")
    assert [(f.kind, f.matched, f.suggestion) for f in found] == [
        ("typo", "中华人民共合国", "中华人民共和国"),
        ("wording", "国土资源部", "自然资源部"),
        ("sensitive", "六合彩", ""),
    ]
    assert found[0].position == 2 and found[0].where == "正文"


def test_precision_words_that_contain_a_rule_are_not_findings(db):
    assert kinds("农业部门和环境保护部门联合检查；中华人民共和国成立。") == []


def test_a_former_leader_named_with_the_title_is_flagged(leaders):
    found = content_checks.scan_text("县长张三主持会议。", "正文")
    assert [(f.kind, f.matched) for f in found] == [("leader", "县长张三")]
    assert "现任县长为李四" in found[0].suggestion


def test_current_leaders_and_longer_titles_are_not_flagged(leaders):
    assert kinds("县长 李四、副县长王五出席。") == []
    found = content_checks.scan_text("县长：王五讲话。", "正文")
    assert [(f.kind, f.matched) for f in found] == [("leader", "县长：王五")]
    assert "王五现任副县长" in found[0].suggestion


def test_an_editor_who_writes_the_wrong_state_name_is_stopped_before_publication(build):
    item = build.item(state="draft", body="<p>中华人民共合国民政部</p>")
    with pytest.raises(ValidationError, match="中华人民共和国"):
        workflow.submit(item, build.editor)


def test_a_former_county_head_named_as_county_head_blocks_approval_until_dismissed(build, leaders):
    item = build.item(state="pending_approval")
    DisclosureItem.objects.filter(pk=item.pk).update(summary="县长张三到民政局调研")
    item.refresh_from_db()
    with pytest.raises(ValidationError, match="现任县长为李四"):
        workflow.approve(item, build.leader)
    with pytest.raises(PermissionDenied):
        workflow.override_content(item, build.editor, reason="我写的")
    workflow.override_content(item, build.leader, reason="引用的是2019年的讲话，当时张三任县长")
    workflow.approve(item, build.leader2)
    item.refresh_from_db()
    assert item.status == DisclosureItem.Status.PUBLISHED


def test_sensitive_words_cannot_be_let_through(build):
    item = build.item(state="draft", body="<p>六合彩</p>")
    workflow.override_content(item, build.leader, reason="试图放行")
    with pytest.raises(ValidationError, match="六合彩"):
        workflow.submit(item, build.editor)


def test_attachment_text_is_checked_too(build):
    from disclosures.models import Attachment

    item = build.item(state="draft")
    attachment = Attachment(item=item, original_name="通知.txt", file_type="txt", content_type="text/plain")
    attachment.file.save("通知.txt", SimpleUploadedFile("通知.txt", "原国家工商行政管理总局".encode()), save=False)
    attachment.save()
    with pytest.raises(ValidationError, match="国家市场监督管理总局"):
        workflow.submit(item, build.editor)


def test_a_rule_change_applies_at_once(build):
    assert kinds("某某口头禅") == []
    ContentRule.objects.create(kind="typo", pattern="口头禅", suggestion="（示例）", source="测试")
    assert kinds("某某口头禅") == [("typo", "口头禅")]


def test_rules_export_and_import_as_csv_with_bad_rows_reported(build):
    text = content_rules_io.export_csv(ContentRule.objects.filter(kind="typo"))
    assert text.startswith("\ufeff类别,查找内容")
    upload = SimpleUploadedFile(
        "rules.csv",
        "类别,查找内容,建议,依据,例外后续字\n错别字,帐号,账号,通用规范汉字表,\n乱写,某某,,,\n".encode("gb18030"),
    )
    result = content_rules_io.import_csv(upload, build.leader)
    assert result.created == 1 and len(result.errors) == 1 and "第3行" in result.errors[0]
    assert ContentRule.objects.filter(pattern="帐号", suggestion="账号").exists()


def test_check_content_command_prints_findings_as_json(build):
    item = build.item(state="draft", body="<p>原国土资源部</p>")
    out = io.StringIO()
    call_command("check_content", "--item", str(item.pk), "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert rows[0]["findings"][0]["matched"] == "国土资源部"
    out = io.StringIO()
    call_command("check_content", "--text", "中华人民共合国", stdout=out)
    assert "错别字｜中华人民共合国" in out.getvalue()


def test_all_published_lists_items_to_revise_after_a_rule_change(build):
    item = build.item(body="<p>本办法由县文明办负责解释。</p>")
    ContentRule.objects.create(kind="wording", pattern="县文明办", suggestion="县精神文明建设办公室", source="测试")
    out = io.StringIO()
    call_command("check_content", "--all-published", stdout=out)
    assert f"[{item.pk}]" in out.getvalue() and "共 1 条已发布信息需要修订" in out.getvalue()
