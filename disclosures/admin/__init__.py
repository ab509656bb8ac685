"""The admin of 主动公开, one module per screen:

    items          公开信息: the item form, attachments, detail inlines, list, staff preview
    steps          the workflow steps: confirmation pages, the workflow panel, 我的待办 (WorkflowAdminMixin)
    revisions      修订版本
    catalogue      公开目录
    content_rules  内容检查规则 and their CSV import
    inspection     网站自查 and the background link check
    site_import    网站迁移 (docs/import.md)

Importing the package registers them all (Django's admin autodiscovery imports it)."""

from . import catalogue, content_rules, inspection, items, revisions, site_import  # noqa: F401
