# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 01 Tensors and autodiff (张量与自动求导)
#
# Everything a network computes is a **tensor** (张量): a grid of numbers with a shape and a
# dtype. Training needs one more thing, the **gradient** of the loss with respect to every
# weight, which TensorFlow computes for us by automatic differentiation (自动求导). This
# chapter covers the tensor operations the source course uses (create, index and slice,
# reshape and broadcast, math), `tf.Variable`, `GradientTape`, and the `tf.data` pipeline
# that feeds a training loop.
#
# **In this chapter you will**
#
# - create tensors and read their shape and dtype; index, slice and reshape them;
# - predict the shape of a broadcast operation, with an interactive shape explorer;
# - update a `tf.Variable` in place with `assign_sub`;
# - compute gradients with `GradientTape`: `watch`, `persistent`, `watch_accessed_variables`,
#   `gradient` and its `unconnected_gradients`; write a derivative function of your own;
# - build a `tf.data` pipeline: `from_tensor_slices`, `map`, `shuffle`, `batch`, `repeat`.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "skip"}
from course_lib import notebook

notebook.setup()  # first, so that TensorFlow's start-up log stays quiet

import numpy as np
import tensorflow as tf

from course_lib import checks, data
from course_lib.exercises import tensors as exercises
from course_lib.widgets.tensors import broadcast_panel

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Creating tensors (创建张量)
#
# `tf.constant` makes a tensor from Python numbers or a NumPy array; `tf.convert_to_tensor`
# does the same for anything array-like. A tensor is immutable. Its **shape** lists the size
# of each axis, its **dtype** the kind of number: images are usually `float32`, labels
# `int32` or `int64`.

# %% slideshow={"slide_type": "fragment"}
a = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(a)
print("shape", a.shape, "rank", a.ndim, "dtype", a.dtype)
labels = tf.convert_to_tensor(np.array([5, 0, 4]), dtype=tf.int32)
print(labels)
print("as float:", tf.cast(labels, tf.float32).numpy(), " back to NumPy:", type(a.numpy()).__name__)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Tensors of a given shape, filled or random. A network's weights start random; the source
# uses a **truncated normal** (截断正态分布): normal values, redrawn when they fall more
# than two standard deviations from the mean, so no weight starts huge.

# %% slideshow={"slide_type": "fragment"}
print(tf.zeros([2, 3]).numpy())
print(tf.fill([2, 2], 7.0).numpy())
weights = tf.random.truncated_normal([784, 256], stddev=0.1)
print("truncated normal", weights.shape,
      f"min {float(tf.reduce_min(weights)):.2f} max {float(tf.reduce_max(weights)):.2f} (never beyond ±0.2)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Indexing and slicing (索引与切片)
#
# As in NumPy: `x[i]` picks along the first axis, `start:stop:step` slices, `...` stands for
# all the axes not written. MNIST's training images form a tensor of shape
# `[60000, 28, 28]`: image, row, column.

# %% slideshow={"slide_type": "notes"}
(x_train, y_train), _ = data.load_mnist(scale="none")
images = tf.convert_to_tensor(x_train)
print("all images   ", images.shape, images.dtype)
print("first image  ", images[0].shape, " its label", y_train[0])
print("row 14 of it ", images[0, 14].shape)
print("first 8, every other row and column", images[:8, ::2, ::2].shape)
print("pixel (14, 14) of every image", images[..., 14, 14].shape)
print("the middle of row 14:", images[0, 14, 10:18].numpy())

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Reshape (改变形状)
#
# `tf.reshape` reads the numbers in order and lays them out in a new shape; `-1` means
# "whatever size makes the count right". A dense layer needs each image as one row of
# 28·28 = 784 pixels. `tf.expand_dims` adds an axis of size 1, `tf.transpose` swaps axes.

# %% slideshow={"slide_type": "fragment"}
batch = images[:128]
rows = tf.reshape(batch, [-1, 28 * 28])
print("batch", batch.shape, "-> rows", rows.shape)
print("expand_dims", tf.expand_dims(batch, axis=-1).shape, " transpose", tf.transpose(a).shape)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Broadcasting (广播)
#
# Adding a bias vector `b` of shape `[256]` to a batch `x @ w` of shape `[b, 256]` works
# although the shapes differ: TensorFlow **broadcasts** them. The rule, for two shapes:
#
# 1. line them up on the right and pad the shorter one on the left with 1s;
# 2. on each axis, the sizes must be equal, or one of them 1, which is stretched (repeated)
#    to the other size;
# 3. otherwise the operation fails.
#
# Formally, shapes $(a_1,\dots,a_n)$ and $(b_1,\dots,b_n)$ (after padding) broadcast to
# $(\max(a_1,b_1),\dots,\max(a_n,b_n))$ when every pair has $a_i = b_i$ or
# $\min(a_i, b_i) = 1$. No data is copied: the stretching is virtual. `tf.broadcast_to`
# does it explicitly.

# %% slideshow={"slide_type": "notes"}
bias = tf.constant([10.0, 20.0, 30.0])
print((a + bias).numpy())
print(tf.broadcast_to(bias, [2, 3]).numpy())
column = tf.constant([[1.0], [2.0]])
print("(2, 1) * (3,) ->", (column * bias).shape)
try:
    a + tf.constant([1.0, 2.0])
except tf.errors.InvalidArgumentError:
    print("(2, 3) + (2,) fails: the last axes are 3 and 2, and neither is 1")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Try it: the shape explorer
#
# Type two shapes. Each box is one axis; the panel lines them up on the right and shows
# which 1s are stretched, and where two sizes conflict. Try `2, 1, 3` with `4, 1`, then
# `4, 3` with `4`, then `32, 28, 28, 1` with `3`.

# %% tags=["panel", "nbval-ignore-output"] slideshow={"slide_type": "subslide"}
broadcast_panel()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Math operations (数学运算)
#
# `+ - * /` and `**` work element by element (broadcasting as above); `@` is the matrix
# product (`tf.matmul`); the `reduce_` functions collapse an axis; `tf.argmax` finds the
# position of the largest value, which is how a classifier's 10 scores become a digit.

# %% slideshow={"slide_type": "fragment"}
print("a * a      ", (a * a).numpy().tolist())
print("a @ a^T    ", (a @ tf.transpose(a)).numpy().tolist())
print("sum        ", float(tf.reduce_sum(a)), " mean over axis 0", tf.reduce_mean(a, axis=0).numpy())
print("max per row", tf.reduce_max(a, axis=1).numpy(), " argmax per row", tf.argmax(a, axis=1).numpy())
print("exp, log, sqrt of 4:", [round(float(f(tf.constant(4.0))), 4) for f in (tf.exp, tf.math.log, tf.sqrt)])

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Variables (变量)
#
# Weights must change during training, but tensors cannot. A `tf.Variable` holds a tensor
# that can be updated in place, and `GradientTape` watches every trainable variable
# automatically. One step of gradient descent is `w.assign_sub(learning_rate * gradient)`.
# Writing `w = w - learning_rate * gradient` instead replaces the variable by a plain
# tensor, which the tape no longer watches: the next gradient would be `None`.

# %% slideshow={"slide_type": "fragment"}
w = tf.Variable(tf.constant([1.0, 2.0]))
w.assign_sub(0.1 * tf.constant([1.0, 1.0]))
print(w.numpy(), "still a", type(w).__name__, "trainable:", w.trainable)
w_replaced = w - 0.1
print("w - 0.1 is a", type(w_replaced).__name__)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Automatic differentiation: GradientTape (自动求导)
#
# Inside `with tf.GradientTape() as tape:` TensorFlow records the operations on watched
# values; `tape.gradient(target, sources)` then applies the chain rule backwards through them.
# Variables are watched automatically; a constant must be watched with `tape.watch`, or its
# gradient is `None`.
#
# The source's example: $y = x \cdot w$ with $x = 2$, $w = 1$. Since
# $\partial y / \partial w = x$, the gradient is **2.0**.

# %% slideshow={"slide_type": "notes"}
x = tf.constant(2.0)
w = tf.constant(1.0)
with tf.GradientTape() as tape:
    tape.watch(w)
    y = x * w
(grad_w,) = tape.gradient(y, [w])
print("dy/dw =", grad_w)
checks.check_answer("dy/dw of y = x*w at x = 2", grad_w, 2.0, hint="dy/dw = x")

# %% slideshow={"slide_type": "fragment"}
with tf.GradientTape() as tape:
    y = x * w  # w not watched this time
print("without watch:", tape.gradient(y, w))

# %% [markdown] slideshow={"slide_type": "fragment"}
# A tape is released after one `gradient` call. `persistent=True` keeps it for several
# calls, for example for a gradient with respect to each input separately. Here
# $y = x^2 w$, so $\partial y/\partial x = 2xw = 4$ and $\partial y/\partial w = x^2 = 4$;
# and a second order derivative with a tape inside a tape:
# $\partial^2 (x^3)/\partial x^2 = 6x = 12$.

# %% slideshow={"slide_type": "notes"}
x = tf.Variable(2.0)
w = tf.Variable(1.0)
with tf.GradientTape(persistent=True) as tape:
    y = x ** 2 * w
print("dy/dx =", float(tape.gradient(y, x)), " dy/dw =", float(tape.gradient(y, w)))
del tape  # a persistent tape holds its records until deleted

with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        y = x ** 3
    dy_dx = inner.gradient(y, x)
print("d(x^3)/dx =", float(dy_dx), " d2(x^3)/dx2 =", float(outer.gradient(dy_dx, x)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the tape watches: `watch_accessed_variables`
#
# `tf.GradientTape(watch_accessed_variables=True)`, the default, watches every trainable
# variable the computation reads. With `False` it watches only what `tape.watch` names, and
# gives `None` for every other variable: a way to ask for the gradient of a few variables of a
# large model without recording the rest. Here only $w$ is watched, so $\partial y/\partial x$
# is `None` although $y = x^2 w$ depends on $x$:

# %% slideshow={"slide_type": "fragment"}
with tf.GradientTape(watch_accessed_variables=False) as tape:
    tape.watch(w)
    y = x ** 2 * w
dy_dx, dy_dw = tape.gradient(y, [x, w])
print("watching only w: dy/dx =", dy_dx, " dy/dw =", float(dy_dw))
print("variables the tape watched:", len(tape.watched_variables()))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A source the target does not depend on: `unconnected_gradients`
#
# When no operation leads from a source to the target, `tape.gradient` returns `None` for that
# source: that is the default, `unconnected_gradients=tf.UnconnectedGradients.NONE`. The
# gradient is zero, but `None` says *there is no path*, which is often a bug: a weight the
# loss forgot to use, or a value computed outside the `with` block. With
# `tf.UnconnectedGradients.ZERO` the tape returns zeros shaped like the source instead, which
# an optimizer can apply. Here $y = x^2$ does not use the vector $v$:

# %% slideshow={"slide_type": "fragment"}
v = tf.Variable([1.0, 2.0, 3.0])
with tf.GradientTape(persistent=True) as tape:
    y = x ** 2
print("NONE (default):", [None if g is None else g.numpy().tolist() for g in tape.gradient(y, [x, v])])
print("ZERO:          ", [g.numpy().tolist() for g in
                          tape.gradient(y, [x, v], unconnected_gradients=tf.UnconnectedGradients.ZERO)])
del tape

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Feeding data: tf.data (数据管道)
#
# `tf.data.Dataset.from_tensor_slices((x, y))` cuts arrays along their first axis into
# `(x_i, y_i)` pairs, keeping each image with its label. Then:
#
# - `.map(f)` applies `f` to every element (here: scale pixels to 0..1, one-hot the label);
# - `.shuffle(buffer_size)` draws elements at random from a buffer of that size;
# - `.batch(n)` groups `n` elements into one tensor (the last batch may be smaller);
# - `.repeat(count)` goes through the data `count` times (epochs), forever without `count`;
# - `iter` and `next` take one batch by hand, to look at it.
#
# Shown on the first 1000 MNIST images; the seed makes the shuffle repeatable.

# %% slideshow={"slide_type": "notes"}
def preprocess(x, y):
    """Pixels to float32 in 0..1, label to a one-hot row of 10."""
    return tf.cast(x, tf.float32) / 255.0, tf.one_hot(y, depth=10)


dataset = tf.data.Dataset.from_tensor_slices((x_train[:1000], y_train[:1000]))
print("one element:", [t.shape for t in next(iter(dataset))])
pipeline = dataset.map(preprocess).shuffle(1000, seed=1).batch(128).repeat(2)
x_batch, y_batch = next(iter(pipeline))
print("one batch:", x_batch.shape, y_batch.shape, f"pixels {float(tf.reduce_min(x_batch)):.1f}..{float(tf.reduce_max(x_batch)):.1f}")
sizes = [int(x.shape[0]) for x, _ in pipeline]
print(f"{len(sizes)} batches over 2 epochs, sizes {sizes}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 1: predict a broadcast
#
# What is the shape of `tf.zeros([2, 1, 3]) + tf.zeros([4, 1])`? Write it as a tuple, without
# running the addition (check your reasoning in the shape explorer afterwards).

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_broadcast_shape(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: (2, 1, 3) and (1, 4, 1) after padding; every 1 is stretched
answer = (2, 4, 3)
exercises.check_broadcast_shape(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 2: a gradient with GradientTape
#
# `exercises.mystery(x)` is a function of TensorFlow operations whose formula this page does
# not show. Use `GradientTape` to compute its derivative at $x = 3$, and give what the tape
# returns (a tensor). The tape needs only the operations, not the formula; the check refuses a
# plain Python or NumPy number.

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_gradient(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution
x = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = exercises.mystery(x)
answer = tape.gradient(y, x)
exercises.check_gradient(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 3: repeat, then batch
#
# The iris data set has 150 rows. The pipeline above batches, then repeats. What are the sizes
# of the batches, in order, when the two are swapped:
# `tf.data.Dataset.from_tensor_slices((x, y)).repeat(2).batch(32)`? Give them as a list, from
# the real iris data (`data.load_iris()`).

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_batch_sizes(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution
iris_x, iris_y = data.load_iris()
answer = [int(x.shape[0]) for x, _ in tf.data.Dataset.from_tensor_slices((iris_x, iris_y)).repeat(2).batch(32)]
exercises.check_batch_sizes(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 4: build it, a derivative function
#
# Write `derivative(f, x)`: it returns $f'(x)$, computed by `GradientTape`, for any function
# `f` made of TensorFlow operations, at a point `x` given as a **constant** tensor (a scalar or
# a vector; for a vector, `f` returns one number and the answer is its gradient). The check
# calls your function on functions and points of its own, one of which does not use `x` at
# all: its derivative is 0, not `None`.

# %% slideshow={"slide_type": "fragment"}
derivative = ...  # your code here: def derivative(f, x): ...
exercises.check_derivative(derivative)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution
def derivative(f, x):
    with tf.GradientTape() as tape:
        tape.watch(x)  # x is a constant: the tape watches only variables by itself
        y = f(x)
    return tape.gradient(y, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)


exercises.check_derivative(derivative)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary (小结)
#
# - A tensor has a shape and a dtype; index, slice and `reshape` it as a NumPy array.
# - Broadcasting lines shapes up on the right and stretches axes of size 1.
# - A `tf.Variable` is updated in place with `assign_sub`; `GradientTape` records the forward
#   computation and `tape.gradient` returns the gradients ($y = x w$: $dy/dw = x = 2$).
#   `watch_accessed_variables=False` watches only what `tape.watch` names; a source the target
#   does not depend on gets `None`, or zeros with `unconnected_gradients=tf.UnconnectedGradients.ZERO`.
# - `tf.data`: `from_tensor_slices`, `map`, `shuffle`, `batch`, `repeat`, and `iter`/`next`.
#
# Next: [02 Forward and backward propagation by hand](02_forward_propagation.ipynb), where these pieces
# train a real MNIST classifier.
