"""/apply/: required fields say so, the fields of the other applicant type hide (with JS only), a
paper form to download, and the same words as tracking about what can be changed."""

from __future__ import annotations

import io


def test_required_fields_are_marked_in_words(client, build, site_profile):
    page = client.get("/apply/").content.decode()
    assert "姓名或名称（必填）" in page and "联系电话（必填）" in page
    assert "法定代表人（法人必填）" in page and "工作单位（选填）" in page and "工作单位（选填）（必填）" not in page


def test_fields_of_each_applicant_type_are_grouped_for_the_script(client, build, site_profile):
    page = client.get("/apply/").content.decode()
    assert 'data-applicant="legal"' in page and 'data-applicant="natural"' in page
    assert "js/apply.js" in page


def test_apply_and_tracking_pages_say_the_same_about_changes(client, build, site_profile):
    sentence = "工作人员确认收到申请之前，您可以凭查询码修改所需信息和获取方式，或撤回申请"
    assert sentence in client.get("/apply/").content.decode()
    assert sentence in client.get("/apply/track/").content.decode()


def test_the_paper_form_downloads_as_word_with_the_fields(client, build, site_profile):
    import docx

    response = client.get("/apply/form.docx")
    assert (
        response.status_code == 200
        and "申请表" in response["Content-Disposition"]
        or "shenqingbiao" in response["Content-Disposition"]
    )
    text = "\n".join(
        [p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs]
        + [c.text for t in docx.Document(io.BytesIO(response.content)).tables for r in t.rows for c in r.cells]
    )
    assert "政府信息公开申请表" in text and "所需信息的名称" in text and build.org.office_address in text


def test_every_public_form_has_the_same_error_summary(client, build, site_profile):
    """One summary (includes/form_errors.html) linking each error to its field; the tracking forms
    ask to query again, the others to submit again."""
    assert build.org  # an organization the forms can be sent to
    for url, heading in [
        ("/apply/", "请修改以下内容后重新提交"),
        ("/apply/track/", "请修改以下内容后重新查询"),
        ("/interact/ask/", "请修改以下内容后重新提交"),
        ("/interact/track/", "请修改以下内容后重新查询"),
    ]:
        page = client.post(url, {}).content.decode()
        assert f'<div class="error-summary" role="alert" tabindex="-1">\n  <h2>{heading}</h2>' in page, url
        assert '<a href="#id_' in page, url
