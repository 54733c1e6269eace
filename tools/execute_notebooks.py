"""Build the chapter notebooks from their sources and execute them, storing the outputs.

Each chapter is written as a jupytext "percent" script in ``notebooks/src/``
(reviewable as plain Python). This command turns each one into
``notebooks/<name>.ipynb`` and executes it top to bottom in a fresh kernel, so
the outputs nbval compares against are always produced, never pasted. The
Chinese edition, ``notebooks/zh/<name>.ipynb``, is the same notebook with the
text of ``notebooks/src/zh/<name>.yml`` (tools/translate.py), executed in its
own kernel started in ``notebooks/zh/``, where the library speaks Chinese.

    python tools/execute_notebooks.py                  # every chapter, both editions
    python tools/execute_notebooks.py 03 05            # chapters whose name starts so
    python tools/execute_notebooks.py --edition zh 03  # one edition
"""

import argparse
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools import translate  # noqa: E402 - run as a script, the project is not on the path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "notebooks" / "src"
NOTEBOOKS = ROOT / "notebooks"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def chapter_sources(prefixes=()):
    """The chapter source scripts, in order, limited to names starting with one of ``prefixes``."""
    sources = sorted(SOURCES.glob("[0-9][0-9]_*.py"))
    if prefixes:
        sources = [s for s in sources if s.name.startswith(tuple(prefixes))]
    return sources


def build(source, edition="en"):
    """The notebook of one chapter source in ``edition`` (``"en"`` or ``"zh"``), without outputs."""
    notebook = jupytext.read(source)
    notebook.metadata.pop("jupytext", None)
    notebook.metadata["kernelspec"] = KERNELSPEC
    return translate.translated(notebook, source) if edition == "zh" else notebook


def execute(notebook, timeout=1800, folder=NOTEBOOKS):
    """Run every cell of ``notebook`` in a fresh kernel started in ``folder`` (an edition's folder)."""
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    client.execute()
    return notebook


def main(argv=None):
    """Build and execute the chosen chapters; print how long each took."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="*", help="name prefixes such as 03 (default: all)")
    parser.add_argument("--edition", choices=("en", "zh", "all"), default="all",
                        help="English (notebooks/), Chinese (notebooks/zh/) or both (default)")
    args = parser.parse_args(argv)
    sources = chapter_sources(args.chapters)
    if not sources:
        print(f"no chapter source in {SOURCES} matches {args.chapters}", file=sys.stderr)
        return 1
    editions = ("en", "zh") if args.edition == "all" else (args.edition,)
    for source in sources:
        for edition in editions:
            folder = translate.EDITIONS[edition]
            start = time.perf_counter()
            notebook = execute(build(source, edition), folder=folder)
            target = folder / (source.stem + ".ipynb")
            nbformat.write(notebook, target)
            print(f"{target.relative_to(ROOT)}: executed in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
