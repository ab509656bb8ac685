"""portal/bulk.update_rows: one UPDATE … FROM VALUES on PostgreSQL, bulk_update elsewhere — same result."""

import datetime

from django.utils import timezone

from disclosures.models import DisclosureItem
from portal.bulk import update_rows


def test_update_rows_writes_each_objects_own_values_including_nulls(build):
    items = [build.item(state="draft", title=f"第{i}条") for i in range(3)]
    when = timezone.make_aware(datetime.datetime(2016, 12, 30, 9, 15))
    for i, item in enumerate(items):
        item.index_number = f"TEST-{i}"
        item.published_at = when + datetime.timedelta(days=i)
        item.approved_by = build.leader if i else None
    update_rows(items, ["index_number", "published_at", "approved_by"], batch_size=2)  # two batches
    stored = {i.title: i for i in DisclosureItem.objects.all()}
    for i in range(3):
        item = stored[f"第{i}条"]
        assert item.index_number == f"TEST-{i}"
        assert item.published_at == when + datetime.timedelta(days=i)
        assert item.approved_by_id == (build.leader.pk if i else None)
    assert {i.status for i in stored.values()} == {"draft"}  # fields not named stay as they were
