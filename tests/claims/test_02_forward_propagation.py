"""Chapter 02's claims about TensorFlow and Keras, run on the installed versions."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tests.claims import claim

CHAPTER = "02_forward_propagation"


@claim(CHAPTER, "## The loss and the training step (损失与训练)",
       "`GradientTape` records the forward pass and gives the six gradients; `assign_sub` updates each "
       "variable in place.")
def test_the_tape_gives_every_gradient_and_assign_sub_updates_in_place():
    variables = [tf.Variable(tf.ones([3, 2])), tf.Variable(tf.zeros([2]))]
    x = tf.constant([[1.0, 2.0, 3.0]])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(x @ variables[0] + variables[1]))
    gradients = tape.gradient(loss, variables)
    assert all(gradient is not None and gradient.shape == variable.shape
               for gradient, variable in zip(gradients, variables))
    kept = variables[0]
    returned = kept.assign_sub(0.1 * gradients[0])
    assert variables[0] is kept and isinstance(kept, tf.Variable)
    np.testing.assert_allclose(kept.numpy(), 1.0 - 0.1 * gradients[0].numpy())
    np.testing.assert_allclose(np.asarray(returned), kept.numpy())


@claim(CHAPTER, "## The loss and the training step (损失与训练)",
       "(Writing `w1 = w1 - lr * grad` instead would replace the variable by a plain tensor, which the tape "
       "no longer watches.)")
def test_subtracting_replaces_the_variable_by_an_unwatched_tensor():
    w1 = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        loss = tf.square(w1)
    w1 = w1 - 0.1 * tape.gradient(loss, w1)
    assert not isinstance(w1, tf.Variable) and isinstance(w1, tf.Tensor)
    with tf.GradientTape() as tape:
        loss = tf.square(w1)
    assert tape.gradient(loss, w1) is None


@claim(CHAPTER, "### The MSE as a squared norm (二范数)",
       '`tf.norm` of a matrix is this norm by default (`ord="euclidean"`, over all entries)')
def test_tf_norm_of_a_matrix_is_the_euclidean_norm_of_all_entries_by_default():
    import inspect

    parameters = inspect.signature(tf.norm).parameters
    assert parameters["ord"].default == "euclidean" and parameters["axis"].default is None
    matrix = tf.constant([[1.0, -2.0, 3.0], [4.0, 0.5, -6.0]])
    assert float(tf.norm(matrix)) == pytest.approx(np.sqrt(np.sum(matrix.numpy() ** 2)))
    # over all entries, not the matrix 2-norm (largest singular value)
    assert float(tf.norm(matrix)) != pytest.approx(np.linalg.norm(matrix.numpy(), 2))


@claim(CHAPTER, "## Why batch size and `tf.function` matter (批大小与 tf.function)",
       "The source first fed the images **one at a time** (`from_tensor_slices` without `.batch`)")
def test_from_tensor_slices_without_batch_gives_one_image_at_a_time():
    images = np.zeros((5, 784), np.float32)
    labels = np.zeros((5, 10), np.float32)
    dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    assert dataset.element_spec[0].shape == (784,) and int(dataset.cardinality()) == 5
    assert dataset.batch(2).element_spec[0].shape.as_list() == [None, 784]


@claim(CHAPTER, "## Why batch size and `tf.function` matter (批大小与 tf.function)",
       "**`tf.function`**: it traces the step once into a TensorFlow graph, which then runs without Python "
       "between the operations.")
def test_tf_function_traces_once_then_runs_the_graph():
    traces = []

    @tf.function
    def step(x):
        traces.append(1)  # Python runs only while tracing
        return tf.reduce_sum(x * 2.0)

    for value in range(4):
        assert float(step(tf.fill([3], float(value)))) == 6.0 * value
    assert len(traces) == 1
    graph = step.get_concrete_function(tf.TensorSpec([3], tf.float32)).graph
    assert len(graph.get_operations()) > 0


@claim(CHAPTER, "## The source's run: MSE + SGD, learning rate 0.001, 50 epochs",
       "(`keras.optimizers.SGD` does exactly our `assign_sub` update)")
def test_keras_sgd_by_default_is_the_plain_assign_sub_update():
    optimizer = keras.optimizers.SGD(learning_rate=0.01)
    assert optimizer.momentum == 0.0 and optimizer.nesterov is False and optimizer.weight_decay is None
    by_keras, by_hand = tf.Variable([1.0, -2.0, 3.0]), tf.Variable([1.0, -2.0, 3.0])
    for _ in range(3):
        gradient = tf.constant([0.5, -1.5, 2.0]) * by_keras
        optimizer.apply_gradients([(gradient, by_keras)])
        by_hand.assign_sub(0.01 * tf.constant([0.5, -1.5, 2.0]) * by_hand)
    np.testing.assert_allclose(by_keras.numpy(), by_hand.numpy(), rtol=1e-6)


@claim(CHAPTER, "## The fix: cross entropy and Adam", "Keras 3 only accepts `learning_rate=`")
def test_keras_3_adam_refuses_lr():
    """Keras 2's optimizers (``keras/optimizers/optimizer_v2/optimizer_v2.py``, ``OptimizerV2.__init__``) took
    ``lr`` with the warning "The `lr` argument is deprecated, use `learning_rate` instead."; Keras 3 raises."""
    assert keras.__version__.startswith("3.")
    with pytest.raises(ValueError, match="lr"):
        keras.optimizers.Adam(lr=1e-3)
    assert float(keras.optimizers.Adam(learning_rate=1e-3).learning_rate) == pytest.approx(1e-3)
