"""Chapter 05's claims about Keras' and TensorFlow's losses, run on the installed versions."""

import inspect

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.claims import claim

CHAPTER = "05_losses"

#: Chapter 05 §4's confidently wrong model: the true class's logit 120 below the others.
WRONG_LABEL = np.array([[1.0, 0.0, 0.0]], dtype=np.float32)
WRONG_LOGITS = np.array([[-120.0, 0.0, 0.0]], dtype=np.float32)
TRUE_LOSS = 120.0 + np.log(2.0)


@claim(CHAPTER, "## 1. Mean squared error (均方误差)",
       "The source's `tf.losses.mean_squared_error` raises `AttributeError` on the installed TensorFlow 2.21 "
       "with Keras 3, whose `tf.losses` is Keras' `tf.keras.losses` and spells that function `tf.losses.MSE`.")
def test_tf_losses_mean_squared_error_is_gone_and_mse_is_keras_function():
    """TensorFlow 2.21 with Keras 3 makes ``tf.losses`` a lazy loader of ``keras._tf_keras.keras.losses``
    (keras/_tf_keras/keras/losses/__init__.py), which imports ``mean_squared_error as MSE`` and
    ``as mse`` but not under its own name."""
    assert tf.__version__.startswith("2.21") and keras.__version__.startswith("3.")
    assert all(getattr(tf.losses, name) is getattr(tf.keras.losses, name)
               for name in ("MSE", "categorical_crossentropy", "MeanSquaredError"))
    with pytest.raises(AttributeError):
        tf.losses.mean_squared_error  # noqa: B018
    assert tf.losses.MSE is keras.losses.mean_squared_error


@claim(CHAPTER, "## 1. Mean squared error (均方误差)",
       "Keras has it as `keras.losses.MeanSquaredError()`, and as the function `keras.losses.mean_squared_error`.")
def test_keras_has_mse_as_a_class_and_a_function():
    y_true, y_pred = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.5, 2.0, 2.0, 4.5])
    expected = np.mean((y_pred - y_true) ** 2)
    assert float(keras.losses.MeanSquaredError()(y_true, y_pred)) == pytest.approx(expected)
    assert float(keras.losses.mean_squared_error(y_true, y_pred)) == pytest.approx(expected)


@claim(CHAPTER, "## 1. Mean squared error (均方误差)",
       "the source's `tf.losses.MSE` is Keras' `keras.losses.mean_squared_error`, which averages each row")
def test_mean_squared_error_averages_each_row():
    y, out = np.eye(4)[[1, 2, 3, 0, 2]], np.random.default_rng(5).normal(size=(5, 4))
    per_row = keras.losses.mean_squared_error(y, out).numpy()
    assert per_row.shape == (5,)
    np.testing.assert_allclose(per_row, np.mean((y - out) ** 2, axis=1), rtol=1e-6)


@claim(CHAPTER, "## 2. Cross entropy (交叉熵)",
       "The logarithm is the natural one, $\\ln$, in TensorFlow and Keras")
def test_keras_cross_entropy_uses_the_natural_log():
    loss = float(keras.losses.categorical_crossentropy([1.0, 0.0], [0.6, 0.4]))
    assert loss == pytest.approx(-np.log(0.6), rel=1e-6) and loss != pytest.approx(-np.log2(0.6), rel=1e-3)


@claim(CHAPTER, "## 2. Cross entropy (交叉熵)",
       "Their `tf.losses.categorical_crossentropy` is the same function as `keras.losses.categorical_crossentropy`")
def test_tf_losses_categorical_crossentropy_is_keras_function():
    assert tf.losses.categorical_crossentropy is keras.losses.categorical_crossentropy


@claim(CHAPTER, "## 4. `from_logits` and numerical stability (数值稳定性)",
       "Given the probabilities of an eager `tf.nn.softmax`, or the same numbers as a NumPy array (what "
       "`model.predict` returns), Keras clips them to $[10^{-7}, 1 - 10^{-7}]$ to avoid the `inf` and returns "
       "$-\\ln 10^{-7} \\approx 16.12$: finite, but wrong, and its gradient is zero.")
def test_probabilities_without_their_logits_are_clipped_and_give_no_gradient():
    """keras/src/backend/tensorflow/nn.py, ``categorical_crossentropy``: without ``_keras_logits``
    and outside a graph (an EagerTensor is not traced back to its Softmax op), the probabilities are
    clipped to [epsilon, 1 − epsilon], epsilon = 1e-7."""
    assert keras.backend.epsilon() == pytest.approx(1e-7)
    logits = tf.constant(WRONG_LOGITS)
    with tf.GradientTape() as tape:
        tape.watch(logits)
        probabilities = tf.nn.softmax(logits)
        loss = keras.losses.categorical_crossentropy(WRONG_LABEL, probabilities)
    assert float(loss[0]) == pytest.approx(-np.log(1e-7), rel=1e-4)
    np.testing.assert_array_equal(tape.gradient(loss, logits).numpy(), 0.0)
    model = keras.Sequential([keras.Input((3,)),
                              keras.layers.Dense(3, activation="softmax", use_bias=False, kernel_initializer="identity")])
    predicted = model.predict(WRONG_LOGITS, verbose=0)
    assert isinstance(predicted, np.ndarray)
    assert float(keras.losses.categorical_crossentropy(WRONG_LABEL, predicted)[0]) == pytest.approx(-np.log(1e-7),
                                                                                                   rel=1e-4)


@claim(CHAPTER, "## 4. `from_logits` and numerical stability (数值稳定性)",
       "In Keras 3 the output of `keras.activations.softmax`, and so of a `Dense(..., activation=\"softmax\")` "
       "layer, keeps its logits (`_keras_logits`), and the cross entropy uses them: both give 120.69, like "
       "`from_logits=True`.")
def test_a_keras_softmax_keeps_its_logits_for_the_cross_entropy():
    """keras/src/activations/activations.py ``softmax`` sets ``output._keras_logits = x``;
    keras/src/backend/tensorflow/nn.py ``_get_logits`` then computes the loss from those logits."""
    activation = keras.activations.softmax(tf.constant(WRONG_LOGITS))
    assert hasattr(activation, "_keras_logits") and not hasattr(tf.nn.softmax(WRONG_LOGITS), "_keras_logits")
    layer = keras.layers.Dense(3, activation="softmax", use_bias=False, kernel_initializer="identity")
    for probabilities in (activation, layer(WRONG_LOGITS)):
        assert float(keras.losses.categorical_crossentropy(WRONG_LABEL, probabilities)[0]) == pytest.approx(
            TRUE_LOSS, rel=1e-5)
    from_logits = keras.losses.categorical_crossentropy(WRONG_LABEL, WRONG_LOGITS, from_logits=True)
    assert float(from_logits[0]) == pytest.approx(TRUE_LOSS, rel=1e-5)


@claim(CHAPTER, "## 4. `from_logits` and numerical stability (数值稳定性)",
       "So a Keras model with a softmax last layer and `from_logits=False` (the default, what the source does, as "
       "in chapter 08) loses nothing in `fit`.")
def test_a_softmax_model_trains_on_its_logits_in_fit():
    assert inspect.signature(keras.losses.CategoricalCrossentropy).parameters["from_logits"].default is False
    model = keras.Sequential([keras.Input((3,)),
                              keras.layers.Dense(3, activation="softmax", use_bias=False, kernel_initializer="identity")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss=keras.losses.CategoricalCrossentropy())
    assert model.evaluate(WRONG_LOGITS, WRONG_LABEL, verbose=0) == pytest.approx(TRUE_LOSS, rel=1e-5)
    before = model.layers[0].kernel.numpy().copy()
    model.fit(WRONG_LOGITS, WRONG_LABEL, epochs=1, verbose=0)
    assert np.abs(model.layers[0].kernel.numpy() - before).max() > 0.1  # a real gradient, not the clipped 0


@claim(CHAPTER, "## 5. Binary cross entropy (二元交叉熵)",
       "`keras.losses.BinaryCrossentropy` averages it over the samples.")
def test_binary_crossentropy_class_averages_the_samples():
    y_true, p = np.array([[1.0], [1.0], [0.0]]), np.array([[0.6], [0.8], [0.3]])
    per_sample = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))[:, 0]
    assert float(keras.losses.BinaryCrossentropy()(y_true, p)) == pytest.approx(per_sample.mean(), rel=1e-5)


@claim(CHAPTER, "## 5. Binary cross entropy (二元交叉熵)",
       "Binary CE treats each entry as its own yes/no question and averages over the last axis;")
def test_binary_crossentropy_averages_the_last_axis():
    label, prediction = np.array([1.0, 0.0]), np.array([0.9, 0.2])
    entries = -(label * np.log(prediction) + (1 - label) * np.log(1 - prediction))
    assert float(keras.losses.binary_crossentropy(label, prediction)) == pytest.approx(entries.mean(), rel=1e-5)


@claim(CHAPTER, "## 6. Sparse versus categorical (稀疏与独热标签)",
       "The numbers are identical; the sparse version just saves building the one-hot matrix, which matters "
       "with many classes. Both accept `from_logits=True`.")
def test_sparse_and_categorical_give_the_same_numbers():
    logits = np.random.default_rng(6).normal(size=(7, 4)).astype(np.float32)
    classes = np.array([0, 3, 1, 2, 2, 0, 1])
    sparse = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)(classes, logits)
    categorical = keras.losses.CategoricalCrossentropy(from_logits=True, reduction=None)(np.eye(4)[classes], logits)
    np.testing.assert_allclose(sparse.numpy(), categorical.numpy(), rtol=1e-6)


@claim(CHAPTER, "## Exercise 1: cross entropy with a smoothed label",
       "`keras.losses.CategoricalCrossentropy(label_smoothing=0.3)` trains against a softened label: it moves 0.3 "
       "of the one-hot label's weight onto all the classes evenly, so the label $(0, 1, 0)$ becomes "
       "$(0.1, 0.8, 0.1)$.")
def test_label_smoothing_softens_the_one_hot_label():
    prediction = np.array([[0.2, 0.7, 0.1]])
    smoothed = keras.losses.CategoricalCrossentropy(label_smoothing=0.3)(np.array([[0.0, 1.0, 0.0]]), prediction)
    by_hand = -np.sum(np.array([0.1, 0.8, 0.1]) * np.log(prediction))
    assert float(smoothed) == pytest.approx(by_hand, rel=1e-5)


@claim(CHAPTER, "## Exercise 4 (build it): a cross-entropy loss for `fit`",
       "Inside `fit` it runs on symbolic tensors in a compiled graph")
def test_a_loss_function_runs_on_symbolic_tensors_inside_fit():
    seen = []

    def loss(y_true, y_pred):
        seen.append(tf.executing_eagerly())
        return tf.reduce_sum(tf.square(y_true - y_pred), axis=-1)

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss=loss)
    model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=1, verbose=0)
    assert seen and not any(seen)


@claim(CHAPTER, "## 1. Mean squared error (均方误差)",
       "`tf.norm` of a matrix is the norm over all its entries")
def test_tf_norm_of_a_matrix_is_the_norm_of_all_entries():
    matrix = np.random.default_rng(1).normal(size=(5, 4))
    assert float(tf.norm(matrix)) == pytest.approx(np.sqrt(np.sum(matrix ** 2)), rel=1e-12)


@claim(CHAPTER, "## 4. `from_logits` and numerical stability (数值稳定性)",
       "In float32, $e^{z}$ overflows to `inf` once $z > 88.7$, and $\\infty/\\infty$ is `NaN`.")
def test_float32_exp_overflows_past_88_7():
    below, above = tf.exp(tf.constant([88.7, 88.8], tf.float32)).numpy()
    assert np.isfinite(below) and np.isinf(above)
    assert np.isnan((tf.constant(np.inf, tf.float32) / tf.constant(np.inf, tf.float32)).numpy())
