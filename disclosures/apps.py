from django.apps import AppConfig

AUDIT_LABELS = {
    "item.submit": "提交审核",
    "item.review": "审核通过（保密审查）",
    "item.approve": "审批发布",
    "item.schedule": "审批并定时发布",
    "item.publish_due": "定时发布",
    "item.return": "退回修改",
    "item.emergency_publish": "应急发布",
    "item.confirm_emergency": "复核应急发布",
    "item.withdraw": "撤回",
    "item.set_validity": "变更有效性",
    "item.import_published": "导入历史信息",
    "item.import_draft": "导入为草稿（检查有发现，待处理）",
    "item.import_updated": "导入时更新草稿",
    "site_import.run": "网站迁移导入",
    "item.pii_override": "放行隐私检查",
    "item.pii_mask": "脱敏",
    "item.content_override": "放行内容检查",
    "revision.start": "创建修订",
    "revision.submit": "修订提交审核",
    "revision.review": "修订审核通过（保密审查）",
    "revision.approve": "修订审批生效",
    "revision.return": "修订退回",
    "revision.discard": "放弃修订",
    "revision.pii_override": "修订放行隐私检查",
    "revision.pii_mask": "修订脱敏",
    "revision.content_override": "修订放行内容检查",
    "corpus.generate": "生成测试语料",
    "content_rules.import": "导入内容检查规则",
}


class DisclosuresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "disclosures"
    verbose_name = "主动公开"

    def ready(self):
        from portal.audit import register_labels

        register_labels(AUDIT_LABELS)

        from portal import viewcounts

        from .models import DisclosureItem

        viewcounts.register("item", DisclosureItem)  # 浏览量 (portal/viewcounts.py)
        # Search index: follows every change of an item's public version.
        from . import search
        from .signals import public_version_changed, public_versions_changed

        public_version_changed.connect(search.on_public_version_changed, dispatch_uid="search-index")
        public_versions_changed.connect(search.on_public_versions_changed, dispatch_uid="search-index-bulk")
        # Editor images become public with the item that shows them (disclosures/images.py).
        from portal.uploads import PUBLIC_IMAGE_CHECKS

        from . import images

        public_version_changed.connect(images.on_public_version_changed, dispatch_uid="public-images")
        public_versions_changed.connect(images.on_public_versions_changed, dispatch_uid="public-images-bulk")
        # Attachments are read once, when stored (disclosures/attachment_scan.py).
        # Content rules and leaders: every process rebuilds its automaton after a change.
        from django.db.models.signals import post_delete, post_save

        from portal.models import Leader

        from . import attachment_scan, content_checks
        from .models import Attachment, ContentRule, RevisionAttachment

        for model in (ContentRule, Leader):
            for signal in (post_save, post_delete):
                signal.connect(content_checks.rules_changed, sender=model, dispatch_uid=f"rules-{model.__name__}")

        for model in (Attachment, RevisionAttachment):
            post_save.connect(attachment_scan.on_saved, sender=model, dispatch_uid=f"scan-{model.__name__}")
        if images.is_public not in PUBLIC_IMAGE_CHECKS:
            PUBLIC_IMAGE_CHECKS.append(images.is_public)
