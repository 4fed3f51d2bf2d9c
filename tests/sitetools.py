"""The built site for tests: build it, serve it on 127.0.0.1, open its pages in headless Chromium.

`build_site` runs the README's book command (incremental: after the end-to-end test has
built the book it executes nothing). Chromium is driven over the Chrome DevTools Protocol.
`tool_venv` installs a command-line tool the tests run (repo2docker, cffconvert) into a
throwaway virtual environment of its own, never into the project's.

A page is opened the way a reader opens it, with the outside network blocked twice: every
request the page makes is intercepted (Fetch domain) and anything outside the site is
failed and recorded, and the browser cannot resolve any host name but 127.0.0.1. What a
page did is returned as a `PageReport`: requests that tried to leave the site, console
errors and uncaught exceptions, resources that failed to load, dialogs (alert, confirm),
images that did not load, and the size of every chart.

The site is served by a local `http.server` on 127.0.0.1 (`serve`). Only the standard
library and `websocket-client` are needed; the browser is Debian's `chromium`.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import websocket

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"

CHROMIUM_NAMES = ("chromium", "chromium-browser")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--no-default-browser-check", "--disable-extensions", "--disable-default-apps",
    "--mute-audio", "--hide-scrollbars", "--force-color-profile=srgb",
    # No host name resolves but the local server's address: nothing can leave the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
# Schemes that never reach a network.
LOCAL_SCHEMES = ("data:", "blob:", "about:", "chrome-error:", "devtools:")


class ChromiumUnavailable(RuntimeError):
    """No Chromium on this machine, and it could not be installed."""


def find_chromium(install: bool = True) -> str:
    """Path of a Chromium executable; installs Debian's `chromium` when missing and allowed.

    Raises ChromiumUnavailable with the reason when there is none and none can be installed."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    if not install:
        raise ChromiumUnavailable("no chromium executable on PATH")
    if not shutil.which("apt-get"):
        raise ChromiumUnavailable("chromium is not installed and there is no apt-get to install it")
    if os.geteuid() != 0:
        raise ChromiumUnavailable("chromium is not installed; install it with `sudo apt-get install -y chromium`")
    log = []
    for command in (["apt-get", "install", "-y", "-qq", "chromium"],
                    ["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "chromium"]):
        if shutil.which("chromium"):
            break
        completed = subprocess.run(command, capture_output=True, text=True,
                                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        log.append(f"$ {' '.join(command)} -> {completed.returncode}\n{completed.stderr[-800:]}")
    found = shutil.which("chromium")
    if not found:
        raise ChromiumUnavailable("chromium is not installed and `apt-get install -y chromium` failed:\n" + "\n".join(log))
    return found


_BUILT: list[Path] = []


def build_site() -> Path:
    """Build the book as `make book` does (only what changed) and return the site folder.

    Built once per test session; the end-to-end test (test_book.py) builds it first when the
    whole suite runs, and then this build executes nothing."""
    if _BUILT:
        return _BUILT[0]
    completed = subprocess.run([sys.executable, "-m", "hfcompendium", "book"], cwd=ROOT,
                               capture_output=True, text=True)
    if completed.returncode != 0:
        raise AssertionError("the book did not build:\n" + completed.stdout[-5000:] + completed.stderr[-3000:])
    _BUILT.append(SITE)
    return SITE


def site_pages(site: Path) -> list[str]:
    """Every page of the current build (not pages left over from earlier builds), relative to the site root.

    The documents are those of Sphinx's search index; the index, search and root pages are added."""
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1:text.rindex(")")])
    pages = {f"{docname}.html" for docname in index["docnames"]}
    pages |= {name for name in ("index.html", "genindex.html", "search.html") if (site / name).exists()}
    return sorted(pages)


class ToolUnavailable(RuntimeError):
    """A tool could not be installed (no package index reachable, or no such version)."""


def tool_venv(name: str, requirement: str) -> Path:
    """A virtual environment with `requirement` installed, kept between test sessions.

    It lives under $XDG_CACHE_HOME (or ~/.cache)/hfcompendium-test-tools/<name>, apart from
    the project's environment; its `bin/` holds the tool. Raises ToolUnavailable with pip's
    message when the package cannot be installed."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "hfcompendium-test-tools"
    venv = base / name
    marker = venv / ".installed"
    if marker.exists() and marker.read_text() == requirement:
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    base.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    completed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                                "--disable-pip-version-check", requirement],
                               capture_output=True, text=True, timeout=600)
    if completed.returncode != 0:
        shutil.rmtree(venv, ignore_errors=True)
        raise ToolUnavailable(f"pip could not install {requirement}: {completed.stderr.strip()[-1500:]}")
    marker.write_text(requirement)
    return venv


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature of the base class
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve `directory` on http://127.0.0.1:<free port>/; yields the base URL (with a trailing /)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class CDPError(RuntimeError):
    pass


@dataclass
class PageReport:
    url: str
    external_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed_resources: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)      # {"kind", "src", "width", "height"}
    has_figure: bool = False
    math_elements: int = 0
    math_typeset: int = 0
    title: str = ""
    text: str = ""
    probe: object = None            # the value of `probe` evaluated in the page, if one was given

    def problems(self) -> list[str]:
        found = [f"request outside the site: {u}" for u in self.external_requests]
        found += [f"console error: {m}" for m in self.console_errors]
        found += [f"resource failed to load: {r}" for r in self.failed_resources]
        found += [f"a dialog opened: {d}" for d in self.dialogs]
        found += [f"image did not load: {i}" for i in self.broken_images]
        empty = [c for c in self.charts if not (c["width"] > 0 and c["height"] > 0)]
        found += [f"chart has no size ({c['kind']} {c['src']}): {c['width']}x{c['height']}" for c in empty]
        if self.has_figure and not any(c["width"] > 0 and c["height"] > 0 for c in self.charts):
            found.append("the page has a figure but no rendered SVG chart")
        if self.math_elements and self.math_typeset < self.math_elements:
            found.append(f"{self.math_elements - self.math_typeset} of {self.math_elements} formulas were not typeset")
        return found


# Runs in the page once it has loaded: waits for fonts, images and MathJax, then measures.
_INSPECT = r"""
(async () => {
  const settle = (promise, ms) => Promise.race([promise, new Promise(r => setTimeout(r, ms))]);
  if (document.fonts) await settle(document.fonts.ready, 5000);
  for (const img of document.images) { img.loading = "eager"; }
  await settle(Promise.all([...document.images].map(i => i.decode().catch(() => null))), 10000);
  if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
    await settle(window.MathJax.startup.promise, 15000);
  }
  const main = document.querySelector("main") || document.body;
  const size = el => { const r = el.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; };
  const charts = [];
  // A chart is an SVG in the content: inline, or an <img> whose source is an SVG file.
  for (const svg of main.querySelectorAll(".cell_output svg, figure svg, .output svg")) {
    if (svg.parentElement && svg.parentElement.closest("svg")) continue;
    const [w, h] = size(svg);
    charts.push({kind: "inline svg", src: (svg.getAttribute("class") || "svg"), width: w, height: h});
  }
  for (const img of main.querySelectorAll(".cell_output img, figure img, .output img")) {
    const src = img.currentSrc || img.src;
    if (!/\.svg(\?|#|$)/i.test(src) && !src.startsWith("data:image/svg")) continue;
    const [w, h] = size(img);
    charts.push({kind: "svg image", src: src, width: img.naturalWidth ? w : 0, height: img.naturalHeight ? h : 0});
  }
  const broken = [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.currentSrc || i.src || i.outerHTML.slice(0, 120));
  const hasFigure = !!main.querySelector("figure, .cell_output img, .cell_output svg, .output img");
  const math = main.querySelectorAll(".math");
  const typeset = [...math].filter(m => m.querySelector("mjx-container") || m.tagName.toLowerCase() === "mjx-container").length;
  return JSON.stringify({charts, broken, hasFigure, math: math.length, typeset,
                         title: document.title, text: main.innerText});
})()
"""


class Chromium:
    """One headless Chromium process; `open(url)` loads a page in a fresh tab and reports on it."""

    def __init__(self, executable: str, width: int = 1280, height: int = 900):
        self.width, self.height = width, height
        self.profile = tempfile.mkdtemp(prefix="hfcompendium-chromium-")
        self.process = subprocess.Popen(
            [executable, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-port=0",
             f"--window-size={width},{height}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if self.process.poll() is not None:
                raise RuntimeError(f"chromium exited at start: {self.process.stderr.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                self.close()
                raise RuntimeError("chromium did not open its DevTools port within 60 s")
            time.sleep(0.1)
        port, path = port_file.read_text().splitlines()[:2]
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=60, suppress_origin=True)
        self._next_id = 0
        self._responses: dict[int, dict] = {}
        self._events: deque = deque()
        self._page: _PageState | None = None

    # -- protocol -----------------------------------------------------------------------
    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        return self._next_id

    def call(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 60) -> dict:
        ident = self._send(method, params, session)
        deadline = time.monotonic() + timeout
        while ident not in self._responses:
            if not self._receive(deadline - time.monotonic()):
                raise CDPError(f"{method}: no answer within {timeout} s")
        answer = self._responses.pop(ident)
        if "error" in answer:
            raise CDPError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def _receive(self, timeout: float) -> bool:
        """Read one message (False on timeout) and handle it."""
        if timeout <= 0:
            return False
        self.ws.settimeout(timeout)
        try:
            raw = self.ws.recv()
        except websocket.WebSocketTimeoutException:
            return False
        message = json.loads(raw)
        if "id" in message:
            self._responses[message["id"]] = message
        else:
            self._on_event(message)
        return True

    def pump(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while self._receive(deadline - time.monotonic()):
            pass

    # -- events -------------------------------------------------------------------------
    def _on_event(self, message: dict) -> None:
        page = self._page
        if page is None or message.get("sessionId") != page.session:
            return
        method, params = message["method"], message.get("params", {})
        report = page.report
        if method == "Fetch.requestPaused":
            url = params["request"]["url"]
            if url.startswith(page.origin) or url.startswith(LOCAL_SCHEMES):
                self._send("Fetch.continueRequest", {"requestId": params["requestId"]}, page.session)
            else:
                report.external_requests.append(url)
                self._send("Fetch.failRequest", {"requestId": params["requestId"], "errorReason": "BlockedByClient"},
                           page.session)
        elif method == "Network.requestWillBeSent":
            page.in_flight.add(params["requestId"])
            page.urls[params["requestId"]] = params["request"]["url"]
        elif method == "Network.loadingFinished":
            page.in_flight.discard(params["requestId"])
        elif method == "Network.loadingFailed":
            page.in_flight.discard(params["requestId"])
            url = page.urls.get(params["requestId"], "?")
            if url.startswith(page.origin):
                report.failed_resources.append(f"{url} ({params.get('errorText')})")
        elif method == "Network.responseReceived":
            response = params["response"]
            if response.get("status", 200) >= 400 and not response["url"].endswith("/favicon.ico"):
                report.failed_resources.append(f"{response['url']} (HTTP {response['status']})")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            report.console_errors.append(text[:500])
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            description = (details.get("exception") or {}).get("description") or details.get("text", "")
            report.console_errors.append(f"uncaught: {description[:500]}")
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            entry = params["entry"]
            url = entry.get("url", "")
            if url.endswith("/favicon.ico") or (entry.get("source") == "network" and not url.startswith(page.origin)):
                return  # a blocked outside request is already reported as such
            report.console_errors.append(f"{entry.get('source')}: {entry.get('text', '')[:400]} {url}".strip())
        elif method == "Page.javascriptDialogOpening":
            report.dialogs.append(f"{params.get('type')}: {params.get('message')}")
            self._send("Page.handleJavaScriptDialog", {"accept": False}, page.session)
        elif method == "Page.loadEventFired":
            page.loaded = True

    # -- pages --------------------------------------------------------------------------
    def open(self, url: str, origin: str, screenshot: Path | None = None, full_page: bool = False,
             probe: str | None = None, timeout: float = 60) -> PageReport:
        """Load `url` in a new tab; everything not under `origin` is blocked and reported.

        `probe`, a JavaScript expression, is evaluated once the page has settled; its JSON value
        is returned as `report.probe`."""
        # A fresh browser context per page: no storage or cache carried over, as on a first visit.
        context = self.call("Target.createBrowserContext", {"disposeOnDetach": True})["browserContextId"]
        target = self.call("Target.createTarget", {"url": "about:blank", "browserContextId": context})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = self._page = _PageState(session=session, origin=origin, report=PageReport(url=url))
        try:
            for method, params in (("Page.enable", {}), ("Runtime.enable", {}), ("Log.enable", {}),
                                   ("Network.enable", {}), ("Network.setCacheDisabled", {"cacheDisabled": True}),
                                   ("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}),
                                   ("Emulation.setDeviceMetricsOverride",
                                    {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False})):
                self.call(method, params, session)
            navigation = self.call("Page.navigate", {"url": url}, session, timeout=timeout)
            if navigation.get("errorText"):
                page.report.failed_resources.append(f"{url} ({navigation['errorText']})")
                return page.report
            deadline = time.monotonic() + timeout
            while not page.loaded and self._receive(deadline - time.monotonic()):
                pass
            if not page.loaded:
                page.report.console_errors.append(f"the page did not finish loading within {timeout} s")
            self._wait_quiet(page, deadline)
            result = self.call("Runtime.evaluate", {"expression": _INSPECT, "awaitPromise": True,
                                                    "returnByValue": True}, session, timeout=timeout)
            if "exceptionDetails" in result:
                raise CDPError(f"inspecting {url} failed: {result['exceptionDetails']}")
            facts = json.loads(result["result"]["value"])
            report = page.report
            report.charts, report.broken_images = facts["charts"], facts["broken"]
            report.has_figure, report.title, report.text = facts["hasFigure"], facts["title"], facts["text"]
            report.math_elements, report.math_typeset = facts["math"], facts["typeset"]
            self._wait_quiet(page, time.monotonic() + 5)
            if probe is not None:
                value = self.call("Runtime.evaluate", {"expression": probe, "returnByValue": True}, session)
                report.probe = value.get("result", {}).get("value")
            if screenshot is not None:
                self._screenshot(session, screenshot, full_page)
            return report
        finally:
            with contextlib.suppress(Exception):
                self.call("Target.closeTarget", {"targetId": target}, timeout=10)
            with contextlib.suppress(Exception):
                self.call("Target.disposeBrowserContext", {"browserContextId": context}, timeout=10)
            self._page = None

    def _wait_quiet(self, page: "_PageState", deadline: float, quiet: float = 0.5) -> None:
        """Pump events until no request has been in flight for `quiet` seconds (or the deadline)."""
        calm_since = time.monotonic()
        while time.monotonic() < deadline:
            if page.in_flight:
                calm_since = time.monotonic()
            elif time.monotonic() - calm_since >= quiet:
                return
            self._receive(min(0.1, deadline - time.monotonic()))

    def _screenshot(self, session: str, path: Path, full_page: bool, max_height: int = 6000) -> None:
        """A PNG of the viewport, or of the whole page (up to `max_height` pixels) as a tall window shows it."""
        if full_page:
            metrics = self.call("Page.getLayoutMetrics", {}, session)
            content = metrics.get("cssContentSize") or metrics["contentSize"]
            height = max(self.height, min(int(content["height"]), max_height))
            self.call("Emulation.setDeviceMetricsOverride",
                      {"width": self.width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session)
            self.pump(0.5)
        data = self.call("Page.captureScreenshot", {"format": "png"}, session)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ws.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


@dataclass
class _PageState:
    session: str
    origin: str
    report: PageReport
    loaded: bool = False
    in_flight: set = field(default_factory=set)
    urls: dict = field(default_factory=dict)
