"""The demo shows every case staff and citizens meet: messages in every state, an overdue one, a
transferred one, one near the veto line; an open consultation and a closed one with its 反馈."""

import os

import pytest
from django.core.management import call_command

from interaction import deadlines
from interaction.models import Consultation, Message

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_case(client):
    call_command("demo", stdout=open(os.devnull, "w"))
    assert set(Message.objects.values_list("status", flat=True)) == set(Message.Status.values)
    assert Message.objects.public().count() == 1
    assert Message.objects.filter(transfers__isnull=False).exists()
    rows = deadlines.annotate(Message.objects.unanswered())
    assert any(m.deadline.overdue for m in rows) and any(m.deadline.veto_near for m in rows)
    public = list(Consultation.objects.public())
    assert any(c.is_open() for c in public)
    assert any(c.is_closed() and c.feedback_public for c in public)
    assert any(c.is_closed() and not c.feedback_public for c in public)
    response = client.post("/interact/track/", {"code": "DEMO-2026-ASK1", "phone_last4": "0002"})
    assert "高龄津贴" in response.content.decode() and "已答复" in response.content.decode()
