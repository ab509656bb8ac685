"""Public forms of 互动回应: the message (留言), tracking, and a comment on a consultation.

Each carries the `website` honeypot of /apply/ (info_requests/forms.py): hidden from people and
screen readers, filled in by bots. Texts are plain (no HTML is ever rendered from them).
"""

from __future__ import annotations

import unicodedata

from django import forms

from info_requests import validators
from info_requests.forms import TrackForm as ApplicationTrackForm
from portal.models import Organization

from .models import Message

TITLE_MAX = 100
CONTENT_MAX = 2000
COMMENT_MAX = 3000


def _plain(value: str) -> str:
    """Normalize line ends and drop control characters other than newlines and tabs."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()


class HoneypotMixin:
    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class MessageForm(HoneypotMixin, forms.Form):
    organization = forms.ModelChoiceField(
        Organization.objects.all(),
        label="发给哪个机构",
        empty_label="请选择",
        error_messages={"required": "请选择留言发给哪个机构。", "invalid_choice": "请选择列表中的机构。"},
    )
    category = forms.ChoiceField(
        label="类别",
        choices=Message.Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择留言类别。", "invalid_choice": "请选择留言类别。"},
    )
    title = forms.CharField(
        label="标题",
        max_length=TITLE_MAX,
        error_messages={"required": "请填写标题。", "max_length": f"标题不能超过{TITLE_MAX}个字。"},
    )
    content = forms.CharField(
        label="内容",
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"不超过{CONTENT_MAX}字。请勿填写身份证号、银行卡号等个人信息。",
        error_messages={"required": "请填写留言内容。", "max_length": f"留言内容不能超过{CONTENT_MAX}字。"},
    )
    writer_name = forms.CharField(
        label="姓名", max_length=50, error_messages={"required": "请填写姓名。", "max_length": "姓名不能超过50个字。"}
    )
    phone = forms.CharField(label="手机", max_length=30, error_messages={"required": "请填写手机号码。"})
    email = forms.EmailField(
        label="邮箱（选填）", required=False, max_length=254, error_messages={"invalid": "邮箱格式不正确。"}
    )
    agree_publish = forms.TypedChoiceField(
        label="是否同意公开",
        choices=[("yes", "同意公开（不公开姓名和联系方式）"), ("no", "不同意公开")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        help_text="同意的，答复后可能在“留言选登”中公开留言和答复的内容；您的姓名、手机和邮箱在任何情况下都不会公开。",
        error_messages={"required": "请选择是否同意公开。", "invalid_choice": "请选择是否同意公开。"},
    )
    website = forms.CharField(label="请勿填写此项", required=False)  # honeypot

    AUTOCOMPLETE = {"writer_name": "name", "phone": "tel", "email": "email", "website": "off"}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, token in self.AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = token
        self.fields["website"].widget.attrs.update({"tabindex": "-1"})
        self.fields["phone"].widget.attrs["inputmode"] = "tel"
        self.fields["content"].widget.attrs["maxlength"] = str(CONTENT_MAX)

    def clean_title(self):
        value = _plain(self.cleaned_data["title"]).replace("\n", " ")
        if not value:
            raise forms.ValidationError("请填写标题。")
        return value

    def clean_content(self):
        value = _plain(self.cleaned_data["content"])
        if not value:
            raise forms.ValidationError("请填写留言内容。")
        return value

    def clean_writer_name(self):
        value = _plain(self.cleaned_data["writer_name"])
        if not value:
            raise forms.ValidationError("请填写姓名。")
        return value

    def clean_phone(self):
        value = validators.validate_phone(self.cleaned_data["phone"])
        digits = "".join(ch for ch in value if ch.isdigit())
        if len(digits) < 7:
            raise forms.ValidationError("请填写正确的手机号码。")
        return value

    def to_message(self) -> Message:
        d = self.cleaned_data
        return Message(
            organization=d["organization"],
            category=d["category"],
            title=d["title"],
            content=d["content"],
            writer_name=d["writer_name"],
            phone=d["phone"],
            email=d.get("email") or "",
            agree_publish=d["agree_publish"],
        )


class TrackForm(ApplicationTrackForm):
    """查询码 + the last four digits of the phone, exactly as /apply/track/ asks for them."""

    phone_last4 = forms.CharField(
        label="手机号码后四位",
        max_length=4,
        min_length=4,
        error_messages={"required": "请填写手机号码后四位。", "min_length": "请填写手机号码的后四位数字。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone_last4"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})


class CommentForm(HoneypotMixin, forms.Form):
    text = forms.CharField(
        label="意见内容",
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"不超过{COMMENT_MAX}字。",
        error_messages={"required": "请填写意见内容。", "max_length": f"意见内容不能超过{COMMENT_MAX}字。"},
    )
    attachment = forms.FileField(
        label="附件（选填）",
        required=False,
        help_text="可上传PDF、Word、Excel或图片，用于说明意见。",
        error_messages={"invalid": "附件上传失败，请重新选择文件。", "empty": "上传的附件是空文件。"},
    )
    name = forms.CharField(label="姓名或单位（选填，不公开）", max_length=100, required=False)
    contact = forms.CharField(label="联系方式（选填，不公开）", max_length=100, required=False)
    website = forms.CharField(label="请勿填写此项", required=False)  # honeypot

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["contact"].widget.attrs["autocomplete"] = "tel"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["text"].widget.attrs["maxlength"] = str(COMMENT_MAX)

    def clean_text(self):
        value = _plain(self.cleaned_data["text"])
        if not value:
            raise forms.ValidationError("请填写意见内容。")
        return value

    def clean_attachment(self):
        from django.core.exceptions import ValidationError

        from portal.uploads import check_attachment

        upload = self.cleaned_data.get("attachment")
        if upload:
            try:
                check_attachment(upload)
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from None
        return upload
