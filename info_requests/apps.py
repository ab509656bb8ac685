from django.apps import AppConfig

AUDIT_LABELS = {
    "request.submit": "网上提交申请",
    "request.register": "登记申请（信函/当面/传真）",
    "request.confirm": "确认收到申请",
    "request.withdraw": "申请人撤回申请",
    "request.applicant_edit": "申请人修改申请内容",
    "request.edit": "修改申请信息",
    "request.correction_notice": "一次性告知补正",
    "request.correction_received": "收到补正",
    "request.extend": "延长答复期限",
    "request.consult": "征求意见",
    "request.consult_end": "收到意见",
    "request.fee_notice": "发出收费通知",
    "request.fee_paid": "登记缴费",
    "request.reply_draft": "起草告知书",
    "request.reply": "答复",
    "appeal.create": "登记行政复议/诉讼",
    "appeal.update": "更新行政复议/诉讼",
}


class InfoRequestsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "info_requests"
    verbose_name = "依申请公开"

    def ready(self):
        from portal.audit import register_labels

        register_labels(AUDIT_LABELS)
