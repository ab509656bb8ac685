"""The 公开信息 admin: the item form (its kind's sections only), attachments, the kind-specific
detail inlines, the 保密审查 and 更新记录 records, the list, the staff preview.

Staff see and edit only their own organizations' items (administrators — superusers and members
with the 管理员 role — see all). The state field is never editable here: transitions go through
disclosures/workflow.py, offered by the workflow panel (steps.py)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django_ckeditor_5.widgets import CKEditor5Widget

from portal.access import OrganizationScopedAdmin, user_organizations
from portal.admin import WithoutBulkDelete
from portal.uploads import check_attachment

from ..models import (
    Attachment,
    BudgetDetail,
    Category,
    ChangeNote,
    DisclosureItem,
    ElderlyCareDetail,
    ItemKind,
    PolicyDetail,
    ProcurementDetail,
    Revision,
    SecrecyReview,
    SocialAssistanceDetail,
)
from .steps import (
    ITEM_ACTIONS,
    MyQueueFilter,
    WorkflowAdminMixin,
    submit_selected,
)


class AttachmentForm(forms.ModelForm):
    """An attachment upload, accepted by what its bytes are (portal/uploads.py); revisions' too."""

    class Meta:
        model = Attachment
        fields = ["file", "order"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            ext, mime = check_attachment(upload)
            self.instance.original_name = upload.name[-200:]
            self.instance.size = upload.size
            self.instance.file_type = ext
            self.instance.content_type = mime
        return upload


class AttachmentInline(admin.TabularInline):
    model = Attachment
    form = AttachmentForm
    extra = 1
    fields = ["file", "original_name", "file_type", "size", "order"]
    readonly_fields = ["original_name", "file_type", "size"]


class DetailInline(admin.StackedInline):
    extra = 1
    max_num = 1
    can_delete = False
    fk_name = "item"
    kind = None


def _detail_inline(model_cls, kind):
    return type(f"{model_cls.__name__}Inline", (DetailInline,), {"model": model_cls, "kind": kind})


DETAIL_INLINES = [
    _detail_inline(PolicyDetail, "policy"),
    _detail_inline(BudgetDetail, "budget"),
    _detail_inline(ProcurementDetail, "procurement"),
    _detail_inline(SocialAssistanceDetail, "social_assistance"),
    _detail_inline(ElderlyCareDetail, "elderly_care"),
]
for _inline in DETAIL_INLINES:
    if _inline.model is PolicyDetail:
        # 政策解读 “三同步” (disclosures/interpretation.py): the 解读 item, chosen by its id.
        _inline.raw_id_fields = ["interpretation"]


def category_label(category: Category) -> str:
    """A 公开目录 node as one option of an indented tree: “法定主动公开内容”, “　└ 社会救助”,
    “　　└ 低保”."""
    if not category.depth:
        return category.name
    return "　" * category.depth + "└ " + category.name


def kind_links(request) -> list[tuple[str, str, str, bool]]:
    """The first step of the add form: (kind, label, URL, chosen) for each 信息类型; the URL
    keeps the other query parameters (popup, list filters, initial values)."""
    chosen = request.GET.get("kind", "")
    links = []
    for value, label in ItemKind.choices:
        query = request.GET.copy()
        query["kind"] = value
        links.append((value, label, "?" + query.urlencode(), value == chosen))
    return links


class ItemForm(forms.ModelForm):
    class Meta:
        model = DisclosureItem
        fields = [
            "organization",
            "category",
            "kind",
            "title",
            "summary",
            "keywords",
            "document_number",
            "written_date",
            "validity",
            "source",
            "body",
        ]
        widgets = {"body": CKEditor5Widget(config_name="default"), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Staff give the 成文日期; only an item taken over from an old site without one may stay
        # 未知 (docs/rules.md “成文日期未知”).
        if "written_date" in self.fields:
            self.fields["written_date"].required = not (self.instance.pk and self.instance.written_date is None)
        if "category" in self.fields:  # the 公开目录 as a tree, in path order
            field = self.fields["category"]
            field.queryset = field.queryset.order_by("path")
            field.label_from_instance = category_label

    def clean(self):
        data = super().clean()
        if data.get("kind") == "policy" and not data.get("validity"):
            self.add_error("validity", "政策文件必须填写有效性。")
        return data


class SecrecyReviewInline(admin.TabularInline):
    model = SecrecyReview
    extra = 0
    can_delete = False
    fields = ["at", "reviewer_name", "statement", "note"]
    readonly_fields = fields
    verbose_name_plural = "保密审查记录（内部）"

    def has_add_permission(self, request, obj=None):
        return False


class ChangeNoteInline(admin.TabularInline):
    model = ChangeNote
    extra = 0
    can_delete = False
    fields = ["at", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DisclosureItem)
class DisclosureItemAdmin(WithoutBulkDelete, WorkflowAdminMixin, OrganizationScopedAdmin, admin.ModelAdmin):
    form = ItemForm
    # Workflow: action pages, change-form panel and queues come from steps.py.
    action_specs = ITEM_ACTIONS
    actions = [submit_selected]
    change_form_template = "admin/disclosures/disclosureitem/change_form.html"
    change_list_template = "admin/disclosures/disclosureitem/change_list.html"
    list_display = ["title", "org_short", "category", "kind", "status", "index_number", "published_date"]
    list_per_page = 50  # one screenful a clerk scans; Django's 100 makes a 10,000 px page
    list_filter = [
        MyQueueFilter,
        "organization",
        "category",
        "kind",
        "status",
        "validity",
        ("published_at", admin.DateFieldListFilter),
    ]
    search_fields = ["title", "document_number", "index_number", "keywords"]
    date_hierarchy = "written_date"
    list_select_related = ["organization", "category"]
    readonly_fields = [
        "status",
        "index_number",
        "published_at",
        "view_count",
        "return_reason",
        "scheduled_for",
        "emergency",
        "pii_override_reason",
    ]
    inlines = [AttachmentInline, *DETAIL_INLINES, SecrecyReviewInline, ChangeNoteInline]
    fieldsets = [
        (
            "状态",
            {
                "fields": [
                    "status",
                    "index_number",
                    "published_at",
                    "scheduled_for",
                    "view_count",
                    "return_reason",
                    "emergency",
                    "pii_override_reason",
                ]
            },
        ),
        (
            "基本信息",
            {
                "fields": [
                    "organization",
                    "category",
                    "kind",
                    "title",
                    "document_number",
                    "written_date",
                    "validity",
                    "keywords",
                    "summary",
                    "source",
                ]
            },
        ),
        ("正文", {"fields": ["body"]}),
    ]

    @admin.display(description="发布机构", ordering="organization__short_name")
    def org_short(self, obj):
        return obj.organization.short_name or obj.organization.name

    @admin.display(description="发布日期", ordering="published_at")
    def published_date(self, obj):

        return f"{timezone.localtime(obj.published_at):%Y-%m-%d}" if obj.published_at else "—"

    def chosen_kind(self, request, obj=None) -> str:
        """The 信息类型 whose sections the form shows: the item's own; on the add form the kind
        chosen first (`?kind=`), or the one posted when its section was on the page."""
        if obj is not None:
            return obj.kind
        if request.method == "POST":
            kind = request.POST.get("kind", "")
            inline = next((i for i in DETAIL_INLINES if i.kind == kind), None)
            prefix = inline.model._meta.get_field("item").remote_field.related_name if inline else ""
            return kind if prefix and f"{prefix}-TOTAL_FORMS" in request.POST else ""
        kind = request.GET.get("kind", "")
        return kind if kind in ItemKind.values else ""

    def get_inline_instances(self, request, obj=None):
        # Only the sections of the item's kind: not every kind's fields one under the other.
        inlines = super().get_inline_instances(request, obj)
        kind = self.chosen_kind(request, obj)
        if obj is None:
            inlines = [i for i in inlines if not isinstance(i, (SecrecyReviewInline, ChangeNoteInline))]
        return [i for i in inlines if not isinstance(i, DetailInline) or i.kind == kind]

    def get_fieldsets(self, request, obj=None):
        sets = super().get_fieldsets(request, obj)
        if obj is None:  # nothing to show of the state before the item exists
            sets = [(name, opts) for name, opts in sets if name != "状态"]
        return sets

    def add_view(self, request, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        extra["kind_choices"] = kind_links(request)
        extra["chosen_kind"] = self.chosen_kind(request)
        return super().add_view(request, form_url, extra_context=extra)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return True
        if obj.organization_id not in set(user_organizations(request.user).values_list("pk", flat=True)):
            return False
        # Only drafts are edited in place; everything else moves through the workflow.
        return obj.status == DisclosureItem.Status.DRAFT

    def has_delete_permission(self, request, obj=None):
        # Published items are withdrawn, never deleted; drafts that never went public may go.
        if obj is not None and (obj.index_number or obj.status != DisclosureItem.Status.DRAFT):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        self.save_edition(request, obj, form, change, changed=change and form.has_changed())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        def more(obj):
            return {
                "open_revision": obj.revisions.filter(status__in=Revision.OPEN_STATES).first(),
                "revisions": list(obj.revisions.order_by("-number")),
            }

        return self.edition_change_view(request, object_id, form_url, extra_context, more)

    # ---- “在站点上查看”: the public page, or a staff preview while the item is not public ----
    def view_on_site(self, obj):
        if obj.is_public or obj.status == DisclosureItem.Status.WITHDRAWN:
            return obj.get_absolute_url()
        return reverse("admin:disclosures_disclosureitem_preview", args=[obj.pk])

    def get_urls(self):

        preview = path(
            "<int:pk>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="disclosures_disclosureitem_preview",
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request, pk: int):
        """The item as the public page will show it, for staff who may see it (their
        organizations' items; portal/access.py): behind the admin login, marked 预览（未公开）,
        noindex and never cached (admin_view adds never_cache; staff carry a session, which the
        page cache never stores — portal/pagecache.py)."""
        from django.shortcuts import render
        from django.utils.cache import add_never_cache_headers

        from ..views import _catalogue, detail_rows

        obj = self.get_object(request, str(pk))
        if obj is None:
            raise Http404("信息不存在或不在您的管理范围内。")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        if obj.is_public:
            return redirect(obj.get_absolute_url())
        attachments = list(obj.attachments.all())
        for a in attachments:  # the staff-only file address: the public one answers only when public
            a.get_absolute_url = a.file.url
        response = render(
            request,
            "disclosures/item_preview.html",
            {
                "item": obj,
                "views": obj.view_count,
                "detail": obj.detail,
                "detail_rows": detail_rows(obj),
                "attachments": attachments,
                "change_notes": list(obj.change_notes.all()),
                "ancestors": [*_catalogue(request).ancestors(obj.category), obj.category],
                "print_view": False,
                "attachments_closed": "",
                "related": None,
                "change_url": reverse("admin:disclosures_disclosureitem_change", args=[obj.pk]),
            },
        )
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    # ---- staff search: the same Chinese search as /search/, plus own drafts ----------
    def get_search_results(self, request, queryset, search_term):
        from .. import search

        if not search_term.strip():
            return queryset, False
        return search.staff_search(queryset, search_term), False
