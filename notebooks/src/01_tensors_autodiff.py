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
# - stop a gradient, differentiate a target of several numbers (`jacobian`), differentiate
#   through Python `if` and `for`, and tell why a gradient is `None`;
# - build reverse-mode automatic differentiation yourself, about a hundred lines, train a
#   two-neuron network with it and check it against `GradientTape`;
# - build a `tf.data` pipeline: `from_tensor_slices`, `map`, `shuffle`, `batch`, `repeat`.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "skip"}
from course_lib import notebook

notebook.setup()  # first, so that TensorFlow's start-up log stays quiet

import numpy as np
import tensorflow as tf

from course_lib import autodiff, checks, data
from course_lib.exercises import autodiff as autodiff_exercises
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

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### `tf.stop_gradient`: a value the gradient does not pass through
#
# `tf.stop_gradient(v)` returns the value of `v`, but the tape treats it as a constant: no
# gradient flows back through it. Here $y = x \cdot \mathrm{stop\_gradient}(x^2)$ at $x = 2$:
# the value is $x^3 = 8$, but the tape differentiates only the first factor, so it returns
# $x^2 = 4$ where $d(x^3)/dx = 3x^2 = 12$. Uses: a target computed from the model that must not
# move with it, or part of a network that must stay fixed while the rest trains.

# %% slideshow={"slide_type": "fragment"}
x = tf.Variable(2.0)
with tf.GradientTape() as tape:
    y = x * tf.stop_gradient(x ** 2)
print("y =", float(y), " dy/dx with stop_gradient:", float(tape.gradient(y, x)), " (3x^2 would be 12.0)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A target of several numbers: what the tape sums, and `tape.jacobian`
#
# When the target is not one number, `tape.gradient(y, x)` returns the gradient of the **sum**
# of its entries: one number per entry of `x`, never one per entry of `y`. For
# $y = (x_0 x_1,\ x_2^2)$ that is $(x_1,\ x_0,\ 2x_2)$. That is what happens, silently, when a
# loss is left as one value per example instead of its mean: the gradient is the sum, $b$
# times larger for a batch of $b$. To keep the outputs apart, `tape.jacobian(y, x)` returns the
# **Jacobian** (雅可比矩阵) $\partial y_i/\partial x_j$, of shape `y.shape + x.shape`; summing
# its rows gives back what `gradient` returned.

# %% slideshow={"slide_type": "fragment"}
x = tf.constant([1.0, 2.0, 3.0])
with tf.GradientTape(persistent=True) as tape:
    tape.watch(x)
    y = tf.stack([x[0] * x[1], x[2] ** 2])
summed = tape.gradient(y, x)
jacobian = tape.jacobian(y, x)
del tape
print("gradient of y, 2 numbers:", summed.numpy())
print("jacobian", jacobian.shape, jacobian.numpy().tolist())
print("its rows summed:         ", tf.reduce_sum(jacobian, axis=0).numpy())

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Python control flow under the tape
#
# The tape records the operations that run, one after the other. An `if`, a `for` or a
# `while` in Python only decides *which* operations run, so it needs nothing special: the
# gradient is the one of the path taken. Below, a loop multiplies by $x$ three times, so
# $y = x^4$ and $dy/dx = 4x^3 = 32$ at $x = 2$; the branch takes $-3x$ for a negative input,
# whose derivative is $-3$ there.

# %% slideshow={"slide_type": "fragment"}
def power_by_loop(x, times):
    y = x
    for _ in range(times):
        y = y * x
    return y


def branchy(x):
    return x ** 2 if x > 0 else -3.0 * x


for point in (2.0, -2.0):
    x = tf.Variable(point)
    with tf.GradientTape(persistent=True) as tape:
        looped, branched = power_by_loop(x, 3), branchy(x)
    print(f"x = {point:4}: d(loop)/dx = {float(tape.gradient(looped, x)):6.1f}, "
          f"d(branch)/dx = {float(tape.gradient(branched, x)):4.1f}")
    del tape

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why `None`: an integer variable, an unwatched constant
#
# Two more ways to get `None` instead of a number. The tape differentiates only floating-point
# values: `tf.Variable(3)` holds an `int32`, and for it `tape.gradient` returns `None`, since
# a small step of gradient descent cannot move a whole number. Write
# `tf.Variable(3.0)` instead. And a constant is not a variable: unless `tape.watch` names it, the
# tape records nothing about it, and its gradient is `None` however it is used.

# %% slideshow={"slide_type": "fragment"}
whole, real, constant = tf.Variable(3), tf.Variable(3.0), tf.constant(3.0)
with tf.GradientTape() as tape:
    y = tf.cast(whole, tf.float32) * real * constant
gradients = tape.gradient(y, [whole, real, constant])
print("dtypes:", whole.dtype.name, real.dtype.name, constant.dtype.name)
print("gradients:", [None if g is None else float(g) for g in gradients])

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

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Build it: automatic differentiation of your own (自己实现自动求导)
#
# `GradientTape` does two things. During the forward pass it records each operation with
# its inputs; then `gradient` applies the chain rule (链式法则) to them in reverse order
# (反向模式, reverse mode). On single numbers that fits in about a hundred lines of Python:
# `course_lib/autodiff.py`, after Andrej Karpathy's micrograd. Open it; it reads in one sitting.
#
# - A `Value` holds a number `data`, its gradient `grad` (0 until `backward` runs), the values
#   it was made from (its `children`) and a small function that passes a gradient back to
#   them. For $c = a + b$ that function does `a.grad += c.grad` and `b.grad += c.grad`; for
#   $c = a b$, `a.grad += b.data * c.grad` and `b.grad += a.data * c.grad`; for $a^n$ the local
#   derivative is $n a^{n-1}$, for $\tanh a$ it is $1 - \tanh^2 a$, for $\mathrm{relu}(a)$ it is 1
#   where $a > 0$, else 0.
# - `backward()` sorts the graph in **topological order** (拓扑排序): every value after the
#   values it was made from. It sets the output's gradient to 1 and calls each value's function
#   from the output back to the leaves. The order matters: a value passes its gradient on only
#   once it has received all of it.
# - Why `+=`: a value that feeds two places changes the output along both paths, and the chain
#   rule adds the two effects, $\partial L/\partial a = \sum_{\text{uses } u} \partial L/\partial u \cdot \partial u/\partial a$.
#   Assigning instead of adding keeps only the last path's share.
#
# An expression where `a`, `b` and `c` each feed two places, with the tape on the same numbers:

# %% slideshow={"slide_type": "fragment"}
a, b = autodiff.Value(0.5, label="a"), autodiff.Value(-1.5, label="b")
c = a * b
d = (c + a).tanh()
loss = d * c + b.relu()
c.label, d.label, loss.label = "c = a·b", "d = tanh(c + a)", "L = d·c + relu(b)"
loss.backward()
print(f"L = {loss.data:.6f}   dL/da = {a.grad:.6f}   dL/db = {b.grad:.6f}   dL/dc = {c.grad:.6f}")

a_tf, b_tf = tf.Variable(0.5, dtype=tf.float64), tf.Variable(-1.5, dtype=tf.float64)
with tf.GradientTape() as tape:
    c_tf = a_tf * b_tf
    loss_tf = tf.tanh(c_tf + a_tf) * c_tf + tf.nn.relu(b_tf)
print("GradientTape:", [f"{float(g):.6f}" for g in tape.gradient(loss_tf, [a_tf, b_tf])])

# %% [markdown] slideshow={"slide_type": "fragment"}
# The engine's own record of that computation, drawn: each box is a `Value` with its data
# and, after `backward`, its gradient; arrows point forward. The orange boxes feed two places,
# and their gradient is the sum of what comes back along both arrows. Since $b = -1.5 < 0$,
# the ReLU is off and passes no gradient to $b$ along that path.

# %% slideshow={"slide_type": "fragment"}
autodiff.graph_figure(loss, title="L = tanh(a·b + a)·(a·b) + relu(b), drawn from the engine's graph")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Training a two-neuron network with it
#
# The engine is enough to train a network. Two neurons: a hidden one,
# $h = \tanh(w_1 x_1 + w_2 x_2 + b_1)$, and an output one, $\mathrm{out} = \tanh(v h + c)$,
# trained to give $+1$ for *virginica* and $-1$ for *versicolor*, the two iris species that
# overlap, from their petal length and width (standardized). The loss is the MSE over the 100
# flowers; each step is `loss.backward()`, then `p.data -= learning_rate * p.grad` for each
# of the five parameters. `autodiff.two_neuron_loss` is those few lines, written with `+`, `*`,
# `**` and a `tanh` it is given, so the same code runs on the engine and on TensorFlow.

# %% slideshow={"slide_type": "fragment"}
iris_x, iris_y = data.load_iris()
two_species = iris_y > 0
petals = iris_x[two_species][:, 2:4]
x_train = (petals - petals.mean(axis=0)) / petals.std(axis=0)
y_train = np.where(iris_y[two_species] == 2, 1.0, -1.0)
parameters = [autodiff.Value(number) for number in np.random.default_rng(0).normal(0.0, 0.5, 5)]
learning_rate, num_epochs = 0.5, 20
print(f"{len(x_train)} flowers, {int(np.sum(y_train > 0))} of them virginica")
for epoch in range(num_epochs):
    loss = autodiff.two_neuron_loss(parameters, x_train, y_train, autodiff.Value.tanh)
    loss.backward()
    for parameter in parameters:
        parameter.data -= learning_rate * parameter.grad
    if epoch in (0, num_epochs - 1):
        print(f"epoch {epoch + 1:2}: loss {loss.data:.4f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The same five numbers as `tf.Variable`s, the same loss function with `tf.tanh`: the tape's
# gradients and the engine's agree to float64 precision.

# %% slideshow={"slide_type": "fragment"}
loss = autodiff.two_neuron_loss(parameters, x_train, y_train, autodiff.Value.tanh)
loss.backward()
variables = [tf.Variable(parameter.data, dtype=tf.float64) for parameter in parameters]
with tf.GradientTape() as tape:
    loss_tf = autodiff.two_neuron_loss(variables, x_train, y_train, tf.tanh)
by_tape = [float(g) for g in tape.gradient(loss_tf, variables)]
print("engine:", [f"{parameter.grad:.6f}" for parameter in parameters])
print("tape:  ", [f"{g:.6f}" for g in by_tape])
checks.milestone("relative error between the engine's gradients and GradientTape's",
                 autodiff.relative_error([parameter.grad for parameter in parameters], by_tape),
                 at_most=1e-9, digits=9)

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

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 5: a Jacobian
#
# `exercises.vector_mystery(x)` takes a vector $x = (x_0, x_1, x_2)$ and returns two numbers, by
# TensorFlow operations whose formula this page does not show. Give its Jacobian at
# $x = (0.5, -1, 2)$, as the tape returns it (a tensor of shape `(2, 3)`: one row per output).

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_jacobian(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution
x = tf.constant([0.5, -1.0, 2.0])
with tf.GradientTape() as tape:
    tape.watch(x)
    y = exercises.vector_mystery(x)
answer = tape.jacobian(y, x)
exercises.check_jacobian(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 6: build it, your own `Value`
#
# Write a class `Value` of your own, the engine of the section above: `Value(number)` makes a
# leaf; `data` and `grad` are plain Python numbers; `a + b` and `a * b` work with `b` a `Value`
# or a number; `a ** n` for a number `n`; `a.tanh()` and `a.relu()`; and `a.backward()` fills
# `grad` of every value `a` was made from with $\partial a/\partial\,\text{value}$. The check
# builds random expressions with your class (new ones at every run, where values feed
# several places and some are multiplied by themselves), calls `backward()`, and compares every
# value and gradient with the course's engine and with `GradientTape`. The course's `Value`
# and TensorFlow's differentiation are off limits inside your class.

# %% slideshow={"slide_type": "fragment"}
Value = ...  # your code here: class Value: ...
autodiff_exercises.check_value_class(Value)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution
import math


class Value:
    def __init__(self, data, children=()):
        self.data, self.grad, self.children = float(data), 0.0, tuple(children)
        self.pass_back = lambda: None

    def _result(self, data, children, local_derivatives):
        out = Value(data, children)

        def pass_back():
            for child, derivative in zip(children, local_derivatives):
                child.grad += derivative * out.grad  # add: a child may feed several values
        out.pass_back = pass_back
        return out

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return self._result(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return self._result(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, exponent):
        return self._result(self.data ** exponent, (self,), (exponent * self.data ** (exponent - 1),))

    def tanh(self):
        t = math.tanh(self.data)
        return self._result(t, (self,), (1 - t ** 2,))

    def relu(self):
        return self._result(max(self.data, 0.0), (self,), (1.0 if self.data > 0 else 0.0,))

    def backward(self):
        order, seen = [], set()

        def visit(value):  # depth first: a value is listed after everything it was made from
            if id(value) not in seen:
                seen.add(id(value))
                for child in value.children:
                    visit(child)
                order.append(value)
        visit(self)
        for value in order:
            value.grad = 0.0
        self.grad = 1.0
        for value in reversed(order):
            value.pass_back()


autodiff_exercises.check_value_class(Value)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary (小结)
#
# - A tensor has a shape and a dtype; index, slice and `reshape` it as a NumPy array.
# - Broadcasting lines shapes up on the right and stretches axes of size 1.
# - A `tf.Variable` is updated in place with `assign_sub`; `GradientTape` records the forward
#   computation and `tape.gradient` returns the gradients ($y = x w$: $dy/dw = x = 2$).
#   `watch_accessed_variables=False` watches only what `tape.watch` names; a source the target
#   does not depend on gets `None`, or zeros with `unconnected_gradients=tf.UnconnectedGradients.ZERO`.
# - `tf.stop_gradient` blocks the gradient along a path; a target of several numbers gets the
#   gradient of its sum, `tape.jacobian` keeps them apart; Python `if` and `for` just choose the
#   operations the tape records; integer variables and unwatched constants get `None`.
# - Reverse mode by hand: each value records its children and local derivatives, `backward`
#   walks the graph in topological order from the output, and gradients **add** where a value
#   feeds two places.
# - `tf.data`: `from_tensor_slices`, `map`, `shuffle`, `batch`, `repeat`, and `iter`/`next`.
#
# Next: [02 Forward and backward propagation by hand](02_forward_propagation.ipynb), where these pieces
# train a real MNIST classifier.
