"""Prove that requirements/lock.txt installs from wheels on every supported Python and platform.

The platforms: Linux x86_64 (glibc 2.28 or later), macOS arm64 (Apple silicon) and Windows
x86_64, each on Python 3.10, 3.11, 3.12 and 3.13. Intel Macs are not among them: TensorFlow
has published no macOS x86_64 wheel since 2.16.2, and the course needs 2.18 (see README).

The lock is resolved once for all platforms (``make upgrade`` runs ``uv pip compile
--universal``), so each pin carries an environment marker saying where it applies. This
script picks, for each target below, the pins whose marker holds there, and asks pip to
choose a wheel for each one as it would on that machine::

    pip install --dry-run --no-deps --only-binary=:all: --python-version 3.13 \
        --platform macosx_14_0_arm64 --target DIR --report REPORT name==version ...

``--dry-run`` makes pip read each wheel's metadata from the index instead of downloading
the wheels (TensorFlow alone is 600 MB per target); the choice of wheel is the same as
``pip download --no-deps --only-binary=:all:`` makes. A pin with no wheel for a target is
reported by name, with the target; the exit status is 1 when there is any.

    python tools/check_lock.py                     # every target
    python tools/check_lock.py --target 3.13-macos-arm64
    python tools/check_lock.py --print-pins 3.11-macos-arm64   # constraints of that target
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock.txt"

#: pip expands a macOS tag to the older macOS versions but not a manylinux tag to older glibc
#: versions, so Linux lists them: glibc 2.28 (Debian 10, RHEL 8) and everything it runs.
MANYLINUX = [f"manylinux_2_{minor}_x86_64" for minor in range(28, 4, -1)] + [
    "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"]
#: The oldest macOS that Apple silicon shipped with is 11, but TensorFlow's arm64 wheels
#: need macOS 12 or later; 14 (Sonoma, 2023) stands for a current Mac.
PLATFORMS = {
    "linux-x86_64": (MANYLINUX, {"sys_platform": "linux", "platform_system": "Linux",
                                               "platform_machine": "x86_64", "os_name": "posix"}),
    "macos-arm64": (["macosx_14_0_arm64"], {"sys_platform": "darwin", "platform_system": "Darwin",
                                          "platform_machine": "arm64", "os_name": "posix"}),
    "windows-amd64": (["win_amd64"], {"sys_platform": "win32", "platform_system": "Windows",
                                      "platform_machine": "AMD64", "os_name": "nt"}),
}
PYTHONS = {"3.10": "3.10.16", "3.11": "3.11.11", "3.12": "3.12.9", "3.13": "3.13.2"}
TARGETS = [f"{python}-{platform}" for python in PYTHONS for platform in PLATFORMS]


def read_lock(path=LOCK):
    """The pins of the lock file as :class:`packaging.requirements.Requirement` objects."""
    pins = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            pins.append(Requirement(line))
    return pins


def environment(target):
    """The marker environment (PEP 508) of a target such as ``"3.13-macos-arm64"``."""
    python, platform = target.split("-", 1)
    return {"python_version": python, "python_full_version": PYTHONS[python],
            "implementation_name": "cpython", "platform_python_implementation": "CPython",
            **PLATFORMS[platform][1]}


def pins_for(target, pins):
    """``name==version`` for each pin whose marker holds on ``target``; fails on two pins of one name."""
    chosen = {}
    for pin in pins:
        if pin.marker is None or pin.marker.evaluate(environment(target)):
            if pin.name in chosen:
                raise ValueError(f"lock file: {pin.name} is pinned twice for {target}")
            chosen[pin.name] = f"{pin.name}{pin.specifier}"
    return sorted(chosen.values())


def check(target, pins, workdir):
    """Ask pip for a wheel of each pin on ``target``; returns (wheel file names, pins without a wheel)."""
    python, platform = target.split("-", 1)
    remaining, missing = list(pins), []
    while remaining:
        report = Path(workdir) / f"{target}.json"
        result = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--no-deps",
             "--ignore-installed", "--only-binary=:all:", "--python-version", PYTHONS[python],
             "--implementation", "cp", *(f"--platform={tag}" for tag in PLATFORMS[platform][0]),
             "--target", str(Path(workdir) / "target"), "--report", str(report), *remaining],
            capture_output=True, text=True)
        if result.returncode == 0:
            wheels = [item["download_info"]["url"].rsplit("/", 1)[-1]
                      for item in json.loads(report.read_text())["install"]]
            return wheels, missing
        failed = re.search(r"No matching distribution found for (\S+)", result.stderr)
        if not failed:
            raise RuntimeError(f"pip failed for {target} for another reason:\n{result.stderr[-3000:]}")
        name = Requirement(failed.group(1)).name
        missing += [pin for pin in remaining if Requirement(pin).name == name]
        remaining = [pin for pin in remaining if Requirement(pin).name != name]
    return [], missing


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", action="append", choices=TARGETS,
                        help="check one target (repeatable); every target by default")
    parser.add_argument("--lock", type=Path, default=LOCK)
    parser.add_argument("--print-pins", metavar="TARGET", choices=TARGETS,
                        help="only print the pins of TARGET without markers (a constraints file for it)")
    args = parser.parse_args(argv)
    pins = read_lock(args.lock)
    if args.print_pins:
        print("\n".join(pins_for(args.print_pins, pins)))
        return 0
    failures = 0
    with tempfile.TemporaryDirectory() as workdir:
        for target in args.target or TARGETS:
            wanted = pins_for(target, pins)
            wheels, missing = check(target, wanted, workdir)
            tensorflow = next((w for w in wheels if w.startswith("tensorflow-2")), "no TensorFlow wheel")
            if missing:
                failures += 1
                print(f"{target}: {len(missing)} of {len(wanted)} pins have no wheel: {', '.join(missing)}")
            else:
                print(f"{target}: all {len(wanted)} pins have a wheel ({tensorflow})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
