"""索引号 allocation.

Each organization has a template (Organization.index_template). The national default is
`{code}/{year}-{seq:05d}` (organization code without '-', sequence per organization per year,
政府信息公开目录系统实施指引). The demo's 龙陵县民政局 uses its local form
`{code_raw}-/{year}-{mmdd}{seq:03d}`, giving `01526257-2-/2016-1230002` for the 2nd item of
2016-12-30.

The sequence restarts per the finest date unit the template uses (day, month, else year). It is
allocated under a row lock on IndexSequence inside the publishing transaction, so numbers are
unique and gap-free even when leaders publish at the same moment; a rolled-back publication
rolls its number back with it. A 索引号 is assigned once and never changed.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction

from portal.bulk import update_rows
from portal.index_templates import period_for, render
from portal.models import Organization

from .models import IndexSequence


def allocate(organization: Organization, day: datetime.date) -> str:
    """Take the next 索引号 for `organization` on publication day `day`.

    Must run inside the transaction that publishes the item (the workflow does this)."""
    template = organization.index_template
    period = period_for(template, day)
    with transaction.atomic():
        try:
            with transaction.atomic():
                IndexSequence.objects.get_or_create(organization=organization, period=period)
        except IntegrityError:  # another transaction created the row first; fine
            pass
        sequence = IndexSequence.objects.select_for_update().get(organization=organization, period=period)
        sequence.last_value += 1
        sequence.save(update_fields=["last_value"])
    return render(template, organization.code, day, sequence.last_value)


def allocate_many(organization: Organization, days: list[datetime.date]) -> list[str]:
    """The next 索引号 for each of `days` (a site import publishing a batch), in the order given:
    the batch's sequence rows are created, locked and advanced together — a few queries per batch
    instead of three per item. Within a period the numbers follow the order of `days`, so pass them
    sorted by 发布日期. Same transaction rule as `allocate`."""
    template = organization.index_template
    periods: dict[str, list[int]] = {}
    for position, day in enumerate(days):
        periods.setdefault(period_for(template, day), []).append(position)
    numbers = [""] * len(days)
    with transaction.atomic():
        IndexSequence.objects.bulk_create(
            [IndexSequence(organization=organization, period=period) for period in periods], ignore_conflicts=True
        )
        sequences = list(
            IndexSequence.objects.select_for_update()
            .filter(organization=organization, period__in=list(periods))
            .order_by("period")  # one lock order for every transaction: no deadlock between two imports
        )
        for sequence in sequences:
            positions = periods[sequence.period]
            first = sequence.last_value + 1
            sequence.last_value += len(positions)
            for offset, position in enumerate(positions):
                numbers[position] = render(template, organization.code, days[position], first + offset)
        update_rows(sequences, ["last_value"])
    return numbers
