import pytest

from disclosures.models import DisclosureItem


@pytest.fixture
def editor_client(client, build):
    client.force_login(build.editor)
    return client


def test_staff_see_only_their_organizations_items(client, build):
    editor_client = client
    editor_client.force_login(build.user("only_a", "editor", org=build.org))
    mine = build.item("本机构草稿", state="draft")
    theirs = build.item("他机构草稿", state="draft", org=build.other_org)
    html = editor_client.get("/admin/disclosures/disclosureitem/").content.decode()
    assert mine.title in html and theirs.title not in html
    assert editor_client.get(f"/admin/disclosures/disclosureitem/{theirs.pk}/change/").status_code in (302, 404)


def test_only_drafts_are_editable_in_place(editor_client, build):
    item = build.item("已发布信息")
    response = editor_client.post(
        f"/admin/disclosures/disclosureitem/{item.pk}/change/",
        {
            "organization": build.org.pk,
            "category": build.category.pk,
            "kind": "general",
            "title": "篡改标题",
            "written_date": "2026-03-02",
            "body": "<p>x</p>",
        },
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.title == "已发布信息"


def test_editor_creates_a_draft_and_becomes_its_contributor(editor_client, build):
    response = editor_client.post(
        "/admin/disclosures/disclosureitem/add/",
        {
            "organization": build.org.pk,
            "category": build.category.pk,
            "kind": "general",
            "title": "新建信息",
            "written_date": "2026-03-02",
            "body": "<p>正文<script>x</script></p>",
            "status": "published",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
            "social_assistance-TOTAL_FORMS": "0",
            "social_assistance-INITIAL_FORMS": "0",
            "policy-TOTAL_FORMS": "0",
            "policy-INITIAL_FORMS": "0",
            "budget-TOTAL_FORMS": "0",
            "budget-INITIAL_FORMS": "0",
            "procurement-TOTAL_FORMS": "0",
            "procurement-INITIAL_FORMS": "0",
            "elderly_care-TOTAL_FORMS": "0",
            "elderly_care-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = DisclosureItem.objects.get(title="新建信息")
    assert item.status == "draft"  # a forged state field is ignored
    assert "<script" not in item.body
    assert build.editor in item.contributors.all()


def test_editor_cannot_create_items_for_another_organization(client, build):
    editor_client = client
    editor_client.force_login(build.user("only_a", "editor", org=build.org))
    response = editor_client.post(
        "/admin/disclosures/disclosureitem/add/",
        {
            "organization": build.other_org.pk,
            "category": build.category.pk,
            "kind": "general",
            "title": "越权",
            "written_date": "2026-03-02",
            "body": "<p>x</p>",
        },
    )
    assert response.status_code == 200  # form error, nothing saved
    assert not DisclosureItem.objects.filter(title="越权").exists()


def test_published_items_cannot_be_deleted(client, build):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(admin)
    item = build.item()
    client.post(f"/admin/disclosures/disclosureitem/{item.pk}/delete/", {"post": "yes"})
    assert DisclosureItem.objects.filter(pk=item.pk).exists()


def test_audit_log_is_append_only(client, build):
    from django.contrib.auth import get_user_model

    from portal.models import AuditEntry

    build.item()
    entry = AuditEntry.objects.first()
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    admin = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(admin)
    assert client.get(f"/admin/portal/auditentry/{entry.pk}/delete/").status_code == 403


def test_only_administrators_manage_organizations_and_catalogue(client, build):
    client.force_login(build.editor)
    assert client.get("/admin/portal/organization/add/").status_code == 403
    assert client.post(f"/admin/disclosures/category/{build.category.pk}/change/", {"name": "改名"}).status_code == 403
    build.category.refresh_from_db()
    assert build.category.name == "社会救助"
