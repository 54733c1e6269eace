"""Chapter 06's sentences about Keras (early stopping, regularizers, dropout), run on the installed versions."""

import functools
import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.claims import claim

CHAPTER = "06_overfitting_regularization"


@functools.lru_cache(maxsize=None)
def _fit(patience, epochs):
    """A one-weight linear model fitted with EarlyStopping(restore_best_weights=True): (callback, history, kept loss).

    It trains towards y = x from w = 0 while the validation data follow y = x/2, so the
    validation loss is lowest near w = 1/2 and rises after: a cheap, exact overfit.
    """
    x = np.linspace(-1.0, 1.0, 20, dtype=np.float32)[:, None]
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
    history = model.fit(x, x, batch_size=len(x), epochs=epochs, validation_data=(x, x / 2), callbacks=[stopping],
                        verbose=0).history
    return stopping, history, model.evaluate(x, x / 2, verbose=0)


@claim(CHAPTER, "## Classification: the circle data (分类)",
       "the best weights are put back in `on_train_end` **whenever** `restore_best_weights=True` and a best "
       "epoch was seen, also when `fit` reaches its last epoch before the patience runs out")
def test_early_stopping_restores_the_best_weights_when_fit_runs_out_of_epochs():
    """keras/src/callbacks/early_stopping.py restores in on_train_end, not only where it stops the training."""
    stopping, history, kept = _fit(patience=1000, epochs=40)
    assert stopping.stopped_epoch == 0 and len(history["loss"]) == 40   # the callback never stopped fit
    assert history["val_loss"][-1] > min(history["val_loss"]) + 1e-3     # the last epoch was not the best
    assert kept == pytest.approx(min(history["val_loss"]), abs=1e-6)    # yet the best weights are kept


@claim(CHAPTER, "## Summary (小结)", "on the installed Keras 3.15 also when `fit` ran out of epochs first")
def test_the_summary_restates_the_restore_at_the_end_of_fit():
    test_early_stopping_restores_the_best_weights_when_fit_runs_out_of_epochs()


@claim(CHAPTER, "## Classification: the circle data (分类)",
       "ends the training once it has not improved for `patience` epochs; with `restore_best_weights=True` it "
       "puts back the weights of the best epoch at the end")
def test_early_stopping_stops_after_patience_epochs_without_improvement():
    stopping, history, kept = _fit(patience=5, epochs=1000)
    assert stopping.stopped_epoch > 0 and len(history["loss"]) == stopping.stopped_epoch + 1
    assert stopping.stopped_epoch - stopping.best_epoch == 5
    assert kept == pytest.approx(min(history["val_loss"]), abs=1e-6)


@claim(CHAPTER, "## Regularization (正则化缓解过拟合)",
       "the source's lower-case `l2()` is the same class under a second name, and its argument is called `l2=`: "
       "the source's keyword call `l2(l=0.01)` raises a `TypeError`, while a positional `L2(0.01)` works")
def test_l2_is_an_alias_whose_keyword_is_l2():
    assert keras.regularizers.l2 is keras.regularizers.L2
    with pytest.raises(TypeError):
        keras.regularizers.l2(l=0.01)
    assert keras.regularizers.L2(0.01).get_config()["l2"] == pytest.approx(0.01)
    assert keras.regularizers.L2(l2=0.01).get_config()["l2"] == pytest.approx(0.01)


@claim(CHAPTER, "## Regularization (正则化缓解过拟合)",
       "The layer adds $\\lambda \\sum w^2$ to the loss, without the ½ of `tf.nn.l2_loss` ($\\sum w^2 / 2$)")
def test_kernel_regularizer_adds_lambda_times_the_sum_of_squares():
    layer = keras.layers.Dense(3, kernel_regularizer=keras.regularizers.L2(0.01))
    layer.build((None, 2))
    kernel = np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5
    layer.kernel.assign(kernel)
    squares = float(np.sum(kernel ** 2))
    assert float(sum(layer.losses)) == pytest.approx(0.01 * squares, rel=1e-6)   # the bias is not penalized
    assert float(tf.nn.l2_loss(kernel)) == pytest.approx(squares / 2, rel=1e-6)


KERAS_VERSION = tuple(int(part) for part in keras.__version__.split(".")[:2])


@claim(CHAPTER, "## Exercise 4 (build it): your own L2 regularizer",
       "Keras adds a penalty to the loss through `kernel_regularizer=`, which takes any function of the layer's "
       "kernel from Keras 3.15 on; Keras 3.12 to 3.14 take only a `keras.regularizers.Regularizer`")
def test_kernel_regularizer_takes_any_function_of_the_kernel_from_keras_3_15():
    """Keras' commit b1859b15ba "Allow plain callables as Regularizers" (#22795), first in tag v3.15.0: before
    it, keras/src/backend/common/variables.py's regularizer setter (v3.12.4 to v3.14.1) refused anything
    that is not a Regularizer. Runs on the installed version: .ci/run runs it on Keras 3.12.4 too."""
    def seven(kernel):
        return 7.0 + 0 * tf.reduce_sum(kernel)

    def build(regularizer):
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, kernel_regularizer=regularizer)])
        model(np.ones((1, 2), np.float32))
        return float(sum(model.losses))

    if KERAS_VERSION >= (3, 15):
        assert build(seven) == pytest.approx(7.0)
    else:
        with pytest.raises(ValueError, match="Expected an instance of `keras.regularizers.Regularizer`"):
            build(seven)


@claim(CHAPTER, "## Exercise 4 (build it): your own L2 regularizer",
       "`fitting.as_regularizer(function)` makes one of a function on any version")
def test_as_regularizer_works_on_every_keras():
    from course_lib import fitting

    kernel = np.array([[1.0, -2.0]], np.float32)
    regularizer = fitting.as_regularizer(lambda w: 0.5 * tf.reduce_sum(tf.square(w)))
    assert isinstance(regularizer, keras.regularizers.Regularizer)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(2, use_bias=False, kernel_regularizer=regularizer)])
    model.layers[0].kernel.assign(kernel)
    model(np.ones((1, 1), np.float32))
    assert float(sum(model.losses)) == pytest.approx(2.5)
    with pytest.raises(TypeError, match="function must be a function of the kernel"):
        fitting.as_regularizer(0.01)


@claim(CHAPTER, "## Dropout",
       "In Keras it is a layer, `keras.layers.Dropout(p)`, active only when the model is called with `training=True`")
def test_dropout_acts_only_in_training():
    x = np.ones((200, 50), np.float32)
    dropout = keras.layers.Dropout(0.5, seed=1)
    assert np.array_equal(dropout(x).numpy(), x) and np.array_equal(dropout(x, training=False).numpy(), x)
    trained = dropout(x, training=True).numpy()
    assert set(np.unique(trained)) == {0.0, 2.0}              # switched off, or scaled by 1/(1 − p)
    assert 0.45 < np.mean(trained == 0.0) < 0.55


@claim(CHAPTER, "## Dropout",
       "scales the kept units by $1/(1-p)$ right away")
def test_dropout_scales_the_kept_units_in_training_and_keeps_the_mean():
    x = np.ones((400, 50), np.float32)
    for rate in (0.2, 0.75):
        trained = keras.layers.Dropout(rate, seed=3)(x, training=True).numpy()
        assert set(np.unique(trained)) == {0.0, np.float32(1 / (1 - rate))}
        assert np.mean(trained) == pytest.approx(1.0, abs=0.05)
    layer = keras.layers.Dropout(0.5, seed=4)
    assert not np.array_equal(layer(x, training=True), layer(x, training=True))  # a new mask at every call


class _RecordsTraining(keras.layers.Layer):
    """A layer that passes its input through and notes the ``training`` flag of every call."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def call(self, x, training=None):
        self.seen.append(training)
        return x


@claim(CHAPTER, "## Dropout",
       "`fit` calls the model with `training=True`, while `predict`, `evaluate` and a plain `model(x)` run it "
       "in inference mode by default")
def test_fit_trains_and_predict_evaluate_and_a_plain_call_do_not():
    recorder = _RecordsTraining()
    model = keras.Sequential([keras.Input((2,)), recorder, keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    x, y = np.ones((4, 2), np.float32), np.ones((4, 1), np.float32)
    for run, expected in ((lambda: model.fit(x, y, epochs=1, verbose=0), True),
                          (lambda: model.predict(x, verbose=0), False),
                          (lambda: model.evaluate(x, y, verbose=0), False),
                          (lambda: model(x), None)):
        recorder.seen.clear()
        run()
        assert recorder.seen and set(recorder.seen) == {expected}
    dropout_model = keras.Sequential([keras.Input((2,)), keras.layers.Dropout(0.5)])
    np.testing.assert_array_equal(dropout_model(x), x)  # None: the Dropout layer treats it as inference
