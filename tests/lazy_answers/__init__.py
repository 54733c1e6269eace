"""The answers a student who skips the work would try, one module per topic of ``course_lib.exercises``.

Each ``tests/lazy_answers/<topic>.py`` defines ``LAZY``: for every public ``check_*`` of
``course_lib/exercises/<topic>.py``, a list of ``(why, submit)`` pairs, where ``submit()`` calls
the check with a lazy answer: a number copied from the chapter, Keras' or the course's own
implementation handed in where the exercise asks to write it, ``tf.constant(value)`` where a
computed tensor is asked for. ``tests/test_lazy_answers.py`` runs every one and requires a
failed verdict with a ✗ line that says why, and requires an entry for every check.
"""
