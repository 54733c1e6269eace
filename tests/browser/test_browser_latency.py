"""The browser part of ``make bench`` (benchmarks/browser_latency.py), on one panel and its references."""

import pytest

from benchmarks import browser_latency, report
from benchmarks import run as bench
from tests.browser.lab import CHROMIUM, SKIP_REASON

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]


def quiet(*_args, **_kwargs):
    pass


def test_browser_latency_times_key_presses_with_and_without_a_kernel(browser):
    result = browser_latency.run(presses=2, only=("welcome",), log=quiet, browser=browser)
    rows = {row["panel"]: row for row in result["rows"]}
    line_fit = rows["welcome.line_fit_panel"]
    assert line_fit["offline"] and line_fit["with_kernel"]["count"] == 2
    assert line_fit["without_kernel"]["count"] == 2 and line_fit["without_kernel"]["median"] > 0
    old = rows["line fit (Matplotlib PNG, the old path)"]
    assert old["with_kernel"]["count"] == 2 and "without_kernel" not in old  # the old path needs its kernel
    assert 0 < line_fit["stored_bytes"] < 2_000_000
    meta = bench.metadata("test") | {"seconds": 1.0, "load_average": {"browser": 1.0}}
    markdown = report.render_markdown({"meta": meta, "browser": result})
    assert "| welcome.line_fit_panel |" in markdown and "## 4. Key press to figure on screen" in markdown
