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


def test_demo_publicity_notices_are_published_within_their_period(demo):
    """A 公示 is published when its 公示期 starts, never after the period ended."""
    from django.utils import timezone

    rosters = DisclosureItem.objects.published().filter(social_assistance__publicity_end__isnull=False)
    assert rosters.exists()
    for item in rosters:
        detail = item.social_assistance
        published = timezone.localdate(item.published_at)
        assert item.written_date <= published
        assert detail.publicity_start <= published <= detail.publicity_end, item.title


def test_demo_items_are_published_or_scheduled_within_their_time_limit(demo):
    from django.utils import timezone

    from disclosures import timeliness
    from portal.workcalendar import Calendar

    calendar = Calendar.load()
    for item in DisclosureItem.objects.filter(status__in=["published", "scheduled"], written_date__year__gte=2026):
        when = item.scheduled_for if item.status == "scheduled" else item.published_at
        due = timeliness.deadline(item.written_date, item.category.time_limit_days, calendar)
        assert timezone.localdate(when) <= due.date, item.title


def test_demo_annual_report_counts_the_secrecy_reviews_of_its_year(demo):
    """The demo's 2025 publications came from the old site with their 保密审查 records, so the 2025
    report does not say “保密审查0次” next to “先审查、后公开”."""
    from disclosures.models import SecrecyReview
    from reports.models import AnnualReport
    from reports.tables import supervision

    report = AnnualReport.objects.get(year=2025)
    reviews = supervision(report.organization, 2025)["secrecy_reviews"]
    assert reviews == SecrecyReview.objects.filter(at__year=2025, item__organization=report.organization).count()
    assert reviews > 0
    assert f"保密审查{reviews}次" in report.item.body
    assert "保密审查0次" not in report.item.body
    for review in SecrecyReview.objects.filter(item__status="published").select_related("item"):
        assert review.at <= review.item.published_at  # reviewed before it went public
