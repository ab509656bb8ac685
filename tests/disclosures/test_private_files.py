"""Files of drafts are private to staff of the item's organization until the item is public."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from disclosures import workflow
from disclosures.models import Attachment


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(out, "PNG")
    return out.getvalue()


def upload_image(client, user) -> str:
    client.force_login(user)
    response = client.post("/ckeditor5/image_upload/", {"upload": SimpleUploadedFile("名单.png", _png())})
    client.logout()
    return response.json()["url"]


def test_an_editor_image_is_public_only_while_its_item_is(
    client, build, site_profile, django_capture_on_commit_callbacks
):
    url = upload_image(client, build.editor)
    item = build.item(state="draft", body=f'<p>照片</p><figure class="image"><img src="{url}" alt="现场"></figure>')
    assert client.get(url).status_code == 404
    workflow.submit(item, build.editor)
    workflow.review(item, build.reviewer, secrecy_confirmed=True)
    assert client.get(url).status_code == 404  # reviewed, not yet public
    with django_capture_on_commit_callbacks(execute=True):  # the public-version signal runs after commit
        workflow.approve(item, build.leader)
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(item, build.leader, reason="有误")
    assert client.get(url).status_code == 404


def test_staff_of_the_organization_open_a_drafts_attachment_the_public_cannot(client, build, site_profile):
    item = build.item(state="draft")
    attachment = Attachment(item=item, original_name="名单.csv", file_type="csv", content_type="text/csv")
    attachment.file.save("名单.csv", SimpleUploadedFile("名单.csv", "姓名,人数\n张三,3\n".encode()), save=False)
    attachment.size = attachment.file.size
    attachment.save()
    link = attachment.file.url
    assert link.startswith("/media/attachments/") and "名单" not in link
    assert client.get(link).status_code == 404
    client.force_login(build.reviewer)
    response = client.get(link)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).decode().startswith("姓名")
    outsider = build.user("outsider", "reviewer", org=build.other_org)  # staff of another organization only
    client.force_login(outsider)
    assert client.get(link).status_code == 404
