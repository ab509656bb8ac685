"""网站自查: every measurable indicator with a status, in a stable JSON form, on the admin page."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from disclosures import inspection

CODES = {
    "home_updated",
    "columns_updated",
    "blank_columns",
    "dead_links",
    "footer_marks",
    "search_works",
    "content_findings",
    "policy_interpretation",
    "annual_report",
}


def by_code(report):
    return {i["code"]: i for i in report["indicators"]}


def test_every_indicator_has_a_status_and_the_json_is_stable(build, site_profile):
    build.item()
    out = io.StringIO()
    call_command("inspect_site", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["schema"] == 1 and set(report["summary"]) == {"合格", "预警", "不合格", "overall"}
    indicators = by_code(report)
    assert CODES <= set(indicators)
    for indicator in indicators.values():
        assert indicator["status"] in ("合格", "预警", "不合格")
        assert set(indicator) == {"code", "name", "status", "figure", "basis", "items", "item_count"}


def test_a_home_page_not_updated_for_two_weeks_fails(build, site_profile):
    build.item()
    later = timezone.now() + datetime.timedelta(days=15)
    report = by_code(inspection.as_json(inspection.run(later), later))
    assert report["home_updated"]["status"] == "不合格"
    soon = timezone.now() + datetime.timedelta(days=11)
    assert by_code(inspection.as_json(inspection.run(soon), soon))["home_updated"]["status"] == "预警"


def test_missing_footer_marks_and_dead_links_are_warnings(build, site_profile):
    from disclosures import links

    item = build.item(body='<p><a href="/nowhere/">无</a></p>')
    links.check_item(item, external=False)
    report = by_code(inspection.as_json(inspection.run()))
    assert report["footer_marks"]["status"] == "预警" and "党政机关网站标识" in report["footer_marks"]["figure"]
    assert report["dead_links"]["status"] == "预警" and report["dead_links"]["items"][0]["id"] == item.pk


def test_a_serious_wording_error_on_a_published_item_fails(build, site_profile):
    from disclosures.models import ContentRule

    item = build.item(body="<p>县文明办负责</p>")
    ContentRule.objects.create(kind="wording", pattern="县文明办", suggestion="县精神文明建设办公室", source="测试")
    report = by_code(inspection.as_json(inspection.run()))
    assert report["content_findings"]["status"] == "不合格"
    assert report["content_findings"]["items"][0]["id"] == item.pk


def test_admin_page_runs_prints_and_downloads_excel(client, build, site_profile):
    from django.contrib.auth.models import Permission

    build.item()
    build.leader.user_permissions.add(*Permission.objects.filter(codename="view_inspectionreport"))
    client.force_login(build.leader)
    assert "尚未进行自查" in client.get("/admin/disclosures/inspectionreport/").content.decode()
    client.post("/admin/disclosures/inspectionreport/run/")
    page = client.get("/admin/disclosures/inspectionreport/").content.decode()
    assert "首页信息更新" in page and "下载Excel" in page
    assert "立即自查" not in client.get("/admin/disclosures/inspectionreport/?print=1").content.decode()
    from disclosures.models import InspectionReport

    xlsx = client.get(f"/admin/disclosures/inspectionreport/{InspectionReport.objects.get().pk}/xlsx/")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_demo_shows_a_warning_of_each_kind(db):
    call_command("demo", stdout=io.StringIO())
    statuses = {i.code: i.status for i in inspection.run()}
    assert {statuses[c] for c in ("columns_updated", "footer_marks", "policy_interpretation", "dead_links")} == {"预警"}
    assert statuses["content_findings"] == "不合格"


@pytest.mark.django_db(transaction=True)  # the worker reopens its connection, as in production
def test_the_link_check_runs_as_a_background_job_started_from_the_admin(client, build, site_profile):
    from django.contrib.auth.models import Permission

    from disclosures.models import LinkCheck
    from portal import tasks
    from portal.models import BackgroundJob

    build.item(body='<p>见<a href="/no-such-page/">附件</a>。</p>')
    build.leader.user_permissions.add(*Permission.objects.filter(codename="view_inspectionreport"))
    client.force_login(build.leader)
    assert client.get("/admin/disclosures/inspectionreport/links/").status_code == 405
    response = client.post("/admin/disclosures/inspectionreport/links/", follow=True)
    assert "链接检查已在后台开始" in response.content.decode()
    job = BackgroundJob.objects.get()
    assert job.status == BackgroundJob.Status.QUEUED and job.label == "检查链接"
    tasks.run_pending()
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.SUCCEEDED, job.error
    assert job.result["items"] == 1 and job.result["broken"] == 1
    assert LinkCheck.objects.filter(ok=False).count() == 1
