"""Command line: ``python -m course_lib data import DIR`` and ``python -m course_lib report``."""

import argparse
import sys


def main(argv=None):
    """Parse the command line and run the command; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m course_lib", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    data = commands.add_parser("data", help="dataset commands")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    importer = data_commands.add_parser(
        "import", help="copy dataset files from a folder into the Keras cache, checking their hashes")
    importer.add_argument("folder", help="a folder with mnist.npz and fashion-mnist/*.gz")
    data_commands.add_parser("status", help="which datasets the Keras cache holds")
    commands.add_parser("report", help="versions, devices and datasets of this machine")
    args = parser.parse_args(argv)

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
