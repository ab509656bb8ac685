"""Forms: the public application (条例第二十九条), tracking, and the staff handling actions."""

from __future__ import annotations

import unicodedata

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.models import Membership, Organization

from . import validators
from .deadlines import MAX_EXTENSION_DAYS
from .models import DELIVERIES, FORMS, ID_TYPES, Application, ClockEvent
from .outcomes import ApplicantType, Outcome
from .throttle import identity_key

NATURAL_ID_TYPES = [c for c in ID_TYPES if c[0] != "credit_code"]
ORG_SUBTYPES = [c for c in ApplicantType.choices if c[0] != ApplicantType.NATURAL]
KIND_CHOICES = [("natural", "自然人"), ("legal", "法人或其他组织")]


class ApplicationForm(forms.Form):
    """The online form. Error messages are Chinese; identity documents are checked by checksum.
    `website` is a honeypot: hidden from people (and screen readers), filled in by bots. Required
    fields say so in their label (not by colour or an asterisk alone)."""

    required_css_class = "required"

    organization = forms.ModelChoiceField(
        Organization.objects.all(),
        label="受理机关",
        empty_label="请选择",
        error_messages={"required": "请选择受理机关。", "invalid_choice": "请选择列表中的受理机关。"},
    )
    kind = forms.ChoiceField(
        label="申请人类型",
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择申请人类型。", "invalid_choice": "请选择申请人类型。"},
    )
    org_subtype = forms.ChoiceField(label="法人或其他组织类别", choices=[("", "请选择")] + ORG_SUBTYPES, required=False)
    applicant_name = forms.CharField(
        label="姓名或名称", max_length=100, error_messages={"required": "请填写姓名（法人或其他组织填写名称）。"}
    )
    id_type = forms.ChoiceField(
        label="证件类型（自然人）", choices=NATURAL_ID_TYPES, required=False, initial="resident_id"
    )
    id_number = forms.CharField(
        label="证件号码或统一社会信用代码",
        max_length=30,
        error_messages={"required": "请填写证件号码（法人或其他组织填写统一社会信用代码）。"},
    )
    work_unit = forms.CharField(label="工作单位（选填）", max_length=100, required=False)
    legal_representative = forms.CharField(label="法定代表人", max_length=50, required=False)
    contact_person = forms.CharField(label="联系人", max_length=50, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, error_messages={"required": "请填写联系电话。"})
    email = forms.EmailField(label="电子邮箱", required=False, error_messages={"invalid": "电子邮箱格式不正确。"})
    address = forms.CharField(label="通信地址", max_length=200, required=False)
    postcode = forms.CharField(label="邮政编码", max_length=6, required=False)
    info_title = forms.CharField(label="所需信息的名称", max_length=300, required=False)
    info_document_number = forms.CharField(label="文号（选填）", max_length=100, required=False)
    info_description = forms.CharField(
        label="所需信息的其他特征性描述", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    purpose = forms.CharField(
        label="用途（选填）", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    form_preference = forms.ChoiceField(
        label="信息的载体形式",
        choices=FORMS,
        widget=forms.RadioSelect,
        initial="electronic",
        error_messages={"required": "请选择信息的载体形式。", "invalid_choice": "请选择信息的载体形式。"},
    )
    delivery = forms.ChoiceField(
        label="获取信息的方式",
        choices=DELIVERIES,
        widget=forms.RadioSelect,
        initial="online",
        error_messages={"required": "请选择获取信息的方式。", "invalid_choice": "请选择获取信息的方式。"},
    )
    website = forms.CharField(label="请勿填写此项", required=False)  # honeypot

    AUTOCOMPLETE = {
        "applicant_name": "name",
        "phone": "tel",
        "email": "email",
        "address": "street-address",
        "postcode": "postal-code",
        "work_unit": "organization",
        "website": "off",
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, token in self.AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        self.fields["website"].widget.attrs.update({"tabindex": "-1"})
        self.fields["phone"].widget.attrs["inputmode"] = "tel"
        self.fields["postcode"].widget.attrs["inputmode"] = "numeric"
        for name, field in self.fields.items():
            if field.required and name != "website":
                field.label = f"{field.label}（必填）"
        for name in ("org_subtype", "legal_representative"):  # required when 法人或其他组织 (clean)
            self.fields[name].label = f"{self.fields[name].label}（法人必填）"
        organizations = list(self.fields["organization"].queryset)
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0].pk

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_phone(self):
        return validators.validate_phone(self.cleaned_data["phone"])

    def clean_postcode(self):
        return validators.validate_postcode(self.cleaned_data.get("postcode", ""))

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        number = data.get("id_number")
        if kind == "legal":
            if not data.get("org_subtype"):
                self.add_error("org_subtype", "请选择法人或其他组织的类别。")
            if not data.get("legal_representative"):
                self.add_error("legal_representative", "请填写法定代表人（负责人）。")
            data["id_type"] = "credit_code"
            if number:
                try:
                    data["id_number"] = validators.validate_credit_code(number)
                except forms.ValidationError as error:
                    self.add_error("id_number", error)
        elif kind == "natural" and number:
            id_type = data.get("id_type") or "resident_id"
            data["id_type"] = id_type
            check = validators.validate_resident_id if id_type == "resident_id" else validators.validate_other_document
            try:
                data["id_number"] = check(number)
            except forms.ValidationError as error:
                self.add_error("id_number", error)
        # 第二十九条（二）: the name, the 文号 or another description that helps find it — any one.
        if not (data.get("info_title") or data.get("info_document_number") or data.get("info_description")):
            self.add_error("info_title", "请填写所需信息的名称、文号或其他特征性描述（至少一项）。")
        elif not data.get("info_title"):
            data["info_title"] = data.get("info_document_number") or data["info_description"][:60]
        delivery = data.get("delivery")
        if delivery == "email" and not data.get("email"):
            self.add_error("email", "选择以电子邮件获取信息时，请填写电子邮箱。")
        if delivery == "post" and not data.get("address"):
            self.add_error("address", "选择邮寄时，请填写通信地址。")
        return data

    def to_application(self) -> Application:
        data = self.cleaned_data
        applicant_type = ApplicantType.NATURAL if data["kind"] == "natural" else data["org_subtype"]
        return Application(
            organization=data["organization"],
            applicant_type=applicant_type,
            applicant_name=data["applicant_name"],
            id_type=data["id_type"],
            id_number=data["id_number"],
            identity_key=identity_key(data["id_number"]),
            work_unit=data.get("work_unit", "") if data["kind"] == "natural" else "",
            legal_representative=data.get("legal_representative", "") if data["kind"] == "legal" else "",
            contact_person=data.get("contact_person", ""),
            phone=data["phone"],
            email=data.get("email", ""),
            address=data.get("address", ""),
            postcode=data.get("postcode", ""),
            info_title=data["info_title"],
            info_document_number=data.get("info_document_number", ""),
            info_description=data.get("info_description", ""),
            purpose=data.get("purpose", ""),
            form_preference=data["form_preference"],
            delivery=data["delivery"],
        )


class RequestContentForm(forms.Form):
    """What the applicant may change before receipt (适老化 W11): the information sought and the form."""

    info_title = ApplicationForm.base_fields["info_title"]
    info_document_number = ApplicationForm.base_fields["info_document_number"]
    info_description = ApplicationForm.base_fields["info_description"]
    purpose = ApplicationForm.base_fields["purpose"]
    form_preference = ApplicationForm.base_fields["form_preference"]
    delivery = ApplicationForm.base_fields["delivery"]

    def __init__(self, *args, application=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        self.application = application
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not (data.get("info_title") or data.get("info_document_number") or data.get("info_description")):
            self.add_error("info_title", "请填写所需信息的名称、文号或其他特征性描述（至少一项）。")
        elif not data.get("info_title"):
            data["info_title"] = data.get("info_document_number") or data["info_description"][:60]
        if data.get("delivery") == "email" and not self.application.email:
            self.add_error(
                "delivery", "申请时未填写电子邮箱，不能选择电子邮件方式；如需更改联系方式，请撤回后重新提交。"
            )
        if data.get("delivery") == "post" and not self.application.address:
            self.add_error("delivery", "申请时未填写通信地址，不能选择邮寄；如需更改联系方式，请撤回后重新提交。")
        return data


class TrackForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=20, error_messages={"required": "请填写查询码。"})
    phone_last4 = forms.CharField(
        label="联系电话后四位",
        max_length=4,
        min_length=4,
        error_messages={"required": "请填写联系电话后四位。", "min_length": "请填写联系电话的后四位数字。"},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        )
        self.fields["phone_last4"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean_phone_last4(self):
        value = unicodedata.normalize("NFKC", self.cleaned_data["phone_last4"])
        if not (value.isascii() and value.isdigit()):
            raise forms.ValidationError("请填写联系电话的后四位数字。")
        return value


# ---- staff actions (admin) ------------------------------------------------------------------------


def _today():
    return timezone.localdate()


class DateForm(forms.Form):
    date = forms.DateField(label="日期", initial=_today, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, obj=None, **kwargs):
        self.application = obj
        super().__init__(*args, **kwargs)


class ConfirmReceiptForm(DateForm):
    pass


class CorrectionNoticeForm(DateForm):
    items = forms.CharField(label="需要补正的事项（一次性告知）", widget=forms.Textarea(attrs={"rows": 4}))
    applicant_due = forms.DateField(label="补正期限", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class CorrectionReceivedForm(DateForm):
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(DateForm):
    days = forms.IntegerField(
        label="延长工作日数", min_value=1, max_value=MAX_EXTENSION_DAYS, initial=MAX_EXTENSION_DAYS
    )
    reason = forms.CharField(label="延长理由", widget=forms.Textarea(attrs={"rows": 3}))
    approver = forms.ModelChoiceField(get_user_model().objects.none(), label="批准人（工作机构负责人）")
    notified_date = forms.DateField(
        label="告知申请人日期", initial=_today, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, obj=None, organization=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        organization = organization or (obj.organization if obj is not None else None)
        # 第三十三条: the extension is approved by the head of the office (a 领导 of the organization).
        self.fields["approver"].queryset = (
            get_user_model()
            .objects.filter(memberships__organization=organization, memberships__role=Membership.Role.LEADER)
            .distinct()
        )


class ConsultationForm(DateForm):
    party = forms.ChoiceField(label="被征求意见方", choices=ClockEvent.Party.choices)
    party_name = forms.CharField(label="名称", max_length=100)


class ConsultationEndForm(DateForm):
    opinion = forms.CharField(label="意见摘要", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FeeNoticeForm(DateForm):
    """信息处理费管理办法: 按件 or 按量, never both; the amount is computed from the bands."""

    method = forms.ChoiceField(label="计费方式", choices=[("piece", "按件计收"), ("page", "按量计收")])
    quantity = forms.IntegerField(
        label="件数或页数", min_value=1, help_text="按件：该申请人本自然月累计申请件数（含本件）；按量：提供的页数"
    )
    note = forms.CharField(label="说明", required=False, max_length=200)

    def clean(self):
        from . import fees

        data = super().clean()
        method, quantity = data.get("method"), data.get("quantity")
        if method and quantity:
            data["amount"], data["basis"] = fees.fee_for(method, quantity)
            if data.get("note"):
                data["basis"] += f"；{data['note']}"
            if data["amount"] <= 0:
                self.add_error("quantity", "按收费标准本件不收费（按件10件以内、按量30页以内免费），无需发出收费通知。")
        return data


class PaymentForm(DateForm):
    pass


class DraftReplyForm(forms.Form):
    outcome = forms.ChoiceField(label="办理结果（年报表三的行）", choices=[("", "请选择")] + Outcome.choices)

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, **kwargs)


class SendReplyForm(DateForm):
    title = forms.CharField(label="告知书标题", max_length=100)
    body = forms.CharField(label="告知书正文", widget=forms.Textarea(attrs={"rows": 18, "cols": 90}))
