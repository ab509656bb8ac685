import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections

from disclosures import index_numbers, workflow
from disclosures.models import DisclosureItem
from portal.index_templates import validate_template


def test_national_default_format(build):
    org = build.other_org
    day = datetime.date(2026, 3, 5)
    assert index_numbers.allocate(org, day) == "015262610/2026-00001"
    assert index_numbers.allocate(org, day) == "015262610/2026-00002"
    # the sequence restarts each year
    assert index_numbers.allocate(org, datetime.date(2027, 1, 4)) == "015262610/2027-00001"


def test_longling_local_form_reproduces_the_seed_number(build):
    org = build.org  # code 01526257-2, template {code_raw}-/{year}-{mmdd}{seq:03d}
    day = datetime.date(2016, 12, 30)
    assert index_numbers.allocate(org, day) == "01526257-2-/2016-1230001"
    assert index_numbers.allocate(org, day) == "01526257-2-/2016-1230002"
    assert index_numbers.allocate(org, datetime.date(2016, 12, 31)) == "01526257-2-/2016-1231001"


def test_sequences_are_per_organization(build):
    day = datetime.date(2026, 3, 5)
    index_numbers.allocate(build.other_org, day)
    assert index_numbers.allocate(build.org, day).endswith("0305001")


@pytest.mark.parametrize(
    "template,message",
    [
        ("{code}/{year}", "流水号"),
        ("{code}/{yr}-{seq}", "未知占位符"),
        ("{code}/{year}-{seq:05q}", "格式错误"),
    ],
)
def test_bad_templates_are_refused_in_chinese(template, message):
    with pytest.raises(ValidationError, match=message):
        validate_template(template)


def test_index_number_assigned_at_publication_and_never_changed(build):
    item = build.item(state="pending_approval")
    assert item.index_number is None
    workflow.approve(item, build.leader)
    item.refresh_from_db()
    number = item.index_number
    assert number
    workflow.withdraw(item, build.leader, reason="测试撤回")
    item.title = "改了标题"
    item.save()
    item.refresh_from_db()
    assert item.index_number == number


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_publication_is_unique_and_gap_free(build):
    """Eight leaders' approvals at the same moment, on PostgreSQL: numbers 1..N, no gaps."""
    items = [build.item(state="pending_approval", org=build.other_org) for _ in range(16)]
    from portal.models import Membership

    leaders = []
    for n in range(8):
        leader = build.user(f"l{n}")
        Membership.objects.create(user=leader, organization=build.other_org, role="leader")
        leaders.append(leader)
    barrier = threading.Barrier(8)
    errors = []

    def work(n):
        try:
            barrier.wait()
            for item in items[n::8]:
                workflow.approve(item, leaders[n])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = sorted(DisclosureItem.objects.filter(organization=build.other_org).values_list("index_number", flat=True))
    year = numbers[0].split("/")[1][:4]
    assert numbers == [f"015262610/{year}-{n:05d}" for n in range(1, 17)]
