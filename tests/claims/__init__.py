"""Claims the chapters make about TensorFlow and Keras, each run on the installed versions.

A test in ``tests/claims/test_NN_topic.py`` is decorated with :func:`claim`, which names the
chapter, the section and a quote of the sentence it proves. ``tests/test_claims.py`` checks
that every quote is still in its chapter (rewriting the sentence means revisiting the test)
and that every sentence of a chapter that states how TensorFlow or Keras behaves (an alias, a
default, a version, what a call resolves or raises) holds a quote of some claim test. When a
Keras upgrade changes a behaviour, the failing test names the sentence to rewrite.
"""

#: Every claim test's (chapter, section, quote), filled as the test modules are imported.
CLAIMS = []


def claim(chapter, section, quote):
    """Mark a test as the proof of the sentence of ``chapter`` ("05_losses") in ``section`` that holds ``quote``."""
    def mark(test):
        CLAIMS.append((chapter, section, quote))
        test.claim = (chapter, section, quote)
        test.__doc__ = f"{chapter}, {section}: “{quote}”" + (f"\n\n{test.__doc__}" if test.__doc__ else "")
        return test
    return mark
