"""The real app in a real headless browser: Debian's chromium + chromium-driver via selenium.

No browser downloads: the executables are /usr/bin/chromium and /usr/bin/chromedriver
(installed by .ci/run with apt-get). Screenshots go to out/ui/.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from ui_fakes import serving, write_evil_letter

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SHOTS = Path(__file__).resolve().parent.parent / "out" / "ui"
DMO_QUOTE = "There is currently no designated clinical officer or designated medical officer in post."
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1400,1100"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
        reason="needs Debian's chromium and chromium-driver: "
               "apt-get install -y chromium chromium-driver",
    ),
]


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for flag in FLAGS + [f"--user-data-dir={tmp_path / 'chromium-profile'}"]:
        opts.add_argument(flag)
    (tmp_path / "downloads").mkdir()
    opts.add_experimental_option("prefs", {
        "download.default_directory": str(tmp_path / "downloads"),
        "download.prompt_for_download": False,
    })
    driver = webdriver.Chrome(options=opts, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _wait(driver, cond, timeout: float = 120):
    """Poll ``cond`` until it returns something truthy. Elements the page re-renders while
    we look at them (stale) count as "not yet", like elements not there yet."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.25, ignored_exceptions=(
        NoSuchElementException, StaleElementReferenceException)).until(cond)


def _ask(driver, url: str, question: str) -> str:
    """Open the app, type the question, press Enter; returns the evidence panel's text."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(url)
    box = _wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#question textarea"), 60)
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    _wait(driver, lambda d: "Sources" in d.find_element(By.ID, "evidence").text
          or "No passage" in d.find_element(By.ID, "evidence").text)
    return driver.find_element(By.ID, "evidence").text


def _no_alert(driver) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018 - an open alert means a script ran


IN_VIEW_JS = """
const r = arguments[0].getBoundingClientRect();
return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;
"""


def _pick_citation(driver, area: str) -> None:
    """Choose the first cited passage from ``area`` in the 'Open a cited passage' menu.

    Every step waits for its condition: the menu enabled (the answer's last update has
    arrived), then an option naming ``area`` listed and rendered (an option's text is
    empty until it is drawn). The menu is clicked whenever it has lost the focus."""
    from selenium.webdriver.common.by import By

    menu = "#cite-pick input"
    _wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, menu).is_enabled(), 30)

    def option_for_area(d):
        options = d.find_elements(By.CSS_SELECTOR, "#cite-pick li[data-testid=dropdown-option]")
        if not options:
            box = d.find_element(By.CSS_SELECTOR, menu)
            if d.switch_to.active_element != box:
                box.click()  # the list opens when the menu gets the focus
            return None
        return next((o for o in options if area in o.text), None)

    _wait(driver, option_for_area, 30).click()


def _shot(driver, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / name
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 0
    return path


def test_dmo_question_shows_worcestershire_evidence(browser, built_store, tmp_path):
    from selenium.webdriver.common.by import By

    from rag import Library

    with serving(Library.open(built_store)) as url:
        evidence = _ask(browser, url, "Which areas lacked a DMO?")
        assert "Worcestershire" in evidence
        assert DMO_QUOTE in evidence
        marks = browser.find_elements(By.CSS_SELECTOR, "#evidence mark")
        assert any(DMO_QUOTE in m.text for m in marks)
        _wait(browser, lambda d: "Worcestershire" in d.find_element(By.ID, "chat").text, 30)
        _shot(browser, "browser-dmo.png")
        print(f"screenshot: {SHOTS / 'browser-dmo.png'}", file=sys.stderr)
        # The answer downloads as CSV, with the quote.
        browser.find_element(By.ID, "download-csv").click()
        csv_file = _wait(browser, lambda d: next(iter((tmp_path / "downloads").glob("*.csv")), None), 30)
        assert DMO_QUOTE in _wait(browser, lambda d: csv_file.read_text(encoding="utf-8"), 10)
        # The cited span opens in the Letters tab, highlighted and scrolled into view.
        _pick_citation(browser, "Worcestershire")
        mark = _wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#reader mark#sq-hl"), 30)
        assert DMO_QUOTE in mark.text
        _wait(browser, lambda d: d.execute_script(IN_VIEW_JS, mark), 15)
        _shot(browser, "browser-dmo-reader.png")


def test_letter_with_html_is_shown_as_text_in_the_browser(browser, tmp_path):
    from selenium.webdriver.common.by import By

    from index.build import build_index
    from rag import Library

    store = tmp_path / "store"
    build_index([write_evil_letter(tmp_path)], store=store)
    with serving(Library.open(store)) as url:
        evidence = _ask(browser, url, "What did parents say about the local offer website?")
        _no_alert(browser)
        assert "<script>alert(1)</script>" in evidence
        assert "<img src=x onerror=alert(2)>" in evidence
        for where in ("#evidence", "#chat"):
            assert not browser.find_elements(By.CSS_SELECTOR, f"{where} img[src='x']")
            assert not browser.find_elements(By.CSS_SELECTOR, f"{where} script")
        # Open the cited span in the Letters tab's reader: highlighted, still text.
        _pick_citation(browser, "Herefordshire")
        mark = _wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#reader mark#sq-hl"), 30)
        assert "<script>alert(1)</script>" in browser.find_element(By.ID, "reader").text
        assert mark.text
        assert not browser.find_elements(By.CSS_SELECTOR, "#reader img[src='x'], #reader script")
        _no_alert(browser)
        _shot(browser, "browser-html-as-text.png")
