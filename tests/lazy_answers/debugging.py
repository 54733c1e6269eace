"""Lazy answers to chapter 11's "find the bug" exercises: the broken code handed back, the chapter's own
healthy network or the check's own derivative handed in, a value for the chapter's inputs only, half a fix,
ready-made standardisers."""

import keras
import numpy as np
import tensorflow as tf
from sklearn.preprocessing import StandardScaler

from course_lib import debugging, training
from course_lib.exercises import debugging as exercises


def _broken_slope_gradient(w0, x, y):  # the chapter's broken function, handed back as it is
    w = tf.constant(w0)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((w * x - y) ** 2)
    return tape.gradient(loss, w)


def _dense(units, initializer="glorot_uniform", activation="relu"):
    return keras.layers.Dense(units, activation=activation, kernel_initializer=initializer)


def _model(first="glorot_uniform", second="glorot_uniform", output=None, units=(64, 64)):
    return keras.Sequential([keras.Input((784,)), _dense(units[0], first),
                             *[_dense(count, second) for count in units[1:]], _dense(10, activation=output)])


def _normal():
    return keras.initializers.RandomNormal(stddev=1.0)


_ONE_MODEL = []


def _the_same_model_every_time():
    if not _ONE_MODEL:
        _ONE_MODEL.append(_model())
    return _ONE_MODEL[0]


def _trained_before_it_is_returned():
    model = _model()
    (x, y), _ = debugging.mnist_slice(num_train=2000, num_test=1)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=64, epochs=3, verbose=0)
    return model


def _keras_normalization(x_train, x_test):
    layer = keras.layers.Normalization()
    layer.adapt(x_train)
    return np.asarray(layer(x_train)), np.asarray(layer(x_test))


def _scikit_learn(x_train, x_test):
    scaler = StandardScaler().fit(x_train)
    return scaler.transform(x_train), scaler.transform(x_test)


def _broken_standardize(x_train, x_test):  # the chapter's broken function, handed back as it is
    mean, std = x_test.mean(), x_test.std()
    return (x_train - mean) / std, (x_test - mean) / std


def _test_statistics(x_train, x_test):
    mean, std = x_test.mean(axis=0), x_test.std(axis=0)
    return (x_train - mean) / std, (x_test - mean) / std


def _always(verdict):
    return lambda model, x, y, loss_fn: verdict


def _untrained_loss_is_sane(model, x, y, loss_fn):  # the health report's loss test, without any training
    return bool(float(loss_fn(y, model(x))) < 3 * np.log(10))


def _five_steps(model, x, y, loss_fn):  # trains, but stops long before a healthy network memorises
    run = training.train(model, tf.data.Dataset.from_tensors((x, y)), loss_fn=loss_fn,
                         optimizer=keras.optimizers.Adam(1e-3), num_epochs=5, progress=False)
    return run.last("loss") < 0.05


def _library_test(model, x, y, loss_fn):
    return debugging.overfit_one_batch(model, x, y, loss_fn).last("loss") < debugging.ONE_BATCH_LOSS


def _accuracy_one(model, x, y, loss_fn):  # judged by the accuracy, which the double softmax reaches too
    run = training.train(model, tf.data.Dataset.from_tensors((x, y)), loss_fn=loss_fn,
                         optimizer=keras.optimizers.Adam(1e-3), num_epochs=150,
                         metrics={"accuracy": training.accuracy}, progress=False)
    return run.last("accuracy") == 1.0


def _per_variable(gradients, clip_norm):  # clipnorm, not global_clipnorm
    return [g * clip_norm / tf.maximum(tf.norm(g), clip_norm) for g in gradients]


def _scaled_always(gradients, clip_norm):
    norm = tf.sqrt(tf.add_n([tf.reduce_sum(g ** 2) for g in gradients]))
    return [g * clip_norm / norm for g in gradients]


def _batch_norm_per_example(z, gamma, beta, epsilon):
    mean, variance = tf.reduce_mean(z, axis=1, keepdims=True), tf.math.reduce_variance(z, axis=1, keepdims=True)
    return gamma * (z - mean) / tf.sqrt(variance + epsilon) + beta


def _keras_layer(z, gamma, beta, epsilon):
    layer = keras.layers.BatchNormalization(epsilon=epsilon)
    layer.build(z.shape)
    layer.gamma.assign(gamma)
    layer.beta.assign(beta)
    return layer(z, training=True)


def _fresh_layer_inference(z, gamma, beta, epsilon):  # what a new layer gives with training=False
    return gamma * z / tf.sqrt(1.0 + epsilon) + beta


LAZY = {
    "check_slope_gradient": [
        ("the chapter's broken function, unchanged (None)", lambda: exercises.check_slope_gradient(_broken_slope_gradient)),
        ("the check's own derivative handed in",
         lambda: exercises.check_slope_gradient(lambda w0, x, y: exercises._slope_gradient(w0, x, y))),
        ("the derivative at the chapter's w0 = 0.5, x = [1, 2, 3], y = [2, 4, 6] (−14), whatever the input",
         lambda: exercises.check_slope_gradient(lambda w0, x, y: tf.constant(-14.0))),
        ("the loss instead of its gradient",
         lambda: exercises.check_slope_gradient(lambda w0, x, y: tf.reduce_mean((w0 * x - y) ** 2))),
        ("a number instead of a function", lambda: exercises.check_slope_gradient(-14.0)),
    ],
    "check_fixed_model": [
        ("the chapter's healthy network, debugging.mlp", lambda: exercises.check_fixed_model(lambda: debugging.mlp())),
        ("the broken model handed back", lambda: exercises.check_fixed_model(exercises.broken_model)),
        ("only the zero initialisation fixed (trains to 0.53-0.61)",
         lambda: exercises.check_fixed_model(lambda: _model(first=_normal()))),
        ("only the N(0, 1) initialisation fixed (trains to 0.11)",
         lambda: exercises.check_fixed_model(lambda: _model(second="zeros"))),
        ("a softmax added to the output, which Keras' loss silently undoes",
         lambda: exercises.check_fixed_model(lambda: _model(output="softmax"))),
        ("another network that trains: 784-128-10", lambda: exercises.check_fixed_model(lambda: _model(units=(128,)))),
        ("one model returned at every call", lambda: exercises.check_fixed_model(_the_same_model_every_time)),
        ("a model trained before the check trains it", lambda: exercises.check_fixed_model(_trained_before_it_is_returned)),
    ],
    "check_standardize": [
        ("Keras' Normalization layer of section 8", lambda: exercises.check_standardize(_keras_normalization)),
        ("scikit-learn's StandardScaler", lambda: exercises.check_standardize(_scikit_learn)),
        ("the chapter's broken function, unchanged", lambda: exercises.check_standardize(_broken_standardize)),
        ("per feature, but with the test set's statistics", lambda: exercises.check_standardize(_test_statistics)),
    ],
    "check_can_overfit": [
        ("always True", lambda: exercises.check_can_overfit(_always(True))),
        ("always False", lambda: exercises.check_can_overfit(_always(False))),
        ("the untrained loss compared with 3 ln 10, no training", lambda: exercises.check_can_overfit(_untrained_loss_is_sane)),
        ("five steps only", lambda: exercises.check_can_overfit(_five_steps)),
        ("the chapter's debugging.overfit_one_batch", lambda: exercises.check_can_overfit(_library_test)),
        ("the accuracy on the batch instead of the loss", lambda: exercises.check_can_overfit(_accuracy_one)),
        ("the number 0.05 instead of a function", lambda: exercises.check_can_overfit(0.05)),
    ],
    "check_clip_by_global_norm": [
        ("TensorFlow's tf.clip_by_global_norm", lambda: exercises.check_clip_by_global_norm(
            lambda gradients, clip_norm: tf.clip_by_global_norm(gradients, clip_norm)[0])),
        ("tf.clip_by_norm on each gradient", lambda: exercises.check_clip_by_global_norm(
            lambda gradients, clip_norm: [tf.clip_by_norm(g, clip_norm) for g in gradients])),
        ("each gradient clipped by its own norm (clipnorm)", lambda: exercises.check_clip_by_global_norm(_per_variable)),
        ("scaled to the clip even when below it", lambda: exercises.check_clip_by_global_norm(_scaled_always)),
        ("clipvalue: every entry clipped", lambda: exercises.check_clip_by_global_norm(
            lambda gradients, clip_norm: [tf.clip_by_value(g, -clip_norm, clip_norm) for g in gradients])),
        ("the gradients handed back unchanged", lambda: exercises.check_clip_by_global_norm(
            lambda gradients, clip_norm: gradients)),
        ("section 11's printed step, whatever the input", lambda: exercises.check_clip_by_global_norm(
            lambda gradients, clip_norm: [tf.constant([0.2308, 0.3077]), tf.constant([0.9231])])),
    ],
    "check_batch_norm": [
        ("Keras' BatchNormalization layer", lambda: exercises.check_batch_norm(_keras_layer)),
        ("tf.nn.moments and tf.nn.batch_normalization", lambda: exercises.check_batch_norm(
            lambda z, gamma, beta, epsilon: tf.nn.batch_normalization(z, *tf.nn.moments(z, axes=[0]), beta, gamma,
                                                                      epsilon))),
        ("the statistics of each example instead of each unit", lambda: exercises.check_batch_norm(_batch_norm_per_example)),
        ("a fresh layer in inference mode", lambda: exercises.check_batch_norm(_fresh_layer_inference)),
        ("z handed back", lambda: exercises.check_batch_norm(lambda z, gamma, beta, epsilon: z)),
    ],
}
