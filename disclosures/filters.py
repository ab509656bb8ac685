"""List filters of the public catalogue (GET forms; the URL reproduces the result)."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from portal import pagecache
from portal.models import Organization

from .models import DisclosureItem, ItemKind


def year_choices():
    this_year = timezone.localdate().year
    return [(str(y), f"{y}年") for y in range(this_year, 1999, -1)]


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html in Python."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"')
    return "".join(out)


class FastSelect(forms.Select):
    """A <select> rendered in Python, character for character what Django's select.html and
    select_option.html templates give (tests/disclosures/test_cold_pages.py compares them): the
    four filter fields of every catalogue list page otherwise cost two template renders per option,
    about half of the page's render."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


class ItemFilter(django_filters.FilterSet):
    # The organizations by slug, as plain choices: read once per content version with the request
    # (portal.pagecache.memo; the catalogue list's <select> was its page's one query that grows with
    # nothing but cost a query and a model per option).
    organization = django_filters.ChoiceFilter(
        label="发布机构",
        choices=[],
        field_name="organization__slug",
        empty_label="全部机构",
        widget=FastSelect,
    )
    kind = django_filters.ChoiceFilter(
        label="信息类型", choices=ItemKind.choices, empty_label="全部类型", widget=FastSelect
    )
    year = django_filters.ChoiceFilter(
        label="发布年份",
        choices=year_choices,
        field_name="published_at__year",
        empty_label="全部年份",
        widget=FastSelect,
    )
    validity = django_filters.ChoiceFilter(
        label="有效性", choices=DisclosureItem.Validity.choices, empty_label="全部", widget=FastSelect
    )

    class Meta:
        model = DisclosureItem
        fields = ["organization", "kind", "year", "validity"]

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self.filters["organization"].extra["choices"] = pagecache.memo(request, "organization-choices", _organizations)


def _organizations() -> list[tuple[str, str]]:
    return list(Organization.objects.order_by("order", "id").values_list("slug", "name"))


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
