"""The benchmarks' timing tests use the unit tests' markers (``needs_data``: no downloads, skip without data)."""

from tests.conftest import dataset_source, pytest_runtest_setup, pytest_runtest_teardown  # noqa: F401
