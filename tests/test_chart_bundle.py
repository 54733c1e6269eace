"""The browser bundle of Vega is used only when all of it checks out, and is rebuilt when it does not."""

import subprocess
import sys

import pytest

from course_lib.widgets import chart
from tests.helpers import ROOT


@pytest.fixture
def bundle_file(tmp_path, monkeypatch):
    """``chart.BUNDLE`` in a temporary folder, with ``bundle()``'s in-memory cache emptied before and after."""
    path = tmp_path / "_chart_bundle.mjs"
    monkeypatch.setattr(chart, "BUNDLE", path)
    chart.bundle.cache_clear()
    yield path
    chart.bundle.cache_clear()


def test_a_cut_bundle_is_not_served_but_made_again(bundle_file):
    whole = chart.bundle()
    assert "vegaEmbed" in whole and bundle_file.read_text(encoding="utf-8").endswith(whole)
    text = bundle_file.read_text(encoding="utf-8")
    bundle_file.write_text(text[: len(text) // 3], encoding="utf-8")  # the stamp line is intact, the rest cut
    assert chart._cached_bundle() is None
    chart.bundle.cache_clear()
    assert chart.bundle() == whole
    assert bundle_file.read_text(encoding="utf-8") == text and chart._cached_bundle() == whole


def test_a_damaged_or_stale_bundle_is_refused(bundle_file):
    whole = chart.bundle()
    stamp, _, body = bundle_file.read_text(encoding="utf-8").partition("\n")
    for damaged in (stamp + "\n" + body.replace("vegaEmbed", "vegaEmbeD", 1),  # one byte changed
                    stamp.replace("vl-convert", "vl-convert 0") + "\n" + body,  # made by another vl-convert
                    "", "\x00\x01"):
        bundle_file.write_text(damaged, encoding="utf-8")
        assert chart._cached_bundle() is None, damaged[:40]
    bundle_file.write_text(stamp + "\n" + body, encoding="utf-8")
    assert chart._cached_bundle() == whole


@pytest.mark.slow
def test_two_kernels_making_the_bundle_at_once_both_leave_a_whole_file(bundle_file):
    script = ("import sys; from pathlib import Path; from course_lib.widgets import chart; "
              "chart.BUNDLE = Path(sys.argv[1]); body = chart.bundle(); "
              "print(len(body), chart._cached_bundle() is not None)")
    runs = [subprocess.Popen([sys.executable, "-c", script, str(bundle_file)], cwd=ROOT, stdout=subprocess.PIPE,
                             text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0].split() for run in runs]
    assert all(run.returncode == 0 for run in runs)
    assert outputs[0] == outputs[1] and outputs[0][1] == "True"
    assert chart._cached_bundle() is not None
    assert [path.name for path in bundle_file.parent.iterdir()] == [bundle_file.name]  # no temporary file left
