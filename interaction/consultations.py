"""意见征集: consultations on draft documents, their comments, and the 反馈 (意见采纳情况).

    征集 (编辑) ──save: 公告信息条目（草稿）──▶ disclosures.workflow: 提交审核 → 审核（保密审查）→ 审批发布
    已发布 and 起止日期内 ──add_comment (公众)──▶ …       截止后 ──add_comment──▶ refused
    截止后 ──prepare_feedback (编辑, 采纳情况)──▶ 反馈信息条目 提交审核 → 审核 → 审批发布

A consultation rides on a DisclosureItem (kind 一般信息, in the 意见征集 catalogue node) exactly as
the annual report does (reports/workflow.py): review, 保密审查, approval, 索引号, audit and the
pre-publication checks are the items' own, and the public page answers only while that item is
`published()`. The 反馈 is a second item, so it is reviewed and approved the same way and is found
by search, feeds and open data like every other publication.

The usual minimum periods (docs/interaction.md, legal sources): 30 days for a 规章草案 (规章制定程序
条例第十五条) and for a 重大行政决策 (重大行政决策程序暂行条例); 7 working days for a 行政规范性文件
affecting citizens' rights, 30 days when it concerns market actors' business (市县法治政府建设示范指标
体系 指标24; 优化营商环境条例). They are warnings: the rules say 一般不少于, and a shorter period must
be explained in the announcement.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from disclosures import workflow as item_workflow
from disclosures.models import Attachment, Category, DisclosureItem, ItemKind
from disclosures.workflow import WorkflowError
from portal import access
from portal.audit import record
from portal.models import Membership
from portal.workcalendar import Calendar

from . import privacy
from .models import Comment, Consultation, InteractionSettings

R = Membership.Role
K = Consultation.Kind

# kind -> (minimum, unit): "days" are calendar days of the period (start and end included),
# "workdays" working days in it on the work calendar.
MINIMUM_PERIOD = {
    K.RULE: (30, "days"),
    K.MAJOR_DECISION: (30, "days"),
    K.NORMATIVE: (7, "workdays"),
    K.NORMATIVE_MARKET: (30, "days"),
}
SOURCES = {
    K.RULE: "《规章制定程序条例》第十五条",
    K.MAJOR_DECISION: "《重大行政决策程序暂行条例》（国务院令第713号）",
    K.NORMATIVE: "《市县法治政府建设示范指标体系》第24项",
    K.NORMATIVE_MARKET: "《优化营商环境条例》（国务院令第722号）、《市县法治政府建设示范指标体系》第24项",
}


def period_length(start: datetime.date, end: datetime.date, unit: str, calendar: Calendar | None = None) -> int:
    if unit == "workdays":
        return (calendar or Calendar.load()).workdays_between(start - datetime.timedelta(days=1), end)
    return (end - start).days + 1


def period_warning(kind: str, start: datetime.date, end: datetime.date, calendar: Calendar | None = None) -> str:
    """'' when the period meets the usual minimum for its kind, else the warning to show."""
    if kind not in MINIMUM_PERIOD or start is None or end is None or end < start:
        return ""
    minimum, unit = MINIMUM_PERIOD[kind]
    length = period_length(start, end, unit, calendar)
    if length >= minimum:
        return ""
    what = "个工作日" if unit == "workdays" else "日"
    return (
        f"{Consultation.Kind(kind).label}公开征求意见的期限一般不少于{minimum}{what}（{SOURCES[kind]}），"
        f"本次只有{length}{what}。确需缩短的，请在“缩短期限的说明”中写明理由，公告中将予以说明。"
    )


def consultation_category() -> Category:
    config = InteractionSettings.current()
    category = config.consultation_category or Category.objects.filter(code="yjzj").order_by("depth").first()
    if category is None:
        raise WorkflowError("公开目录中没有“意见征集”栏目，请管理员先建立（代码 yjzj），或在互动回应设置中指定。")
    return category


def _require_editor(user, consultation: Consultation) -> None:
    if not access.has_role(user, consultation.organization, R.EDITOR):
        raise PermissionDenied(f"只有{consultation.organization.short_name}的编辑才能编辑意见征集。")


def item_body(consultation: Consultation) -> str:
    return render_to_string("interaction/_consultation_item.html", {"c": consultation})


def save_consultation(consultation: Consultation, user, *, created: bool, upload=None, request=None) -> Consultation:
    """Create or edit a 征集 while its announcement is a draft; its item follows (title, text, draft
    document as the item's attachment). Publishing is the item's workflow."""
    from portal.uploads import check_attachment

    _require_editor(user, consultation)
    if consultation.end_date < consultation.start_date:
        raise WorkflowError("征集截止日期不能早于开始日期。")
    with transaction.atomic():
        if consultation.item_id is not None:
            item = DisclosureItem.objects.select_for_update().get(pk=consultation.item_id)
            if item.status != DisclosureItem.Status.DRAFT:
                raise WorkflowError("征集公告已提交审核或已发布，不能再修改；如需修改，请退回后再改。")
        if created:
            consultation.created_by = user
        consultation.save()
        item = consultation.item or DisclosureItem(
            organization=consultation.organization,
            kind=ItemKind.GENERAL,
            category=consultation_category(),
            created_by=user,
        )
        item.title = consultation.title[:300]
        item.summary = consultation.description[:200]
        item.keywords = "意见征集 征求意见"
        item.source = consultation.organization.name
        item.written_date = item.written_date or timezone.localdate()
        item.body = item_body(consultation)
        item.save()
        item.contributors.add(user)
        if upload is not None:
            ext, mime = check_attachment(upload)
            item.attachments.all().delete()
            attachment = Attachment(
                item=item, original_name=upload.name[-200:], size=upload.size, file_type=ext, content_type=mime
            )
            upload.seek(0)
            attachment.file.save(upload.name[-80:], ContentFile(upload.read()), save=False)
            attachment.save()
        if consultation.item_id is None:
            consultation.item = item
            consultation.save(update_fields=["item"])
        record(
            "consultation.create" if created else "consultation.edit",
            actor=user,
            obj=consultation,
            request=request,
            data={
                "item": item.pk,
                "start": consultation.start_date.isoformat(),
                "end": consultation.end_date.isoformat(),
            },
        )
    return consultation


def save_feedback_fields(consultation: Consultation, user, *, fields: list[str], request=None) -> Consultation:
    """After the announcement went out only the 反馈 figures and text change (until the 反馈 is
    submitted)."""
    _require_editor(user, consultation)
    with transaction.atomic():
        stored = (
            Consultation.objects.select_for_update(of=("self",)).select_related("feedback_item").get(pk=consultation.pk)
        )
        if stored.feedback_item_id and stored.feedback_item.status != DisclosureItem.Status.DRAFT:
            raise WorkflowError("反馈已提交审核或已发布，不能再修改。")
        for name in ("other_comments", "other_adopted", "feedback_text"):
            setattr(stored, name, getattr(consultation, name))
        stored.save(update_fields=["other_comments", "other_adopted", "feedback_text"])
        record("consultation.edit", actor=user, obj=stored, request=request, data={"fields": fields})
    return stored


# ---- comments ------------------------------------------------------------------------------------


def comment_refusal(consultation: Consultation, today: datetime.date | None = None) -> str:
    """Why a comment cannot be posted now ('' when it can)."""
    today = today or timezone.localdate()
    if not consultation.is_public:
        return "该意见征集不存在或尚未发布。"
    if today < consultation.start_date:
        return f"本次意见征集将于{consultation.start_date:%Y年%-m月%-d日}开始，届时再提交意见。"
    if today > consultation.end_date:
        return f"本次意见征集已于{consultation.end_date:%Y年%-m月%-d日}截止，不再接收意见。感谢您的关注。"
    return ""


def add_comment(consultation: Consultation, *, text: str, name: str = "", contact: str = "", upload=None, request=None):
    from portal.uploads import check_attachment

    with transaction.atomic():
        consultation = (
            Consultation.objects.select_for_update(of=("self",)).select_related("item").get(pk=consultation.pk)
        )
        refusal = comment_refusal(consultation)
        if refusal:
            raise WorkflowError(refusal)
        comment = Comment(consultation=consultation, text=text, name=name, contact=contact)
        if upload is not None:
            check_attachment(upload)
            comment.attachment_name = upload.name[-200:]
            upload.seek(0)
            comment.attachment.save(upload.name[-80:], ContentFile(upload.read()), save=False)
        comment.save()
        record("consultation.comment", obj=consultation, request=request, data={"comment": comment.pk})
    return comment


def record_adoption(comment: Comment, user, *, fields: list[str], request=None) -> None:
    if not access.is_member(user, comment.consultation.organization):
        raise PermissionDenied("只有本机构的工作人员才能登记意见采纳情况。")
    record(
        "consultation.comment_adoption",
        actor=user,
        obj=comment.consultation,
        request=request,
        data={"comment": comment.pk, "adoption": comment.adoption, "fields": fields},
    )


def _locked_comment(comment: Comment, user, role: str, doing: str) -> Comment:
    """The comment re-read under a row lock, once `user` is shown to hold `role` in its organization."""
    comment = (
        Comment.objects.select_for_update(of=("self",)).select_related("consultation__organization").get(pk=comment.pk)
    )
    organization = comment.consultation.organization
    if not access.has_role(user, organization, role):
        raise PermissionDenied(f"只有{organization.short_name}的{access.role_label(role)}才能{doing}。")
    return comment


def _set_shown(comment: Comment, user, shown: bool, request) -> Comment:
    comment.shown_publicly = shown
    comment.save(update_fields=["shown_publicly"])
    record(
        "consultation.comment_show" if shown else "consultation.comment_hide",
        actor=user,
        obj=comment.consultation,
        request=request,
        data={"comment": comment.pk},
    )
    return comment


def show_comment(comment: Comment, user, *, request=None) -> Comment:
    """选登: a leader shows a comment's text publicly — never its writer — after the PII guard."""
    with transaction.atomic():
        comment = _locked_comment(comment, user, R.LEADER, "选登意见")
        refusal = privacy.refusal(privacy.comment_findings(comment), "意见内容")
        if refusal:
            raise WorkflowError(refusal)
        return _set_shown(comment, user, True, request)


def hide_comment(comment: Comment, user, *, request=None) -> Comment:
    with transaction.atomic():
        return _set_shown(_locked_comment(comment, user, R.LEADER, "撤下意见"), user, False, request)


def mask_comment(comment: Comment, user, *, request=None) -> int:
    with transaction.atomic():
        comment = _locked_comment(comment, user, R.EDITOR, "脱敏")
        found = privacy.comment_findings(comment)
        comment.text = privacy.mask(comment.text, comment.name, comment.contact, comment.contact)
        comment.save(update_fields=["text"])
        record(
            "consultation.comment_mask",
            actor=user,
            obj=comment.consultation,
            request=request,
            data={"comment": comment.pk, "count": len(found)},
        )
    return len(found)


# ---- 反馈 (意见采纳情况) ------------------------------------------------------------------------------


@dataclass
class Counts:
    online: int
    online_adopted: int
    other: int
    other_adopted: int

    @property
    def total(self) -> int:
        return self.online + self.other

    @property
    def adopted(self) -> int:
        return self.online_adopted + self.other_adopted


def counts(consultation: Consultation) -> Counts:
    comments = list(consultation.comments.values_list("adoption", flat=True))
    adopted = sum(1 for a in comments if a in (Comment.Adoption.ADOPTED, Comment.Adoption.PARTLY))
    return Counts(len(comments), adopted, consultation.other_comments, consultation.other_adopted)


def feedback_title(consultation: Consultation) -> str:
    return f"{consultation.title}：意见采纳情况反馈"[:300]


def feedback_body(consultation: Consultation) -> str:
    not_adopted = list(
        consultation.comments.filter(adoption=Comment.Adoption.NOT_ADOPTED).exclude(adoption_note="")[:50]
    )
    return render_to_string(
        "interaction/_feedback_item.html",
        {"c": consultation, "counts": counts(consultation), "not_adopted": not_adopted},
    )


def prepare_feedback(consultation: Consultation, user, *, request=None) -> DisclosureItem:
    """生成反馈并提交审核: after closing, the 意见采纳情况 becomes an item in the review workflow.
    The reasons for comments not adopted are the staff's notes, never the writers' names."""
    with transaction.atomic():
        consultation = (
            Consultation.objects.select_for_update(of=("self",))
            .select_related("organization", "item")
            .get(pk=consultation.pk)
        )
        _require_editor(user, consultation)
        if not consultation.is_public:
            raise WorkflowError("征集公告尚未发布，不能反馈。")
        if not consultation.is_closed():
            raise WorkflowError(f"征集至{consultation.end_date:%Y年%-m月%-d日}截止，截止后才能公布意见采纳情况。")
        if not consultation.feedback_text.strip():
            raise WorkflowError("请先填写“意见采纳情况说明”（主要意见的采纳情况，未采纳的说明理由）。")
        c = counts(consultation)
        if c.adopted > c.total:
            raise WorkflowError("采纳的意见数不能多于收到的意见数。")
        item = consultation.feedback_item
        if item is not None and item.status != DisclosureItem.Status.DRAFT:
            raise WorkflowError("反馈已提交审核或已发布。")
        item = item or DisclosureItem(
            organization=consultation.organization,
            kind=ItemKind.GENERAL,
            category=consultation.item.category,
            created_by=user,
        )
        item.title = feedback_title(consultation)
        item.summary = f"共收到意见{c.total}条，采纳（含部分采纳）{c.adopted}条。"
        item.keywords = "意见征集 意见采纳情况 反馈"
        item.source = consultation.organization.name
        item.written_date = timezone.localdate()
        item.body = feedback_body(consultation)
        item.save()
        item.contributors.add(user)
        if consultation.feedback_item_id is None:
            consultation.feedback_item = item
            consultation.save(update_fields=["feedback_item"])
        record(
            "consultation.feedback",
            actor=user,
            obj=consultation,
            request=request,
            data={"item": item.pk, "total": c.total, "adopted": c.adopted},
        )
        item = item_workflow.submit(item, user, request=request)
    return item


@dataclass
class FeedbackDue:
    consultation: Consultation
    due_date: datetime.date
    overdue: bool
    days_late: int


def feedback_due(organizations, today: datetime.date | None = None) -> list[FeedbackDue]:
    """Closed, published consultations whose 反馈 is not yet public: due `feedback_days` working
    days after closing (site setting, default 15)."""
    today = today or timezone.localdate()
    config = InteractionSettings.current()
    calendar = Calendar.load()
    rows = (
        Consultation.objects.public()
        .filter(organization__in=organizations, end_date__lt=today)
        .exclude(feedback_item__in=DisclosureItem.objects.published().values("pk"))
        .select_related("organization", "feedback_item")
        .order_by("end_date")
    )
    result = []
    for c in rows:
        due = calendar.add_workdays(c.end_date, config.feedback_days)
        late = calendar.workdays_between(due, today) if today > due else 0
        result.append(FeedbackDue(c, due, today > due, late))
    return result
