"""Playwright helpers: end-to-end tests in the system Chromium, against pytest-django's ``live_server``.

Fixtures (registered for the whole suite by ``linli/conftest.py``):

- ``page`` (alias ``browser_page``): a desktop-size page, Simplified Chinese, fresh context per test;
- ``phone_page``: the same on a 390×844 phone screen with touch;
- ``new_browser_page(**context_options)``: more pages, e.g. two users side by side.

Helpers: ``sign_in(page, live_server, username, password)`` and ``screenshot(page, path)``.
Mark such tests ``@pytest.mark.browser``.  Without a Chromium (``apt-get install chromium``, or
``LINLI_CHROMIUM=/path/to/chrome``) they are skipped with a message saying so.

Playwright is started per test module and stopped after it: its event loop would otherwise make
Django refuse ORM calls ("async unsafe") in the test modules that follow.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

__all__ = ["browser_page", "chromium", "chromium_path", "new_browser_page", "page", "phone_page",
           "screenshot", "sign_in"]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True,
         "has_touch": True}
TIMEOUT_MS = 15_000


def find_chromium() -> str | None:
    """The system Chromium: ``LINLI_CHROMIUM`` if set, else the first browser on the PATH."""
    if path := os.environ.get("LINLI_CHROMIUM"):
        return path if Path(path).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if path := shutil.which(name):
            return path
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        pytest.skip("browser test skipped: no Chromium found (apt-get install chromium, or set LINLI_CHROMIUM)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        pytest.skip("browser test skipped: the playwright package is not installed (pip install playwright)")
    return path


@pytest.fixture(scope="module")
def chromium(chromium_path: str) -> Iterator:
    """One headless Chromium per test module."""
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as mp:
        # Playwright's sync API keeps an asyncio loop in this thread; the test's own ORM calls
        # (creating users, checking rows) are still ordinary synchronous code.
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()


@pytest.fixture
def new_browser_page(chromium) -> Iterator[Callable[..., object]]:
    """Factory: a page in a fresh browser context (cookies, storage) that is closed after the test."""
    contexts = []

    def make(**options):
        options = {**DESKTOP, "locale": "zh-CN", "timezone_id": "Asia/Shanghai", **options}
        context = chromium.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_browser_page):
    """A desktop-size page (1280×800), Chinese locale."""
    return new_browser_page()


@pytest.fixture
def browser_page(page):
    return page


@pytest.fixture
def phone_page(new_browser_page):
    """A phone-size page (390×844, touch), Chinese locale."""
    return new_browser_page(**PHONE)


def sign_in(page, live_server, username: str, password: str, next_url: str = "/") -> None:
    """Sign in through the login page as a person would, and wait for the page after it."""
    page.goto(f"{live_server.url}/login/?next={next_url}")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()


def screenshot(page, path: Path | str, full_page: bool = True) -> Path:
    """Save a PNG of the page (for a person to look at when a test fails)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    return path
