"""Command line of the course.

``python -m course_lib lab`` trusts the chapters and opens them in JupyterLab (the same on
Linux, macOS, Windows, venv or conda); ``python -m course_lib data import DIR`` copies the
offline datasets into the Keras cache; ``python -m course_lib report`` says what this machine has.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

#: The chapters of a clone or an editable install: notebooks/ beside the package.
CHAPTERS = Path(__file__).resolve().parent.parent / "notebooks"


def trust(folder):
    """Sign every chapter of ``folder`` and of its Chinese edition (``zh/``) as trusted, as ``jupyter trust`` does;
    returns how many.

    A trusted notebook shows its saved panels when it is opened, before any cell runs: the
    kernel-free panels answer their sliders at once. Without it JupyterLab shows only their
    stored pictures.
    """
    import nbformat
    from nbformat.sign import NotebookNotary

    notary = NotebookNotary()
    chapters = sorted(Path(folder).glob("[0-9][0-9]_*.ipynb")) + sorted(Path(folder).glob("zh/[0-9][0-9]_*.ipynb"))
    for chapter in chapters:
        notebook = nbformat.read(chapter, as_version=4)
        if not notary.check_signature(notebook):
            notary.sign(notebook)
    return len(chapters)


def lab(folder, extra_arguments):
    """Trust the chapters of ``folder``, then run JupyterLab on it (localhost, with a token) until it stops."""
    folder = Path(folder)
    if not folder.is_dir():
        print(f"error: no chapters folder at {folder}; give --notebooks DIR (the course's notebooks/ folder)",
              file=sys.stderr)
        return 2
    print(f"trusted {trust(folder)} chapter(s) in {folder}")
    command = [sys.executable, "-m", "jupyterlab", "--ip=127.0.0.1", f"--ServerApp.root_dir={folder}"]
    if hasattr(os, "getuid") and os.getuid() == 0:  # JupyterLab refuses root (containers, CI) unless told
        command.append("--allow-root")
    try:
        return subprocess.call(command + list(extra_arguments))
    except KeyboardInterrupt:  # Ctrl-C stops JupyterLab, which shuts down itself
        return 0


def main(argv=None):
    """Parse the command line and run the command; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m course_lib", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    starter = commands.add_parser(
        "lab", help="trust the chapters and open them in JupyterLab (other arguments go to JupyterLab)")
    starter.add_argument("--notebooks", default=str(CHAPTERS), help="the chapters' folder (default: %(default)s)")
    data = commands.add_parser("data", help="dataset commands")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    importer = data_commands.add_parser(
        "import", help="copy dataset files from a folder into the Keras cache, checking their hashes")
    importer.add_argument("folder", help="a folder with mnist.npz and fashion-mnist/*.gz")
    data_commands.add_parser("status", help="which datasets the Keras cache holds")
    commands.add_parser("report", help="versions, devices and datasets of this machine")
    args, extra_arguments = parser.parse_known_args(argv)
    if args.command == "lab":
        return lab(args.notebooks, extra_arguments)
    if extra_arguments:
        parser.error(f"unrecognized arguments: {' '.join(extra_arguments)}")

    from course_lib import data as datasets
    from course_lib import notebook

    notebook.quiet_tensorflow()
    if args.command == "data" and args.data_command == "import":
        try:
            copied = datasets.import_datasets(args.folder)
        except datasets.DatasetError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(f"{len(copied)} file(s) imported into {datasets.keras_cache_dir()}; "
              "the others were already there and intact.")
        return 0
    if args.command == "report":
        for key, value in notebook.environment_report().items():
            print(f"{key}: {value}")
    for name, state in datasets.availability().items():
        print(f"{name}: {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
