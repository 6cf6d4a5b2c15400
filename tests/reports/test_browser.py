"""The HTML report in a real headless browser (Chromium from Debian's packages): it
renders (a screenshot with content, a PDF when printed), the table sorts on a real click
and from the keyboard (selenium + chromedriver), the ``#sort=`` fragment sorts too
(``--dump-dom``), and print media hide the interactive chrome.

Skipped with the reason where no browser is installed; CI installs it (``.ci/run``).
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.reports.reports_helpers import hostile_dir, json_results
from tests.reports.test_html import Page

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
INSTALL = "apt-get install chromium chromium-driver"
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason=f"chromium not installed: {INSTALL}")
#: CI sets this (``.ci/run``): there the browser tests must run, not skip.
REQUIRED = os.environ.get("MEMMAPCALC_REQUIRE_BROWSER") == "1"
#: Quiet, offline, no first-run work: the page must render with the network off.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-default-apps", "--hide-scrollbars", "--mute-audio")


@pytest.mark.skipif(not REQUIRED, reason="MEMMAPCALC_REQUIRE_BROWSER is not 1 (CI sets it)")
def test_browser_is_installed_where_required() -> None:
    assert CHROMIUM is not None and CHROMEDRIVER is not None, (
        f"the browser tests would be skipped: {INSTALL}")
    import selenium.webdriver  # noqa: F401  (a missing test extra is a setup error too)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("report") / "report.html"
    done = run_cli("check", "-f", "html", "--exit-zero", "-o", str(target), "configs")
    assert done.returncode == 0, done.stderr
    return target


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    assert CHROMIUM is not None
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, timeout=120, check=True)


@needs_chromium
def test_screenshot_has_content(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,1600", report.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 1600)
    assert len(data) > 50_000  # a blank page compresses to a few KiB


@needs_chromium
def test_prints_to_pdf(report: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", report.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and data.count(b"/Type /Page") >= 3


def _row_order(dom: str) -> list[int]:
    body = dom.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [int(attrs["data-index"] or 0) for attrs in Page(body).all("tr")]


@needs_chromium
@pytest.mark.parametrize(("fragment", "key", "descending"),
                         [("#sort=-margin", "margin", True), ("#sort=max_standby", "max_standby",
                                                              False)])
def test_fragment_sorts_in_the_browser(report: Path, tmp_path: Path, fragment: str, key: str,
                                       descending: bool) -> None:
    done = chromium(tmp_path, "--virtual-time-budget=2000", "--dump-dom",
                    report.as_uri() + fragment)
    dom = done.stdout.decode()
    assert f'data-sorted="{"-" if descending else ""}{key}"' in dom
    results = json_results("configs")
    expected = sorted(range(1, len(results) + 1),
                      key=lambda i: (results[i - 1][key] is None,
                                     -(results[i - 1][key] or 0) if descending
                                     else results[i - 1][key] or 0, i))
    assert _row_order(dom) == expected
    state = "descending" if descending else "ascending"
    assert f'data-key="{key}" data-type="num" aria-sort="{state}"' in dom


# --------------------------------------------------------------------------- selenium


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip(f"chromium or chromedriver not installed: {INSTALL}")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed: "
                                    "pip install -e '.[test]'")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument("--headless=new" if flag == "--headless" else flag)
    options.add_argument("--window-size=1200,1600")
    # An explicit chromedriver: selenium never looks for (or downloads) one.
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield browser
    finally:
        browser.quit()


def _names(browser: Any) -> list[str]:
    from selenium.webdriver.common.by import By

    return [row.get_attribute("data-index") for row in
            browser.find_elements(By.CSS_SELECTOR, "#fleet tbody tr")]


def _margins(browser: Any) -> list[int]:
    from selenium.webdriver.common.by import By

    return [int(cell.get_attribute("data-sort")) for cell in
            browser.find_elements(By.CSS_SELECTOR, "#fleet tbody tr td:nth-child(9)")]


def test_a_click_on_a_header_sorts_by_bytes(driver: Any, report: Path) -> None:
    from selenium.webdriver.common.by import By

    driver.get(report.as_uri())
    before = _names(driver)
    assert before == [str(i) for i in range(1, len(before) + 1)]
    head = driver.find_element(By.CSS_SELECTOR, 'th[data-key="margin"]')
    head.find_element(By.TAG_NAME, "button").click()
    assert head.get_attribute("aria-sort") == "ascending"
    margins = _margins(driver)
    assert margins == sorted(margins) and _names(driver) != before
    # By value, not by text: "-977.06 MiB" < "-95.84 MiB" < "1009.9 KiB" < "1.24 GiB".
    texts = [cell.text for cell in
             driver.find_elements(By.CSS_SELECTOR, "#fleet tbody tr td:nth-child(9)")]
    assert texts[0] == "-977.07 MiB" and texts != sorted(texts)
    head.find_element(By.TAG_NAME, "button").click()
    assert head.get_attribute("aria-sort") == "descending"
    assert _margins(driver) == sorted(margins, reverse=True)
    # Screen readers hear the new order (a polite live region).
    status = driver.find_element(By.ID, "sort-status")
    assert status.get_attribute("textContent") == "Sorted by margin, descending"


def test_headers_sort_from_the_keyboard(driver: Any, report: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(report.as_uri())
    button = driver.find_element(By.CSS_SELECTOR, 'th[data-key="name"] button')
    # Tab from the start of the page reaches the first header's button (nothing before it
    # but the machines' links, which come after the header row).
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert driver.switch_to.active_element == button
    button.send_keys(Keys.ENTER)
    assert button.find_element(By.XPATH, "..").get_attribute("aria-sort") == "ascending"
    ascending = _first_cells(driver)
    # Natural order, as people sort names: lnx01-6.9 before lnx01-6.19.
    assert ascending.index("lnx01-6.9") < ascending.index("lnx01-6.19")
    assert ascending[0] == "arm64-64k" and ascending[-1] == "rhel01"
    button.send_keys(Keys.SPACE)
    assert button.find_element(By.XPATH, "..").get_attribute("aria-sort") == "descending"
    assert _first_cells(driver) == ascending[::-1]


def _first_cells(browser: Any) -> list[str]:
    from selenium.webdriver.common.by import By

    return [row.find_element(By.TAG_NAME, "td").text for row in
            browser.find_elements(By.CSS_SELECTOR, "#fleet tbody tr")]


def test_print_media_hide_the_chrome_and_keep_sections_whole(driver: Any, report: Path) -> None:
    driver.get(report.as_uri())
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    style = driver.execute_script(
        "var s = getComputedStyle(document.querySelector('section.machine'));"
        "return [getComputedStyle(document.getElementById('sort-hint')).display,"
        " s.breakInside, getComputedStyle(document.body).color,"
        " getComputedStyle(document.body).backgroundColor,"
        " getComputedStyle(document.querySelector('th button'), '::after').display];")
    assert style == ["none", "avoid", "rgb(0, 0, 0)", "rgb(255, 255, 255)", "none"]
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_hostile_names_stay_text_in_the_browser(driver: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    target = tmp_path / "hostile.html"
    run_cli("check", "-f", "html", "-o", str(target), str(hostile_dir(tmp_path)))
    driver.get(target.as_uri())
    assert driver.execute_script("return document.scripts.length") == 1
    assert driver.find_elements(By.TAG_NAME, "img") == []
    assert "<script>alert(1)</script>" in driver.find_element(By.ID, "fleet").text
