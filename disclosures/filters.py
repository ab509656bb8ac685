"""List filters of the public catalogue (GET forms; the URL reproduces the result)."""

import django_filters
from django import forms
from django.utils import timezone

from portal.models import Organization

from .models import DisclosureItem, ItemKind


def year_choices():
    this_year = timezone.localdate().year
    return [(str(y), f"{y}年") for y in range(this_year, 1999, -1)]


class ItemFilter(django_filters.FilterSet):
    organization = django_filters.ModelChoiceFilter(
        label="发布机构",
        queryset=Organization.objects.all(),
        to_field_name="slug",
        empty_label="全部机构",
    )
    kind = django_filters.ChoiceFilter(label="信息类型", choices=ItemKind.choices, empty_label="全部类型")
    year = django_filters.ChoiceFilter(
        label="发布年份",
        choices=year_choices,
        field_name="published_at__year",
        empty_label="全部年份",
    )
    validity = django_filters.ChoiceFilter(label="有效性", choices=DisclosureItem.Validity.choices, empty_label="全部")

    class Meta:
        model = DisclosureItem
        fields = ["organization", "kind", "year", "validity"]


def filter_messages(filterset) -> list[str]:
    """Chinese notes for every ignored (malformed) parameter: the page still renders."""
    messages = []
    form: forms.Form = filterset.form
    if not form.is_valid():
        for name in form.errors:
            field = form.fields.get(name)
            label = field.label if field else name
            messages.append(f"参数“{label}”的取值“{form.data.get(name)}”无效，已忽略该条件。")
    return messages
