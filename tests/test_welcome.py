"""Chapter 00's exercises: the pixel count and the best line, each mistake with its own hint."""

import numpy as np
import pytest

from course_lib.exercises import welcome as exercises


def test_pixel_count(capsys):
    assert not exercises.check_pixel_count(...)
    assert "784" not in capsys.readouterr().out
    assert exercises.check_pixel_count(784)
    assert not exercises.check_pixel_count(28)
    assert "one side" in capsys.readouterr().out


@pytest.mark.parametrize("w, b, reason", [
    (1.0, 2.0, "you swapped them"),
    (-2.0, 1.0, "the slope has the wrong sign"),
    (2.0, -1.0, "the intercept has the wrong sign"),
    (1.0, 1.0, "about half"),
    (4.0, 1.0, "about twice"),
    (0.0, -3.0, "through the middle of the points"),
])
def test_best_line_says_why_it_misses(capsys, w, b, reason):
    assert not exercises.check_best_line(w, b)
    out = capsys.readouterr().out
    assert out.startswith("✗ MSE of y = ") and "\n  Why: " in out and reason in out


def test_best_line_passes_and_rejects_what_is_not_a_number(capsys):
    assert not exercises.check_best_line(..., 1.0)
    assert "not attempted" in capsys.readouterr().out
    assert exercises.check_best_line(np.float32(2.0), 1.0)
    assert "Why" not in capsys.readouterr().out
    assert not exercises.check_best_line(None, 1.0)
    assert "w: your answer is None" in capsys.readouterr().out
    assert not exercises.check_best_line(2.0, "1")
    assert "b: your answer is the text '1'" in capsys.readouterr().out
    assert not exercises.check_best_line([2.0, 1.0], 1.0)
    assert "w: give one number" in capsys.readouterr().out


def _gradient_step(w, b, x, y, learning_rate):
    error = w * x + b - y
    return w - learning_rate * 2 * np.mean(error * x), b - learning_rate * 2 * np.mean(error)


def test_gradient_step_exercise_runs_the_function_and_fits_the_line(capsys):
    assert not exercises.check_gradient_step(...)
    assert "not attempted" in capsys.readouterr().out
    assert exercises.check_gradient_step(_gradient_step)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "✓ gradient_step: correct on 3 fresh test inputs."
    assert out[1].startswith("100 of your steps from w = b = 0 on the chapter's points reach y = ")
    assert out[2] == "✓ MSE of the line your steps reach ≤ 0.25"
    assert not exercises.check_gradient_step(_gradient_step, num_steps=1)  # one small step is not yet a fit
    assert "✗ MSE of the line your steps reach" in capsys.readouterr().out


@pytest.mark.parametrize("slip, hint", [
    (lambda w, b, x, y, lr: _gradient_step(w, b, x, y, -lr), "stepped uphill"),
    (lambda w, b, x, y, lr: _gradient_step(w, b, x, y, lr / 2), "factor 2"),
    (lambda w, b, x, y, lr: _gradient_step(w, b, x, y, lr * len(x)), "divide the sum by n"),
    (lambda w, b, x, y, lr: (w - lr * 2 * np.mean(w * x + b - y), b - lr * 2 * np.mean(w * x + b - y)), "factor x"),
    (lambda w, b, x, y, lr: _gradient_step(w, b, x, y, lr)[::-1], "not the expected value yet"),
    (lambda w, b, x, y, lr: w - lr, "shape ()"),
])
def test_gradient_step_exercise_names_the_slip(capsys, slip, hint):
    assert not exercises.check_gradient_step(slip)
    out = capsys.readouterr().out
    assert out.startswith("✗ gradient_step: on test input 1 of 3: ") and hint in out


def test_gradient_step_exercise_refuses_a_step_taken_by_the_course_the_tape_or_keras(capsys):
    import tensorflow as tf

    def by_tape(w, b, x, y, learning_rate):
        line = tf.Variable([w, b], dtype=tf.float64)
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(line[0] * x + line[1] - y))
        return tuple((line - learning_rate * tape.gradient(loss, line)).numpy())

    assert not exercises.check_gradient_step(by_tape)
    assert "tensorflow.GradientTape" in capsys.readouterr().out
    assert not exercises.check_gradient_step(lambda *args: tuple(exercises._step(*args)))
    assert "welcome._step" in capsys.readouterr().out
    with tf.GradientTape() as tape:  # the tape is back after the check
        assert tape is not None
