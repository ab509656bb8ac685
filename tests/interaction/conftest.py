"""Builders for the 互动回应 tests: messages in a given state, consultations with a published
announcement, on top of the shared `build` fixture (tests/conftest.py)."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.utils import timezone

_n = itertools.count(1)


class Interaction:
    def __init__(self, build):
        from disclosures.models import Category

        self.build = build
        self.category = Category.objects.create(code="yjzj", name="意见征集", parent=build.root)

    def message(self, state="submitted", *, org=None, agree=True, days_ago=0, reply="您好！已答复。", **fields):
        from interaction import workflow
        from interaction.models import Message

        n = next(_n)
        message = workflow.submit(
            Message(
                organization=org or self.build.org,
                category=fields.pop("category", "consult"),
                title=fields.pop("title", f"测试留言{n}"),
                content=fields.pop("content", f"测试留言内容{n}"),
                writer_name=fields.pop("writer_name", f"留言人{n}"),
                phone=fields.pop("phone", f"1390875{n:04d}"),
                email=fields.pop("email", f"w{n}@example.com"),
                agree_publish=agree,
                **fields,
            )
        )
        if days_ago:
            when = timezone.now() - datetime.timedelta(days=days_ago)
            Message.objects.filter(pk=message.pk).update(submitted_at=when, received_date=timezone.localdate(when))
            message.refresh_from_db()
        b = self.build
        if state == "submitted":
            return message
        if state == "rejected":
            return workflow.reject(message, b.editor, reason="属于信访事项，请通过信访渠道反映。")
        workflow.accept(message, b.editor)
        if state == "accepted":
            return Message.objects.get(pk=message.pk)
        workflow.save_reply(message, b.editor, body=reply)
        workflow.submit_reply(message, b.editor)
        if state == "pending_approval":
            return Message.objects.get(pk=message.pk)
        workflow.approve_reply(message, b.leader)
        if state == "answered":
            return Message.objects.get(pk=message.pk)
        workflow.publish(message, b.leader2)
        return Message.objects.get(pk=message.pk)

    def consultation(self, *, published=True, start=None, end=None, kind="normative", title=None, org=None):
        from interaction import consultations
        from interaction.models import Consultation

        today = timezone.localdate()
        c = Consultation(
            organization=org or self.build.org,
            kind=kind,
            title=title or f"关于测试办法（征求意见稿）公开征求意见的公告{next(_n)}",
            description="起草说明。",
            start_date=start or today - datetime.timedelta(days=3),
            end_date=end or today + datetime.timedelta(days=30),
        )
        consultations.save_consultation(c, self.build.editor, created=True)
        c.refresh_from_db()
        if published:
            self.publish_item(c.item)
            c.refresh_from_db()
        return c

    def publish_item(self, item):
        from disclosures import workflow as item_workflow

        b = self.build
        if item.status == item.Status.DRAFT:
            item = item_workflow.submit(item, b.editor)
        item_workflow.review(item, b.reviewer, secrecy_confirmed=True)
        item_workflow.approve(item, b.leader)


@pytest.fixture
def ia(build):
    return Interaction(build)


def grant_interaction_permissions(*users):
    from django.contrib.auth.models import Permission

    perms = Permission.objects.filter(content_type__app_label__in=["interaction", "portal", "disclosures"])
    for user in users:
        user.user_permissions.add(*perms)
