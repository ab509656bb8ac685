"""axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on the key public pages, in standard and large-text
(长辈版) and high-contrast modes: no serious or critical violations."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = [
    "/",
    "/catalog/",
    "/catalog/fdzdgk/shjz/",
    "/guide/",
    "/sitemap/",
    "/search/?q=低保",
    "/no-such-page/",
    "/apply/",
    "/apply/track/",
    "/reports/",
    "/reports/2025/llmzj/",
    "/reports/2025/all/",
    "/feeds/",
    "/accessibility/",
    "/interact/",
    "/interact/ask/",
    "/interact/track/",
    "/interact/messages/",
    "/interact/consultations/",
    "/interact/stats/",
]
WIDTHS = [1366, 390]
# Only the violations are collected node by node (axe's resultTypes), and only their summary crosses
# back to Python: the full result of every rule and node is large and slow to send.
AXE_RUN = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
  .then(r => ({
    passes: r.passes.length,
    violations: r.violations
      .filter(v => v.impact === 'serious' || v.impact === 'critical')
      .map(v => [v.id, v.nodes.slice(0, 3).map(n => n.target)]),
  }))"""
MODES = [{"fontsize": "medium"}, {"fontsize": "large"}, {"contrast": "high"}]


def test_key_pages_have_no_serious_accessibility_violations(browser, transactional_db, live_server):
    assert AXE.exists(), "axe-core missing: run `npm ci` (./dev test does it)"
    call_command("demo", stdout=open(os.devnull, "w"))
    from disclosures.models import DisclosureItem
    from interaction.models import Consultation, Message

    pages = PAGES + [
        DisclosureItem.objects.get(index_number="01526257-2-/2016-1230002").get_absolute_url(),
        Message.objects.public().first().get_absolute_url(),
        *(c.get_absolute_url() for c in Consultation.objects.public()),  # open (with its form) and closed
    ]
    problems = []
    for mode, width in [(m, w) for w in WIDTHS for m in MODES]:
        # bypass_csp lets the test inject axe; the site keeps its CSP
        context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
        context.add_cookies([{"name": k, "value": v, "url": live_server.url} for k, v in mode.items()])
        page = context.new_page()
        for path in pages:
            page.goto(live_server.url + path)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(AXE_RUN, TAGS)
            assert result["passes"], "axe did not run"
            problems += [(mode, width, path, *v) for v in result["violations"]]
        context.close()
    assert not problems, problems
