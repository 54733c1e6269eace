"""Sequences (序列) and the LSTM layer (长短期记忆网络), taught at the end of chapter 10.

The source names ``tf.keras.layers.LSTM()`` among the layers of the six-step recipe and
says no more. The task here is small enough for a CPU and needs a memory: the **adding
problem** of Hochreiter and Schmidhuber (1997). Each sequence holds, at every step, a
random value and a marker (0 or 1); exactly two steps are marked, and the target is the
sum of their two values. A network must find the marked steps wherever they are and
remember their values until the end. An LSTM applies the same weights at every step and
carries what it kept in its cell state; a Dense network on the flattened sequence has to
learn every position on its own.
"""

import keras
import numpy as np
from tqdm.keras import TqdmCallback

from course_lib import notebook, validate
from course_lib.plots import new_figure

#: Steps per sequence, and the two features of each step (a value and its marker).
SEQUENCE_LENGTH = 20
NUM_FEATURES = 2
#: The four gates of an LSTM (input, forget, cell candidate, output), each a Dense of [x, h].
NUM_GATES = 4


def adding_problem(num_sequences, length=SEQUENCE_LENGTH, seed=0):
    """``x`` of shape (num_sequences, length, 2): a uniform value in [0, 1) and a marker per step; ``y`` the marked sum.

    Exactly two distinct steps of each sequence are marked, anywhere. Taught in chapter 10.
    """
    num_sequences = validate.positive_int("num_sequences", num_sequences)
    length = validate.positive_int("length", length)
    if length < 2:
        raise ValueError(f"length must be at least 2 (two steps are marked), got {length}.")
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, (num_sequences, length))
    marked = np.argsort(rng.uniform(size=(num_sequences, length)), axis=1)[:, :2]  # two distinct steps
    markers = np.zeros((num_sequences, length))
    np.put_along_axis(markers, marked, 1.0, axis=1)
    x = np.stack([values, markers], axis=-1).astype(np.float32)
    return x, (values * markers).sum(axis=1).astype(np.float32)


def lstm_regressor(units=16, length=SEQUENCE_LENGTH, seed=0):
    """LSTM(units) reading the sequence step by step, then Dense(1): the predicted sum. Taught in chapter 10."""
    units = validate.positive_int("units", units)
    with notebook.seeded(seed):
        return keras.Sequential([keras.Input((length, NUM_FEATURES)), keras.layers.LSTM(units),
                                 keras.layers.Dense(1)], name="lstm_regressor")


def dense_regressor(hidden_units=64, length=SEQUENCE_LENGTH, seed=0):
    """The baseline: the flattened sequence into Dense(hidden_units, relu), then Dense(1). Taught in chapter 10."""
    hidden_units = validate.positive_int("hidden_units", hidden_units)
    with notebook.seeded(seed):
        return keras.Sequential([keras.Input((length, NUM_FEATURES)), keras.layers.Flatten(),
                                 keras.layers.Dense(hidden_units, activation="relu"), keras.layers.Dense(1)],
                                name="dense_regressor")


def lstm_parameter_count(features, units):
    """The trainable numbers of ``LSTM(units)`` on ``features`` inputs per step.

    Each of the four gates is a Dense layer of the step's input and the previous output
    together: ``units · (features + units)`` weights and ``units`` biases. Taught in chapter 10.
    """
    features = validate.positive_int("features", features)
    units = validate.positive_int("units", units)
    return NUM_GATES * (units * (features + units) + units)


def train_and_compare(x_train, y_train, x_test, y_test, *, num_epochs=8, batch_size=64, learning_rate=0.01, seed=0,
                      progress=True):
    """Train :func:`lstm_regressor` and :func:`dense_regressor` alike (Adam, MSE); their test MSE per epoch.

    Returns ``{name: {"model", "test_mse" (per epoch), "num_parameters"}}`` for "LSTM" and
    "Dense". Same data, same batches, same optimizer and epochs; ``progress`` shows a bar of
    epochs per network while it trains. Taught in chapter 10.
    """
    num_epochs = validate.positive_int("num_epochs", num_epochs)
    batch_size = validate.positive_int("batch_size", batch_size)
    learning_rate = validate.positive("learning_rate", learning_rate)
    validate.same_length(x_train, y_train, "x_train", "y_train")
    validate.same_length(x_test, y_test, "x_test", "y_test")
    length = x_train.shape[1]
    results = {}
    for name, model in (("LSTM", lstm_regressor(length=length, seed=seed)),
                        ("Dense", dense_regressor(length=length, seed=seed))):
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
        with notebook.seeded(seed):
            history = model.fit(x_train, y_train, batch_size=batch_size, epochs=num_epochs,
                                validation_data=(x_test, y_test), verbose=0,
                                callbacks=[TqdmCallback(verbose=0)] if progress else [])
        results[name] = {"model": model, "test_mse": history.history["val_loss"],
                         "num_parameters": model.count_params()}
    return results


def comparison_figure(results, baseline_mse):
    """Test MSE per epoch of :func:`train_and_compare`'s two networks, and the MSE of always predicting the mean.

    Taught in chapter 10.
    """
    validate.results("results", results, ("test_mse", "num_parameters"), kind=validate.DICT)
    baseline_mse = validate.non_negative("baseline_mse", baseline_mse)
    figure, ax = new_figure(7.0, 3.4)
    for name, result in results.items():
        epochs = np.arange(1, len(result["test_mse"]) + 1)
        ax.semilogy(epochs, result["test_mse"], "o-", label=f"{name} ({result['num_parameters']:,} parameters)")
    ax.axhline(baseline_mse, color="#999999", linestyle="--", label="always predict the mean")
    ax.set_xlabel("epoch")
    ax.set_ylabel("test MSE (log scale)")
    ax.set_title("the adding problem: sum of the two marked values")
    ax.legend(fontsize=8)
    return figure
