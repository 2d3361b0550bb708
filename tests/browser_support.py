"""Shared by the browser tests: the app served on loopback, Debian's Chromium launched through
Playwright (never a browser download), and small page helpers."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from core.settings import PROJECT_ROOT
from web.config import WebConfig
from web.server import create_app
from tests.conftest import serving

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium: `apt-get install -y chromium "
                                "fonts-liberation` to run the browser tests")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
DOCS = PROJECT_ROOT / "docs"
RAA_Q = "When was the Reciprocal Access Agreement signed?"
RAA = "2024-07-08-raa-signed"
XSS_Q = 'Was the RAA <script>window.__xss=1</script> signed <img src=x onerror="window.__xss=2"> in 2024?'
XSS_TEXT = '<img src=x onerror="window.__xss=3"><script>window.__xss=4</script>'
TIMEOUT = 60_000


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def static():
    """docs/ on its own loopback origin, as a portal page would be."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(DOCS)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def server(settings, assistant, static):
    config = WebConfig.from_settings(settings, cors_origins=[static], frame_ancestors=["'self'", static])
    with serving(create_app(settings, assistant, config)) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield chromium
        chromium.close()


def new_page(browser, width=1280, height=900):
    phone = width < 500
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=phone, has_touch=phone,
                                  device_scale_factor=2 if phone else 1, accept_downloads=True)
    # Content-Security-Policy violations, in every frame: the tests assert there are none.
    context.add_init_script("document.addEventListener('securitypolicyviolation', (e) => {"
                            " (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI); });")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return page


def csp_violations(target) -> list[str]:
    return target.evaluate("() => window.__csp || []")


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    assert page.errors == []
    page.context.close()


def open_app(page, url):
    page.goto(url + "/")
    page.wait_for_selector("#question textarea")


def ask(page, question, turn):
    page.fill("#question textarea", question)
    page.click("#ask")
    page.wait_for_selector(f"#sources #turn-{turn}", state="attached")
    page.wait_for_function("() => !document.querySelector('#chat').textContent.includes('▍')")


def xss(target):
    return target.evaluate("() => typeof window.__xss")


def answer_text(page, n=-1):
    return page.locator("#chat [data-testid=bot]").nth(n).inner_text()
