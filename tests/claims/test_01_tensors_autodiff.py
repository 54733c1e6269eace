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
