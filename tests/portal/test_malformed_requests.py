"""Malformed paths and parameters get a Chinese 400/404 page, never a 500 (PostgreSQL rejects NUL)."""

from __future__ import annotations

import pytest

NUL_PATHS = [
    "/catalog/%00/",
    "/catalog/fdzdgk%00/",
    "/feeds/catalog/%00/",
    "/items/1%00/",
    "/guide/%00/",
    "/reports/2016/%00/",
    "/apply/%00",
]


@pytest.mark.parametrize("path", NUL_PATHS)
def test_nul_in_the_path_is_a_bad_request(client, build, site_profile, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert "请求" in response.content.decode() or "页面" in response.content.decode()


def test_nul_in_a_form_field_is_removed_not_a_500(client, build, site_profile):
    response = client.post("/search/", {"q": "养老\x00"})
    assert response.status_code in (200, 405)
    response = client.get("/search/?q=%E5%85%BB%00%E8%80%81")
    assert response.status_code == 200
