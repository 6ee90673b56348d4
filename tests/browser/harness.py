"""What every browser test uses: Debian's chromium driven by Playwright
(``make browser-deps``; never ``playwright install``), the problems a page
shows (CSP refusals, script errors, failed or third-party requests), axe-core
(from npm, ``make browser-deps``) run in a page, and screenshots kept as
test artefacts in ``var/screenshots`` (git-ignored).
"""

from __future__ import annotations

import os
import pathlib

CHROMIUM = os.environ.get("ANGIANG_CHROMIUM", "/usr/bin/chromium")
ROOT = pathlib.Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "var" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = pathlib.Path(os.environ.get("ANGIANG_SCREENSHOTS", ROOT / "var" / "screenshots"))

#: Chromium started for tests: no sandbox (root in CI), nothing it would
#: fetch from the network on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
]

#: axe-core's WCAG 2.1 A and AA rules; an impact in BLOCKING fails a page.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")

#: One row per page checked by the journeys (printed at the end of the run).
REPORT: list[dict] = []


#: When the page scrolls sideways: the visible elements whose right edge
#: passes the screen's, outside the boxes that scroll on purpose (wide
#: tables): "tag.class: right edge > screen width".
WIDER_THAN_SCREEN = """() => {
  const w = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= w) return [];
  return [...document.querySelectorAll('body *')]
    .filter(e => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.right > w + 0.5
        && getComputedStyle(e).visibility !== 'hidden'
        && !e.closest('.table-responsive, .dataTables_scroll, .leaflet-container');
    })
    .slice(0, 6)
    .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}: ${Math.round(e.getBoundingClientRect().right)} > ${w}`);
}"""


def launch(playwright):
    """Debian's chromium, or a test failure saying how to get it."""
    import pytest

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} missing: `make browser-deps` installs Debian's chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


class Watch:
    """Console CSP violations, page errors and failed requests of a page;
    every request to another origin than ``origins`` (the portal's pages make
    the browser contact nobody else: no CDN, no avatar service)."""

    def __init__(self, page, origin, *others):
        self.problems: list[str] = []
        self.origins = (origin, *others)
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("response", self._response)
        page.on("request", self._request)

    def _console(self, msg):
        text = msg.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.problems.append(f"CSP: {text}")

    def _request(self, request):
        if not request.url.startswith((*self.origins, "data:", "blob:", "about:")):
            self.problems.append(f"third-party request: {request.url}")

    def _response(self, response):
        if (
            response.url.startswith(self.origins[0])
            and response.status >= 400
            and "/favicon" not in response.url
        ):
            self.problems.append(f"HTTP {response.status}: {response.url}")


def axe_source() -> str:
    """axe.min.js, or a test failure saying how to get it."""
    import pytest

    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} missing: `make browser-deps` installs axe-core from npm")
    return AXE_JS.read_text(encoding="utf-8")


def with_axe(context, source: str):
    """Load axe-core in every page of ``context`` (an init script: the
    DevTools protocol, which the portal's Content-Security-Policy does not
    govern, so the pages run under their real policy)."""
    context.add_init_script(script=source)
    return context


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.1 AA violations of the page as it is now:
    [{id, impact, help, nodes: [target...]}]."""
    return page.evaluate(
        """async (tags) => {
        const r = await window.axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                  resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '')
                                   .replace(/\\s+/g, ' ').slice(0, 200))}));
    }""",
        AXE_TAGS,
    )


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING]


def screenshot(page, journey: str, name: str) -> pathlib.Path:
    """``var/screenshots/<journey>/<name>.png`` (the whole page)."""
    path = SCREENSHOTS / journey / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path
