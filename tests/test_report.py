"""The council's dashboard and the Safeguarding Adults Board's report, looked at in a real browser.

Each page is rendered (the dashboard from the small simulated year built by conftest ``small_year_built``, the
board report from a constructed, disclosure-controlled pack), opened in headless Chromium through WebDriver, and
photographed whole. Every expected chart must be on the page, visible, and in the screenshot: the crop of its
``figure.chart`` box must hold the palette's colours and enough ink to be a chart (not a blank box or a
"no data" placeholder). The page must load nothing from any network.

Chromium and its driver come from Debian (``apt-get install chromium chromium-driver``; ``.ci/run`` installs
them when missing, ``make browser`` too).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from ingestion.report import charts
from ingestion.report.board_report import render_board_report
from ingestion.report.dashboard import build_dashboard
from ingestion.report.equity import MEASURES
from ingestion.settings import Settings

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WIDTH = 1280

DASHBOARD_CHARTS = (
    "sw-waiting-by-team",
    "sw-longest-by-team",
    "sw-waiting-by-month",
    "health-waiting-by-locality",
    "health-longest-by-locality",
    "health-waiting-by-month",
    "flow-deliveries-by-feed",
    "flow-complete-by-month",
    "flow-visibility-by-month",
    "recording-status-by-characteristic",
    "linkage-gain-by-characteristic",
    *(f"equity-{measure.replace('_', '-')}" for measure in MEASURES),
    "sg-by-month",
    "sg-conversion-by-locality",
    "sg-risk-outcomes",
)

needs_browser = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="needs Debian's chromium and chromium-driver (make browser)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """Headless Chromium through the Debian chromedriver (Selenium Manager kept offline: nothing downloaded)."""
    os.environ.setdefault("SE_OFFLINE", "true")
    os.environ.setdefault("SE_AVOID_STATS", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                     "--force-device-scale-factor=1", f"--window-size={WIDTH},1000"):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


PALETTE = [_hex(colour) for colour in charts.PALETTE]


def _photograph(driver: WebDriver, page: Path, screenshot: Path) -> tuple[Image.Image, dict[str, dict]]:
    """Open ``page``, make the window as tall as the page, save a full-page screenshot; return it and the boxes
    (CSS pixels = screenshot pixels) and visibility of every chart, by chart id."""
    driver.set_window_size(WIDTH, 1000)
    driver.get(page.as_uri())
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(WIDTH, height)
    png = driver.get_screenshot_as_png()
    screenshot.write_bytes(png)
    figures = {
        element.get_attribute("data-chart"): {"rect": element.rect, "visible": element.is_displayed()}
        for element in driver.find_elements("css selector", "figure.chart")
    }
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
    return Image.open(io.BytesIO(png)).convert("RGB"), figures


def _crop(image: Image.Image, rect: dict) -> Image.Image:
    return image.crop((int(rect["x"]), int(rect["y"]), int(rect["x"] + rect["width"]), int(rect["y"] + rect["height"])))


def _ink(image: Image.Image, rect: dict) -> tuple[int, float]:
    """Pixels of the palette's colours, and the share of pixels that are not background, in ``rect``."""
    pixels = np.asarray(_crop(image, rect), dtype=np.int16).reshape(-1, 1, 3)
    near = (np.abs(pixels - np.array(PALETTE, dtype=np.int16)).max(axis=2) <= 6).any(axis=1)
    inked = pixels.min(axis=2) < 235
    return int(near.sum()), float(inked.mean()) if inked.size else 0.0


def _assert_charts_drawn(image: Image.Image, figures: dict[str, dict], expected: tuple[str, ...]) -> None:
    missing = [chart for chart in expected if chart not in figures]
    assert not missing, f"charts missing from the page: {missing}"
    for chart in expected:
        figure = figures[chart]
        rect = figure["rect"]
        assert figure["visible"] and rect["width"] > 300 and rect["height"] > 120, (chart, rect)
        assert rect["y"] + rect["height"] <= image.height, (chart, rect, image.size)
        palette, inked = _ink(image, rect)
        assert palette >= 150, f"{chart}: only {palette} pixels of the palette's colours"
        assert inked >= 0.03, f"{chart}: only {inked:.1%} of its box is drawn"


def _assert_self_contained(html: str) -> None:
    assert "<script" not in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html), "a link out of the page"
    assert not re.search(r"url\((?!#)", html) and "@import" not in html, "a resource outside the page"


# ---- the dashboard -----------------------------------------------------------------------------------------------


@pytest.mark.slow
@needs_browser
def test_dashboard_shows_every_chart_in_the_browser(
    small_year_built: tuple[Settings, object], browser: WebDriver, tmp_path: Path
) -> None:
    settings, _ = small_year_built
    page = build_dashboard(settings.warehouse, tmp_path / "dashboard.html")
    html = page.read_text(encoding="utf-8")
    _assert_self_contained(html)
    assert "Not available in this warehouse" not in html
    image, figures = _photograph(browser, page, tmp_path / "dashboard.png")
    _assert_charts_drawn(image, figures, DASHBOARD_CHARTS)
    # the equity charts mark significant differences in their own colour, with confidence intervals drawn
    assert "significantly different" in html or "of 0 groups" in html


def test_dashboard_of_a_warehouse_without_the_marts_says_what_is_missing(tmp_path: Path) -> None:
    """A warehouse built before a mart existed (or with a mart still empty) gives a page, each section saying
    what it lacks, rather than an error."""
    warehouse = tmp_path / "empty.duckdb"
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("create schema marts")
        conn.execute("create table marts.fct_equity_outcomes (measure varchar)")
    html = build_dashboard(warehouse, tmp_path / "dashboard.html").read_text(encoding="utf-8")
    assert "marts.fct_equity_outcomes (empty)" in html
    for mart in ("fct_social_work_waiting_list", "fct_cross_system_visibility"):
        assert f"marts.{mart} (not built)" in html
    assert html.count('class="unavailable"') == 8
    assert 'class="chart"' not in html


def test_report_command_writes_the_dashboard(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ingestion.cli import app

    warehouse = tmp_path / "warehouse" / "ascwh.duckdb"
    warehouse.parent.mkdir()
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("create schema marts")
    out = tmp_path / "out" / "dashboard.html"
    result = CliRunner().invoke(app, ["report", "--home", str(tmp_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and str(out) in result.output
    missing = CliRunner().invoke(app, ["report", "--warehouse", str(tmp_path / "nowhere.duckdb")])
    assert missing.exit_code != 0


# ---- the board report --------------------------------------------------------------------------------------------

S = "*"


def _pack() -> dict[str, pd.DataFrame]:
    """A quarter's tables as ingestion/share hands them over: labels first, then numbers or ``*``."""
    quarters = ["2023-24 Q1", "2023-24 Q2", "2023-24 Q3", "2023-24 Q4"]
    return {
        "concerns": pd.DataFrame({"quarter": quarters, "concerns": [1205, 1180, 1240, 1170],
                                  "individuals": [950, 930, 990, 925]}),
        "enquiries": pd.DataFrame({"quarter": quarters, "section_42_started": [290, 285, 300, 275],
                                   "other_started": [40, 45, S, 35], "concluded": [310, 300, 320, 290]}),
        "type_of_risk": pd.DataFrame({
            "Type of risk": ["Neglect and acts of omission", "Physical abuse", "Financial or material abuse",
                             "Psychological abuse", "Self-neglect", "Sexual exploitation", "Modern slavery"],
            "Section 42": [100, 75, 60, 55, 40, S, S], "Other": [10, 5, 5, S, 5, 0, 0],
            "Total": [110, 80, 65, 60, 45, S, S],
        }),
        "location_of_risk": pd.DataFrame({"Location of risk": ["Own home", "Care home", "Hospital", "Other", "Total"],
                                          "enquiries": [700, 430, 60, S, 1195]}),
        "source_of_risk": pd.DataFrame({"Source of risk": ["Known to individual", "Service provider", "Unknown"],
                                        "enquiries": [640, 520, 90]}),
        "risk_outcomes": pd.DataFrame({
            "Risk outcome": ["Risk removed", "Risk reduced", "Risk remains", "Total",
                             "Risk removed (% of risk identified)"],
            "Section 42": [100, 180, 35, 315, 31.7], "Other": [10, 15, S, 30, 33.3], "Total": [110, 195, 40, 345, 31.9],
        }).astype(object),
        "msp": pd.DataFrame({
            "Making Safeguarding Personal": [
                "Concluded enquiries", "Asked about desired outcomes",
                "Asked about desired outcomes (% of concluded enquiries)",
                "Outcomes fully or partially achieved (% of those who expressed outcomes)",
            ],
            "Quarter": [370, 300, 81.1, 98.0], "Year to date": [1400, 1150, 82.1, 99.0],
        }).astype(object),
        "rates": pd.DataFrame({"measure": ["Concerns per 100,000 adults", "Enquiries started per 100,000 adults"],
                               "council": [925.0, 256.0], "england": [1313.0, 387.0]}),
        "equity_msp_outcomes_by_ethnic_group": pd.DataFrame({
            "group": ["White", "Asian or Asian British", "Black or Black British", "Mixed", "Not recorded"],
            "n": [1200, 60, 35, S, 90], "value": [0.98, 0.93, 0.91, S, 0.97], "ci_low": [0.97, 0.84, 0.78, S, 0.91],
            "ci_high": [0.99, 0.97, 0.97, S, 0.99], "is_significant": [False, True, True, False, False],
        }),
        "concerns_by_age": pd.DataFrame({"Age band": ["18-64", "65-84", "85+"], "Concerns": [400, 520, S]}),
    }  # fmt: skip


BOARD_CHARTS = (
    "board-concerns",
    "board-enquiries",
    "board-type-of-risk",
    "board-location-of-risk",
    "board-source-of-risk",
    "board-risk-outcomes",
    "board-msp",
    "board-rates",
    "board-equity-msp-outcomes-by-ethnic-group",
    "board-concerns-by-age",
)


@needs_browser
def test_board_report_shows_every_table_and_chart_in_the_browser(browser: WebDriver, tmp_path: Path) -> None:
    pack = _pack()
    page = render_board_report(
        pack,
        title="Safeguarding Adults Board: 2023-24 Q4",
        notes=["From the ascwh warehouse."],
        out=tmp_path / "b.html",
    )
    html = page.read_text(encoding="utf-8")
    _assert_self_contained(html)
    assert "From the ascwh warehouse." in html and "marks a suppressed figure" in html
    assert html.count("<table") == len(pack)
    assert re.search(r'<td class="num">\*</td>', html), "suppressed cells are shown as *"
    image, figures = _photograph(browser, page, tmp_path / "board.png")
    _assert_charts_drawn(image, figures, BOARD_CHARTS)
    # the significant groups of the equity table are drawn in the highlight colour, the others not
    equity = _crop(image, figures["board-equity-msp-outcomes-by-ethnic-group"]["rect"])
    assert _hex(charts.HIGHLIGHT) in {colour for _, colour in equity.getcolors(equity.width * equity.height)}
    risk = _crop(image, figures["board-type-of-risk"]["rect"])
    assert _hex(charts.HIGHLIGHT) not in {colour for _, colour in risk.getcolors(risk.width * risk.height)}


def test_board_report_without_numbers_still_renders(tmp_path: Path) -> None:
    """A table with nothing to chart (labels only, or every value suppressed) is shown as a table, with no error."""
    tables = {"notes_table": pd.DataFrame({"Item": ["a", "b"], "Comment": ["x", "y"]}),
              "all_suppressed": pd.DataFrame({"Group": ["a", "b"], "n": [S, S]})}  # fmt: skip
    html = render_board_report(tables, title="t", notes=[], out=tmp_path / "b.html").read_text(encoding="utf-8")
    assert html.count("<table") == 2 and "No data to chart" in html
