"""Dead-link checks against a local web server (never the internet) and the site's own data."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from disclosures import links, workflow
from disclosures.models import LinkCheck


class Handler(BaseHTTPRequestHandler):
    def do_HEAD(self):
        if self.path == "/no-head":
            self.send_response(405)
        else:
            self.send_response(200 if self.path in ("/ok", "/") else 404)
        self.end_headers()

    def do_GET(self):
        self.send_response(200 if self.path in ("/ok", "/no-head") else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def web():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_internal_links_to_withdrawn_unpublished_or_missing_items_are_dead(build):
    live = build.item()
    gone = build.item(state="withdrawn")
    draft = build.item(state="draft")
    body = (
        f'<p><a href="/items/{live.pk}/">有效</a><a href="/items/{gone.pk}/">撤回</a>'
        f'<a href="/items/{draft.pk}/">草稿</a><a href="/items/999999/">不存在</a><a href="/nowhere/">无</a></p>'
    )
    item = build.item(body=body)
    results = {r.url: r for r in links.check_item(item, external=False)}
    assert results[f"/items/{live.pk}/"].ok
    assert [r.note for u, r in results.items() if not r.ok] == [
        "链接的信息已撤回",
        "链接的信息不存在或尚未发布",
        "链接的信息不存在或尚未发布",
        "本站地址不存在",
    ]


def test_external_links_by_http_status_with_get_when_head_is_refused(build, web, monkeypatch):
    monkeypatch.setattr(links, "PAUSE", 0)
    item = build.item(
        body=f'<p><a href="{web}/ok">好</a><a href="{web}/gone">坏</a><a href="{web}/no-head">只GET</a></p>'
    )
    results = {r.url.rsplit("/", 1)[-1]: r for r in links.check_item(item, polite=links._Polite(0))}
    assert results["ok"].ok and results["no-head"].ok
    assert not results["gone"].ok and results["gone"].status == 404


def test_unreachable_hosts_are_dead_quickly(build):
    item = build.item(body='<p><a href="http://127.0.0.1:9/x">关闭的端口</a></p>')
    (result,) = links.check_item(item)
    assert not result.ok and "无法访问" in result.note


def test_results_are_kept_and_the_dashboard_lists_dead_links(client, build, site_profile):
    from django.contrib.auth.models import Permission

    item = build.item(body='<p><a href="/nowhere/">无</a></p>')
    call_command("check_links", "--no-external", stdout=open("/dev/null", "w"))
    assert LinkCheck.objects.filter(item=item, ok=False).count() == 1
    build.editor.user_permissions.add(*Permission.objects.filter(content_type__app_label="disclosures"))
    client.force_login(build.editor)
    page = client.get("/admin/").content.decode()
    assert "死链" in page and item.title in page


def test_the_workflow_panel_shows_a_drafts_dead_internal_links_before_publication(client, build):
    from django.contrib.auth.models import Permission

    gone = build.item(state="withdrawn")
    item = build.item(state="draft", body=f'<p><a href="/items/{gone.pk}/">旧文</a></p>')
    build.editor.user_permissions.add(*Permission.objects.filter(content_type__app_label="disclosures"))
    client.force_login(build.editor)
    page = client.get(f"/admin/disclosures/disclosureitem/{item.pk}/change/").content.decode()
    assert "链接的信息已撤回" in page
    workflow.submit(item, build.editor)  # a warning, not a block
