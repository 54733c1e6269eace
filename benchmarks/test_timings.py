"""Wall-clock claims of the course, checked by `make bench` rather than by the unit tests.

A unit test must pass on any machine, however busy; these depend on the machine's speed,
so they live with the benchmarks (moved here from tests/test_forward.py). How fast each
panel answers is measured by benchmarks/latency.py, against the budgets of its report.
"""

import pytest
import tensorflow as tf

from course_lib import data, forward


@pytest.mark.needs_data
def test_batched_tf_function_steps_beat_eager_single_samples():
    """Chapter 02's claim: batches of 128 in a tf.function make an epoch more than 5x faster than
    eager single-sample steps."""
    (x_train, y_train), _ = data.load_mnist(flatten=True, one_hot=True)
    x_train, y_train = x_train[:1024], y_train[:1024]
    model, learning_rate = forward.MLP(seed=0), 1e-3

    def sgd_step(x, y):
        with tf.GradientTape() as tape:
            loss = forward.mse(y, model(x))
        for variable, gradient in zip(model.trainable_variables, tape.gradient(loss, model.trainable_variables)):
            variable.assign_sub(learning_rate * gradient)
        return loss

    eager = forward.time_epoch(sgd_step, forward.batches(x_train, y_train, 1), num_steps=30)
    compiled = forward.time_epoch(tf.function(sgd_step), forward.batches(x_train, y_train, 128), num_steps=5)
    assert eager["seconds_per_epoch"] > 5 * compiled["seconds_per_epoch"]
