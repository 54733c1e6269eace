# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 11 When training goes wrong (常见错误与调试)
#
# On your own problem, the first run rarely works: the loss is NaN, or stuck, or the
# accuracy stays at 10%. Python raises no error, so nothing says where the fault is. This
# chapter breaks a small MNIST network in the ways students break it first, one at a
# time: each failure is **reproduced** (its symptom printed), **diagnosed** with one
# reusable check, and **fixed**.
#
# **In this chapter you will**
#
# - use a training **health report** (训练健康检查), `debugging.health_report`, that looks at a
#   model on one batch: NaN or inf, gradient norms layer by layer, dead ReLU units, a loss that
#   stopped moving, inputs that were not scaled, labels and outputs that do not fit the loss;
# - meet seven failures: a too-large initialisation (初始化) or learning rate (学习率),
#   unscaled pixels, sparse vs one-hot labels, softmax followed by `from_logits=True`, a
#   `None` gradient, unstandardised features;
# - break a network on purpose in a panel, and find the bug in three broken snippets;
# - test a pipeline before a long run: **overfit one batch**, train on **shuffled labels**;
# - tame exploding gradients with **gradient clipping** (梯度裁剪), and make a deep sigmoid network
#   trainable with **batch normalization** (批标准化), whose training and inference modes differ.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "skip"}
from course_lib import notebook

notebook.setup()  # first, so that TensorFlow's start-up log stays quiet

import inspect
import warnings

import keras
import numpy as np
import tensorflow as tf

from course_lib import checks, debugging, losses, plots, training
from course_lib.exercises import debugging as exercises
from course_lib.widgets.debugging import break_it_panel

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 A healthy run, and its health report (训练健康检查)
#
# The patient: a 784-64-64-10 ReLU network that outputs logits, trained with the cross
# entropy from logits (chapter 05) and Adam on the first 2 000 MNIST training images,
# tested on 1 000 test images. Small, so that every experiment below takes seconds.

# %% slideshow={"slide_type": "fragment"}
num_epochs, batch_size, learning_rate = 5, 64, 1e-3
(x_train, y_train), (x_test, y_test) = debugging.mnist_slice(num_train=2000, num_test=1000)
print("x_train:", x_train.shape, "pixels from", x_train.min(), "to", x_train.max(), "| y_train:", y_train[:8])


def batches(x, y):
    """The training set in shuffled batches of ``batch_size``, a new order every epoch."""
    return tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=0).batch(batch_size)


test_data = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(1000)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The report runs the model on one batch (here 256 training images) under a
# `GradientTape`, and looks at everything a failed run leaves behind:
#
# | check | what it looks at | a problem when |
# |---|---|---|
# | NaN or inf | loss, outputs, weights, gradients | any value is not finite |
# | gradient norm $\lVert \partial L / \partial W_\ell \rVert$ | each layer $\ell$ | above 100 (exploding, 梯度爆炸) or below $10^{-6}$ (vanishing, 梯度消失) |
# | `None` gradient | each variable | the tape found no path from the loss to it |
# | dead ReLU units (死亡神经元) | each ReLU layer | more than half its units output 0 for every example |
# | the loss | the cross entropy | above $3 \ln 10$ while a uniform guess gives $\ln 10 = 2.303$ |
# | the loss over epochs | a run's history | NaN, or less than a 1 % change over 3 epochs while still above half its first value |
# | the inputs | `x` | values above 10 (pixels 0–255, raw features) |
# | labels, outputs, loss | `y`, the outputs, the loss | sparse vs one-hot mismatch; probabilities given to a `from_logits` loss, or logits to one without |
#
# The thresholds are constants of `course_lib/debugging.py`:

# %% slideshow={"slide_type": "fragment"}
print(f"exploding above {debugging.EXPLODING_NORM:g}, vanishing below {debugging.VANISHING_NORM:g}, "
      f"dying above {debugging.DEAD_SHARE:.0%} of the units, loss above {debugging.LARGE_LOSS:g} ln 10, "
      f"flat: less than {debugging.FLAT_CHANGE:.0%} change over {debugging.FLAT_EPOCHS} epochs, unscaled above {debugging.UNSCALED_INPUT:g}")

# %% slideshow={"slide_type": "fragment"}
probe = x_train[:256], y_train[:256]
model = debugging.mlp()
print(debugging.health_report(model, *probe, losses.cross_entropy_of_logits))

# %% [markdown] slideshow={"slide_type": "fragment"}
# An untrained network guesses about uniformly: its loss is close to $\ln 10 = 2.303$, its
# gradients are below 1, no unit is dead. Now train it, with a `HealthMonitor` that makes a
# report after every epoch of the course's one training loop (`training.train`; for
# `model.fit`, pass `monitor.keras_callback()` as a callback):

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
monitor = debugging.HealthMonitor(model, *probe, losses.cross_entropy_of_logits)
healthy = training.train(model, batches(x_train, y_train), loss_fn=losses.cross_entropy_of_logits,
                         optimizer=keras.optimizers.Adam(learning_rate=learning_rate), num_epochs=num_epochs,
                         metrics={"accuracy": training.accuracy}, validation_data=test_data,
                         on_epoch_end=monitor.on_epoch_end)
print("losses per epoch:", np.round(healthy.metrics["loss"], 3))
print(monitor.reports[-1])

# %% slideshow={"slide_type": "fragment"}
checks.milestone("healthy run: test accuracy", healthy.last("val_accuracy"), at_least=0.85, digits=2)
checks.milestone("healthy run: problems in the last report", len(monitor.reports[-1].problems), at_most=0, digits=0)

# %% [markdown] slideshow={"slide_type": "fragment"}
# This is the reference: every broken run below is compared with it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 Too large an initialisation (初始化过大)
#
# Chapter 02 draws the weights from a normal distribution with standard deviation 0.1, as
# the source does. Forget the `stddev` and `tf.random.normal` gives 1.0; in Keras,
# `RandomNormal(stddev=1.0)`. Keras' default, Glorot (Xavier) uniform, scales the spread to
# the layer: $\pm\sqrt{6 / (n_\text{in} + n_\text{out})}$, ±0.0841 for the first layer (784 → 64,
# printed below; the largest weight of the healthy report above is just under it).
# With 1.0, each layer multiplies the size of its input by about $\sqrt{n_\text{in}}$:

# %% slideshow={"slide_type": "fragment"}
print(f"Glorot limit of the first layer: ±{np.sqrt(6 / (784 + 64)):.4f}")
big_init = debugging.mlp(init_stddev=1.0)
big_init_report = debugging.health_report(big_init, *probe, losses.cross_entropy_of_logits)
print(big_init_report)

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Symptom:** the untrained loss is in the hundreds, not 2.3: the logits are huge, so the
# network is *confidently* wrong. **Diagnosis:** the report flags the loss and the gradient
# norms, over a hundred times those of the healthy network. Trained for the same 5 epochs:

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
big_init_run = training.train(big_init, batches(x_train, y_train), loss_fn=losses.cross_entropy_of_logits,
                              optimizer=keras.optimizers.Adam(learning_rate=learning_rate), num_epochs=num_epochs,
                              metrics={"accuracy": training.accuracy}, validation_data=test_data)
print("losses per epoch:", np.round(big_init_run.metrics["loss"], 1))

# %% slideshow={"slide_type": "fragment"}
checks.milestone("N(0, 1) initialisation: loss after 5 epochs", big_init_run.last("loss"), at_least=10.0, digits=0)
checks.milestone("N(0, 1) initialisation: test accuracy", big_init_run.last("val_accuracy"), at_most=0.5, digits=2)

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Fix:** leave Keras' default initializer (or `"he_normal"`, made for ReLU), or scale
# the standard deviation to the layer, as Glorot does. That is the healthy run above.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 Too large a learning rate: NaN, or a dead network (学习率过大)
#
# ### NaN with the MSE
#
# The source's first networks train on the mean squared error of one-hot labels (chapter
# 02). With plain gradient descent and learning rate 3, each step overshoots further, the
# numbers overflow to inf, and inf − inf is NaN. The course's training loop stops at the
# first non-finite loss and puts back the last good weights:

# %% slideshow={"slide_type": "fragment"}
one_hot_train = np.eye(10, dtype=np.float32)[y_train]
mse_model = debugging.mlp()
nan_run = training.train(mse_model, batches(x_train, one_hot_train), loss_fn=losses.mse,
                         optimizer=keras.optimizers.SGD(learning_rate=3.0), num_epochs=num_epochs, progress=False)
print("stop reason:", nan_run.stop_reason)
print(debugging.health_report(mse_model, probe[0], one_hot_train[:256], losses.mse, history=nan_run))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A dead network with the cross entropy
#
# The cross entropy from logits never overflows (chapter 05's log-sum-exp trick), so the
# same mistake fails more quietly. With the same learning rate 3, the first steps throw the weights
# far; most ReLU units end up below zero for every image and never come back, and the
# network gives every image the same answer: the loss sits near $\ln 10$ and the accuracy
# near 10%.

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
dead_model = debugging.mlp()
dead_monitor = debugging.HealthMonitor(dead_model, *probe, losses.cross_entropy_of_logits)
dead_run = training.train(dead_model, batches(x_train, y_train), loss_fn=losses.cross_entropy_of_logits,
                          optimizer=keras.optimizers.SGD(learning_rate=3.0), num_epochs=8,
                          metrics={"accuracy": training.accuracy}, validation_data=test_data,
                          on_epoch_end=dead_monitor.on_epoch_end)
print("losses per epoch:", np.round(dead_run.metrics["loss"], 3))
print(dead_monitor.reports[-1])

# %% slideshow={"slide_type": "fragment"}
dead_report = dead_monitor.reports[-1]
checks.milestone("learning rate 3: share of dead units in the second hidden layer",
                 dead_report.layers[1]["dead_share"], at_least=0.9, digits=1)
checks.milestone("learning rate 3: test accuracy", dead_run.last("val_accuracy"), at_most=0.2, digits=1)
print("the report finds:", dead_report.kinds)

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Fix:** a learning rate that fits the optimizer (chapter 03): for SGD here 0.1, for Adam
# 0.001. When a loss turns NaN or freezes at $\ln(\text{classes})$, divide the learning
# rate by 10 and train again from fresh weights: the dead units do not recover.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 Forgetting to scale the pixels (忘记归一化像素)
#
# `mnist.load_data()` gives pixels as integers from 0 to 255. Forget the `/ 255.0` and
# every input is 255 times larger; at initialisation so are the first layer's outputs and
# the logits (the biases start at 0, and a ReLU keeps a positive factor), and the gradients
# grow more still: compare their norms below with the healthy report of section 1.

# %% slideshow={"slide_type": "fragment"}
(raw_train, _), (raw_test, _) = debugging.mnist_slice(num_train=2000, num_test=1000, scale="none")
unscaled_model = debugging.mlp()
print(debugging.health_report(unscaled_model, raw_train[:256], y_train[:256], losses.cross_entropy_of_logits))

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
raw_test_data = tf.data.Dataset.from_tensor_slices((raw_test, y_test)).batch(1000)
unscaled_run = training.train(unscaled_model, batches(raw_train, y_train), loss_fn=losses.cross_entropy_of_logits,
                              optimizer=keras.optimizers.Adam(learning_rate=learning_rate), num_epochs=num_epochs,
                              metrics={"accuracy": training.accuracy}, validation_data=raw_test_data)
print("losses per epoch:", np.round(unscaled_run.metrics["loss"], 3))

# %% slideshow={"slide_type": "fragment"}
checks.milestone("unscaled pixels: test accuracy below the healthy run's by", healthy.last("val_accuracy")
                 - unscaled_run.last("val_accuracy"), at_least=0.05, digits=2)

# %% slideshow={"slide_type": "fragment"}
figure, ax = plots.new_figure(6.0, 3.4)
for name, run in (("pixels scaled to 0–1", healthy), ("pixels left at 0–255", unscaled_run)):
    ax.semilogy(np.arange(1, num_epochs + 1), run.metrics["loss"], "o-", label=name)
ax.set(xlabel="epoch", ylabel="training loss (log scale)", title="the same network, scaled or unscaled pixels")
ax.legend()
figure

# %% [markdown] slideshow={"slide_type": "fragment"}
# Adam adapts its steps to the gradients' size, so the unscaled network still
# learns, but it starts from a loss in the hundreds and stays behind. With plain SGD the
# same mistake overflows. **Fix:** `x / 255.0` (`data.load_mnist` does it by default).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 Sparse or one-hot labels? (稀疏标签与独热标签)
#
# MNIST's labels are class numbers (`5`); one-hot labels are rows (`[0,0,0,0,0,1,0,0,0,0]`).
# Keras has a loss for each: `SparseCategoricalCrossentropy` for numbers,
# `CategoricalCrossentropy` for one-hot rows. Give one the other's labels and Keras 3
# refuses with a `ValueError` (its `categorical_crossentropy` and
# `sparse_categorical_crossentropy` compare the shapes first; see
# `keras/src/backend/tensorflow/nn.py`), both in `fit` and called directly:

# %% slideshow={"slide_type": "fragment"}
logits = model(probe[0])
for loss_fn, labels in ((keras.losses.CategoricalCrossentropy(from_logits=True), probe[1]),
                        (keras.losses.SparseCategoricalCrossentropy(from_logits=True), np.eye(10)[probe[1]])):
    try:
        loss_fn(labels, logits)
    except ValueError as error:
        print(f"{type(loss_fn).__name__} with labels of shape {labels.shape}:\n  ValueError: {error}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The message gives the shapes; the report (here of a fresh network) says what to change. Its
# table shows no gradient, since there is no loss to differentiate:

# %% slideshow={"slide_type": "fragment"}
print(debugging.health_report(debugging.mlp(), *probe, keras.losses.CategoricalCrossentropy(from_logits=True)))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Fix:** match the loss to the labels: `SparseCategoricalCrossentropy` for class numbers,
# or one-hot the labels (`keras.utils.to_categorical(y, 10)`) for `CategoricalCrossentropy`.
# The course's `losses.cross_entropy_of_logits` takes either, by looking at the ranks.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 Softmax, then `from_logits=True` (重复 softmax)
#
# `from_logits=True` tells the loss: "these are logits, apply softmax yourself". If the last
# layer already applied softmax, the loss applies it a second time, to numbers between 0
# and 1. Softmax of such numbers is nearly flat: even a perfect prediction (1 for the right
# class, 0 elsewhere) scores $-\ln\frac{e}{e + 9} = \ln(1 + 9/e)$:

# %% slideshow={"slide_type": "fragment"}
floor = np.log(1 + 9 / np.e)
print(f"lowest possible loss after a double softmax: {floor:.4f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The source computes its loss with the raw TensorFlow op,
# `tf.nn.softmax_cross_entropy_with_logits`, which cannot know where its input came from.
# `debugging.softmax_cross_entropy_on_probabilities` is that op fed with a softmax output:

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
softmax_model = debugging.mlp(output="softmax")
double_softmax = debugging.softmax_cross_entropy_on_probabilities
double_run = training.train(softmax_model, batches(x_train, y_train), loss_fn=double_softmax,
                            optimizer=keras.optimizers.Adam(learning_rate=learning_rate), num_epochs=num_epochs,
                            metrics={"accuracy": training.accuracy}, validation_data=test_data)
print("losses per epoch:", np.round(double_run.metrics["loss"], 3))
double_report = debugging.health_report(softmax_model, *probe, double_softmax, from_logits=True)
print(double_report)

# %% slideshow={"slide_type": "fragment"}
checks.milestone("softmax + from_logits: loss after 5 epochs", double_run.last("loss"), at_least=floor, digits=3)
checks.milestone("softmax + from_logits: test accuracy below the healthy run's by",
                 healthy.last("val_accuracy") - double_run.last("val_accuracy"), at_least=0.03, digits=2)
print("the report finds:", double_report.kinds)

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Symptom:** the loss stalls above 1.46 while the accuracy still creeps up (softmax keeps
# the order of the outputs), slower than the healthy run, because the gradients are flattened
# too. **Diagnosis:** the outputs are rows that sum to 1, and the loss takes logits.
#
# Keras' own losses catch the common case. A Keras softmax (`activation="softmax"`) leaves its
# input on the output tensor, and `categorical_crossentropy` with `from_logits=True` uses it
# instead, with a warning (`_get_logits` in `keras/src/backend/tensorflow/nn.py`). The rescue
# ends where the tensor does: predictions saved as NumPy, for example, carry nothing:

# %% slideshow={"slide_type": "fragment"}
sparse_from_logits = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
probabilities = softmax_model(probe[0])
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    rescued = float(sparse_from_logits(probe[1], probabilities))
right = float(keras.losses.SparseCategoricalCrossentropy()(probe[1], probabilities))
wrong = float(sparse_from_logits(probe[1], softmax_model.predict(probe[0], verbose=0)))
print("from_logits=True on the Keras softmax tensor gives the right loss:", bool(np.isclose(rescued, right)),
      "| warned:", any("from_logits=True" in str(warning.message) for warning in caught))
checks.milestone("from_logits=True on the same probabilities as NumPy", wrong, at_least=floor, digits=3)

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Fix:** one softmax only. Either the last layer outputs logits (no activation) and the
# loss has `from_logits=True`, which is the numerically safer choice (chapter 05), or the
# layer applies softmax and the loss has `from_logits=False`.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7 A `None` gradient (梯度为 None)
#
# `tape.gradient` returns `None` when it finds no path from the loss to the value: no
# error, and `optimizer.apply_gradients` then skips that variable with only a warning (it raises
# only when no variable has a gradient).
# Three ways to get there, each explained by `debugging.why_no_gradient`:

# %% slideshow={"slide_type": "fragment"}
x, y = tf.constant([1.0, 2.0, 3.0]), tf.constant([2.0, 4.0, 6.0])
w_int = tf.Variable(1)  # an integer: 1, not 1.0
w_constant = tf.constant(1.0)  # a constant, not a Variable
w_numpy = tf.Variable(1.0)
with tf.GradientTape(persistent=True) as tape:
    loss_int = tf.reduce_mean((tf.cast(w_int, tf.float32) * x - y) ** 2)
    loss_constant = tf.reduce_mean((w_constant * x - y) ** 2)
    loss_numpy = tf.reduce_mean((w_numpy.numpy() * x - y) ** 2)  # .numpy() leaves the tape
for name, loss_value, value in (("integer variable", loss_int, w_int), ("constant", loss_constant, w_constant),
                                ("through .numpy()", loss_numpy, w_numpy)):
    print(f"{name:>17}: gradient {tape.gradient(loss_value, value)}; {debugging.why_no_gradient(value)}")
del tape

# %% [markdown] slideshow={"slide_type": "fragment"}
# In a model, the report lists every variable without a gradient. A hand-written line
# $\hat y = w x + b$ whose bias was created as an integer:

# %% slideshow={"slide_type": "fragment"}
class Line(tf.Module):
    def __init__(self):
        self.w, self.b = tf.Variable([[0.5]], name="w"), tf.Variable([0], name="b")

    def __call__(self, x):
        return x @ self.w + tf.cast(self.b, tf.float32)


print(debugging.health_report(Line(), [[1.0], [2.0], [3.0]], [[2.0], [4.0], [6.0]], losses.mse))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Fix:** floating-point variables (`tf.Variable(0.0)`), `tape.watch(x)` for a constant
# you want the gradient of (an input, for instance), and TensorFlow operations all the way
# from the variable to the loss (`tf.reduce_mean`, not `np.mean`; no `.numpy()` inside).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8 Unstandardised features (特征未标准化)
#
# Pixels share one scale; measured features rarely do. The wine data of scikit-learn
# (178 wines, 13 chemical measurements, 3 cultivars) has hues near 1 and proline in the
# hundreds to over a thousand:

# %% slideshow={"slide_type": "fragment"}
(wine_train, wine_y_train), (wine_test, wine_y_test) = debugging.wine_data()
print(f"{len(wine_train) + len(wine_test)} wines, {wine_train.shape[1]} features, "
      f"{len(np.unique(wine_y_train))} cultivars: {len(wine_train)} for training, {len(wine_test)} for testing")
print("feature standard deviations:", np.round(wine_train.std(axis=0), 2))
wine_model = debugging.mlp(hidden=(16,), num_inputs=debugging.WINE_FEATURES, num_classes=3)
print(debugging.health_report(wine_model, wine_train, wine_y_train, losses.cross_entropy_of_logits))

# %% [markdown] slideshow={"slide_type": "fragment"}
# A change of a first-layer weight moves the output in proportion to its feature, and
# proline's spread (329) is more than a thousand times hue's (0.22): a step that suits hue's
# weight is far too large for proline's, and one that suits proline's far too small for
# hue's. The fix is to
# **standardise** (标准化) each feature with the mean and the standard deviation of the
# *training* set, $x' = (x - \mu_\text{train}) / \sigma_\text{train}$, and to apply the same
# numbers to the test set. Keras has it as a layer, `keras.layers.Normalization`, whose
# `adapt` measures $\mu$ and $\sigma$:

# %% slideshow={"slide_type": "fragment"}
normalization = keras.layers.Normalization()
normalization.adapt(wine_train)
standard_train, standard_test = normalization(wine_train).numpy(), normalization(wine_test).numpy()
means, stds = standard_train.mean(axis=0), standard_train.std(axis=0)
print(f"standardised training features: largest |mean| {np.abs(means).max():.3f}, "
      f"standard deviations {stds.min():.3f} to {stds.max():.3f}")

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
wine_runs = {}
for name, (train_features, test_features) in (("raw", (wine_train, wine_test)),
                                              ("standardised", (standard_train, standard_test))):
    wine_model = debugging.mlp(hidden=(16,), num_inputs=debugging.WINE_FEATURES, num_classes=3)
    wine_runs[name] = training.train(
        wine_model, batches(train_features, wine_y_train), loss_fn=losses.cross_entropy_of_logits,
        optimizer=keras.optimizers.Adam(learning_rate=0.01), num_epochs=30,
        metrics={"accuracy": training.accuracy},
        validation_data=tf.data.Dataset.from_tensor_slices((test_features, wine_y_test)).batch(100))
    run = wine_runs[name]
    print(f"{name:>12}: loss {run.last('loss'):.3f}, test accuracy {run.last('val_accuracy'):.3f}")

# %% slideshow={"slide_type": "fragment"}
checks.milestone("wine, standardised: test accuracy", wine_runs["standardised"].last("val_accuracy"),
                 at_least=0.95, digits=2)
checks.milestone("wine, standardised minus raw: test accuracy", wine_runs["standardised"].last("val_accuracy")
                 - wine_runs["raw"].last("val_accuracy"), at_least=0.1, digits=2)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 9 Interactive: break it on purpose (故意弄坏它)
#
# Choose a bug and press **Train**: the network trains live on the 2 000 images, and the
# report is made again after every epoch. Left, the training loss (log scale); right, each
# layer's gradient norm now, red when exploding, grey when dead or vanishing. The caption
# gives the report. Try each bug, and find which ones the report catches *before* training
# (epoch 0) and which only show while it runs.

# %% tags=["panel", "nbval-ignore-output"] slideshow={"slide_type": "subslide"}
break_it_panel()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 10 Two tests before a long run: one batch, shuffled labels (过拟合一个批次, 打乱标签)
#
# The health report looks at one moment of a run. Two cheap experiments test the whole
# pipeline (model, loss, training step) before anyone waits for a long run. Both come from
# practice: Karpathy's "A Recipe for Training Neural Networks" and Zhang et al. (2017),
# "Understanding deep learning requires rethinking generalization".
#
# ### Overfit one batch (过拟合一个批次)
#
# Train on 32 images and nothing else, step after step. A network, a loss and a training step
# that work can memorise 32 examples: the loss goes to about zero, the accuracy to 1. If they
# cannot, more data or more epochs will not help, the fault is in the code.
# `debugging.overfit_one_batch` takes Adam steps on one batch (each "epoch" of its history is one
# step); here the healthy network of section 1 and the double softmax of section 6:

# %% slideshow={"slide_type": "fragment"}
one_batch = x_train[:32], y_train[:32]
one_batch_runs = {
    "healthy": debugging.overfit_one_batch(debugging.mlp(), *one_batch, losses.cross_entropy_of_logits),
    "softmax + from_logits": debugging.overfit_one_batch(debugging.mlp(output="softmax"), *one_batch, double_softmax)}
for name, run in one_batch_runs.items():
    print(f"{name:>21}: loss {run.metrics['loss'][0]:.3f} at step 1, {run.last('loss'):.3f} after "
          f"{len(run.metrics['loss'])} steps; accuracy on the batch {run.last('accuracy'):.2f}")

# %% slideshow={"slide_type": "fragment"}
checks.milestone(f"healthy: loss on one batch after {debugging.ONE_BATCH_STEPS} steps",
                 one_batch_runs["healthy"].last("loss"), at_most=debugging.ONE_BATCH_LOSS, digits=2)
checks.milestone(f"softmax + from_logits: loss on one batch after {debugging.ONE_BATCH_STEPS} steps",
                 one_batch_runs["softmax + from_logits"].last("loss"), at_least=floor, digits=3)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Both networks end up right on every image of the batch (softmax keeps the order of the
# outputs), so the accuracy hides the bug; the loss does not. A loss that cannot get close
# to zero on 32 examples points at the loss or the output layer, not at the data.
#
# ### Shuffled labels (打乱标签)
#
# Now the opposite test: keep the 2 000 images, but shuffle their labels
# (`debugging.shuffled_labels`), so that no label belongs to its image. Zhang et al. found that
# the same networks that generalise on the true labels memorise random ones too, given enough
# epochs. What a network learns from random labels cannot carry over to new images, so its test
# accuracy must stay at chance, $1/10$:

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
label_epochs = 30
label_runs = {}
for name, labels in (("true labels", y_train), ("shuffled labels", debugging.shuffled_labels(y_train))):
    label_runs[name] = training.train(
        debugging.mlp(), batches(x_train, labels), loss_fn=losses.cross_entropy_of_logits,
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate), num_epochs=label_epochs,
        metrics={"accuracy": training.accuracy}, validation_data=test_data, progress=False)
    run = label_runs[name]
    print(f"{name:>15}: training accuracy {run.last('accuracy'):.3f}, test accuracy {run.last('val_accuracy'):.3f}")

# %% slideshow={"slide_type": "fragment"}
checks.milestone("shuffled labels: training accuracy after 30 epochs", label_runs["shuffled labels"].last("accuracy"),
                 at_least=0.7, digits=1)
checks.milestone("shuffled labels: test accuracy", label_runs["shuffled labels"].last("val_accuracy"),
                 at_most=0.2, digits=1)
checks.milestone("true labels: test accuracy", label_runs["true labels"].last("val_accuracy"), at_least=0.85, digits=2)

# %% slideshow={"slide_type": "fragment"}
figure, ax = plots.new_figure(6.4, 3.6)
epochs = np.arange(1, label_epochs + 1)
for (name, run), color in zip(label_runs.items(), ("tab:blue", "tab:red")):
    ax.plot(epochs, run.metrics["accuracy"], "-", color=color, label=f"{name}: training")
    ax.plot(epochs, run.metrics["val_accuracy"], "--", color=color, label=f"{name}: test")
ax.axhline(0.1, color="grey", lw=0.8)
ax.set(xlabel="epoch", ylabel="accuracy", ylim=(0, 1.02), title="the same network, true or shuffled labels")
ax.legend(fontsize=9)
figure

# %% [markdown] slideshow={"slide_type": "fragment"}
# The true labels are learned in a few epochs; the shuffled ones are memorised slowly, one
# image at a time, and the test accuracy (dashed) never leaves chance (grey line). Two uses:
#
# - **a baseline**: if your real run's test accuracy looks like the red dashed line, the
#   labels do not belong to their images any more (the classic bug: `x` shuffled without `y`);
# - **a warning about training accuracy**: a training accuracy near 1 proves nothing by itself,
#   since this network reaches a high one on labels that carry no information. Only held-out
#   data tells learning from memorising (chapter 06).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 11 Exploding gradients: clip them, or lower the rate? (梯度裁剪)
#
# Section 3's MSE run at SGD learning rate 3 overflowed to NaN. Every Keras optimizer can
# clip the gradients $g_1, \dots, g_k$ of the $k$ variables before it takes a step, with one of
# three arguments (`_clip_gradients` in `keras/src/optimizers/base_optimizer.py`):
#
# | argument | what it does to each gradient $g_i$ |
# |---|---|
# | `clipnorm=c` | each variable on its own: $g_i \cdot c / \max(\lVert g_i \rVert, c)$ |
# | `global_clipnorm=c` | all together: $g_i \cdot c / \max(\lVert g \rVert, c)$ with $\lVert g \rVert = \sqrt{\sum_i \lVert g_i \rVert^2}$, so the direction is kept |
# | `clipvalue=c` | each entry: clipped to $[-c, c]$ |
#
# A Keras optimizer takes only one of the three: giving two raises a `ValueError`. Below, two
# variables at zero receive the gradients $(3, 4)$ and $(12)$, whose global norm is 13, and
# SGD with learning rate 1 takes one step, so the step is minus the clipped gradient:

# %% slideshow={"slide_type": "fragment"}
print("global norm:", float(tf.linalg.global_norm([tf.constant([3.0, 4.0]), tf.constant([12.0])])))
for argument in ("clipnorm", "global_clipnorm", "clipvalue"):
    pair = [tf.Variable([0.0, 0.0]), tf.Variable([0.0])]
    keras.optimizers.SGD(learning_rate=1.0, **{argument: 1.0}).apply_gradients(
        zip([tf.constant([3.0, 4.0]), tf.constant([12.0])], pair))
    print(f"{argument + '=1':>17}: step {np.round(-pair[0].numpy(), 4)} and {np.round(-pair[1].numpy(), 4)}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# With any of them, no step moves a weight further than the learning rate times $c$. On
# section 3's exploding run, against simply lowering the rate tenfold:

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
clipping_runs = {}
for name, rate, clipping in (("rate 3", 3.0, {}), ("rate 3, global_clipnorm=1", 3.0, {"global_clipnorm": 1.0}),
                             ("rate 3, clipvalue=0.1", 3.0, {"clipvalue": 0.1}), ("rate 0.3", 0.3, {})):
    clipped_model = debugging.mlp()
    run = training.train(clipped_model, batches(x_train, one_hot_train), loss_fn=losses.mse,
                         optimizer=keras.optimizers.SGD(learning_rate=rate, **clipping), num_epochs=num_epochs,
                         progress=False)
    clipping_runs[name] = run, float(training.accuracy(y_test, clipped_model(x_test)))
    print(f"{name:>26}: {run.stop_reason}, test accuracy {clipping_runs[name][1]:.3f}")

# %% slideshow={"slide_type": "fragment"}
print("rate 3 without clipping:", clipping_runs["rate 3"][0].stop_reason,
      "| with clipvalue=0.1:", clipping_runs["rate 3, clipvalue=0.1"][0].stop_reason)
checks.milestone("rate 3 with global_clipnorm=1: test accuracy", clipping_runs["rate 3, global_clipnorm=1"][1],
                 at_least=0.65, digits=2)
checks.milestone("rate 0.3, no clipping: test accuracy", clipping_runs["rate 0.3"][1], at_least=0.65, digits=2)
num_weights = debugging.mlp().count_params()
print(f"clipvalue=0.1 on {num_weights:,} weights at rate 3 allows a step of norm up to {3 * 0.1 * np.sqrt(num_weights):.0f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Clipping the global norm rescued the run at rate 3, and lowering the rate to 0.3 trained as
# well without it. `clipvalue=0.1` still diverged: 0.1 per entry over the 55,050 weights of this
# network allows a step of norm up to $3 \cdot 0.1 \cdot \sqrt{55\,050} \approx 70$.
# Which to use? When *every* step is too large, the rate is wrong: lower it (chapter 03).
# Clipping is the insurance against *rare* huge gradients (an odd batch, the first steps of a
# recurrent network such as chapter 10's LSTM): it leaves the ordinary steps alone and caps
# the rare one, so it is cheap to keep on. `global_clipnorm` keeps the step's direction;
# `clipnorm` and `clipvalue` change it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 12 Batch normalization (批标准化)
#
# Section 8 standardised the *inputs*. Batch normalization (Ioffe and Szegedy, 2015)
# standardises the inputs of *every layer*, with the statistics of the current batch $B$, unit
# by unit, then lets the network choose the scale $\gamma$ and the shift $\beta$ it wants:
#
# $$\mu_B = \frac{1}{|B|}\sum_{n \in B} z_n, \qquad \sigma_B^2 = \frac{1}{|B|}\sum_{n \in B} (z_n - \mu_B)^2,
# \qquad \hat z_n = \frac{z_n - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}}, \qquad y_n = \gamma \hat z_n + \beta .$$
#
# In Keras it is a layer, `keras.layers.BatchNormalization()`, placed between a `Dense` layer
# and its activation. Why it matters: a deep stack of sigmoids. Each sigmoid's derivative is
# at most 0.25, so the gradient shrinks layer after layer on its way down. The report on a
# fresh 10-layer sigmoid network (`debugging.deep_mlp`), SGD learning rate 0.1:

# %% slideshow={"slide_type": "fragment"}
deep_report = debugging.health_report(debugging.deep_mlp(), *probe, losses.cross_entropy_of_logits)
norms = [row["gradient_norm"] for row in deep_report.layers]
print(f"gradient norm: {norms[-1]:.3g} in the last layer, {norms[0]:.3g} in the first, "
      f"{norms[-1] / norms[0]:.2g} times smaller")

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
deep_runs = {}
for name, settings in (("sigmoid", {}), ("sigmoid + batch norm", {"batch_norm": True}),
                       ("sigmoid + batch norm, momentum 0.9", {"batch_norm": True, "momentum": 0.9})):
    deep_model = debugging.deep_mlp(**settings)
    run = training.train(deep_model, batches(x_train, y_train), loss_fn=losses.cross_entropy_of_logits,
                         optimizer=keras.optimizers.SGD(learning_rate=0.1), num_epochs=num_epochs, progress=False)
    deep_runs[name] = run, {mode: float(training.accuracy(y_test, deep_model(x_test, training=mode)))
                            for mode in (False, True)}
    print(f"{name:>34}: losses {np.round(run.metrics['loss'], 3)}, test accuracy "
          f"{deep_runs[name][1][False]:.3f} (training=False), {deep_runs[name][1][True]:.3f} (training=True)")

# %% slideshow={"slide_type": "fragment"}
checks.milestone("10 sigmoid layers: loss after 5 epochs", deep_runs["sigmoid"][0].last("loss"), at_least=2.2, digits=1)
checks.milestone("with batch norm: loss after 5 epochs", deep_runs["sigmoid + batch norm"][0].last("loss"),
                 at_most=1.0, digits=1)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Without it, the loss stays at $\ln 10$: the first layers hardly move. With it, each layer's
# input is standardised again, the sigmoids work in their steep middle, and the same network
# learns.
#
# ### Training and inference differ (训练与推理)
#
# At inference there may be one image, not a batch, so the layer cannot use batch statistics.
# During training it keeps **moving averages** (滑动平均) of them,
# $\mu \leftarrow m\,\mu + (1 - m)\,\mu_B$ (the same for $\sigma^2$), starting from
# $\mu = 0$, $\sigma^2 = 1$, and `training=False` uses those. Keras' default momentum is
# $m = 0.99$ (and $\epsilon = 0.001$). After 5 epochs of 32 batches, $0.99^{160} \approx 0.2$
# of the starting values is still in the averages:

# %% slideshow={"slide_type": "fragment"}
num_updates = num_epochs * len(batches(x_train, y_train))
print(f"{num_epochs} epochs of {len(batches(x_train, y_train))} batches: {num_updates} updates of the averages")
print(f"share of the starting value left after them: momentum 0.99 → {0.99 ** num_updates:.2f}, "
      f"momentum 0.9 → {0.9 ** num_updates:.1e}")
for name in ("sigmoid + batch norm", "sigmoid + batch norm, momentum 0.9"):
    accuracies = deep_runs[name][1]
    checks.milestone(f"{name}: test accuracy with batch statistics (training=True)", accuracies[True],
                     at_least=0.7, digits=1)
checks.milestone("momentum 0.99: test accuracy with the moving averages (training=False)",
                 deep_runs["sigmoid + batch norm"][1][False], at_most=0.2, digits=1)
checks.milestone("momentum 0.9: test accuracy with the moving averages (training=False)",
                 deep_runs["sigmoid + batch norm, momentum 0.9"][1][False], at_least=0.7, digits=1)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The two batch-norm runs trained alike (the moving averages play no part in training), but
# with momentum 0.99 the averages had not caught up, and the model scored at chance in
# inference mode. Three lessons: evaluate with `training=False` as `predict` and `evaluate` do (a model that
# is only good with `training=True` depends on the batch it sits in); on a short run, lower
# the momentum or train longer; and when a model with batch norm is good in training and bad
# in evaluation, look at the moving statistics first.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 1: find the bug, a `None` gradient
#
# This function should return the derivative of the MSE of a line through the origin,
# $\frac{d}{dw}\,\mathrm{mean}((w x - y)^2)$ at $w = w_0$. It returns `None`:

# %% slideshow={"slide_type": "fragment"}
def broken_slope_gradient(w0, x, y):
    w = tf.constant(w0)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((w * x - y) ** 2)
    return tape.gradient(loss, w)


print(broken_slope_gradient(0.5, x, y))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Write a fixed `slope_gradient(w0, x, y)` and give the function itself. The check calls it on
# three cases of its own and compares with the derivative worked out by hand.

# %% slideshow={"slide_type": "fragment"}
answer = ...  # your code here: answer = slope_gradient
exercises.check_slope_gradient(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: a Variable (a float), which the tape watches by itself
def slope_gradient(w0, x, y):
    w = tf.Variable(float(w0))
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((w * x - y) ** 2)
    return tape.gradient(loss, w)


answer = slope_gradient
exercises.check_slope_gradient(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 2: find the bugs, a network that cannot learn
#
# This network is meant for a loss on logits, `losses.cross_entropy_of_logits`, and for the
# Adam training of section 1, but it does not learn. It has two bugs. The report on it finds
# the first; once that one is fixed, the report on your model finds the second:

# %% slideshow={"slide_type": "fragment"}
print(inspect.getsource(exercises.broken_model))
print(debugging.health_report(exercises.broken_model(), *probe, losses.cross_entropy_of_logits))
print(f"the check trains for {exercises.MODEL_EPOCHS} epochs and needs a test accuracy of {exercises.MODEL_ACCURACY}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Write `fixed_model()`, which returns a new, untrained model with the same layers
# (784-64-64-10), fixed, and give the function. The check runs the health report on it, then
# trains it for 3 epochs on MNIST images this chapter did not use and needs a test accuracy
# of 0.8.

# %% slideshow={"slide_type": "fragment"}
answer = ...  # your code here: answer = fixed_model
exercises.check_fixed_model(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: the report shows layer 2's units all dead (zero weights give every unit the output 0, and a
# zero ReLU passes no gradient); with that fixed, the loss is in the hundreds (N(0, 1) weights on 784
# inputs). Keras' default initializer fixes both.
def fixed_model():
    return keras.Sequential([keras.Input((784,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10)])


answer = fixed_model
exercises.check_fixed_model(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 3: find the bugs, standardisation
#
# This function standardises the features, but it has two bugs (compare it with
# section 8's rule):

# %% slideshow={"slide_type": "fragment"}
def broken_standardize(x_train, x_test):
    mean, std = x_test.mean(), x_test.std()
    return (x_train - mean) / std, (x_test - mean) / std


# %% [markdown] slideshow={"slide_type": "fragment"}
# Write a fixed `standardize(x_train, x_test)` with NumPy, returning both sets, and give the
# function. The check calls it on its own split of the wine data.

# %% slideshow={"slide_type": "fragment"}
answer = ...  # your code here: answer = standardize
exercises.check_standardize(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: per feature (axis=0), with the training set's statistics for both sets
def standardize(x_train, x_test):
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    return (x_train - mean) / std, (x_test - mean) / std


answer = standardize
exercises.check_standardize(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 4 (build it): the one-batch test
#
# Write `can_overfit(model, x, y, loss_fn)`: it trains the untrained `model` on the one batch
# `(x, y)` with `loss_fn` and returns `True` when the model memorises the batch (its loss gets
# close to zero, as section 10's healthy network does), `False` when it cannot. Write the
# training yourself (with `training.train`, `model.fit` or a `GradientTape` loop). The check hands
# your function fresh networks of its own, healthy and broken, with 32 MNIST images this chapter
# did not use.

# %% slideshow={"slide_type": "fragment"}
answer = ...  # your code here: answer = can_overfit
exercises.check_can_overfit(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: section 10's test, written out: many Adam steps on the one batch, then compare the loss with a
# small threshold (the healthy network is far below it; the double softmax stops at 1.46, dead units near 2)
def can_overfit(model, x, y, loss_fn):
    one_batch = tf.data.Dataset.from_tensors((x, y))
    run = training.train(model, one_batch, loss_fn=loss_fn, optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                         num_epochs=100, progress=False)
    return run.last("loss") < 0.05


answer = can_overfit
exercises.check_can_overfit(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 5 (build it): clipping by the global norm
#
# Write `clip_by_global_norm(gradients, clip_norm)`, which takes a list of gradient tensors
# (one per variable) and returns the list that an optimizer with `global_clipnorm=clip_norm`
# applies, as section 11's table defines it. Use TensorFlow's arithmetic (`tf.sqrt`,
# `tf.reduce_sum`, ...), not a clipping function. The check calls it on gradients of its own.

# %% slideshow={"slide_type": "fragment"}
answer = ...  # your code here: answer = clip_by_global_norm
exercises.check_clip_by_global_norm(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: one norm over every gradient, and a scale of at most 1
def clip_by_global_norm(gradients, clip_norm):
    global_norm = tf.sqrt(tf.add_n([tf.reduce_sum(tf.square(g)) for g in gradients]))
    scale = clip_norm / tf.maximum(global_norm, clip_norm)
    return [g * scale for g in gradients]


answer = clip_by_global_norm
exercises.check_clip_by_global_norm(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 6 (build it): batch normalization in training mode
#
# Write `batch_norm(z, gamma, beta, epsilon)`: `z` is a batch of pre-activations (one row per
# example, one column per unit), `gamma` and `beta` have one value per unit; return what
# section 12's formula gives in training mode. Use TensorFlow's arithmetic, not Keras' layer or
# `tf.nn.moments`. The check calls it on batches of its own.

# %% slideshow={"slide_type": "fragment"}
answer = ...  # your code here: answer = batch_norm
exercises.check_batch_norm(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: statistics per unit (axis 0, over the batch), the variance divided by |B|, ε under the root
def batch_norm(z, gamma, beta, epsilon):
    mean = tf.reduce_mean(z, axis=0)
    variance = tf.reduce_mean(tf.square(z - mean), axis=0)
    return gamma * (z - mean) / tf.sqrt(variance + epsilon) + beta


answer = batch_norm
exercises.check_batch_norm(answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary (小结)
#
# When a run fails, run `debugging.health_report(model, x, y, loss_fn)` on a batch (and a
# `HealthMonitor` during training), then read the symptom:
#
# | symptom | likely cause | fix |
# |---|---|---|
# | loss NaN or inf, or over 100 times the untrained loss (the course's loop stops there) | learning rate or initialisation too large; a log of 0 | divide the learning rate by 10; Keras' default initializer; losses from logits |
# | untrained loss ≫ ln(classes), gradient norms ≫ 1 | initialisation too large, unscaled inputs | Glorot / He initialisation; `x / 255.0` |
# | loss stuck near ln(classes), accuracy ≈ 1/classes, dead units | learning rate too large, units died | smaller learning rate, fresh weights |
# | loss barely moving from the start | learning rate too small | a larger learning rate |
# | `ValueError` about `target.shape` | sparse labels with a categorical loss, or the reverse | `SparseCategoricalCrossentropy` for class numbers |
# | loss stalls above 1.46 (10 classes) | softmax and `from_logits=True` | logits out, `from_logits=True` |
# | gradient `None` | integer variable, unwatched constant, `.numpy()` inside the tape | float `tf.Variable`, `tape.watch`, TensorFlow ops only |
# | slow, jumpy training on tabular data | features on different scales | standardise with the training set's μ and σ (`keras.layers.Normalization`) |
# | the loss cannot reach about zero on one batch of 32 | a bug in the model, the loss or the step | fix the code before any long run (`debugging.overfit_one_batch`) |
# | test accuracy at chance while training accuracy climbs | labels no longer belong to their images (`x` shuffled without `y`) | compare with a run on `debugging.shuffled_labels` |
# | rare huge gradients, an occasional NaN | one bad batch, recurrent networks | `global_clipnorm` in the optimizer; a lower rate if every step is too large |
# | a deep sigmoid network stuck at ln(classes), first layers' gradients ≪ last | vanishing gradients | `BatchNormalization` between `Dense` and its activation |
# | good with `training=True`, bad in evaluation | batch norm's moving averages have not caught up | train longer, or a lower `momentum` |
#
# Previous: [10 Fashion-MNIST](10_fashion_mnist.ipynb).
