"""Each claim test runs with every generator seeded, as a chapter does after ``notebook.setup()``.

A test earlier in the same process may have turned TensorFlow's op determinism on (``setup`` does),
under which an unseeded random op raises; the seeds make a claim test's result independent of the
tests that ran before it.
"""

import pytest

from course_lib import notebook


@pytest.fixture(autouse=True)
def seeded_generators():
    with notebook.seeded(0):
        yield
