"""What a test needs, said with markers.

``@pytest.mark.needs_data`` marks a test that reads MNIST or Fashion-MNIST. It runs when
the dataset files are at hand offline: in ``../shared/datasets`` or intact in the Keras
cache; elsewhere it is skipped with the reason. Such a test never downloads: while it runs,
HTTP(S) goes to an address where nothing listens, and ``COURSE_DATA_DIR`` names the
offline folder, so a missing file fails the same way online and offline. The fixture
``dataset_source`` gives a folder with the cache's layout (``mnist.npz``,
``fashion-mnist/*.gz``) to import from.
"""

import functools
import os

import pytest

from tests.helpers import SHARED_DATASETS, UNREACHABLE_PROXY


@functools.cache
def offline_datasets():
    """A folder holding every dataset file intact, or None: ../shared/datasets, else the Keras cache."""
    if SHARED_DATASETS.is_dir():
        return SHARED_DATASETS
    from course_lib import data

    if all(state == "cached" for name, state in data.availability().items() if name in data.DATASET_FILES):
        return data.keras_cache_dir()
    return None


#: The environment of a ``needs_data`` test: no network, the offline folder for the loaders.
_OFFLINE = {"http_proxy": UNREACHABLE_PROXY, "https_proxy": UNREACHABLE_PROXY,
            "HTTP_PROXY": UNREACHABLE_PROXY, "HTTPS_PROXY": UNREACHABLE_PROXY,
            "no_proxy": None, "NO_PROXY": None}
_saved_environment = pytest.StashKey()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Skip a ``needs_data`` test without data; otherwise set its environment before its fixtures
    (a module-scoped fixture that loads MNIST is set up within the first test's setup)."""
    if not item.get_closest_marker("needs_data"):
        return
    source = offline_datasets()
    if source is None:
        pytest.skip(f"needs MNIST and Fashion-MNIST offline: neither {SHARED_DATASETS} "
                    "nor an intact Keras cache (python -m course_lib data import DIR fills it)")
    changes = {**_OFFLINE, "COURSE_DATA_DIR": str(source)}
    item.stash[_saved_environment] = {name: os.environ.get(name) for name in changes}
    _apply(changes)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
    yield
    saved = item.stash.get(_saved_environment, None)
    if saved is not None:
        _apply(saved)


def _apply(environment):
    for name, value in environment.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def dataset_source():
    """A folder with every dataset file, laid out as the Keras cache (use with ``needs_data``)."""
    return offline_datasets()
