"""Header and footer conventions: logo, marked navigation, display switches that keep the page,
党政机关网站标识 and 我为政府网站找错 from the site profile, and the 无障碍说明 page on every page."""

from __future__ import annotations


def test_footer_marks_come_from_the_site_profile_as_plain_links(client, build, site_profile):
    site_profile.conac_url = "https://bszs.conac.cn/sitename?method=show&id=TEST"
    site_profile.jiucuo_url = "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=5305230001"
    site_profile.save()
    page = client.get("/").content.decode()
    assert f'href="{site_profile.jiucuo_url.replace("&", "&amp;")}"' in page or site_profile.jiucuo_url in page
    assert "我为政府网站找错" in page and "党政机关网站标识" in page
    assert '<script src="http' not in page  # no third-party script


def test_every_page_links_the_accessibility_statement(client, build, site_profile):
    for path in ["/", "/catalog/", "/guide/", "/apply/"]:
        assert 'href="/accessibility/"' in client.get(path).content.decode(), path
    page = client.get("/accessibility/").content.decode()
    assert "无障碍说明" in page and "长辈版" in page


def test_display_switch_links_keep_path_and_query(client, build, site_profile):
    page = client.get("/search/?q=%E5%85%BB%E8%80%81&sort=date&fontsize=small").content.decode()
    assert 'href="/search/?q=%E5%85%BB%E8%80%81&amp;sort=date&amp;fontsize=large"' in page
    assert 'href="/search/?q=%E5%85%BB%E8%80%81&amp;sort=date&amp;contrast=high"' in page


def test_the_main_navigation_marks_the_current_section(client, build, site_profile):
    page = client.get("/guide/").content.decode()
    assert 'href="/guide/" aria-current="page"' in page
    assert 'href="/catalog/" aria-current' not in page
