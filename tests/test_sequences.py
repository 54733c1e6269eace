"""Unit tests of course_lib.sequences and its exercise (chapter 10's LSTM section)."""

import keras
import numpy as np
import pytest

from course_lib import sequences
from course_lib.exercises import sequences as exercises


def test_adding_problem_marks_two_steps_and_sums_their_values():
    x, y = sequences.adding_problem(50, length=7, seed=3)
    assert x.shape == (50, 7, 2) and y.shape == (50,) and x.dtype == np.float32
    assert np.all(x[:, :, 1].sum(axis=1) == 2) and set(np.unique(x[:, :, 1])) == {0.0, 1.0}
    np.testing.assert_allclose(y, (x[:, :, 0] * x[:, :, 1]).sum(axis=1), rtol=1e-6)
    assert np.all((x[:, :, 0] >= 0) & (x[:, :, 0] < 1))
    again, _ = sequences.adding_problem(50, length=7, seed=3)
    np.testing.assert_array_equal(x, again)
    other, _ = sequences.adding_problem(50, length=7, seed=4)
    assert not np.array_equal(x, other)
    positions = np.argmax(x[:, :, 1], axis=1)
    assert len(set(positions)) > 1  # the marked steps move from sequence to sequence


@pytest.mark.parametrize("arguments", [(0,), (5, 1), (5.5,), (-2,)])
def test_adding_problem_names_a_bad_argument(arguments):
    with pytest.raises(ValueError):
        sequences.adding_problem(*arguments)


@pytest.mark.parametrize("features, units", [(2, 16), (3, 5), (1, 1), (10, 7)])
def test_lstm_parameter_count_matches_keras(features, units):
    layer = keras.layers.LSTM(units)
    layer.build((None, 4, features))
    assert sequences.lstm_parameter_count(features, units) == layer.count_params()


def test_the_two_networks_are_seeded_and_shaped_alike():
    lstm, dense = sequences.lstm_regressor(), sequences.dense_regressor()
    assert lstm.input_shape == dense.input_shape == (None, sequences.SEQUENCE_LENGTH, sequences.NUM_FEATURES)
    assert lstm.output_shape == dense.output_shape == (None, 1)
    np.testing.assert_array_equal(lstm.get_weights()[0], sequences.lstm_regressor().get_weights()[0])
    assert lstm.count_params() == sequences.lstm_parameter_count(2, 16) + 16 + 1


def test_train_and_compare_trains_both_on_the_same_budget_and_the_lstm_learns_the_sum():
    x_train, y_train = sequences.adding_problem(3000, length=10, seed=0)
    x_test, y_test = sequences.adding_problem(500, length=10, seed=1)
    results = sequences.train_and_compare(x_train, y_train, x_test, y_test, num_epochs=6, progress=False)
    assert set(results) == {"LSTM", "Dense"}
    assert all(len(result["test_mse"]) == 6 for result in results.values())
    baseline = float(np.mean((y_test - y_train.mean()) ** 2))
    assert results["LSTM"]["test_mse"][-1] < baseline / 10
    figure = sequences.comparison_figure(results, baseline)
    labels = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert labels[-1] == "always predict the mean" and any(label.startswith("LSTM") for label in labels)


def test_train_and_compare_names_a_bad_argument():
    x, y = sequences.adding_problem(10, length=4)
    with pytest.raises(ValueError, match="num_epochs"):
        sequences.train_and_compare(x, y, x, y, num_epochs=0)
    with pytest.raises(ValueError, match="x_test"):
        sequences.train_and_compare(x, y, x[:5], y, num_epochs=1)


def test_comparison_figure_names_a_bad_argument():
    with pytest.raises(TypeError, match="results"):
        sequences.comparison_figure([0.1, 0.2], 0.5)
    with pytest.raises(ValueError, match="results"):
        sequences.comparison_figure({"LSTM": {"test_mse": [0.1]}}, 0.5)
    with pytest.raises(ValueError, match="baseline_mse"):
        sequences.comparison_figure({"LSTM": {"test_mse": [0.1], "num_parameters": 3}}, float("nan"))


def _lstm_parameter_count(features, units):
    return 4 * (units * (features + units) + units)


def test_lstm_count_exercise_accepts_the_formula_and_names_each_slip(capsys):
    assert exercises.check_lstm_parameter_count(_lstm_parameter_count)
    assert "correct on 4 fresh test inputs" in capsys.readouterr().out
    assert not exercises.check_lstm_parameter_count(...)
    assert "not attempted yet" in capsys.readouterr().out
    slips = {"one gate": lambda f, u: u * (f + u) + u,
             "three gates": lambda f, u: 3 * (u * (f + u) + u),
             "biases are missing": lambda f, u: 4 * u * (f + u),
             "recurrent weights are missing": lambda f, u: 4 * (u * f + u),
             "Dense(1)": lambda f, u: _lstm_parameter_count(f, u) + u + 1}
    for words, slip in slips.items():
        assert not exercises.check_lstm_parameter_count(slip)
        assert words in capsys.readouterr().out
