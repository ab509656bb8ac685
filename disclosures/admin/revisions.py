"""The revision admin: a new version of a published item, edited and moved through the same
workflow steps as items (steps.py) while the live version stays public."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django_ckeditor_5.widgets import CKEditor5Widget

from portal.access import OrganizationScopedAdmin
from portal.admin import WithoutBulkDelete

from .. import revisions, workflow
from ..models import (
    Revision,
    RevisionAttachment,
)
from ..revision_diff import compare
from .items import AttachmentForm, AttachmentInline
from .steps import REVISION_ACTIONS, R, RevisionQueueFilter, WorkflowAdminMixin

# ---- revision admin ---------------------------------------------------------------------------


class RevisionForm(forms.ModelForm):
    DETAIL_PREFIX = "detail__"

    class Meta:
        model = Revision
        fields = [*Revision.CONTENT_FIELDS, "substantive", "change_note"]
        widgets = {"body": CKEditor5Widget(config_name="default"), "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.detail or {}
        for name, model_field in revisions.detail_fields(self.instance.item.kind).items():
            key = self.DETAIL_PREFIX + name
            if key in self.fields and name in stored and stored[name] not in (None, ""):
                self.initial[key] = model_field.to_python(stored[name])
        if "written_date" in self.fields:  # as on the item form: 未知 only if the item has none
            self.fields["written_date"].required = self.instance.item.written_date is not None

    def clean(self):
        data = super().clean()
        if self.instance.item.kind == "policy" and not data.get("validity"):
            self.add_error("validity", "政策文件必须填写有效性。")
        if data.get("substantive") and not (data.get("change_note") or "").strip():
            self.add_error("change_note", "实质性修改必须填写公开的更新说明。")
        detail = dict(self.instance.detail or {})
        for name in revisions.detail_fields(self.instance.item.kind):
            key = self.DETAIL_PREFIX + name
            if key in self.fields:
                detail[name] = revisions._json_value(data.get(key))
        self.instance.detail = detail
        return data


def revision_form_for(kind: str) -> type[RevisionForm]:
    """A RevisionForm with the item kind's structured fields declared (prefixed detail__)."""
    declared = {}
    for name, model_field in revisions.detail_fields(kind).items():
        formfield = model_field.formfield()
        if formfield is not None:
            formfield.required = False if model_field.blank or model_field.null else formfield.required
            declared[RevisionForm.DETAIL_PREFIX + name] = formfield
    return type(f"RevisionForm_{kind}", (RevisionForm,), declared)


class RevisionAttachmentForm(AttachmentForm):
    class Meta:
        model = RevisionAttachment
        fields = ["file", "order"]

    def clean_file(self):
        upload = super().clean_file()
        if upload and hasattr(upload, "content_type"):  # a new upload replaces the kept file
            self.instance.source = None
        return upload


class RevisionAttachmentInline(AttachmentInline):
    model = RevisionAttachment
    form = RevisionAttachmentForm


class RevisionAdmin(WithoutBulkDelete, WorkflowAdminMixin, OrganizationScopedAdmin, admin.ModelAdmin):
    action_specs = REVISION_ACTIONS
    organization_lookup = "item__organization"
    change_form_template = "admin/disclosures/revision/change_form.html"
    list_display = ["item", "number", "status", "created_by", "updated_at"]
    list_filter = [RevisionQueueFilter, "status"]
    search_fields = ["item__title", "title", "item__index_number"]
    list_select_related = ["item", "created_by"]
    readonly_fields = ["status", "return_reason"]
    inlines = [RevisionAttachmentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item__organization")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = revision_form_for(obj.item.kind)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        sets = [
            ("状态", {"fields": ["status", "return_reason"]}),
            (
                "修订内容",
                {"fields": ["title", "document_number", "written_date", "validity", "keywords", "summary", "source"]},
            ),
            ("正文", {"fields": ["body"]}),
        ]
        if obj is not None and self.has_change_permission(request, obj):
            names = [RevisionForm.DETAIL_PREFIX + n for n in revisions.detail_fields(obj.item.kind)]
            if names:
                sets.append((f"{obj.item.get_kind_display()}信息", {"fields": names}))
        sets.append(("更新说明", {"fields": ["substantive", "change_note"]}))
        return self.read_only_fieldsets(request, obj, sets)

    def has_add_permission(self, request):
        return False  # revisions start from the published item's 修订 button

    def has_delete_permission(self, request, obj=None):
        return False  # kept: superseded and discarded versions are part of the record

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return True
        if not workflow.has_role(request.user, obj.item.organization, R.EDITOR):
            return False
        return obj.status == Revision.Status.DRAFT

    def save_model(self, request, obj, form, change):
        self.save_edition(request, obj, form, change, changed=form.has_changed())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        def more(obj):
            return {"changes": compare(revisions.snapshot(obj.item), obj), "superseded": obj.superseded}

        return self.edition_change_view(request, object_id, form_url, extra_context, more)


admin.site.register(Revision, RevisionAdmin)
