"""Render a local HTML file in headless Chromium: screenshot, DOM self-check and network log.

``render(page, out_dir)`` loads ``page`` twice: once as it is, taking a screenshot with a
network log recording every request the browser started; once as a copy with a small
inline probe script that reports, after load, each figure's drawn size, the resources the
page loaded and any Content-Security-Policy violations. Requests the browser makes for
itself (its own clock and account checks) are told apart from the page's by their initiator.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Runs in a copy of the page only; the report itself has no scripts.
_PROBE = """<script>
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.blockedURI));
window.addEventListener('load', () => {
  const figures = [...document.querySelectorAll('figure.chart')].map(f => {
    const svg = f.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    return {name: f.dataset.figure || '', width: box.width, height: box.height,
            marks: svg ? svg.querySelectorAll('path, rect, use, polyline, line').length : 0,
            text: svg ? svg.textContent.replace(/\\s+/g, ' ').trim().slice(0, 400) : ''};
  });
  const out = document.createElement('pre');
  out.id = '__probe';
  out.textContent = JSON.stringify({figures, resources: performance.getEntriesByType('resource').map(r => r.name),
                                    violations: window.__violations});
  document.body.appendChild(out);
});
</script>"""


@dataclass
class Rendered:
    screenshot: Path
    figures: list[dict]
    resources: list[str]
    violations: list[str]
    page_requests: list[str]


def chromium() -> str:
    """The Chromium binary, or a skip saying how to get it."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("Chromium is not installed (apt-get install -y chromium); the HTML report's browser test needs it")


def _run(binary: str, args: list[str]) -> str:
    with tempfile.TemporaryDirectory() as profile:
        r = subprocess.run(
            [binary, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


def page_requests(net_log: Path) -> list[str]:
    """URLs of requests a page started (the browser's own background requests left out)."""
    data = json.loads(net_log.read_text(encoding="utf-8"))
    kinds = {v: k for k, v in data["constants"]["logEventTypes"].items()}
    urls: dict[int, str] = {}
    started: list[int] = []
    for event in data["events"]:
        params = event.get("params") or {}
        source = event["source"]["id"]
        if "url" in params:
            urls.setdefault(source, str(params["url"]))
        if (
            kinds.get(event["type"]) == "URL_REQUEST_START_JOB"
            and params.get("initiator", "not an origin") != "not an origin"
        ):
            started.append(source)
    # The page's own file is read, not fetched; anything else it started left the page.
    return [u for u in dict.fromkeys(urls.get(s, "?") for s in started) if not u.startswith("file:")]


def render(page: Path, out_dir: Path, *, width: int = 1200, height: int = 3200) -> Rendered:
    binary = chromium()
    shot = out_dir / (page.stem + ".png")
    net_log = out_dir / (page.stem + ".netlog.json")
    _run(
        binary,
        [
            f"--log-net-log={net_log}",
            f"--window-size={width},{height}",
            f"--screenshot={shot}",
            page.resolve().as_uri(),
        ],
    )
    html = page.read_text(encoding="utf-8")
    # The probe copy lets inline scripts run, and nothing else: the CSP still forbids fetches.
    probed = html.replace("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';", 1)
    probed = probed.replace("</head>", _PROBE + "</head>", 1)
    probe_page = out_dir / (page.stem + ".probe.html")
    probe_page.write_text(probed, encoding="utf-8")
    dom = _run(binary, ["--virtual-time-budget=5000", "--dump-dom", probe_page.resolve().as_uri()])
    start = dom.index('<pre id="__probe">') + len('<pre id="__probe">')
    import html as htmllib

    result = json.loads(htmllib.unescape(dom[start : dom.index("</pre>", start)]))
    return Rendered(shot, result["figures"], result["resources"], result["violations"], page_requests(net_log))
