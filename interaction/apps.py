from django.apps import AppConfig

AUDIT_LABELS = {
    "message.submit": "网上提交留言",
    "message.accept": "受理留言",
    "message.reject": "不予受理留言",
    "message.transfer": "转办留言",
    "message.reply_draft": "起草留言答复",
    "message.reply_submit": "留言答复送审批",
    "message.reply_approve": "审批留言答复",
    "message.reply_return": "退回留言答复",
    "message.publish": "选登公开留言",
    "message.unpublish": "撤下公开留言",
    "message.pii_mask": "留言脱敏",
    "consultation.create": "创建意见征集",
    "consultation.edit": "修改意见征集",
    "consultation.comment": "网上提交意见",
    "consultation.comment_adoption": "登记意见采纳情况",
    "consultation.comment_show": "选登公开意见",
    "consultation.comment_hide": "撤下公开意见",
    "consultation.comment_mask": "意见脱敏",
    "consultation.feedback": "起草意见采纳情况反馈",
    "interaction.settings": "修改互动回应设置",
}


class InteractionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "interaction"
    verbose_name = "互动回应"

    def ready(self):
        from disclosures.sitemaps import SITEMAPS
        from portal import reminders
        from portal.audit import register_labels
        from reports.tables import register_platform_sentence

        from . import inspection, stats
        from . import reminders as message_reminders
        from .sitemaps import ConsultationSitemap, MessageSitemap

        register_labels(AUDIT_LABELS)
        register_platform_sentence("interaction", stats.narrative_sentence)
        inspection.register_indicators()
        reminders.register("interaction", message_reminders.send_reminders)
        # The sitemap lists only public pages: published replies and published consultations.
        SITEMAPS.setdefault("interact-messages", MessageSitemap)
        SITEMAPS.setdefault("interact-consultations", ConsultationSitemap)
