"""Exercise checks: untouched, right, wrong in a known way, wrong by a factor, wrong shape."""

import keras
import numpy as np
import pytest

from course_lib import checks


def test_untouched_starter_prints_not_attempted_and_a_hint(capsys):
    verdict = checks.check_answer("pixels", ..., 784, hint="28 rows of 28")
    assert not verdict
    assert capsys.readouterr().out == "○ pixels: not attempted yet. Hint: 28 rows of 28\n"


def test_right_answer_passes(capsys):
    assert checks.check_answer("gradient", np.float32(2.0), 2.0, hint="")
    assert capsys.readouterr().out == "✓ gradient: correct.\n"


def test_known_mistake_gets_its_own_hint(capsys):
    assert not checks.check_answer("params", 200704, 200960, hint="count them",
                                   mistakes={"you forgot the bias": 200704})
    assert "✗ params: you forgot the bias" in capsys.readouterr().out


def test_factor_and_shape_are_diagnosed():
    assert "0.5 times" in checks.diagnose([1.0, 2.0], [2.0, 4.0])
    assert "2 times" in checks.diagnose(4.0, 2.0)
    assert checks.diagnose(3.0, 1.001) == checks.NOT_YET
    assert "shape (3,)" in checks.diagnose([1, 2, 3], [[1, 2, 3]])
    assert "NaN" in checks.diagnose([np.nan], [1.0])
    assert checks.diagnose([1.0, 2.0], [1.0, 2.0 + 1e-9]) is None


def test_plain_wrong_answer_repeats_the_hint(capsys):
    assert not checks.check_answer("loss", 3.0, 1.0 + 1e-3, hint="square the error", rtol=1e-6)
    out = capsys.readouterr().out
    assert "not the expected value yet" in out and "square the error" in out


def test_milestone_prints_a_stable_line(capsys):
    assert checks.milestone("test accuracy", 0.9812, at_least=0.975)
    assert checks.milestone("test accuracy", 0.9799, at_least=0.975)
    assert not checks.milestone("loss", 0.5, at_most=0.25, digits=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["✓ test accuracy ≥ 0.975", "✓ test accuracy ≥ 0.975", "✗ loss = 0.50 > 0.25"]
    with pytest.raises(ValueError, match="exactly one"):
        checks.milestone("x", 1.0)


def test_verdict_shows_nothing_in_a_notebook():
    verdict = checks.Verdict(True)
    assert verdict and verdict._ipython_display_() is None and repr(verdict) == "Verdict(passed=True)"


def test_none_is_blamed_on_an_unwatched_tape_not_on_a_division():
    problem = checks.diagnose(None, 8.0)
    assert problem == checks.NONE_HINT and "tape.watch" in problem and "NaN" not in problem
    assert "holds None" in checks.diagnose([1.0, None], [1.0, 2.0])


def test_text_is_not_a_number():
    assert "the text '8'" in checks.diagnose("8", 8.0)
    assert "holds text" in checks.diagnose(["1", 2.0], [1.0, 2.0])


def test_ragged_list_and_wrong_length_list_get_their_own_hints():
    assert "regular array" in checks.diagnose([[1.0, 2.0], [3.0]], [[1.0, 2.0], [3.0, 4.0]])
    problem = checks.diagnose([0.1, 0.2], [0.1, 0.2, 0.7])
    assert problem.startswith("your answer is a list of shape (2,)") and "(3,)" in problem
    assert checks.diagnose([0.5, 0.5], np.array([0.5, 0.5])) is None  # a right list is right


def test_inf_and_nan_are_told_apart():
    assert "inf" in checks.diagnose(np.inf, 1.0) and "overflow" in checks.diagnose(np.inf, 1.0)
    assert "NaN" in checks.diagnose(np.nan, 1.0) and "inf" not in checks.diagnose(np.nan, 1.0).split(":")[0]


def test_integer_and_boolean_dtypes_are_diagnosed():
    problem = checks.diagnose(np.array([0, 1]), np.array([0.25, 0.75]))
    assert "integer dtype int64" in problem
    problem = checks.diagnose(np.array([True, False]), np.array([0.5, 0.0]))
    assert "True/False" in problem
    assert checks.diagnose(np.array([1, 2]), np.array([1.0, 2.0])) is None  # whole numbers are fine


def test_tensorflow_dtypes_are_read_too():
    tf = pytest.importorskip("tensorflow")
    assert "integer dtype int32" in checks.diagnose(tf.constant([0, 1]), [0.25, 0.75])
    assert "holds text" in checks.diagnose(tf.constant("8"), 8.0)
    assert checks.diagnose(tf.constant(8.0), 8.0) is None


def test_one_value_per_item_instead_of_one_number_is_told_to_average():
    assert "forget to average" in checks.diagnose([0.0, 1.0, 1.0], 0.5)
    assert "True/False" in checks.diagnose(np.array([True, False]), 0.5)


def test_a_count_with_decimals_is_told_to_round():
    assert "whole number" in checks.diagnose(468.75, 469)


def test_wrong_sign_is_named():
    assert "wrong sign" in checks.diagnose([-1.0, 2.0], [1.0, -2.0])


def test_not_attempted_helper_prints_the_same_line_as_check_answer(capsys):
    assert checks.is_not_attempted(1.0, ...) and not checks.is_not_attempted(1.0, 2.0)
    assert not checks.not_attempted("rescue", "try L2")
    assert not checks.fail("rescue", "too high")
    assert capsys.readouterr().out == "○ rescue: not attempted yet. Hint: try L2\n✗ rescue: too high\n"


def test_number_problem_accepts_one_number_only():
    assert checks.number_problem(2) is None and checks.number_problem(np.float32(2.0)) is None
    assert "shape (2,)" in checks.number_problem([1.0, 2.0])
    assert checks.number_problem(None) == checks.NONE_HINT
    assert checks.numbers_problem(w=1.0, b="2").startswith("b: your answer is the text '2'")
    assert checks.numbers_problem(w=1.0, b=2.0) is None


def test_check_function_runs_the_function_on_every_case(capsys):
    calls = []

    def square(value):
        calls.append(value)
        return value ** 2

    cases = [((value,), lambda result, value=value: checks.diagnose(result, value * value)) for value in (2.0, -3.0)]
    assert checks.check_function("square", square, cases, hint="multiply x by itself")
    assert calls == [2.0, -3.0]
    assert capsys.readouterr().out == "✓ square: correct on 2 fresh test inputs.\n"


def test_check_function_names_the_failing_case_and_its_problem(capsys):
    cases = [((2.0,), lambda result: checks.diagnose(result, 4.0)),
             ((3.0,), lambda result: checks.diagnose(result, 9.0, mistakes={"you doubled it": 6.0}))]
    assert not checks.check_function("square", lambda value: value * 2 if value > 2 else value ** 2, cases,
                                     hint="multiply x by itself")
    assert capsys.readouterr().out == "✗ square: on test input 2 of 2: you doubled it\n"
    assert not checks.check_function("square", lambda value: 1.0, cases[:1], hint="multiply x by itself")
    assert "not the expected value yet. Hint: multiply x by itself" in capsys.readouterr().out


def test_check_function_reports_untouched_uncallable_and_crashing_answers(capsys):
    cases = [((2.0,), lambda result: checks.diagnose(result, 4.0))]
    assert not checks.check_function("square", ..., cases, hint="multiply x by itself")
    assert "not attempted yet. Hint: multiply x by itself" in capsys.readouterr().out
    assert not checks.check_function("square", 4.0, cases, hint="")
    assert "give the function itself" in capsys.readouterr().out
    assert not checks.check_function("square", lambda value: value / 0, cases, hint="")
    assert "your function raised ZeroDivisionError: float division by zero" in capsys.readouterr().out
    assert not checks.check_function("square", lambda value: None, cases, hint="")
    assert "without `return` gives None" in capsys.readouterr().out


def test_call_answer_runs_the_function_and_reports_what_went_wrong(capsys):
    assert checks.call_answer("square", lambda x: x * x, 3, hint="x·x") == (9, None)
    assert checks.call_answer("twice", lambda x: x + 1, 3, hint="", run=lambda f, x: f(f(x))) == (5, None)
    result, verdict = checks.call_answer("square", ..., 3, hint="multiply x by itself")
    assert result is None and not verdict and "not attempted yet. Hint: multiply" in capsys.readouterr().out
    result, verdict = checks.call_answer("square", 9, 3, hint="")
    assert not verdict and "without parentheses" in capsys.readouterr().out
    result, verdict = checks.call_answer("square", lambda x: x / 0, 3, hint="")
    assert not verdict and "raised ZeroDivisionError" in capsys.readouterr().out
    result, verdict = checks.call_answer("square", lambda x: x / 0, 3, hint="", error_hint="Divide by x, not 0.")
    assert not verdict and "raised ZeroDivisionError: division by zero Divide by x, not 0." in capsys.readouterr().out


def test_a_rounded_answer_is_told_to_give_more_digits_not_a_hint_about_the_formula(capsys):
    expected = -np.log(0.7)  # 0.35667...
    for typed, digits in ((0.357, 3), (0.3567, 4), (0.36, 2), (0.356, 3)):
        problem = checks.diagnose(typed, expected, rtol=1e-6)
        assert problem.startswith(f"right to {digits} significant digits, but give more digits"), (typed, problem)
    assert checks.diagnose(0.37, expected, rtol=1e-6) == checks.NOT_YET
    assert checks.diagnose(11, 10) == checks.NOT_YET  # a different whole number is not a rounding
    assert "more digits" in checks.diagnose([0.36, -0.24], [0.3567, -0.2412])
    assert not checks.check_answer("cross entropy", 0.357, expected, rtol=1e-6, hint="−ln of the true class")
    out = capsys.readouterr().out
    assert "give more digits" in out and "−ln of the true class" not in out


def _lazy_cross_entropy(labels, probabilities):
    return keras.losses.categorical_crossentropy(labels, probabilities)


def _honest_cross_entropy(labels, probabilities):
    return -np.sum(labels * np.log(probabilities), axis=-1)


FORBIDDEN = ("keras.losses.categorical_crossentropy", "keras.losses.CategoricalCrossentropy")


def test_a_forbidden_function_fails_under_any_name_and_is_restored(capsys):
    from keras.losses import categorical_crossentropy as renamed

    labels, probabilities = np.array([[0.0, 1.0]]), np.array([[0.3, 0.7]])
    answers = {"module path": _lazy_cross_entropy, "imported under another name": lambda y, p: renamed(y, p),
               "the class": lambda y, p: keras.losses.CategoricalCrossentropy(reduction=None)(y, p)}
    for how, answer in answers.items():
        result, verdict = checks.call_answer("cross entropy", answer, labels, probabilities, hint="",
                                             forbidden=FORBIDDEN)
        assert result is None and not verdict, how
        assert "your answer calls keras.losses." in capsys.readouterr().out, how
    result, verdict = checks.call_answer("cross entropy", _honest_cross_entropy, labels, probabilities, hint="",
                                         forbidden=FORBIDDEN)
    assert verdict is None and np.allclose(result, -np.log(0.7))
    assert keras.losses.categorical_crossentropy is renamed  # every binding restored after the call
    assert np.allclose(keras.losses.CategoricalCrossentropy(reduction=None)(labels, probabilities), -np.log(0.7))


def test_check_function_refuses_the_forbidden_function_and_passes_the_honest_one(capsys):
    labels, probabilities = np.array([[0.0, 1.0, 0.0]]), np.array([[0.2, 0.5, 0.3]])
    judge = lambda result: checks.diagnose(result, -np.log([0.5]))  # noqa: E731
    assert not checks.check_function("CE", _lazy_cross_entropy, [((labels, probabilities), judge)], hint="",
                                     forbidden=FORBIDDEN)
    assert checks.check_function("CE", _honest_cross_entropy, [((labels, probabilities), judge)], hint="",
                                 forbidden=FORBIDDEN)
    # without forbidden=, the lazy answer passes: the argument is what refuses it
    assert checks.check_function("CE", _lazy_cross_entropy, [((labels, probabilities), judge)], hint="")


def test_a_huge_or_complex_answer_gets_a_reason_not_a_crash_or_a_pass(capsys):
    """check_pixel_count(10**400) raised OverflowError; 784 + 5j printed "✓ correct" (float64 dropped the 5j)."""
    from course_lib.exercises import welcome

    for answer, reason in ((10 ** 400, "too large for any float"), (784 + 5j, "complex number"),
                           (np.complex128(784 + 5j), "complex number"), ([784 + 0j], "complex number"),
                           (-(10 ** 400), "too large for any float")):
        assert not welcome.check_pixel_count(answer)
        out = capsys.readouterr().out
        assert out.startswith("✗") and reason in out, (answer, out)
    assert checks.as_array(10 ** 400) is None and checks.as_array(np.complex64(1j)) is None


def test_a_forbidden_function_handed_in_itself_or_in_a_partial_is_refused(capsys):
    import functools

    labels, probabilities = np.array([[0.0, 1.0]]), np.array([[0.3, 0.7]])
    for answer in (keras.losses.categorical_crossentropy,
                   functools.partial(keras.losses.categorical_crossentropy, from_logits=False)):
        result, verdict = checks.call_answer("cross entropy", answer, labels, probabilities, hint="",
                                             forbidden=FORBIDDEN)
        assert result is None and not verdict
        assert "that is keras.losses.categorical_crossentropy itself" in capsys.readouterr().out
