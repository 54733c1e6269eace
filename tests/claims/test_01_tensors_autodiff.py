"""Chapter 01's claims about tensors, variables, GradientTape and tf.data, run on the installed TensorFlow."""

import inspect

import numpy as np
import pytest
import tensorflow as tf

from tests.claims import claim

CHAPTER = "01_tensors_autodiff"


@claim(CHAPTER, "## Creating tensors (创建张量)", "A tensor is immutable.")
def test_a_tensor_cannot_be_changed_in_place():
    a = tf.constant([1.0, 2.0])
    assert not hasattr(a, "assign") and not hasattr(a, "assign_sub")
    with pytest.raises(TypeError):
        a[0] = 5.0


@claim(CHAPTER, "## Creating tensors (创建张量)",
       "normal values, redrawn when they fall more than two standard deviations from the mean")
def test_truncated_normal_stays_within_two_standard_deviations():
    values = tf.random.truncated_normal([200_000], stddev=0.1, seed=3).numpy()
    assert np.abs(values).max() <= 0.2 and np.abs(values).max() > 0.19  # cut at 2σ, and filled up to it
    assert values.std() == pytest.approx(0.1 * 0.88, rel=0.02)  # a normal cut at ±2σ has σ·0.880


@claim(CHAPTER, "## Broadcasting (广播)", "otherwise the operation fails.")
def test_a_broadcast_of_unequal_sizes_fails():
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.zeros([2, 3]) + tf.constant([1.0, 2.0])
    assert (tf.zeros([2, 1, 3]) + tf.zeros([4, 1])).shape == (2, 4, 3)


@claim(CHAPTER, "## Variables (变量)",
       "Writing `w = w - learning_rate * gradient` instead replaces the variable by a plain tensor, which the "
       "tape no longer watches: the next gradient would be `None`.")
def test_replacing_a_variable_by_a_tensor_loses_its_gradient():
    w = tf.Variable([1.0, 2.0])
    w.assign_sub(0.1 * tf.ones(2))
    assert isinstance(w, tf.Variable) and w.trainable
    w = w - 0.1
    assert not isinstance(w, tf.Variable)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(w ** 2)
    assert tape.gradient(loss, w) is None


@claim(CHAPTER, "## Automatic differentiation: GradientTape (自动求导)",
       "Variables are watched automatically; a constant must be watched with `tape.watch`, or its gradient is `None`.")
def test_constants_need_watch_variables_do_not():
    x, c = tf.Variable(2.0), tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        y_variable, y_constant = x * 3.0, c * 3.0
    assert float(tape.gradient(y_variable, x)) == 3.0 and tape.gradient(y_constant, c) is None


@claim(CHAPTER, "## Automatic differentiation: GradientTape (自动求导)",
       "A tape is released after one `gradient` call. `persistent=True` keeps it for several calls")
def test_a_tape_gives_one_gradient_unless_persistent():
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = x ** 2
    tape.gradient(y, x)
    with pytest.raises(RuntimeError):
        tape.gradient(y, x)
    with tf.GradientTape(persistent=True) as tape:
        y = x ** 2
    assert float(tape.gradient(y, x)) == float(tape.gradient(y, x)) == 4.0


@claim(CHAPTER, "### What the tape watches: `watch_accessed_variables`",
       "`tf.GradientTape(watch_accessed_variables=True)`, the default, watches every trainable variable the "
       "computation reads.")
@claim(CHAPTER, "### What the tape watches: `watch_accessed_variables`",
       "With `False` it watches only what `tape.watch` names, and gives `None` for every other variable")
def test_watch_accessed_variables_defaults_to_true_and_false_watches_only_what_is_named():
    assert inspect.signature(tf.GradientTape).parameters["watch_accessed_variables"].default is True
    x, w = tf.Variable(2.0), tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = x ** 2 * w
    assert len(tape.watched_variables()) == 2
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(w)
        y = x ** 2 * w
    dy_dx, dy_dw = tape.gradient(y, [x, w])
    assert dy_dx is None and float(dy_dw) == 4.0


@claim(CHAPTER, "### A source the target does not depend on: `unconnected_gradients`",
       "When no operation leads from a source to the target, `tape.gradient` returns `None` for that source: "
       "that is the default, `unconnected_gradients=tf.UnconnectedGradients.NONE`.")
def test_unconnected_gradients_default_to_none():
    default = inspect.signature(tf.GradientTape.gradient).parameters["unconnected_gradients"].default
    assert default == tf.UnconnectedGradients.NONE
    x, v = tf.Variable(2.0), tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = x ** 2
    assert tape.gradient(y, [x, v])[1] is None


@claim(CHAPTER, "### A source the target does not depend on: `unconnected_gradients`",
       "With `tf.UnconnectedGradients.ZERO` the tape returns zeros shaped like the source instead")
def test_unconnected_gradients_zero_gives_zeros_of_the_source_shape():
    x, v = tf.Variable(2.0), tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        y = x ** 2
    gradient = tape.gradient(y, v, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert gradient.shape == v.shape and not np.any(gradient.numpy())


@claim(CHAPTER, "## Feeding data: tf.data (数据管道)",
       "`.batch(n)` groups `n` elements into one tensor (the last batch may be smaller);")
def test_batch_keeps_a_smaller_last_batch():
    sizes = [int(batch.shape[0]) for batch in tf.data.Dataset.range(10).batch(4)]
    assert sizes == [4, 4, 2]


@claim(CHAPTER, "## Feeding data: tf.data (数据管道)",
       "`.repeat(count)` goes through the data `count` times (epochs), forever without `count`;")
def test_repeat_counts_epochs_and_is_endless_without_a_count():
    assert list(tf.data.Dataset.range(3).repeat(2).as_numpy_iterator()) == [0, 1, 2, 0, 1, 2]
    assert tf.data.Dataset.range(3).repeat().cardinality() == tf.data.INFINITE_CARDINALITY


@claim(CHAPTER, "## Feeding data: tf.data (数据管道)",
       "`.shuffle(buffer_size)` draws elements at random from a buffer of that size;")
def test_shuffle_draws_from_its_buffer():
    # a buffer of 1 can only give the elements in order; a full buffer permutes them
    assert list(tf.data.Dataset.range(20).shuffle(1).as_numpy_iterator()) == list(range(20))
    shuffled = list(tf.data.Dataset.range(20).shuffle(20, seed=1).as_numpy_iterator())
    assert sorted(shuffled) == list(range(20)) and shuffled != list(range(20))
    # with a buffer of 2 the first element drawn is one of the first two
    firsts = {int(next(iter(tf.data.Dataset.range(20).shuffle(2, seed=seed)))) for seed in range(20)}
    assert firsts == {0, 1}


TAPE = "## Automatic differentiation: GradientTape (自动求导)"


@claim(CHAPTER, TAPE, "`tf.stop_gradient(v)` returns the value of `v`, but the tape treats it as a constant: no "
                      "gradient flows back through it.")
def test_stop_gradient_keeps_the_value_and_blocks_the_gradient():
    x = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as tape:
        stopped = tf.stop_gradient(x ** 2)
        y = x * stopped
    assert float(stopped) == 4.0 and float(y) == 8.0
    assert float(tape.gradient(y, x)) == 4.0  # x², the other factor only, where 3x² = 12
    assert tape.gradient(stopped, x) is None


@claim(CHAPTER, TAPE, "When the target is not one number, `tape.gradient(y, x)` returns the gradient of the **sum** "
                      "of its entries: one number per entry of `x`, never one per entry of `y`.")
def test_the_gradient_of_a_vector_target_is_the_gradient_of_its_sum():
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.stack([x[0] * x[1], x[2] ** 2])
        total = tf.reduce_sum(y)
    gradient = tape.gradient(y, x)
    assert gradient.shape == x.shape
    np.testing.assert_allclose(gradient.numpy(), tape.gradient(total, x).numpy())
    np.testing.assert_allclose(gradient.numpy(), [2.0, 1.0, 6.0])


@claim(CHAPTER, TAPE, "To keep the outputs apart, `tape.jacobian(y, x)` returns the **Jacobian** (雅可比矩阵) "
                      "$\\partial y_i/\\partial x_j$, of shape `y.shape + x.shape`; summing its rows gives back what "
                      "`gradient` returned.")
def test_jacobian_has_one_row_per_output_and_sums_to_the_gradient():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.stack([tf.reduce_sum(x ** 2), x[0, 0] * x[1, 1], tf.sin(x[0, 1])])
    jacobian = tape.jacobian(y, x)
    assert jacobian.shape == y.shape + x.shape
    np.testing.assert_allclose(jacobian.numpy()[1], [[4.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(tf.reduce_sum(jacobian, axis=0).numpy(), tape.gradient(y, x).numpy(), rtol=1e-6)


@claim(CHAPTER, TAPE, "An `if`, a `for` or a `while` in Python only decides *which* operations run, so it needs "
                      "nothing special: the gradient is the one of the path taken.")
def test_python_control_flow_under_the_tape_gives_the_gradient_of_the_path_taken():
    for point, slope in ((2.0, 4.0), (-2.0, -3.0)):
        x = tf.Variable(point)
        with tf.GradientTape(persistent=True) as tape:
            branched = x ** 2 if x > 0 else -3.0 * x
            looped = x
            while looped.shape == () and abs(float(looped)) < 10:
                looped = looped * x
        assert float(tape.gradient(branched, x)) == slope
        assert float(tape.gradient(looped, x)) == pytest.approx(4 * point ** 3)  # x⁴ after three products


@claim(CHAPTER, TAPE, "`tf.Variable(3)` holds an `int32`, and for it `tape.gradient` returns `None`")
def test_an_integer_variable_gets_no_gradient():
    whole, real = tf.Variable(3), tf.Variable(3.0)
    assert whole.dtype == tf.int32 and real.dtype == tf.float32
    with tf.GradientTape() as tape:
        y = tf.cast(whole, tf.float32) * real + tf.cast(whole * whole, tf.float32)
    gradient_whole, gradient_real = tape.gradient(y, [whole, real])
    assert gradient_whole is None and float(gradient_real) == 3.0


@claim(CHAPTER, TAPE, "unless `tape.watch` names it, the tape records nothing about it, and its gradient is "
                      "`None` however it is used.")
def test_an_unwatched_constant_gets_none_however_it_is_used():
    constant = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        used_twice = constant * constant + tf.exp(constant)
    assert tape.gradient(used_twice, constant) is None
    with tf.GradientTape() as tape:
        tape.watch(constant)
        used_twice = constant * constant + tf.exp(constant)
    assert float(tape.gradient(used_twice, constant)) == pytest.approx(6.0 + np.exp(3.0), rel=1e-6)
