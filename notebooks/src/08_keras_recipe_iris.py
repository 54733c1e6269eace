# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 08 The six-step Keras recipe on iris (八股)
#
# Until now every chapter wrote its training loop by hand. Keras (`tf.keras`), the high-level
# API of TensorFlow, packs the usual loop into a few calls. The source course calls the
# pattern **八股**, "the eight-legged essay": a fixed form that every network of the course
# follows, in six steps (六步法):
#
# | step | call | what it does |
# |---|---|---|
# | 1 import | `import tensorflow as tf` … | the modules |
# | 2 train, test | `x_train, y_train` … | the training and test data (训练集, 测试集) |
# | 3 model | `keras.Sequential([...])` | the network, layer by layer (逐层搭建网络结构) |
# | 4 compile | `model.compile(optimizer, loss, metrics)` | how to train (配置训练方法) |
# | 5 fit | `model.fit(x, y, batch_size, epochs, ...)` | the training loop (执行训练过程) |
# | 6 summary | `model.summary()` | the structure and the parameter count (打印网络结构, 统计参数数目) |
#
# The source's notes put it as an analogy: TensorFlow is the wood, Keras the boards made
# from it. Simple houses are quickest built from boards; special ones start from the wood.
#
# **In this chapter you will**
#
# - run the source's iris classifier (鸢尾花分类) in the six steps, exactly as the source
#   does, and read its 15 parameters in the summary;
# - fix the one line of the source that Keras 3 rejects (`lr=`);
# - tell `accuracy`, `categorical_accuracy` and `sparse_categorical_accuracy` apart;
# - write the same model as a subclass of `keras.Model`;
# - see why 500 epochs of 120 samples are slow in `fit`, and make them fast;
# - write the source's test loop by hand (softmax, `argmax`, the `int32` cast, `tf.equal`);
# - build a two-input network with the **Functional API**;
# - save a run with `ModelCheckpoint` and resume it to exactly the weights of a run that never stopped.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 1: import (导入模块)

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "skip"}
from course_lib import notebook

notebook.setup()  # first, so that TensorFlow's start-up log stays quiet

import os
import tempfile
import time

import keras
import numpy as np
import tensorflow as tf
from sklearn import datasets
from tqdm.keras import TqdmCallback

from course_lib import checks, data, plots, recipe
from course_lib.exercises import recipe as exercises
from course_lib.widgets.recipe import recipe_panel

# %% [markdown] slideshow={"slide_type": "fragment"}
# The source writes `tf.keras.layers.Dense` and `tf.keras.models.Sequential`; with Keras 3
# the same classes are `keras.layers.Dense` and `keras.Sequential` (`tf.keras` still points
# to them), which is what this chapter uses.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 2: training and test data (训练集与测试集)
#
# Iris has 150 flowers, 4 features each (sepal length and width, petal length and width, in
# cm) and 3 classes (0 狗尾草鸢尾 setosa, 1 杂色鸢尾 versicolor, 2 弗吉尼亚鸢尾 virginica). The
# rows come sorted by class, so the source shuffles features and labels with the **same**
# seed, 116, to keep every row with its label:

# %% slideshow={"slide_type": "notes"}
x_train = datasets.load_iris().data
y_train = datasets.load_iris().target

np.random.seed(116)
np.random.shuffle(x_train)
np.random.seed(116)
np.random.shuffle(y_train)

print("x_train:", x_train.shape, " y_train:", y_train.shape)
print("first rows:\n", x_train[:3], "\nlabels:", y_train[:10])

# %% [markdown] slideshow={"slide_type": "fragment"}
# `course_lib.data.load_iris(shuffle_seed=116)` does exactly this (the later chapters use
# it); the check below makes sure.

# %% slideshow={"slide_type": "fragment"}
x_iris, y_iris = data.load_iris(shuffle_seed=116)
checks.check_answer("load_iris(shuffle_seed=116) equals the source's shuffle",
                    np.c_[x_iris, y_iris], np.c_[x_train, y_train], rtol=1e-6,
                    hint="both shuffle with a RandomState seeded 116.")

# %% [markdown] slideshow={"slide_type": "notes"}
# There is no separate test set here: `fit` will hold out the last 20 % of the rows
# (`validation_split=0.2`), 30 flowers, to validate on.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 3: the model (搭建网络结构)
#
# The source's network is the smallest possible classifier: one `Dense` layer of 3 units
# with softmax, from the 4 features straight to the 3 class probabilities, with an **L2
# penalty** on the weights (chapter 06): `keras.regularizers.l2()` adds $0.01 \sum w^2$ to
# the loss.
#
# $$\hat y = \mathrm{softmax}(x W + b), \qquad W \in \mathbb{R}^{4\times 3},\; b \in
# \mathbb{R}^{3}.$$
#
# `keras.Input(shape=(4,))` tells the model its input size up front, so that `summary` can
# count the parameters before training (the source's summary printed "multiple" instead of
# an output shape, because the model was built on the first batch).

# %% slideshow={"slide_type": "fragment"}
model = keras.Sequential([
    keras.Input(shape=(4,)),
    keras.layers.Dense(3, activation="softmax", kernel_regularizer=keras.regularizers.l2()),
], name="iris_sequential")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 4: compile (配置训练方法)
#
# `compile` names the optimizer, the loss and the metrics. The source writes
# `tf.keras.optimizers.SGD(lr=0.1)`. That no longer works:

# %% slideshow={"slide_type": "fragment"}
try:
    keras.optimizers.SGD(lr=0.1)
except ValueError as error:
    print(f"SGD(lr=0.1) → ValueError: {error}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# **What changed:** `lr` was an older name of the argument, which the source's TensorFlow
# accepted (its training log comes from that call); the installed Keras 3 rejects it, and the
# argument is spelled out: `learning_rate=0.1`. The rest of the source's call works as is.
#
# - **loss**: `SparseCategoricalCrossentropy(from_logits=False)`: the labels are integers
#   (sparse) and the model ends in a softmax, so its outputs are already probabilities
#   (`from_logits=False`, see chapter 05).
# - **metrics**: `sparse_categorical_accuracy`, for the same reason; see the next section.

# %% slideshow={"slide_type": "fragment"}
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False),
              metrics=["sparse_categorical_accuracy"])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Which accuracy? (评测指标)
#
# The three accuracy metrics differ in what they expect $y\_$ (the label) and $y$ (the
# prediction) to look like:
#
# | metric | $y\_$ | $y$ | right when |
# |---|---|---|---|
# | `accuracy` (`keras.metrics.Accuracy`) | a value, `[1]` | a value, `[1]` | $y = y\_$ exactly |
# | `categorical_accuracy` | one-hot, `[0, 1, 0]` | probabilities, `[0.256, 0.695, 0.048]` | argmax $y$ = argmax $y\_$ |
# | `sparse_categorical_accuracy` | a class number, `[1]` | probabilities, `[0.256, 0.695, 0.048]` | argmax $y$ = $y\_$ |
#
# The source's examples, each with a second sample that is wrong:

# %% slideshow={"slide_type": "notes"}
probabilities = np.array([[0.256, 0.695, 0.048], [0.6, 0.3, 0.1]])
examples = {
    "accuracy": (keras.metrics.Accuracy(), [[1], [2]], [[1], [0]]),
    "categorical_accuracy": (keras.metrics.CategoricalAccuracy(), [[0, 1, 0], [0, 0, 1]], probabilities),
    "sparse_categorical_accuracy": (keras.metrics.SparseCategoricalAccuracy(), [[1], [2]], probabilities),
}
for name, (metric, label, prediction) in examples.items():
    metric.update_state(label, prediction)
    print(f"{name:>28}: {float(metric.result()):.2f}")

# %% [markdown] slideshow={"slide_type": "notes"}
# All three give 0.5: one right, one wrong. Mixing them up fails silently: `Accuracy` on
# integer labels and probabilities broadcasts the label 1 against all three probabilities,
# compares it with 0.256, 0.695 and 0.048, and finds nothing equal.
# (In `compile`, the *string* `"accuracy"` (or `"acc"`) is a shortcut that Keras resolves
# from the **shapes** of the labels and the predictions, not from the loss (`get_metric` in
# Keras' `trainers/compile_utils.py`): predictions with one column give `BinaryAccuracy`;
# labels with fewer dimensions than the predictions, or one label column against several
# prediction columns, give `SparseCategoricalAccuracy`; anything else gives
# `CategoricalAccuracy`. With iris' integer labels and three probabilities it becomes the
# sparse one. Only the class `keras.metrics.Accuracy` is the exact-equality one.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 5: fit (执行训练过程)
#
# The source's call, unchanged: mini-batches of 32, 500 epochs (轮), the last 20 % of the
# rows held out (`validation_split=0.2`), and validation only every 20 epochs
# (`validation_freq=20`), so the history holds 500 training values and 25 validation
# values. `verbose=0` keeps the 500-line log out of the page; the table printed below shows
# every 100th epoch. This cell takes a while (see the end of the chapter for why).

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
start = time.perf_counter()
history = model.fit(x_train, y_train, batch_size=32, epochs=500, validation_split=0.2,
                    validation_freq=20, verbose=0, callbacks=[TqdmCallback(verbose=0)])
fit_seconds = time.perf_counter() - start
print(f"500 epochs in {fit_seconds:.1f} s")
print("epoch   loss   accuracy   val_loss   val_accuracy")
for index in range(4, 25, 5):
    epoch = 20 * (index + 1)
    print(f"{epoch:5d}  {history.history['loss'][epoch - 1]:.4f}   "
          f"{history.history['sparse_categorical_accuracy'][epoch - 1]:.4f}     "
          f"{history.history['val_loss'][index]:.4f}     {history.history['val_sparse_categorical_accuracy'][index]:.4f}")

# %% slideshow={"slide_type": "fragment"}
print("validations:", len(history.history["val_loss"]), " epochs:", len(history.history["loss"]))
checks.milestone("final validation accuracy", history.history["val_sparse_categorical_accuracy"][-1],
                 at_least=0.9)

# %% [markdown] slideshow={"slide_type": "notes"}
# The training curves, from the `History` object that `fit` returns (the validation points
# sit every 20 epochs):

# %% slideshow={"slide_type": "fragment"}
plots.training_curves(history, metrics=("loss", "sparse_categorical_accuracy"),
                      title="iris, Sequential, SGD(learning_rate=0.1)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why are the curves smooth? The order of the rows
#
# The source's log jumps (`0.9500, 0.9417, 0.9333, 0.8833, 0.7083, 0.9167` in epochs 65–70); the
# curves above do not. The reason is subtle and worth knowing. `notebook.setup()` seeds every
# random generator so that this page is reproducible, and for arrays `fit` makes a new
# iterator over its shuffled rows at **every epoch**, whose shuffle starts again from the
# same seed. `recipe.rows_visited` shows it: it gives `fit` the row numbers themselves, as
# the chapter's `fit` above (150 rows, `validation_split=0.2`, batches of 32), with a model
# that only writes down each batch:

# %% slideshow={"slide_type": "fragment"}
print("keras", keras.__version__, "| tensorflow", tf.__version__)
for shuffle in (False, True):
    epochs = recipe.rows_visited(len(x_train), batch_size=32, num_epochs=2, shuffle=shuffle, validation_split=0.2)
    print(f"{len(x_train)} rows, shuffle={shuffle}: {len(epochs[0])} rows per epoch, the last {max(epochs[0])}; "
          f"epoch 1 starts {epochs[0][:6]}, epoch 2 starts {epochs[1][:6]}; the same order: {epochs[0] == epochs[1]}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# With `shuffle=True` (the default) `fit` trains on the first 120 rows, shuffled once, and with
# the seeds set every epoch visits the rows in the same order. That is how the versions printed
# above behave, not a promise of Keras' documentation: without the seeds each epoch gets a new
# order, and another version of Keras may shuffle differently. SGD over a fixed order settles
# into a repeating cycle. The subclassed run below reshuffles at every pass and jumps like the
# source's log.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 6: summary (打印网络结构, 统计参数数目)

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
model.summary()

# %% [markdown] slideshow={"slide_type": "fragment"}
# One `Dense` layer from 4 inputs to 3 units holds $4 \times 3 = 12$ weights and $3$
# biases: **15 trainable parameters**, as in the source. After `compile` and `fit`, Keras 3
# also lists two optimizer variables (its step counter and learning rate), which the
# source's summary did not; they are not part of the model.

# %% slideshow={"slide_type": "fragment"}
print("trainable parameters:", sum(int(np.prod(w.shape)) for w in model.trainable_weights))
checks.check_answer("parameters of the iris model", model.count_params(), 15,
                    hint="4·3 weights plus 3 biases.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### `model.build`: the source's 984-parameter summary
#
# Without `keras.Input`, a `Sequential` model does not know its input size and has no
# weights yet: each `Dense` creates its kernel the first time it sees data (its `build`).
# `model.build(input_shape=...)` does that without data. The source builds a network
# 10 → 16 → 32 → 8 this way, with `None` for the batch size, and prints its summary:

# %% slideshow={"slide_type": "fragment"}
stack = keras.Sequential([  # the names are the source's, given explicitly so that they do not depend on
    keras.layers.Dense(16, activation="relu", name="dense"),  # how many layers this session made before
    keras.layers.Dense(32, activation="relu", name="dense_1"),
    keras.layers.Dense(8, name="dense_2"),
], name="sequential")
# dense: W 10×16, b 16 → 10·16 + 16 = 176 parameters; dense_1: 16·32 + 32 = 544; dense_2: 32·8 + 8 = 264
print("built before build():", stack.built)
stack.build(input_shape=(None, 10))  # 10 input features, any batch size
print("built after build():", stack.built)
for variable in stack.trainable_variables:
    print(f"{variable.path:<28} {tuple(variable.shape)}")

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
stack.summary()

# %% slideshow={"slide_type": "fragment"}
checks.check_answer("parameters of the source's 10-16-32-8 network", stack.count_params(), 984,
                    hint="10·16 + 16, 16·32 + 32 and 32·8 + 8.")

# %% [markdown] slideshow={"slide_type": "fragment"}
# 176 + 544 + 264 = **984**, the source's total. One difference when you list the weights:
# the source printed `p.name` and got `dense/kernel:0`; in Keras 3 a variable's `name` is
# only `kernel`, and the layer-qualified name is its `path` (as printed above).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The same recipe with a subclassed `Model` (用类搭建网络)
#
# `Sequential` covers a chain of layers. A network with branches or skip connections
# (跳连) needs a class: build the layers in `__init__`, write the forward pass in `call`.
# Only step 3 changes; the other steps stay as they are:

# %% slideshow={"slide_type": "notes"}
class IrisModel(keras.Model):
    """The source's iris network as a class: one Dense(3, softmax) with an L2 penalty."""

    def __init__(self):
        super().__init__()
        self.d1 = keras.layers.Dense(3, activation="softmax", kernel_regularizer=keras.regularizers.l2())

    def call(self, x):
        y = self.d1(x)
        return y


subclassed = IrisModel()
subclassed.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                   loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False),
                   metrics=["sparse_categorical_accuracy"])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why was step 5 slow, and how to make it fast (加速)
#
# 500 epochs of 4 mini-batches are only 2000 tiny SGD steps, yet `fit` took many seconds
# above. The time goes into the epochs, not the steps: for arrays, `fit` builds a
# `tf.data` pipeline and at **every epoch** creates a new iterator over it (and runs the
# epoch callbacks); with 120 samples that overhead is far larger than the training itself,
# as the timing below shows.
#
# The fix keeps `fit` and the algorithm: give it one endless dataset, reshuffled at each pass
# (`recipe.repeated_dataset`), and say how many steps make an epoch. `validation_split`
# only works with arrays, so the same split is passed explicitly
# (`recipe.split_like_keras`: the last 20 % of the rows).

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
(x_fit, y_fit), (x_val, y_val) = recipe.split_like_keras(x_train, y_train, 0.2)
batch_size, num_epochs = 32, 500
steps_per_epoch = int(np.ceil(len(x_fit) / batch_size))
print(f"{len(x_fit)} training rows: {num_epochs} epochs of {steps_per_epoch} batches, "
      f"{num_epochs * steps_per_epoch} SGD steps")
start = time.perf_counter()
subclassed_history = subclassed.fit(recipe.repeated_dataset(x_fit, y_fit, batch_size), epochs=num_epochs,
                                    steps_per_epoch=steps_per_epoch,
                                    validation_data=(x_val, y_val), validation_freq=20, verbose=0,
                                    shuffle=False)  # the dataset reshuffles itself; fit's own shuffle would be ignored
print(f"{num_epochs} epochs in {time.perf_counter() - start:.1f} s, against {fit_seconds:.1f} s above")

# %% slideshow={"slide_type": "fragment"}
print(f"longest petal: {x_train[:, 2].max():.1f} cm")
checks.check_answer("parameters of the subclassed model", subclassed.count_params(), 15,
                    hint="the same Dense(3) on 4 inputs.")
last_five = subclassed_history.history["val_sparse_categorical_accuracy"][-5:]
checks.milestone("subclassed model, mean validation accuracy of the last 5 validations",
                 np.mean(last_five), at_least=0.8)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The subclassed model learns the same way, but with a fresh order every epoch its curves
# jump as the source's did: a learning rate of 0.1 on unscaled features (petal lengths up to
# 6.9 cm) makes some mini-batch steps overshoot. A single validation can land on such a jump,
# so the check above averages the last five validations.

# %% slideshow={"slide_type": "fragment"}
plots.training_curves(subclassed_history, metrics=("loss", "sparse_categorical_accuracy"),
                      title="iris, subclassed IrisModel, one iterator")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Panel: epochs, learning rate and L2 (训练面板)
#
# For a panel even that is too slow: a button press should retrain in about a second. The
# panel therefore runs `recipe.train_softmax_regression`: the same model (softmax of
# $xW+b$), the same loss (sparse CE + $\lambda \sum W^2$) and the same mini-batch SGD
# (batch 32, reshuffled every epoch), written as **one `tf.function`** whose loop over
# epochs and batches runs inside the TensorFlow graph, with the hyperparameters passed as
# tensors so it is traced once. Its gradient is chapter 05's closed form,
# $x^\top(p - y\_)/n + 2\lambda W$, which is cheaper per step than recording a `GradientTape`. Started from the same weights with full batches, it ends
# at the same weights as `fit` (to float32 rounding, as `tests/test_recipe.py` checks); the
# cell below times it against the `fit` above.

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
recipe.train_softmax_regression(x_fit, y_fit, x_val, y_val, num_epochs=20)  # the one trace
fast = recipe.train_softmax_regression(x_fit, y_fit, x_val, y_val, num_epochs=500, learning_rate=0.1, batch_size=32)
print(f"compiled loop: 500 epochs in {fast['seconds']:.2f} s "
      f"(fit with arrays: {fit_seconds:.1f} s); final validation accuracy {fast['history']['val_accuracy'][-1]:.3f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Press **Train**: the curves grow while the model trains, in 20 updates (every 25 of its 500
# epochs); Pause keeps what was learned, Reset starts again. Try, and press **Train** after each change:
#
# - **learning rate** 0.01: slower, smoother curves; 0.5 or more: the loss jumps and the
#   accuracy swings wildly (chapter 03's oscillating regime).
# - **L2** 0 against 0.2: the caption's weight norm ‖W‖ shrinks as λ grows, and the
#   loss cannot go as low, since part of it is now the penalty; too much L2 underfits
#   (chapter 06).
# - **epochs** 20: the model has not finished learning yet.

# %% tags=["panel", "nbval-ignore-output"] slideshow={"slide_type": "subslide"}
recipe_panel()  # loads the same shuffled iris itself: the cell also runs right after the setup cell

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The test loop by hand (网络测试: softmax, argmax, `tf.equal`)
#
# `evaluate` and the accuracy metrics hide a loop that the source course (003) writes out for
# its Fashion-MNIST network: for each test batch, softmax turns the outputs into probabilities,
# `tf.argmax` picks the most probable class, `tf.equal` compares it with the labels, and the
# hits are counted. The source casts its labels to `int32` when it loads them, and
# `tf.argmax` returns `int64` by default, so the loop casts the prediction too. Here is that
# loop on the 30 held-out flowers, with the model trained in step 5 (it ends in a softmax
# already, and softmax keeps the order of its inputs, so the loop starts at the argmax):

# %% slideshow={"slide_type": "fragment"}
test_labels = tf.cast(y_val, tf.int32)  # as the source loads its labels
total_correct, total_number = 0, 0
for x_batch, y_batch in tf.data.Dataset.from_tensor_slices((x_val, test_labels)).batch(8):
    probabilities = model(x_batch)  # [b, 3], each row sums to 1
    predicted = tf.argmax(probabilities, axis=1)  # the index of the largest: int64
    predicted = tf.cast(predicted, dtype=tf.int32)  # the labels' dtype
    correct = tf.reduce_sum(tf.cast(tf.equal(predicted, y_batch), dtype=tf.int32))
    total_correct += int(correct)
    total_number += x_batch.shape[0]
print(f"{total_correct} of {total_number} right: accuracy {total_correct / total_number:.4f}")
print(f"evaluate's sparse_categorical_accuracy: {model.evaluate(x_val, y_val, verbose=0)[1]:.4f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Why the cast? NumPy promotes mixed integer types without a word; TensorFlow never converts
# a dtype silently, and `tf.equal` raises an `InvalidArgumentError` on an `int64` prediction
# against `int32` labels:

# %% slideshow={"slide_type": "fragment"}
print("tf.argmax gives", tf.argmax(model(x_val), axis=1).dtype.name, "| the labels are", test_labels.dtype.name,
      "| before the cast they were", y_val.dtype.name)
try:
    tf.equal(tf.argmax(model(x_val), axis=1), test_labels)
except tf.errors.InvalidArgumentError as error:
    print("InvalidArgumentError:", error.message.split(" [Op:")[0])
print("tf.argmax(..., output_type=tf.int32) gives",
      tf.argmax(model(x_val), axis=1, output_type=tf.int32).dtype.name)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Either cast the prediction (the source's `tf.cast(predict, dtype=tf.int32)`) or ask
# `tf.argmax` for the labels' dtype with `output_type=tf.int32`. The labels of
# `data.load_iris` are NumPy `int64`, so with them the comparison works without a cast: it is
# the labels' dtype, chosen where the data are loaded, that decides.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The Functional API (函数式 API)
#
# `Sequential` is a chain: each layer takes the previous layer's output, one tensor in, one
# out. A network with two inputs, or a skip connection (跳连) that feeds a layer's input past
# it, is not a chain. The **Functional API** writes the graph itself: start from
# `keras.Input` tensors, call each layer on tensors to get new tensors, and make a
# `keras.Model(inputs, outputs)`. The six steps stay; step 3 changes. An iris network with
# two inputs, the sepal measurements and the petal measurements, each through a layer of its
# own, joined by `Concatenate`:

# %% slideshow={"slide_type": "fragment"}
# step 2: the two inputs, from the same rows
sepal_train, petal_train = x_fit[:, :2], x_fit[:, 2:]
sepal_val, petal_val = x_val[:, :2], x_val[:, 2:]

# step 3: the graph, tensor by tensor
with notebook.seeded(0):
    sepal = keras.Input(shape=(2,), name="sepal")
    petal = keras.Input(shape=(2,), name="petal")
    sepal_features = keras.layers.Dense(4, activation="relu", name="sepal_dense")(sepal)
    petal_features = keras.layers.Dense(4, activation="relu", name="petal_dense")(petal)
    joined = keras.layers.Concatenate(name="joined")([sepal_features, petal_features])
    outputs = keras.layers.Dense(3, activation="softmax", name="classes")(joined)
    two_inputs = keras.Model(inputs={"sepal": sepal, "petal": petal}, outputs=outputs, name="iris_two_inputs")

# step 4: compile
two_inputs.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05),
                   loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["sparse_categorical_accuracy"])

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
# step 5: fit, the inputs given by name; 60 passes over the data from one repeated dataset (the fast way above)
two_inputs_data = tf.data.Dataset.from_tensor_slices(({"sepal": sepal_train, "petal": petal_train}, y_fit))
two_inputs.fit(two_inputs_data.shuffle(len(y_fit), seed=0).batch(batch_size).repeat(), epochs=1,
               steps_per_epoch=60 * steps_per_epoch, shuffle=False, verbose=0)
# step 6: summary; its last column says which layer feeds which
two_inputs.summary()

# %% slideshow={"slide_type": "fragment"}
print("parameters:", two_inputs.count_params(), "= sepal 2·4 + 4, petal 2·4 + 4, classes 8·3 + 3")
checks.milestone("two-input network: validation accuracy",
                 two_inputs.evaluate({"sepal": sepal_val, "petal": petal_val}, y_val, verbose=0)[1], at_least=0.9)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The same graph could not be written as a `Sequential` list: its two `Dense` layers sit side
# by side, not one after the other. (A subclassed `Model` can express it too, in `call`; the
# Functional API has the advantage that Keras knows the graph before any data flow, so
# `summary` shows every connection and the shapes are checked as the model is built.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Saving and resuming a run (保存模型, 断点续训)
#
# A long run stops: the laptop sleeps, the kernel dies, a time limit ends the job. To go on
# where it stopped, and get **the same network** an uninterrupted run would have given, four
# things must be back in place:
#
# 1. the weights;
# 2. the optimizer's state: Adam's moment estimates and its step counter (chapter 07);
# 3. the epoch to go on from (`fit(..., initial_epoch=k)`);
# 4. the data order of the remaining epochs.
#
# `model.save("run.keras")` writes the first two, with the architecture and the `compile`
# settings, in one `.keras` file; `keras.saving.load_model("run.keras")` gives the model back,
# compiled and ready to `fit`. The callback `keras.callbacks.ModelCheckpoint("epoch_{epoch:02d}.keras")`
# makes `fit` save such a file after every epoch. The epoch is in the file's name. The data
# order is the subtle one: a shuffled dataset built anew starts its orders again from the
# first epoch's. `recipe.epoch_batches` draws each epoch's order from the epoch number alone,
# so a run resumed at epoch $k$ sees the batches the uninterrupted run saw.
#
# The test: a 4-10-3 network, Adam, 10 epochs without a stop, against 5 epochs, a stop, and
# 5 more from the checkpoint; and two resumes that each forget one thing.

# %% slideshow={"slide_type": "fragment"}
def iris_network():
    with notebook.seeded(0):
        network = keras.Sequential([keras.Input((4,)), keras.layers.Dense(10, activation="relu"),
                                    keras.layers.Dense(3, activation="softmax")])
    network.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                    loss=keras.losses.SparseCategoricalCrossentropy())
    return network


def train_epochs(network, first_epoch, last_epoch, *, data_from=None, callbacks=()):
    """Epochs first_epoch + 1 ... last_epoch of the run; data_from: the epoch the data order starts at."""
    batches = recipe.epoch_batches(x_fit, y_fit, batch_size=32, num_epochs=last_epoch,
                                   initial_epoch=first_epoch if data_from is None else data_from)
    network.fit(batches, initial_epoch=first_epoch, epochs=last_epoch, steps_per_epoch=steps_per_epoch,
                callbacks=list(callbacks), shuffle=False, verbose=0)
    return network


def largest_difference(network, reference):
    return max(float(np.max(np.abs(a - b))) for a, b in zip(network.get_weights(), reference.get_weights()))

# %% slideshow={"slide_type": "fragment"}
uninterrupted = train_epochs(iris_network(), 0, 10)
with tempfile.TemporaryDirectory() as folder:
    checkpoint = keras.callbacks.ModelCheckpoint(os.path.join(folder, "epoch_{epoch:02d}.keras"))
    train_epochs(iris_network(), 0, 5, callbacks=[checkpoint])  # ... and the run stops here
    print("saved:", sorted(os.listdir(folder)))
    saved = os.path.join(folder, "epoch_05.keras")
    resumed = train_epochs(keras.saving.load_model(saved), 5, 10)
    weights_only = iris_network()  # a fresh optimizer: Adam's moments start again from zero
    weights_only.set_weights(keras.saving.load_model(saved).get_weights())
    train_epochs(weights_only, 5, 10)
    data_restarted = train_epochs(keras.saving.load_model(saved), 5, 10, data_from=0)
print(f"optimizer steps after the resumed run: {int(resumed.optimizer.iterations)}, "
      f"uninterrupted: {int(uninterrupted.optimizer.iterations)}")
print(f"largest weight difference from the uninterrupted run: resumed from the .keras file "
      f"{largest_difference(resumed, uninterrupted):.1e}")

# %% slideshow={"slide_type": "fragment"}
checks.milestone("weights only, fresh optimizer: largest weight difference", largest_difference(weights_only, uninterrupted),
                 at_least=1e-3, digits=3)
checks.milestone("data order restarted at epoch 1: largest weight difference",
                 largest_difference(data_restarted, uninterrupted), at_least=1e-4, digits=4)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The run resumed from the `.keras` file, with `initial_epoch=5` and the data of the epochs
# after it, ends with exactly the weights of the run that never stopped (difference 0). Forget the
# optimizer's state (weights only, `save_weights`/`set_weights`) or the data order, and it
# ends somewhere else: not a worse network, necessarily, but not the run you were doing, so
# its results cannot be compared with it. (The equality is exact here because
# `notebook.setup()` turns on TensorFlow's deterministic operations.)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 1: counting parameters
#
# A network takes the 4 iris features, has a hidden `Dense(16)` layer and an output
# `Dense(3)`. How many parameters does `summary` report as trainable? Count them without
# building it.

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_parameter_count(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: weights plus biases of each layer
answer = (4 * 16 + 16) + (16 * 3 + 3)
exercises.check_parameter_count(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 2 (build it): a metric by hand
#
# Write `sparse_accuracy(labels, probabilities)` with NumPy: it gets integer labels and one
# row of class probabilities per label, and returns what `sparse_categorical_accuracy`
# computes (the table above). The check calls it on batches of its own, with Keras' accuracy
# metrics switched off.

# %% slideshow={"slide_type": "skip"}
sparse_accuracy = ...  # your code here: def sparse_accuracy(labels, probabilities): ...
exercises.check_sparse_accuracy(sparse_accuracy)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: argmax of each row against the label, then the share of hits
def sparse_accuracy(labels, probabilities):
    return np.mean(np.argmax(probabilities, axis=1) == labels)


exercises.check_sparse_accuracy(sparse_accuracy)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 3 (build it): the six steps for a 4-10-3 network
#
# Write `build_and_train(x_train, y_train)`: it gets the course's 120 training flowers
# (the import and the data are done for you) and must build a network with **one hidden layer of 10
# units** (4 → 10 → 3), `compile` it, `fit` it, and return the trained model (calling
# `summary()` on it is step 6). The check trains it by calling your function, then measures
# its accuracy on the 30 held-out flowers it never saw: at least 0.9 passes. The check
# renumbers the three classes (the same way for training and test), so train on the
# arguments your function is given: a model trained on the chapter's `x_train`, `y_train`
# (which hold the 30 test flowers too) would not pass.

# %% slideshow={"slide_type": "fragment"}
def build_and_train(x_train, y_train):
    ...  # your code here: Sequential, compile, fit; return the model


exercises.check_iris_network(...)  # replace ... by build_and_train when your function is written

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: the recipe with a hidden layer; Adam at 0.01 in batches of 8 needs far fewer epochs than
# the source's 500 of SGD.
def build_and_train(x_train, y_train):
    model = keras.Sequential([
        keras.Input(shape=(4,)),
        keras.layers.Dense(10, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=["sparse_categorical_accuracy"])
    model.fit(x_train, y_train, batch_size=8, epochs=30, verbose=0)
    return model


exercises.check_iris_network(build_and_train)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 4 (build it): the test loop's count
#
# Write `count_correct(logits, labels)` with TensorFlow: `logits` is one batch of network
# outputs (one row per example, no softmax applied), `labels` the batch's class numbers as an
# `int32` tensor, as the source loads them. Return how many predictions are right, as the
# body of the source's test loop computes it. The check calls it on batches of its own, with
# Keras' accuracy metrics switched off.

# %% slideshow={"slide_type": "fragment"}
answer = ...  # your code here: answer = count_correct
exercises.check_count_correct(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: the source's loop body; argmax gives int64, so ask for int32 (or cast) before tf.equal
def count_correct(logits, labels):
    probabilities = tf.nn.softmax(logits, axis=1)
    predicted = tf.argmax(probabilities, axis=1, output_type=tf.int32)
    return int(tf.reduce_sum(tf.cast(tf.equal(predicted, labels), tf.int32)))


answer = count_correct
exercises.check_count_correct(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 5 (build it): a skip connection
#
# Write `skip_model()`, which returns a new, untrained model for the 4 iris features, written
# with the Functional API: a hidden `Dense(8, activation="relu")` on the features, then the
# hidden layer's 8 outputs **concatenated with the 4 features themselves** (the skip
# connection), then `Dense(3, activation="softmax")`. The check counts its parameters, runs it
# on flowers of its own, and switches the hidden layer off to see whether the input still
# reaches the output.

# %% slideshow={"slide_type": "fragment"}
answer = ...  # your code here: answer = skip_model
exercises.check_skip_model(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: the input tensor is used twice, by the hidden layer and by Concatenate
def skip_model():
    features = keras.Input(shape=(4,))
    hidden = keras.layers.Dense(8, activation="relu")(features)
    joined = keras.layers.Concatenate()([hidden, features])
    return keras.Model(features, keras.layers.Dense(3, activation="softmax")(joined))


answer = skip_model
exercises.check_skip_model(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 6 (build it): resume a stopped run
#
# A run of a small iris network (Adam) on the flowers `x`, `y` was meant to last `num_epochs`
# epochs, in batches of 32 from `recipe.epoch_batches` (seed 0), as in the saving section. It
# stopped, and `path` is the `.keras` file saved when it stopped; its name does not give the
# epoch. Write `resume(path, x, y, num_epochs)`, which finishes the run and returns the
# trained model. The check runs a network of its own without a stop, and needs your model to
# end with exactly its weights.

# %% slideshow={"slide_type": "fragment"}
answer = ...  # your code here: answer = resume
exercises.check_resume(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: the file brings back the weights and the optimizer's state; the optimizer's step counter gives the
# epoch; epoch_batches with that initial_epoch gives the remaining epochs' batches
def resume(path, x, y, num_epochs):
    network = keras.saving.load_model(path)
    steps = int(np.ceil(len(x) / 32))
    epoch = int(network.optimizer.iterations) // steps
    network.fit(recipe.epoch_batches(x, y, batch_size=32, num_epochs=num_epochs, initial_epoch=epoch),
                initial_epoch=epoch, epochs=num_epochs, steps_per_epoch=steps, shuffle=False, verbose=0)
    return network


answer = resume
exercises.check_resume(answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary (小结)
#
# - The six steps (八股): import → train/test data → `Sequential` (or a `Model` subclass)
#   → `compile(optimizer, loss, metrics)` → `fit(...)` → `summary()`.
# - The source's iris model is one `Dense(3, softmax)` with L2: 15 parameters, validation
#   accuracy ≥ 0.9 after 500 epochs of SGD at 0.1.
# - Keras 3 spells the learning rate out: `SGD(learning_rate=0.1)`, not `lr=0.1`.
# - Without `keras.Input`, `model.build(input_shape=(None, n))` creates the weights; the
#   source's 10-16-32-8 network has 984 parameters. A variable's layer-qualified name is its
#   `path` in Keras 3.
# - `accuracy` compares values, `categorical_accuracy` one-hot labels with probabilities,
#   `sparse_categorical_accuracy` integer labels with probabilities.
# - `validation_split` holds out the last rows (shuffle first); `validation_freq` validates
#   every n epochs.
# - On tiny data `fit` spends its time per epoch, not per step: one repeated dataset, or a
#   loop compiled into one `tf.function`, makes 500 epochs fast.
# - The test loop: softmax, `tf.argmax` (`int64`), a cast to the labels' dtype, `tf.equal`,
#   `tf.reduce_sum`; TensorFlow does not mix dtypes by itself.
# - The Functional API (`keras.Input`, layers called on tensors, `keras.Model(inputs, outputs)`)
#   writes graphs that are not chains: several inputs, skip connections.
# - To resume a run exactly: weights and optimizer state (`model.save`/`keras.saving.load_model`,
#   `.keras`; `ModelCheckpoint` during `fit`), `initial_epoch`, and the data order of the
#   remaining epochs (`recipe.epoch_batches`).
#
# Next: [09 MNIST](09_mnist.ipynb).
