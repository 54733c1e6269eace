"""Two runs of the browser part side by side: key press (or click) to figure, before and after a change.

    python benchmarks/compare_browser.py BEFORE AFTER

``BEFORE`` and ``AFTER`` are the ``--output`` folders of two ``benchmarks/run.py --parts
browser`` runs, made back to back (this machine's speed drifts between hours, not between
minutes). Prints a Markdown table: median / p95 in ms for a cheap panel, the first live
update for a training panel, and what each panel adds to its notebook.
"""

import json
import sys
from pathlib import Path


def rows(results):
    return {row["panel"]: row for row in results["browser"]["rows"]}


def latency(measured):
    if not measured or measured.get("median") is None:
        return "—"
    if measured.get("count", 0) > 1:
        return f"{measured['median']:.0f} / {measured['p95']:.0f}"
    return f"{measured['median']:.0f} (first live update)"


def table(before, after):
    """The Markdown comparison of two results (the parsed ``results.json`` files)."""
    lines = ["| panel | with a kernel, before | with a kernel, after | without a kernel, before | "
             "without a kernel, after | stored kB, before → after |", "|---|---|---|---|---|---|"]
    old, new = rows(before), rows(after)
    for name, was in old.items():
        now = new.get(name, {})
        lines.append(f"| {name} | {latency(was.get('with_kernel'))} | {latency(now.get('with_kernel'))} | "
                     f"{latency(was.get('without_kernel'))} | {latency(now.get('without_kernel'))} | "
                     f"{was['stored_bytes'] / 1000:.0f} → {now.get('stored_bytes', 0) / 1000:.0f} |")
    for label, results in (("before", before), ("after", after)):
        meta = results["meta"]
        lines.append(f"\n{label}: {meta['date']}, load average {meta['load_average']['browser']:.1f} at the "
                     f"start and {meta['load_average']['end']:.1f} at the end")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    print(table(*(json.loads((Path(folder) / "results.json").read_text()) for folder in sys.argv[1:])))
