"""Chapter 11's claims about Keras' and TensorFlow's behaviour, run on the installed versions."""

import inspect
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.claims import claim

CHAPTER = "11_debugging"
LABELS = np.array([3, 1, 4, 1, 5, 9, 2, 6])
LOGITS = np.random.default_rng(11).normal(size=(8, 10)).astype(np.float32)


@claim(CHAPTER, "## 2 Too large an initialisation (初始化过大)",
       "Forget the `stddev` and `tf.random.normal` gives 1.0")
def test_tf_random_normal_has_a_standard_deviation_of_one_by_default():
    assert inspect.signature(tf.random.normal).parameters["stddev"].default == 1.0
    assert float(tf.math.reduce_std(tf.random.normal([100_000], seed=1))) == pytest.approx(1.0, abs=0.01)


@claim(CHAPTER, "## 2 Too large an initialisation (初始化过大)",
       "Keras' default, Glorot (Xavier) uniform, scales the spread to the layer")
@claim(CHAPTER, "## 2 Too large an initialisation (初始化过大)", "leave Keras' default initializer")
@claim(CHAPTER, "## Summary (小结)", "Keras' default initializer; losses from logits")
def test_dense_starts_from_glorot_uniform_scaled_to_the_layer():
    for num_inputs, units in ((784, 64), (64, 10)):
        layer = keras.layers.Dense(units)
        assert isinstance(layer.kernel_initializer, keras.initializers.GlorotUniform)
        layer.build((None, num_inputs))
        kernel, limit = layer.kernel.numpy(), np.sqrt(6 / (num_inputs + units))
        assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.95 * limit


@claim(CHAPTER, "## 5 Sparse or one-hot labels? (稀疏标签与独热标签)",
       "Give one the other's labels and Keras 3 refuses with a `ValueError`")
def test_each_cross_entropy_refuses_the_other_kind_of_labels_directly_and_in_fit():
    one_hot = np.eye(10, dtype=np.float32)[LABELS]
    with pytest.raises(ValueError):
        keras.losses.CategoricalCrossentropy(from_logits=True)(LABELS, LOGITS)
    with pytest.raises(ValueError):
        keras.losses.SparseCategoricalCrossentropy(from_logits=True)(one_hot, LOGITS)
    model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(10)])
    model.compile(optimizer="sgd", loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    with pytest.raises(ValueError):
        model.fit(LOGITS, LABELS, epochs=1, verbose=0)
    assert np.isfinite(float(keras.losses.CategoricalCrossentropy(from_logits=True)(one_hot, LOGITS)))


@claim(CHAPTER, "## 6 Softmax, then `from_logits=True` (重复 softmax)",
       "A Keras softmax (`activation=\"softmax\"`) leaves its input on the output tensor, and "
       "`categorical_crossentropy` with `from_logits=True` uses it instead, with a warning")
def test_a_keras_softmax_output_carries_its_logits_and_the_loss_uses_them():
    probabilities = keras.layers.Activation("softmax")(LOGITS)
    np.testing.assert_allclose(probabilities._keras_logits, LOGITS)
    right = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(LABELS, LOGITS))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rescued = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(LABELS, probabilities))
    assert rescued == pytest.approx(right, rel=1e-6)
    one_hot = np.eye(10, dtype=np.float32)[LABELS]
    categorical = keras.losses.categorical_crossentropy(one_hot, probabilities, from_logits=True)
    np.testing.assert_allclose(categorical, keras.losses.categorical_crossentropy(one_hot, LOGITS, from_logits=True),
                               rtol=1e-6)
    assert any("from_logits=True" in str(warning.message) for warning in caught)
    plain = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(LABELS, np.asarray(probabilities)))
    assert plain > 1.4  # the NumPy copy carries nothing: softmax is applied a second time


@claim(CHAPTER, "## 7 A `None` gradient (梯度为 None)",
       "`optimizer.apply_gradients` then skips that variable with only a warning (it raises only when no "
       "variable has a gradient)")
def test_apply_gradients_skips_a_none_gradient_with_a_warning():
    used, unused = tf.Variable(1.0), tf.Variable(2.0)
    optimizer = keras.optimizers.SGD(learning_rate=0.5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        optimizer.apply_gradients([(tf.constant(1.0), used), (None, unused)])
    assert float(used) == 0.5 and float(unused) == 2.0
    assert any("Gradients do not exist" in str(warning.message) for warning in caught)
    with pytest.raises(ValueError, match="No gradients"):
        keras.optimizers.SGD(learning_rate=0.5).apply_gradients([(None, unused)])


def _clipped_step(**clipping):
    """The step SGD (learning rate 1) takes from zero with gradients (3, 4) and (12) under ``clipping``."""
    pair = [tf.Variable([0.0, 0.0]), tf.Variable([0.0])]
    keras.optimizers.SGD(learning_rate=1.0, **clipping).apply_gradients(
        zip([tf.constant([3.0, 4.0]), tf.constant([12.0])], pair))
    return [-variable.numpy() for variable in pair]


@claim(CHAPTER, "## 11 Exploding gradients: clip them, or lower the rate? (梯度裁剪)",
       "Every Keras optimizer can clip the gradients")
def test_the_three_clipping_arguments_do_what_the_table_says():
    per_variable, global_norm, per_entry = (_clipped_step(**{name: 1.0})
                                            for name in ("clipnorm", "global_clipnorm", "clipvalue"))
    np.testing.assert_allclose(per_variable[0], [0.6, 0.8], rtol=1e-6)
    np.testing.assert_allclose(per_variable[1], [1.0], rtol=1e-6)
    np.testing.assert_allclose(np.concatenate(global_norm), np.array([3.0, 4.0, 12.0]) / 13.0, rtol=1e-6)
    np.testing.assert_allclose(np.concatenate(per_entry), [1.0, 1.0, 1.0])
    np.testing.assert_allclose(np.concatenate(_clipped_step(global_clipnorm=20.0)), [3.0, 4.0, 12.0])  # below: untouched
    for optimizer in (keras.optimizers.Adam, keras.optimizers.RMSprop):  # every optimizer takes them
        assert optimizer(global_clipnorm=1.0).global_clipnorm == 1.0


@claim(CHAPTER, "## 11 Exploding gradients: clip them, or lower the rate? (梯度裁剪)",
       "A Keras optimizer takes only one of the three: giving two raises a `ValueError`")
def test_an_optimizer_refuses_two_clipping_arguments():
    for pair in ({"clipnorm": 1.0, "clipvalue": 1.0}, {"clipnorm": 1.0, "global_clipnorm": 1.0},
                 {"clipvalue": 1.0, "global_clipnorm": 1.0}):
        with pytest.raises(ValueError, match="Only one of"):
            keras.optimizers.SGD(**pair)


@claim(CHAPTER, "### Training and inference differ (训练与推理)",
       "Keras' default momentum is $m = 0.99$ (and $\\epsilon = 0.001$)")
def test_batch_normalization_defaults():
    layer = keras.layers.BatchNormalization()
    assert layer.momentum == 0.99 and layer.epsilon == 0.001


@claim(CHAPTER, "### Training and inference differ (训练与推理)",
       "During training it keeps **moving averages** (滑动平均) of them")
def test_batch_normalization_moving_averages_start_at_0_and_1_and_serve_inference():
    z = np.random.default_rng(12).normal(loc=5.0, scale=3.0, size=(64, 4)).astype(np.float32)
    layer = keras.layers.BatchNormalization()
    layer.build(z.shape)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), 0.0)
    np.testing.assert_array_equal(layer.moving_variance.numpy(), 1.0)
    np.testing.assert_allclose(layer(z, training=False), z / np.sqrt(1.001), rtol=1e-5)  # the averages, not the batch
    training_output = layer(z, training=True).numpy()
    np.testing.assert_allclose(training_output, (z - z.mean(0)) / np.sqrt(z.var(0) + 0.001), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.01 * z.mean(0), rtol=1e-4)


@claim(CHAPTER, "### Training and inference differ (训练与推理)",
       "evaluate with `training=False` as `predict` and `evaluate` do")
def test_predict_and_evaluate_use_inference_mode():
    x = np.random.default_rng(13).normal(loc=2.0, size=(32, 3)).astype(np.float32)
    model = keras.Sequential([keras.Input((3,)), keras.layers.BatchNormalization()])
    np.testing.assert_allclose(model.predict(x, verbose=0), model(x, training=False), rtol=1e-6)
    assert not np.allclose(model(x, training=False), model(x, training=True), atol=1e-2)
    model.compile(loss="mse")
    np.testing.assert_allclose(model.evaluate(x, np.zeros_like(x), verbose=0),
                               np.mean(np.square(model(x, training=False))), rtol=1e-5)
