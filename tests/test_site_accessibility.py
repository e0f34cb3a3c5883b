"""The site's accessibility in a real browser: axe-core on one page of every kind, at both screen
sizes and in the dark scheme. A module of its own, in an xdist group of its own, so that under
`-n` it runs beside test_site.py's other browser tests (each group builds the site once)."""

# ruff: noqa: F811 - the fixtures imported from test_site are named again by the tests that use them

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ROOT
from .test_site import _open, browser, built, context, served, viewport  # noqa: F401 - fixtures

pytestmark = [pytest.mark.xdist_group("site-accessibility"), pytest.mark.slow, pytest.mark.browser]

# Accessibility: axe-core (tests/browser/package-lock.json pins it; `npm ci` there installs it)
# on one page of every kind, at both screen sizes and in the dark scheme.

AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
PAGE_KINDS = [
    "",
    "actions/",
    "actions/CreateGrant/",
    "condition-keys/",
    "condition-keys/kms-ViaService/",
    "via-service/",
    "matrix/",
    "policy-types/",
    "key-policy-only/",
    "cross-account/",
    "required-permissions/",
    "discrepancies/",
    "timeline/",
    "timeline/2021/",
    "topics/",
    "topics/multi-region-keys/",
    "access/",
    "access/grants/",
    "key-policies/",
    "rules/",
    "rules/KMS020/",
    "notes/",
    "notes/grants/",
    "downloads/",
]
_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations'], selectors: false});
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.length + ' nodes, e.g. '
         + v.nodes[0].html.slice(0, 120));
}"""


def _axe_violations(context: Any, served: str) -> dict[str, list[str]]:
    if not AXE.exists():
        pytest.skip("axe-core is not installed (cd tests/browser && npm ci)")
    script = AXE.read_text(encoding="utf-8")
    found = {}
    for path in PAGE_KINDS:
        page = _open(context, f"{served}/{path}")
        page.add_script_tag(content=script)
        violations = page.evaluate(_AXE_RUN)
        if violations:
            found[path] = violations
        page.close()
    return found


def test_no_serious_accessibility_violation_on_any_kind_of_page(context: Any, served: str) -> None:
    assert _axe_violations(context, served) == {}


def test_no_serious_accessibility_violation_in_the_dark(browser: Any, served: str) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, color_scheme="dark")
    try:
        assert _axe_violations(context, served) == {}
    finally:
        context.close()
