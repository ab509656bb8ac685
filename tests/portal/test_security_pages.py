"""Security headers and the pages a refused request gets."""

from __future__ import annotations

from django.test import Client


def test_every_page_says_which_browser_features_are_off(client, build, site_profile):
    policy = client.get("/").headers["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_forged_post_gets_a_chinese_page_and_changes_nothing(build, site_profile):
    from info_requests.models import Application

    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post("/apply/", {"applicant_name": "张三"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期，请重新提交" in page and "DEBUG" not in page
    assert Application.objects.count() == 0


def test_error_page_does_not_promise_what_nobody_does():
    from django.template import loader

    assert "已收到通知" not in loader.get_template("500.html").render()


def test_only_site_administrators_see_other_organizations_memberships(client, build):
    from django.contrib.auth.models import Permission

    from portal.models import Membership

    outsider = build.user("outsider", "editor", org=build.other_org)
    outsider.user_permissions.add(*Permission.objects.filter(codename="view_membership"))
    client.force_login(outsider)
    page = client.get("/admin/portal/membership/").content.decode()
    own = Membership.objects.filter(organization=build.other_org).count()
    others = Membership.objects.filter(organization=build.org).exclude(user=outsider)
    assert others.exists()
    assert f"{own} 机构角色" in page or f"{own} 个机构角色" in page or "outsider" in page
    for membership in others:
        assert f"/admin/portal/membership/{membership.pk}/change/" not in page
