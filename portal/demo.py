"""The core of the demo data set: the two organizations, the demo users and their roles.

`python manage.py demo` creates these, then hands the same `Demo` object to each feature app's
`demo.load(demo)` in the order of INSTALLED_APPS (catalogue and items, requests, reports …).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model

from .models import Membership, Organization

DEMO_PASSWORD = "demo-pass-2026"
USERS = [
    # username, name, role, email
    ("editor", "李编辑", Membership.Role.EDITOR, "editor@example.com"),
    ("reviewer", "王审核", Membership.Role.REVIEWER, "reviewer@example.com"),
    ("leader", "张领导", Membership.Role.LEADER, "leader@example.com"),
    ("admin", "赵管理员", Membership.Role.ADMIN, "admin@example.com"),
]

ORGS = [
    dict(
        name="龙陵县民政局",
        short_name="县民政局",
        slug="llmzj",
        code="01526257-2",
        index_template="{code_raw}-/{year}-{mmdd}{seq:03d}",
        office_name="龙陵县民政局办公室",
        office_address="云南省保山市龙陵县龙山镇龙新路民政局办公楼二楼",
        office_hours="工作日 上午9:00—12:00，下午14:30—18:00",
        phone="0875-6121234",
        fax="0875-6121235",
        email="llxmzj@example.gov.cn",
        postcode="678300",
        reading_points="龙陵县档案馆政府信息查阅中心（龙山镇文化路8号）\n龙陵县政务服务中心一楼查阅点",
        functions="负责全县社会救助、养老服务、社会组织登记管理、区划地名、婚姻登记、殡葬管理、儿童福利等工作。",
        order=1,
    ),
    dict(
        name="龙陵县财政局",
        short_name="县财政局",
        slug="llczj",
        code="01526261-0",
        index_template="{code}/{year}-{seq:05d}",
        office_name="龙陵县财政局办公室",
        office_address="云南省保山市龙陵县龙山镇东卡路财政局",
        office_hours="工作日 上午9:00—12:00，下午14:30—18:00",
        phone="0875-6122345",
        fax="",
        email="llxczj@example.gov.cn",
        postcode="678300",
        reading_points="龙陵县政务服务中心一楼查阅点",
        functions="负责全县财政预算管理、政府采购监督管理等工作。",
        order=2,
    ),
]


@dataclass
class Demo:
    orgs: dict[str, Organization] = field(default_factory=dict)
    categories: dict[str, object] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    items: dict[str, object] = field(default_factory=dict)


def feature_app_labels() -> list[str]:
    """The project's own apps other than the core (their code lives in this repository)."""
    base = Path(settings.BASE_DIR).resolve()
    return [
        config.label
        for config in apps.get_app_configs()
        if config.label != "portal" and Path(config.path).resolve().is_relative_to(base)
    ]


def load_core(demo: Demo) -> Demo:
    for data in ORGS:
        demo.orgs[data["slug"]] = Organization.objects.create(**data)
    _users(demo)
    return demo


def _users(demo: Demo):
    User = get_user_model()
    for username, name, role, email in USERS:
        user = User.objects.create_user(
            username,
            email=email,
            password=DEMO_PASSWORD,
            first_name=name,
            is_staff=True,
            is_superuser=(username == "admin"),
        )
        demo.users[username] = user
        for org in demo.orgs.values():
            Membership.objects.create(user=user, organization=org, role=role)
    # Second people in each role, so separation of duties has someone to hand over to.
    for username, name, role in [
        ("editor2", "陈编辑", Membership.Role.EDITOR),
        ("reviewer2", "刘审核", Membership.Role.REVIEWER),
        ("leader2", "杨领导", Membership.Role.LEADER),
    ]:
        user = User.objects.create_user(
            username, email=f"{username}@example.com", password=DEMO_PASSWORD, first_name=name, is_staff=True
        )
        demo.users[username] = user
        Membership.objects.create(user=user, organization=demo.orgs["llmzj"], role=role)
    _grant_staff_permissions(demo)


def _grant_staff_permissions(demo: Demo):
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="政务公开工作人员")
    wanted = Permission.objects.filter(content_type__app_label__in=feature_app_labels())
    group.permissions.set(wanted.exclude(codename__startswith="delete_"))
    core = ["view_auditentry", "view_calendarday", "view_organization", "view_membership"]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="portal", codename__in=core))
    for user in demo.users.values():
        user.groups.add(group)
