"""Chapter 08's claims about Keras: names, the ``lr`` argument, how ``compile`` resolves "accuracy", the order
``fit`` visits rows in, what ``summary`` lists, run on the installed versions."""

import contextlib
import inspect
import io
from unittest import mock

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras.src.backend.tensorflow.trainer import TFEpochIterator
from keras.src.trainers import compile_utils
from tensorflow.python.eager import context

from course_lib import notebook, recipe
from tests.claims import claim

CHAPTER = "08_keras_recipe_iris"
STEP_2 = "## Step 2: training and test data (训练集与测试集)"
STEP_4 = "## Step 4: compile (配置训练方法)"
STEP_5 = "## Step 5: fit (执行训练过程)"
STEP_6 = "## Step 6: summary (打印网络结构, 统计参数数目)"
SUMMARY = "## Summary (小结)"

@contextlib.contextmanager
def _without_a_global_seed():
    """TensorFlow as in a fresh process that set no seed (nor op determinism, which refuses unseeded random
    ops, as a test that ran notebook.setup before would leave it); the caller's settings are put back after."""
    from tensorflow.python.framework import config

    eager = context.context()
    saved = eager._seed, getattr(eager, "_rng", None)
    deterministic = config.is_op_determinism_enabled()
    eager._seed, eager._rng = None, None
    config.disable_op_determinism()
    try:
        yield
    finally:
        eager._seed, eager._rng = saved
        if deterministic:
            config.enable_op_determinism()


def _rows_visited(seeded):
    with notebook.seeded(0) if seeded else _without_a_global_seed():
        return recipe.rows_visited(150, batch_size=32, num_epochs=2, shuffle=True, validation_split=0.2)


def _iterators_made(fit):
    """How many times ``fit`` asks its epoch iterator for a new iterator over the data."""
    with mock.patch.object(TFEpochIterator, "_get_iterator", autospec=True,
                           side_effect=lambda self: self._distributed_dataset) as made:
        fit()
    return made.call_count


def _tiny_model():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy")
    return model


X = np.random.default_rng(8).normal(size=(40, 4)).astype(np.float32)
Y = np.arange(40) % 3


@claim(CHAPTER, "title", "Keras (`tf.keras`), the high-level API of TensorFlow")
@claim(CHAPTER, "## Step 1: import (导入模块)",
       "with Keras 3 the same classes are `keras.layers.Dense` and `keras.Sequential` (`tf.keras` still points to them)")
def test_tf_keras_is_keras_3():
    assert keras.__version__.startswith("3.")
    assert tf.keras.layers.Dense is keras.layers.Dense
    assert tf.keras.models.Sequential is keras.Sequential
    assert tf.keras.optimizers.SGD is keras.optimizers.SGD


@claim(CHAPTER, "title", "fix the one line of the source that Keras 3 rejects (`lr=`)")
@claim(CHAPTER, STEP_4, "The source writes `tf.keras.optimizers.SGD(lr=0.1)`")
@claim(CHAPTER, STEP_4, "the installed Keras 3 rejects it, and the argument is spelled out")
@claim(CHAPTER, SUMMARY, "Keras 3 spells the learning rate out")
def test_the_lr_argument_is_rejected_and_learning_rate_works():
    """The source's call, ``tf.keras.optimizers.SGD(lr=0.1)``, and the training log it produced are in the
    source text (../shared/seeds/001_*.txt, the iris example's compile line and its epochs 65-70)."""
    for sgd in (keras.optimizers.SGD, tf.keras.optimizers.SGD):
        with pytest.raises(ValueError, match="lr"):
            sgd(lr=0.1)
    assert float(keras.optimizers.SGD(learning_rate=0.1).learning_rate) == pytest.approx(0.1)


@claim(CHAPTER, STEP_2, "`keras.regularizers.l2()` adds $0.01 \\sum w^2$ to the loss")
def test_l2_regularizer_defaults_to_0_01():
    kernel = np.array([[1.0, -2.0], [0.5, 3.0]], np.float32)
    assert float(keras.regularizers.l2()(kernel)) == pytest.approx(0.01 * np.sum(kernel ** 2))


@claim(CHAPTER, STEP_2, "`fit` will hold out the last 20 % of the rows")
@claim(CHAPTER, STEP_5, "With `shuffle=True` (the default) `fit` trains on the first 120 rows")
def test_validation_split_holds_out_the_last_rows():
    assert inspect.signature(keras.Model.fit).parameters["shuffle"].default is True
    epochs = recipe.rows_visited(150, batch_size=32, num_epochs=1, validation_split=0.2)
    assert sorted(epochs[0]) == list(range(120))


@claim(CHAPTER, STEP_2, "`keras.Input(shape=(4,))` tells the model its input size up front, so that `summary` can "
                        "count the parameters before training")
def test_an_input_lets_the_model_count_its_parameters_before_training():
    with_input = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
    assert with_input.built and with_input.count_params() == 15
    without = keras.Sequential([keras.layers.Dense(3)])
    assert not without.built
    with pytest.raises(ValueError):
        without.count_params()


@claim(CHAPTER, STEP_4, "is a shortcut that Keras resolves from the **shapes** of the labels and the predictions, "
                        "not from the loss")
def test_the_string_accuracy_is_resolved_from_the_shapes():
    """``get_metric`` in keras/src/trainers/compile_utils.py takes the labels and predictions, never the loss."""
    def resolved(y_true_shape, y_pred_shape):
        return type(compile_utils.get_metric("accuracy", tf.zeros(y_true_shape), tf.zeros(y_pred_shape))).__name__

    assert resolved((8, 3), (8, 1)) == "BinaryAccuracy"
    assert resolved((8,), (8, 3)) == "SparseCategoricalAccuracy"
    assert resolved((8, 1), (8, 3)) == "SparseCategoricalAccuracy"
    assert resolved((8, 3), (8, 3)) == "CategoricalAccuracy"
    assert type(compile_utils.get_metric("acc", tf.zeros((8,)), tf.zeros((8, 3)))).__name__ == \
        "SparseCategoricalAccuracy"
    # In compile, with integer labels and three probabilities, and a loss that is not a cross entropy:
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss=lambda y_true, y_pred: tf.reduce_mean(y_pred), metrics=["accuracy"])
    measured = model.evaluate(X, Y, verbose=0, return_dict=True)["accuracy"]
    assert measured == pytest.approx(np.mean(np.argmax(model.predict(X, verbose=0), axis=1) == Y))


@claim(CHAPTER, STEP_5, "for arrays `fit` makes a new iterator over its shuffled rows at **every epoch**")
@claim(CHAPTER, STEP_5, "with the seeds set every epoch visits the rows in the same order")
@claim(CHAPTER, STEP_5, "without the seeds each epoch gets a new order")
def test_fit_on_arrays_visits_the_rows_in_the_same_order_every_epoch_when_seeded():
    """Checked on Keras 3.15 with TensorFlow 2.21: ``TFEpochIterator`` makes a new iterator over one
    ``tf.data`` pipeline at every epoch, and the pipeline's ``tf.random.shuffle`` draws its permutation from
    seeds fixed when the pipeline is built (array_data_adapter.py), so with a global seed every new
    iterator draws the same permutation; without one, each draws a new one. A later Keras may differ:
    this test then names the sentence to rewrite."""
    seeded, unseeded = _rows_visited(True), _rows_visited(False)
    assert seeded[0] == seeded[1] and seeded[0] != list(range(120)) and sorted(seeded[0]) == list(range(120))
    assert unseeded[0] != unseeded[1] and sorted(unseeded[1]) == list(range(120))
    # Two per epoch: one as the epoch starts (steps_per_epoch is None for arrays), one as it ends.
    assert _iterators_made(lambda: _tiny_model().fit(X, Y, batch_size=8, epochs=3, verbose=0)) == 2 * 3


@claim(CHAPTER, "## The same recipe with a subclassed `Model` (用类搭建网络)",
       "give it one endless dataset, reshuffled at each pass (`recipe.repeated_dataset`), and say how many steps "
       "make an epoch")
def test_an_endless_dataset_is_iterated_once_and_reshuffles_every_pass():
    dataset = recipe.repeated_dataset(X, Y, batch_size=8, seed=3)
    assert _iterators_made(lambda: _tiny_model().fit(dataset, steps_per_epoch=5, epochs=3, verbose=0)) == 1
    rows = recipe.repeated_dataset(np.arange(40), np.zeros(40), batch_size=8, seed=3)
    first, second = (np.concatenate([x for x, _ in part]) for part in (rows.take(5), rows.skip(5).take(5)))
    assert sorted(first) == sorted(second) == list(range(40)) and not np.array_equal(first, second)


@claim(CHAPTER, STEP_6, "After `compile` and `fit`, Keras 3 also lists two optimizer variables (its step counter "
                        "and learning rate)")
def test_summary_lists_the_optimizer_variables_after_fit():
    """The source's summary (../shared/seeds/001_*.txt, after its iris fit) lists only Total, Trainable and
    Non-trainable params: 15, 15, 0."""
    model = _tiny_model()
    model.fit(X, Y, epochs=1, verbose=0)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        model.summary(print_fn=lambda line, **_: print(line))
    assert "Optimizer params: 2" in printed.getvalue()
    assert sorted(variable.name for variable in model.optimizer.variables) == ["iteration", "learning_rate"]
    assert model.count_params() == 15


@claim(CHAPTER, "### `model.build`: the source's 984-parameter summary",
       "in Keras 3 a variable's `name` is only `kernel`, and the layer-qualified name is its `path`")
@claim(CHAPTER, SUMMARY, "A variable's layer-qualified name is its `path` in Keras 3")
def test_a_variable_is_named_kernel_and_its_path_names_the_layer():
    """The source's ``p.name`` printed ``dense/kernel:0`` (../shared/seeds/003_*.txt, its model.build example)."""
    layer = keras.layers.Dense(16, name="dense")
    layer.build((None, 10))
    assert layer.kernel.name == "kernel" and layer.kernel.path == "dense/kernel"


@claim(CHAPTER, "## Panel: epochs, learning rate and L2 (训练面板)",
       "with the hyperparameters passed as tensors so it is traced once")
def test_the_compiled_loop_is_traced_once_for_any_hyperparameters():
    (x_fit, y_fit), (x_val, y_val) = recipe.iris_split()
    recipe.train_softmax_regression(x_fit, y_fit, x_val, y_val, num_epochs=2)
    traced = recipe._compiled_training.experimental_get_tracing_count()
    for learning_rate, l2 in ((0.05, 0.0), (0.3, 0.1)):
        recipe.train_softmax_regression(x_fit, y_fit, x_val, y_val, num_epochs=3, learning_rate=learning_rate, l2=l2)
    assert recipe._compiled_training.experimental_get_tracing_count() == traced


@claim(CHAPTER, "## The test loop by hand (网络测试: softmax, argmax, `tf.equal`)",
       "`tf.argmax` returns `int64` by default")
def test_argmax_returns_int64_unless_asked_for_int32():
    scores = tf.constant([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]])
    assert tf.argmax(scores, axis=1).dtype == tf.int64
    assert tf.argmax(scores, axis=1, output_type=tf.int32).dtype == tf.int32


@claim(CHAPTER, "## The test loop by hand (网络测试: softmax, argmax, `tf.equal`)",
       "TensorFlow never converts a dtype silently, and `tf.equal` raises an `InvalidArgumentError` on an `int64` "
       "prediction against `int32` labels")
def test_tf_equal_refuses_mixed_integer_dtypes_where_numpy_promotes():
    predicted, labels = tf.constant([1, 0], tf.int64), tf.constant([1, 2], tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.equal(predicted, labels)
    with pytest.raises((tf.errors.InvalidArgumentError, TypeError)):
        predicted + labels  # no silent conversion in arithmetic either
    assert list(np.asarray(predicted) == np.asarray(labels)) == [True, False]  # NumPy promotes
    assert list(tf.equal(tf.cast(predicted, tf.int32), labels).numpy()) == [True, False]


@claim(CHAPTER, "## The Functional API (函数式 API)",
       "the Functional API has the advantage that Keras knows the graph before any data flow")
def test_a_functional_model_knows_its_connections_and_checks_shapes_when_built():
    first, second = keras.Input((2,), name="first"), keras.Input((3,), name="second")
    model = keras.Model([first, second], keras.layers.Concatenate()([first, second]))
    assert model.output.shape == (None, 5)  # known before any data
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        model.summary()
    assert "Connected to" in printed.getvalue() and "first" in printed.getvalue()
    with pytest.raises(ValueError):
        keras.layers.Add()([first, second])  # shapes (2,) and (3,) refused as the graph is written


def _one_step_model():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy")
    x, y = np.random.default_rng(8).normal(size=(16, 4)).astype(np.float32), np.arange(16) % 3
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    return model


@claim(CHAPTER, "## Saving and resuming a run (保存模型, 断点续训)",
       "`keras.saving.load_model(\"run.keras\")` gives the model back, compiled and ready to `fit`")
def test_a_keras_file_keeps_the_weights_the_compile_settings_and_the_optimizer_state(tmp_path):
    model = _one_step_model()
    path = str(tmp_path / "run.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.compiled and isinstance(loaded.optimizer, keras.optimizers.Adam)
    assert int(loaded.optimizer.iterations) == 2
    for saved, kept in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(saved), np.asarray(kept))  # Adam's moments and its counter
    for saved, kept in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(saved, kept)


@claim(CHAPTER, "## Saving and resuming a run (保存模型, 断点续训)",
       "makes `fit` save such a file after every epoch")
def test_model_checkpoint_saves_after_every_epoch_by_default(tmp_path):
    model = _one_step_model()
    checkpoint = keras.callbacks.ModelCheckpoint(str(tmp_path / "epoch_{epoch:02d}.keras"))
    assert checkpoint.save_freq == "epoch"
    x, y = np.zeros((8, 4), np.float32), np.zeros(8, np.int64)
    model.fit(x, y, epochs=3, verbose=0, callbacks=[checkpoint])
    assert sorted(path.name for path in tmp_path.iterdir()) == ["epoch_01.keras", "epoch_02.keras", "epoch_03.keras"]
