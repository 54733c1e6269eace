# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 02 Forward and backward propagation by hand (前向传播与反向传播)
#
# Before Keras builds networks for us, we build one ourselves: the MNIST classifier of the
# source notes, **784-256-128-10**, from six raw `tf.Variable`s. We write the forward pass
# (前向传播), the loss, the gradient step and the test loop by hand, and reproduce the
# source's result: mean squared error (均方误差, MSE) with plain gradient descent at learning
# rate 0.001 reaches only about **0.76** test accuracy after 50 epochs (the source reports
# 0.7847). Then we find out why, and fix it. Last, we open up `GradientTape`: the backward pass (反向传播) that gives the
# gradients, by the chain rule, first on paper, then for the whole network.
#
# **In this chapter you will**
#
# - build a multilayer perceptron (多层感知机) from weights and biases, and count its parameters;
# - write one training step with `GradientTape` and `assign_sub`, and a test-accuracy loop;
# - measure why the batch size (批大小) and `tf.function` decide whether training takes
#   seconds or hours;
# - reproduce the source's MSE + SGD run, then reach at least 0.97 with cross entropy (交叉熵)
#   and a better optimizer;
# - see why the source's other loss, `reduce_sum(...)/b`, takes 10 times larger steps at the
#   "same" learning rate, and test why its pixels in [−1, 1] help;
# - compute gradients by backpropagation yourself and check them against `GradientTape`;
# - check a backward pass by finite differences, and choose its step and dtype;
# - measure what the tape keeps from the forward pass, and how that grows with the batch;
# - explore learning rate, batch size and loss in a panel, one epoch at a time.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "skip"}
from course_lib import notebook

notebook.setup()  # first, so that TensorFlow's start-up log stays quiet

import inspect

import keras
import numpy as np
import tensorflow as tf

from course_lib import autodiff, checks, data, forward, plots, training
from course_lib.exercises import autodiff as autodiff_exercises
from course_lib.exercises import forward as exercises
from course_lib.widgets.forward import train_one_epoch_panel

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The data (数据集)
#
# As in the source, the 28×28 images become rows of 784 pixels scaled to 0..1, and the
# training labels become one-hot rows (独热码): digit 5 is `[0,0,0,0,0,1,0,0,0,0]`, so
# that the network's 10 outputs can be compared with them. Labels we only test against stay
# integers: to test we only compare the predicted digit with the true one.
#
# Unlike the source, we hold out the last 10000 of the 60000 training images as a
# **validation set** (验证集): every comparison of settings below is measured on it. The test
# set (测试集) is used once, at the end of the training sections, for the models we keep: a
# test score that has guided choices is no longer an estimate of the next, unseen images.

# %% slideshow={"slide_type": "fragment"}
(x_train, y_train), (x_test, y_test_one_hot) = data.load_mnist(flatten=True, one_hot=True)
y_test = y_test_one_hot.argmax(axis=1)
num_validation = 10000
print(f"MNIST training images: {len(x_train)}; the last {num_validation} become the validation set")
x_train, x_val = x_train[:-num_validation], x_train[-num_validation:]
y_train, y_val_one_hot = y_train[:-num_validation], y_train[-num_validation:]
y_val = y_val_one_hot.argmax(axis=1)
print("x_train", x_train.shape, x_train.dtype, f"pixels {x_train.min():.1f}..{x_train.max():.1f}")
print("y_train", y_train.shape, "first label", y_train[0])
print("x_val  ", x_val.shape, " y_val ", y_val.shape, "first labels", y_val[:5])
print("x_test ", x_test.shape, " y_test", y_test.shape, "first labels", y_test[:5])

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The network (网络)
#
# Each layer multiplies its input by a weight matrix, adds a bias and, except for the last
# one, applies ReLU (激活函数 ReLU, see chapter 04):
#
# $$h_1 = \mathrm{relu}(x W_1 + b_1),\qquad h_2 = \mathrm{relu}(h_1 W_2 + b_2),\qquad
#   \mathrm{out} = h_2 W_3 + b_3 .$$
#
# With a batch of $b$ images the shapes are $[b, 784] \to [b, 256] \to [b, 128] \to [b, 10]$;
# adding the bias $[256]$ to $[b, 256]$ is broadcasting (chapter 01). The weights start from a
# truncated normal distribution with standard deviation 0.1 and the biases at zero, as in the
# source. `forward.MLP` is exactly this, in a dozen lines: open `course_lib/forward.py`.

# %% slideshow={"slide_type": "fragment"}
model = forward.MLP()
for variable in model.weights + model.biases:
    print(f"{variable.name:6} shape {variable.shape}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Counting parameters (参数量)
#
# A dense layer from $n_\text{in}$ inputs to $n_\text{out}$ units has
# $n_\text{in} \cdot n_\text{out}$ weights and $n_\text{out}$ biases. (The source calls these
# 超参数, "hyperparameters"; they are parameters (参数), learned by training. Hyperparameters
# are the numbers *we* choose: learning rate, batch size, epochs.)

# %% slideshow={"slide_type": "fragment"}
counts = forward.parameter_counts()
for (n_in, n_out), count in zip(zip(forward.LAYER_SIZES, forward.LAYER_SIZES[1:]), counts):
    print(f"{n_in:>4} -> {n_out:<4} {n_in} x {n_out} + {n_out} = {count}")
print("total", sum(counts))
checks.check_answer("parameter counts of the source", counts, [200960, 32896, 1290],
                    hint="weights plus biases of each layer")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One forward pass
#
# Calling the model on a batch gives 10 scores per image; the predicted digit is the one with
# the highest score. Untrained, the scores are noise:

# %% slideshow={"slide_type": "fragment"}
out = model(x_train[:128])
print("out", out.shape, "predicted digits", tf.argmax(out, axis=1)[:10].numpy())
print(f"MSE of the untrained network: {float(forward.mse(y_train[:128], out)):.2f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The loss and the training step (损失与训练)
#
# The source's loss is the mean squared error between the one-hot label and the 10 outputs,
# averaged over the batch and the 10 classes:
#
# $$\mathcal{L}_\mathrm{MSE} = \frac{1}{10\,b}\sum_{i=1}^{b}\sum_{k=1}^{10}(y_{ik} - \mathrm{out}_{ik})^2 .$$
#
# One step of gradient descent (梯度下降) moves every parameter against its gradient,
# $\theta \leftarrow \theta - \eta\,\partial\mathcal{L}/\partial\theta$, with learning rate
# (学习率) $\eta$. `GradientTape` records the forward pass and gives the six gradients;
# `assign_sub` updates each variable in place. (Writing `w1 = w1 - lr * grad` instead would
# replace the variable by a plain tensor, which the tape no longer watches.) Here is the
# source's step, written out once:

# %% slideshow={"slide_type": "notes"}
learning_rate = 1e-3


def sgd_step(x, y):
    """One step of plain gradient descent on the MSE, as in the source notes."""
    with tf.GradientTape() as tape:
        loss = forward.mse(y, model(x))
    gradients = tape.gradient(loss, model.trainable_variables)
    for variable, gradient in zip(model.trainable_variables, gradients):
        variable.assign_sub(learning_rate * gradient)
    return loss


# %% [markdown] slideshow={"slide_type": "fragment"}
# and the source's test loop: predict a digit for every image, count the right ones. It runs
# on the validation images until the end of the chapter's training.

# %% slideshow={"slide_type": "notes"}
def accuracy_on(model, x, y, batch_size=1000):
    """Share of the images ``x`` whose highest score is the true digit ``y``: the source's test loop."""
    correct = 0
    for x_batch, y_batch in forward.batches(x, y, batch_size):
        predicted = tf.argmax(model(x_batch), axis=1)
        correct += int(tf.reduce_sum(tf.cast(predicted == y_batch, tf.int32)))
    return correct / len(x)


print(f"validation accuracy before training: {accuracy_on(model, x_val, y_val):.2f} (a guess among 10 digits)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The MSE as a squared norm (二范数)
#
# The source also writes the same loss with the Euclidean norm (二范数)
# $\lVert A\rVert = \sqrt{\sum_{ik} A_{ik}^2}$ of the whole error matrix: squaring the norm
# gives back the sum of squares, and dividing by the $10\,b$ entries gives the mean,
#
# $$\mathcal{L}_\mathrm{MSE} = \frac{\lVert y - \mathrm{out}\rVert^2}{10\,b} .$$
#
# `tf.norm` of a matrix is this norm by default (`ord="euclidean"`, over all entries):

# %% slideshow={"slide_type": "fragment"}
out = model(x_train[:128])
as_norm = tf.square(tf.norm(y_train[:128] - out)) / (128 * 10)
print(f"||y - out||^2 / (10 b) = {float(as_norm):.4f}   forward.mse = {float(forward.mse(y_train[:128], out)):.4f}")
checks.check_answer("the squared norm over 10 b is the MSE", as_norm, forward.mse(y_train[:128], out),
                    hint="square the norm, divide by the number of entries", rtol=1e-5)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Why batch size and `tf.function` matter (批大小与 tf.function)
#
# The source first fed the images **one at a time** (`from_tensor_slices` without `.batch`),
# running every step eagerly, op by op, from Python. Its log stops at step 2200 of 60000 with a
# `KeyboardInterrupt`: the epoch never finished. Two things make the difference:
#
# - **batching**: one step on 128 images takes far less time than 128 steps on one image (the
#   first two rows of the table below), because the matrix products keep the processor busy
#   instead of waiting on Python;
# - **`tf.function`**: it traces the step once into a TensorFlow graph, which then runs
#   without Python between the operations.
#
# We time a few hundred steps of each loop and extrapolate to one epoch of our training images:

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
loop_settings = {  # name: (step, batches, steps timed)
    "batch of 1, eager (the source)": (sgd_step, forward.batches(x_train, y_train, 1), 200),
    "batch of 128, eager": (sgd_step, forward.batches(x_train, y_train, 128), 50),
    "batch of 128, tf.function": (tf.function(sgd_step), forward.batches(x_train, y_train, 128), 100),
}
loops = {}
for name, (step, batches, num_steps) in loop_settings.items():
    timing = loops[name] = forward.time_epoch(step, batches, num_steps=num_steps)
    print(f"{name:31} {timing['seconds_per_step'] * 1000:7.2f} ms per step x {timing['steps_per_epoch']:5} "
          f"steps = {timing['seconds_per_epoch']:7.1f} s per epoch")

# %% slideshow={"slide_type": "fragment"}
speedup = (loops["batch of 1, eager (the source)"]["seconds_per_epoch"]
           / loops["batch of 128, tf.function"]["seconds_per_epoch"])
checks.milestone("speed-up of a batched tf.function epoch over the source's loop", speedup, at_least=20, digits=0)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The per-sample loop needs far longer per epoch than the batched `tf.function` loop (at
# least 20 times, as checked above; the table shows the factor here): that is why every loop from here on is batched and
# compiled. `course_lib.training.train` is our step inside `tf.function` (run many batches per
# call, so that Python does not run between them either), plus a progress bar,
# a test after each epoch and a guard against a loss that turns NaN. Its step is the one
# above, with the update handed to an optimizer:

# %% slideshow={"slide_type": "notes"}
print(inspect.getsource(training.make_train_step))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The source's run: MSE + SGD, learning rate 0.001, 50 epochs
#
# A fresh network, the source's settings: batches of 128 in the original order, MSE, plain
# gradient descent (`keras.optimizers.SGD` does exactly our `assign_sub` update). The source
# reports test accuracy 0.7847 after 50 epochs, trained on all 60000 images; we train on our
# 50000 and watch the validation accuracy. This takes a minute or two.

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
batch_size, num_epochs = 128, 50
train_batches = forward.batches(x_train, y_train, batch_size)
validation_batches = forward.batches(x_val, y_val_one_hot, 1000)
model = forward.MLP()
history = training.train(model, train_batches, loss_fn=forward.mse,
                         optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                         num_epochs=num_epochs, metrics={"accuracy": training.accuracy},
                         validation_data=validation_batches)
print(f"{len(x_train)} training images; validation accuracy after {history.num_epochs} epochs: "
      f"{accuracy_on(model, x_val, y_val):.4f}")

# %% slideshow={"slide_type": "fragment"}
mse_model = model  # kept for the test at the end
mse_sgd_accuracy = accuracy_on(mse_model, x_val, y_val)
checks.milestone("MSE + SGD(0.001) validation accuracy after 50 epochs", mse_sgd_accuracy, at_least=0.70)
checks.milestone("MSE + SGD(0.001) validation accuracy after 50 epochs", mse_sgd_accuracy, at_most=0.86)

# %% slideshow={"slide_type": "fragment"}
plots.training_curves(history, ("loss", "accuracy"), title="MSE + SGD(0.001): slow, still climbing")

# %% [markdown] slideshow={"slide_type": "notes"}
# The loss still falls after 50 epochs: the network is not stuck, it moves too slowly. Two
# reasons:
#
# - **MSE asks for the wrong thing.** The gradient of the loss with respect to an output
#   is $\frac{2}{10b}(\mathrm{out}_{ik} - y_{ik})$: proportional to the error, so a wrong
#   digit does get a large gradient, but it is averaged over the 10 classes, and MSE wants
#   every score to be exactly 0 or 1: much of each step goes into pulling the nine wrong
#   scores to exactly 0 (and the right one back to exactly 1), which does not change the
#   predicted digit. Cross entropy on the softmax of the outputs,
#
#   $$\mathcal{L}_\mathrm{CE} = -\frac{1}{b}\sum_{i=1}^{b}\sum_{k=1}^{10} y_{ik}\log\mathrm{softmax}(\mathrm{out}_i)_k ,$$
#
#   has a gradient with respect to each score that is not divided by 10 and that is close
#   to 0 only once the right class clearly wins, whatever the exact scores (exercise 4
#   derives it).
#   (MSE's gradient does fade, even for a wrong digit, when it is applied to softmax
#   *probabilities*: the softmax's own slope multiplies it; that is chapter 05.)
# - **0.001 is a small step for plain SGD** here. Adam (chapter 07) scales each parameter's
#   step by its own gradient history, so 0.001 is a good default for it.
#
# ## The fix: cross entropy and Adam
#
# Same network, same data, same initialisation scheme; only the loss and the optimizer change,
# for 5 epochs instead of 50. (The source's Fashion-MNIST notes write `optimizers.Adam(lr=1e-3)`;
# Keras 3 only accepts `learning_rate=`.)

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
model = forward.MLP()
history = training.train(model, train_batches, loss_fn=forward.cross_entropy,
                         optimizer=keras.optimizers.Adam(learning_rate=1e-3), num_epochs=5,
                         metrics={"accuracy": training.accuracy}, validation_data=validation_batches)
print(f"validation accuracy after {history.num_epochs} epochs: {accuracy_on(model, x_val, y_val):.4f}")

# %% slideshow={"slide_type": "fragment"}
checks.milestone("cross entropy + Adam(0.001) validation accuracy after 5 epochs", accuracy_on(model, x_val, y_val),
                 at_least=0.97)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The test set, once
#
# Both settings are chosen; nothing below changes them. Now, and only now, the 10000 test
# images score the two models we keep: an estimate of how they do on images no choice was
# made on.

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
test_results = {"MSE + SGD(0.001), 50 epochs": accuracy_on(mse_model, x_test, y_test),
                "cross entropy + Adam(0.001), 5 epochs": accuracy_on(model, x_test, y_test)}
for name, accuracy in test_results.items():
    print(f"{name:38} test accuracy on the {len(x_test)} test images: {accuracy:.4f}")

# %% slideshow={"slide_type": "fragment"}
checks.milestone("MSE + SGD(0.001) test accuracy", test_results["MSE + SGD(0.001), 50 epochs"], at_least=0.70)
checks.milestone("cross entropy + Adam(0.001) test accuracy", test_results["cross entropy + Adam(0.001), 5 epochs"],
                 at_least=0.97)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The source's other version: `reduce_sum(...) / b` and pixels in [−1, 1]
#
# The source's notes on the same network written with Keras layers differ from ours in two
# lines:
#
# ```python
# x = 2 * tf.convert_to_tensor(x, dtype=tf.float32) / 255. - 1  # pixels scaled to [-1, 1]
# loss = tf.reduce_sum(tf.square(out - y)) / x.shape[0]         # divided by b only
# ```
#
# - The loss **sums** the squared errors over the 10 outputs and averages over the batch only,
#   so it is exactly 10 times our MSE, $\frac{1}{b}\sum_{i,k}(y_{ik}-\mathrm{out}_{ik})^2 = 10\,\mathcal{L}_\mathrm{MSE}$,
#   and so is every gradient. Plain SGD at learning rate 0.001 on it takes the steps that SGD
#   at **0.01** takes on the MSE: the same "learning rate 0.001" is a 10 times larger step.
# - Pixels $2x/255 - 1$ lie in $[-1, 1]$: the black background becomes −1 instead of 0.
#
# `forward.summed_squared_error` is the source's loss. On one batch, with a fresh network:

# %% slideshow={"slide_type": "fragment"}
x_batch, y_batch = x_train[:128], y_train[:128]
untrained = forward.MLP(seed=0)
out = untrained(x_batch)
summed, mean = forward.summed_squared_error(y_batch, out), forward.mse(y_batch, out)
print(f"reduce_sum(...)/b = {float(summed):.4f}   MSE = {float(mean):.4f}   ratio {float(summed / mean):.4f}")
summed_gradients = forward.tape_gradients(untrained.weights, untrained.biases, x_batch, y_batch,
                                          forward.summed_squared_error)
mean_gradients = forward.tape_gradients(untrained.weights, untrained.biases, x_batch, y_batch, forward.mse)
ten_times_mean = ([10 * g for g in mean_gradients[0]], [10 * g for g in mean_gradients[1]])
checks.milestone("max |gradient of reduce_sum/b - 10 x gradient of MSE|",
                 forward.max_difference(summed_gradients, ten_times_mean), at_most=1e-6, digits=6)

# %% [markdown] slideshow={"slide_type": "fragment"}
# What that does to training: one pass over the first 20000 training images from the same
# initial weights, plain SGD at 0.001, three ways: our MSE; the source's `reduce_sum / b`; and
# `reduce_sum / b` with pixels in [−1, 1], the two lines of the source's Keras notes on our
# network. A fourth run asks *why* the pixels matter: `reduce_sum / b` with pixels $2x/255$
# in [0, 2], a range as wide as [−1, 1] but with black still at 0. The pixel runs start from
# 3 initialisations (seeds 0, 1 and 2), since one run can mislead. (Ten short runs.)

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
x_train_pm, x_val_pm = 2 * x_train - 1, 2 * x_val - 1  # x_train is x/255, so this is 2x/255 - 1
x_train_02, x_val_02 = 2 * x_train, 2 * x_val  # as wide a range, but black stays 0
print(f"pixels 2x/255 - 1: {x_train_pm.min():.1f}..{x_train_pm.max():.1f}; "
      f"pixels 2x/255: {x_train_02.min():.1f}..{x_train_02.max():.1f}")
num_images, seeds = 20000, (0, 1, 2)
settings = {"MSE, pixels 0..1": (x_train, x_val, forward.mse, seeds[:1]),
            "reduce_sum/b, pixels 0..1": (x_train, x_val, forward.summed_squared_error, seeds),
            "reduce_sum/b, pixels -1..1": (x_train_pm, x_val_pm, forward.summed_squared_error, seeds),
            "reduce_sum/b, pixels 0..2": (x_train_02, x_val_02, forward.summed_squared_error, seeds)}
run, sgd = forward.MLP(), keras.optimizers.SGD(learning_rate=learning_rate)  # plain SGD keeps no state
one_pass = {}
for name, (train_pixels, val_pixels, loss_fn, run_seeds) in settings.items():
    one_pass[name] = []
    for seed in run_seeds:
        # the same initial weights for every setting of a seed, put into one network so that its
        # compiled step is reused instead of traced again for every run
        for variable, initial in zip(run.trainable_variables, forward.MLP(seed=seed).trainable_variables):
            variable.assign(initial)
        training.train(run, forward.batches(train_pixels[:num_images], y_train[:num_images], batch_size),
                       loss_fn=loss_fn, optimizer=sgd, num_epochs=1, progress=False)
        one_pass[name].append(float(training.accuracy(tf.constant(y_val), run(val_pixels))))
    print(f"{name:27} validation accuracy after {num_images} images at learning rate {learning_rate}, "
          f"seed by seed: {', '.join(f'{accuracy:.4f}' for accuracy in one_pass[name])}")
base, centred, doubled = (np.array(one_pass[f"reduce_sum/b, pixels {r}"]) for r in ("0..1", "-1..1", "0..2"))
share = (doubled - base) / (centred - base)
print(f"share of the gain of [-1, 1] over [0, 1] that [0, 2] also gets: median {np.median(share):.2f} "
      f"(from {share.min():.2f} to {share.max():.2f} over {len(seeds)} seeds)")

# %% slideshow={"slide_type": "fragment"}
checks.milestone("validation accuracy gained by reduce_sum/b over the MSE at the same learning rate",
                 one_pass["reduce_sum/b, pixels 0..1"][0] - one_pass["MSE, pixels 0..1"][0], at_least=0.1, digits=2)
checks.milestone("smallest gain of pixels in [-1, 1] over [0, 1] over the seeds, both with reduce_sum/b",
                 min(centred - base), at_least=0.05, digits=2)
checks.milestone("smallest share of that gain that pixels in [0, 2] also get, over the seeds", min(share),
                 at_least=0.5, digits=1)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The summed loss is far ahead (at least 0.10 in validation accuracy, checked above): not a
# better loss, a 10 times larger step. When you compare a learning rate with the source's,
# check how its loss is scaled first.
#
# The [−1, 1] pixels help too (at least 0.05 on every seed, checked above). A tempting
# explanation: the gradient of a first-layer weight is its input pixel times the error signal
# (the next section derives it), so with pixels in [0, 1] the weights of a pixel that is black
# (0) in every image of a batch get no gradient at all, while with −1 every weight learns. The
# [0, 2] run tests that explanation and mostly refutes it. Its black pixels are still 0, so
# exactly the same weights get no gradient (counted below), yet it gets a median 0.70 of the
# gain (0.64 to 0.79 over the seeds, at least half on each, checked above). What [0, 2] shares
# with [−1, 1] is the wider range: larger inputs make larger first-layer gradients (below), so
# at the same learning rate the first layer takes larger steps, as the summed loss did for
# every layer. Most of the gain is that larger step; centring the pixels on 0 adds the rest.
# On one batch, with the untrained network:

# %% slideshow={"slide_type": "fragment"}
for name, pixels in (("0..1", x_train), ("-1..1", x_train_pm), ("0..2", x_train_02)):
    weight_gradients, _ = forward.tape_gradients(untrained.weights, untrained.biases, pixels[:128], y_batch)
    zero_rows = float(tf.reduce_mean(tf.cast(tf.reduce_all(weight_gradients[0] == 0, axis=1), tf.float32)))
    print(f"pixels {name:5}: share of input pixels whose 256 first-layer weights get no gradient {zero_rows:.3f}, "
          f"||dL/dW1|| = {float(tf.norm(weight_gradients[0])):.3f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Where the gradients come from: backpropagation (反向传播)
#
# `tape.gradient` has given us every gradient so far. It computes them by **backpropagation**:
# the forward pass is a chain of simple operations (the **computational graph**, 计算图), and
# the chain rule (链式法则) multiplies their local derivatives from the loss back to each
# weight. Here it is on a network small enough to follow on paper: 2 inputs, 2 ReLU units,
# 1 output, one sample, loss $L = (\mathrm{out} - y)^2$.
#
# ```
#   x ──► z1 = x W1 + b1 ──► h1 = relu(z1) ──► out = h1 W2 + b2 ──► L = (out − y)²
#                 ◄── ∂L/∂z1 ◄──────── ∂L/∂h1 ◄──────────── ∂L/∂out ◄──
# ```
#
# Going back, each arrow applies one rule:
#
# - $\partial L/\partial\mathrm{out} = 2(\mathrm{out} - y)$;
# - through $\mathrm{out} = h_1 W_2 + b_2$: $\partial L/\partial W_2 = h_1^\top\,\partial L/\partial\mathrm{out}$,
#   $\partial L/\partial b_2 = \partial L/\partial\mathrm{out}$ and $\partial L/\partial h_1 = \partial L/\partial\mathrm{out}\;W_2^\top$;
# - through ReLU: $\partial L/\partial z_1 = \partial L/\partial h_1 \odot \mathbb{1}[z_1 > 0]$, since
#   ReLU's slope is 1 where the unit is on and 0 where it is off;
# - through $z_1 = x W_1 + b_1$: $\partial L/\partial W_1 = x^\top\,\partial L/\partial z_1$ and
#   $\partial L/\partial b_1 = \partial L/\partial z_1$.
#
# The numbers (the second hidden unit is off, so nothing flows back through it):

# %% slideshow={"slide_type": "fragment"}
def show(name, value):
    """Print a small tensor rounded, so that it reads like a line of working on paper."""
    print(f"{name:>9} = {(np.round(np.asarray(value, dtype=float), 4) + 0.0).tolist()}")


x = tf.constant([[1.0, 2.0]])
y = tf.constant([[1.0]])
w1, b1 = tf.constant([[0.5, -1.0], [0.25, 0.5]]), tf.constant([0.0, -0.5])
w2, b2 = tf.constant([[2.0], [-1.0]]), tf.constant([0.5])
# forward
z1 = x @ w1 + b1
h1 = tf.nn.relu(z1)
out = h1 @ w2 + b2
loss = forward.mse(y, out)  # one sample, one output: (out - y)^2
for name, value in (("z1", z1), ("h1", h1), ("out", out), ("L", loss)):
    show(name, value)
# backward
d_out = 2 * (out - y)
d_w2, d_b2 = tf.transpose(h1) @ d_out, d_out[0]
d_h1 = d_out @ tf.transpose(w2)
d_z1 = d_h1 * tf.cast(z1 > 0, tf.float32)
d_w1, d_b1 = tf.transpose(x) @ d_z1, d_z1[0]
for name, value in (("dL/dout", d_out), ("dL/dW2", d_w2), ("dL/db2", d_b2), ("dL/dh1", d_h1),
                    ("dL/dz1", d_z1), ("dL/dW1", d_w1), ("dL/db1", d_b1)):
    show(name, value)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Check each line by hand: $z_1 = (1\cdot 0.5 + 2\cdot 0.25,\; -1 + 2\cdot 0.5 - 0.5)$, and so
# on. The tape agrees with every number:

# %% slideshow={"slide_type": "fragment"}
by_hand = ([d_w1, d_w2], [d_b1, d_b2])
by_tape = forward.tape_gradients([w1, w2], [b1, b2], x, y)
checks.milestone("max |difference| between the chain rule by hand and GradientTape",
                 forward.max_difference(by_hand, by_tape), at_most=1e-6, digits=6)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The backward pass of the 784-256-128-10 network
#
# The chapter's network is the same chain, one layer longer, on a batch of $b$ images. Write
# $\delta_\ell = \partial L/\partial z_\ell$ for the gradient at the pre-activation
# $z_\ell = h_{\ell-1}W_\ell + b_\ell$ of layer $\ell$ ($h_0 = x$, $z_3 = \mathrm{out}$). For the
# MSE, averaged over $10\,b$ entries:
#
# $$\delta_3 = \frac{2(\mathrm{out} - y)}{10\,b},\qquad
#   \frac{\partial L}{\partial W_\ell} = h_{\ell-1}^\top\,\delta_\ell,\qquad
#   \frac{\partial L}{\partial b_\ell} = \sum_{i=1}^{b}\delta_{\ell,i},\qquad
#   \delta_{\ell-1} = \big(\delta_\ell W_\ell^\top\big)\odot\mathbb{1}[z_{\ell-1} > 0].$$
#
# Each gradient has the shape of its variable: $h_{\ell-1}^\top\delta_\ell$ is
# $[n_\text{in}, b]\times[b, n_\text{out}]$, and the sum over the batch adds up what each image
# asks of the bias. As tensors:

# %% slideshow={"slide_type": "fragment"}
def backward_mse(weights, biases, x, y):
    """The six gradients of the MSE of the 3-layer network, by the chain rule, without a tape."""
    w1, w2, w3 = weights
    b1, b2, b3 = biases
    # forward, keeping what the backward pass needs
    z1 = x @ w1 + b1
    h1 = tf.nn.relu(z1)
    z2 = h1 @ w2 + b2
    h2 = tf.nn.relu(z2)
    out = h2 @ w3 + b3
    # backward, from the loss to the input
    num_images, num_classes = out.shape
    delta3 = 2 * (out - y) / (num_images * num_classes)
    d_w3, d_b3 = tf.transpose(h2) @ delta3, tf.reduce_sum(delta3, axis=0)
    delta2 = (delta3 @ tf.transpose(w3)) * tf.cast(z2 > 0, z2.dtype)  # the mask in the network's dtype
    d_w2, d_b2 = tf.transpose(h1) @ delta2, tf.reduce_sum(delta2, axis=0)
    delta1 = (delta2 @ tf.transpose(w2)) * tf.cast(z1 > 0, z1.dtype)
    d_w1, d_b1 = tf.transpose(x) @ delta1, tf.reduce_sum(delta1, axis=0)
    return [d_w1, d_w2, d_w3], [d_b1, d_b2, d_b3]


# %% [markdown] slideshow={"slide_type": "fragment"}
# On a batch of 128 training images, against `GradientTape`:

# %% slideshow={"slide_type": "fragment"}
x_batch, y_batch = tf.constant(x_train[:128]), tf.constant(y_train[:128])
by_hand = backward_mse(untrained.weights, untrained.biases, x_batch, y_batch)
by_tape = forward.tape_gradients(untrained.weights, untrained.biases, x_batch, y_batch)
for name, gradient in zip(["dL/dW1", "dL/dW2", "dL/dW3", "dL/db1", "dL/db2", "dL/db3"], by_hand[0] + by_hand[1]):
    print(f"{name} shape {str(gradient.shape):12}")
checks.milestone("max |difference| between backward_mse and GradientTape", forward.max_difference(by_hand, by_tape),
                 at_most=1e-6, digits=6)

# %% [markdown] slideshow={"slide_type": "fragment"}
# That is all `tape.gradient` does for this network: it keeps the forward values and runs
# these lines backwards. How large is each gradient, layer by layer? For the untrained
# network with the MSE (our backward pass) and with cross entropy, and for the network
# trained with cross entropy and Adam above, on the same batch:

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
norms = {"MSE, untrained (backward_mse)": forward.gradient_norms(by_hand),
         "cross entropy, untrained": forward.gradient_norms(
             forward.tape_gradients(untrained.weights, untrained.biases, x_batch, y_batch, forward.cross_entropy)),
         "cross entropy, trained 5 epochs": forward.gradient_norms(
             forward.tape_gradients(model.weights, model.biases, x_batch, y_batch, forward.cross_entropy))}
for label, sizes in norms.items():
    print(f"{label:31} ||dL/dW|| of layers 1, 2, 3:", ", ".join(f"{n:.3f}" for n in sizes["weights"]))
forward.gradient_size_figure(norms, title="Gradient size layer by layer, one batch of 128 training images")

# %% slideshow={"slide_type": "fragment"}
for label in ("MSE, untrained (backward_mse)", "cross entropy, untrained"):
    sizes = norms[label]["weights"]
    checks.milestone(f"{label}: largest / smallest ||dL/dW|| over the layers", max(sizes) / min(sizes),
                     at_most=2.0, digits=1)
shrink = [trained / untrained for trained, untrained in
          zip(norms["cross entropy, trained 5 epochs"]["weights"], norms["cross entropy, untrained"]["weights"])]
checks.milestone("largest ||dL/dW|| trained / untrained, cross entropy, over the layers", max(shrink),
                 at_most=0.5, digits=1)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Two things to read in the figure:
#
# - **From the output back to the first layer, the size changes little** (less than a factor
#   2 between layers, checked above, for both losses): each $\delta$ is the one above times
#   $W^\top$ and a ReLU mask, and with this initialisation and three layers those products
#   neither shrink nor blow up the signal. In deep networks with saturating activations they
#   do: vanishing gradients (梯度消失), chapter 04.
# - **Training shrinks the gradient** (to at most half in every layer, checked above), because
#   the output gradient $\delta_3$ of cross entropy (exercise 4 derives it) is small once the
#   network is right on most images. With plain SGD at a constant learning rate the steps
#   shrink in proportion; Adam, which trained this network, divides by a running average of
#   the gradient's size, so its steps do not (chapter 07). Chapter 03 looks at the learning
#   rate near a minimum.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Checking a backward pass by finite differences (数值梯度检验)
#
# `backward_mse` agreed with the tape, but a backward pass written for a new layer has no tape
# to compare with. The check that needs nothing but the loss itself is the definition of the
# derivative: nudge one weight by a small step $h$ and watch the loss,
#
# $$\frac{\partial L}{\partial w} \approx \frac{L(w + h) - L(w - h)}{2h}
#   \qquad\text{(central difference, 中心差分)} .$$
#
# Three choices make it trustworthy:
#
# - **Central, not one-sided.** By Taylor's formula the one-sided $(L(w+h) - L(w))/h$ is off by
#   about $\frac{h}{2}L''$, the central one by about $\frac{h^2}{6}L'''$: this **truncation**
#   error (截断误差) shrinks with the step.
# - **A step neither too large nor too small.** Each value of $L$ is rounded to the precision
#   $\varepsilon$ of its dtype, and the difference divides that **round-off** error (舍入误差) by
#   $h$: about $\varepsilon|L|/h$, which grows as the step shrinks. The sum of the two is smallest
#   in between, near $h \approx \varepsilon^{1/3}$ for the central difference.
# - **float64.** Its $\varepsilon = 2^{-52}$ against float32's $2^{-23}$: in float32 even the best
#   step leaves an error far above float64's (both printed below), too close to what a
#   small slip in a gradient gives to tell them apart.
#
# The **relative error** (相对误差) $|g - \hat g| / \max(|g|, |\hat g|)$ judges the agreement,
# whatever the size of the gradient (`autodiff.relative_error`). Here is the error against the
# step for one weight of $W_2$, on 16 training images, with the exact derivative from the tape
# in float64. The loss is cross entropy here: with the MSE, this ReLU network's loss along one
# weight is a parabola between the ReLU's kinks, its third derivative vanishes, and the central
# difference would have no truncation error to show. The loss is written in NumPy, so that each
# dtype keeps its own rounding:

# %% slideshow={"slide_type": "fragment"}
def scores_of(weights, biases, x):
    """The network's output scores, computed in NumPy in the dtype of its arrays."""
    h = x
    for w, b in zip(weights[:-1], biases[:-1]):
        h = np.maximum(h @ w + b, 0)
    return h @ weights[-1] + biases[-1]


def cross_entropy_of(scores, y):
    """Mean cross entropy of one-hot ``y`` and softmax(scores), the largest score subtracted first."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    return -np.mean(np.sum(y * (shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))), axis=1))


x64, y64 = x_train[:16].astype(np.float64), y_train[:16].astype(np.float64)
weights64 = [w.numpy().astype(np.float64) for w in untrained.weights]
biases64 = [b.numpy().astype(np.float64) for b in untrained.biases]
watched = [tf.constant(a) for a in weights64 + biases64]
with tf.GradientTape() as tape:
    tape.watch(watched)
    h = tf.constant(x64)
    for w, b in zip(watched[:2], watched[3:5]):
        h = tf.nn.relu(h @ w + b)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(y64, h @ watched[2] + watched[5]))
exact_w2 = tape.gradient(loss, watched[1]).numpy()
row, column = np.unravel_index(np.argmax(np.abs(exact_w2)), exact_w2.shape)
in_dtype = {dtype: ([w.astype(dtype) for w in weights64], [b.astype(dtype) for b in biases64],
                    x64.astype(dtype), y64.astype(dtype)) for dtype in (np.float64, np.float32)}


def loss_along_one_weight(value):
    """The loss with the weight W2[row, column] set to ``value``, computed in the dtype of ``value``."""
    weights, biases, x, y = in_dtype[type(value)]
    weights = list(weights)
    weights[1] = weights[1].copy()
    weights[1][row, column] = value
    return cross_entropy_of(scores_of(weights, biases, x), y)


step_errors = autodiff.step_size_errors(loss_along_one_weight, weights64[1][row, column], exact_w2[row, column])
for label, errors in step_errors.items():
    best = int(np.argmin(errors))
    print(f"{label:30} best step {autodiff.STEPS[best]:.0e}: relative error {errors[best]:.0e}")
autodiff.step_size_figure(step_errors, title=f"dL/dW2[{row}, {column}] by finite differences, against the step")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Read the figure from the right: at large steps the truncation error falls as the step
# shrinks, twice as steeply (slope $2$ on the log-log axes) for the central difference as for
# the one-sided one (slope $1$); then round-off takes over and the error climbs again, with slope
# $-1$. Each curve's best step is circled and printed above. In float32 the bottom of the curve
# lies far above float64's, and at the smallest steps $w + h$ rounds back to $w$: the difference
# is zero and the error total.
#
# The check itself, `autodiff.gradient_check`: differencing all 235146 parameters would take
# two forward passes each, so it draws a few entries of each weight and bias array (5 here)
# and reports the largest relative error per array. On `backward_mse`, in float64, with the
# central difference and a step of $10^{-6}$:

# %% slideshow={"slide_type": "fragment"}
def loss_of(parameters):
    """The MSE that backward_mse differentiates, in float64."""
    return np.mean((scores_of(parameters[:3], parameters[3:], x64) - y64) ** 2)


exact_weights, exact_biases = backward_mse(watched[:3], watched[3:], tf.constant(x64), tf.constant(y64))
exact = [g.numpy() for g in exact_weights + exact_biases]
print("parameters in all:", sum(forward.parameter_counts()))
relative_errors = autodiff.gradient_check(loss_of, weights64 + biases64, exact, num_entries=5, step=1e-6)
print("largest relative error of W1, W2, W3, b1, b2, b3:", ", ".join(f"{e:.0e}" for e in relative_errors))
checks.milestone("largest relative error of backward_mse against finite differences", max(relative_errors),
                 at_most=1e-5, digits=5)

# %% [markdown] slideshow={"slide_type": "fragment"}
# And a slip the shapes do not catch: the first layer's bias gradient taken as the *mean* of
# $\delta_1$ over the batch instead of its sum. The check points at that one array:

# %% slideshow={"slide_type": "fragment"}
slipped = list(exact)
slipped[3] = exact[3] / len(x64)  # dL/db1 averaged over the images instead of summed
slipped_errors = autodiff.gradient_check(loss_of, weights64 + biases64, slipped, num_entries=5, step=1e-6)
print("with the slip, W1, W2, W3, b1, b2, b3:", ", ".join(f"{e:.0e}" for e in slipped_errors))
checks.milestone("relative error of the slipped dL/db1", slipped_errors[3], at_least=0.5, digits=1)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What backpropagation keeps, and what it costs (反向传播的内存代价)
#
# Look at what each line of `backward_mse` reads. $\partial L/\partial W_\ell = h_{\ell-1}^\top\delta_\ell$
# needs the layer's *input* $h_{\ell-1}$, for every image of the batch; the ReLU's mask needs
# its pre-activation (or its output); the loss's gradient needs the output. So the forward pass
# cannot throw its intermediate results away: they must stay in memory until the backward pass
# has used them. That is what the tape holds between the `with` block and `tape.gradient`, and
# it grows with the batch. Chapter 01's engine drew this graph for single numbers; a tensor
# network has the same graph with a batch of numbers on each arrow.
#
# The same graph explains why gradients **add**. Each pixel feeds all 256 units of the first
# layer, so its gradient is the sum of what comes back from each of them: that sum is the
# product $\delta_1 W_1^\top$. A bias is added to every image of the batch, so its gradient
# sums $\delta$ over the batch (the `reduce_sum(..., axis=0)` of `backward_mse`).
#
# Measured, not predicted: `autodiff.kept_by_tape` runs the forward pass and the MSE under a
# tape and lists the tensors still alive afterwards because the tape keeps them, for a few
# batch sizes, on the untrained network:

# %% slideshow={"slide_type": "fragment"}
kept = {}
for batch_size in (1, 32, 128, 512, 2048):
    kept[batch_size] = autodiff.kept_by_tape(
        lambda: forward.mse(y_train[:batch_size], untrained(x_train[:batch_size])))
    total = sum(size for _, _, size in kept[batch_size])
    print(f"batch {batch_size:5}: {len(kept[batch_size])} tensors kept, {total / 1e6:7.3f} MB")
print("for one image:", ", ".join(f"{shape}" for shape, _, _ in kept[1]))

# %% slideshow={"slide_type": "fragment"}
totals = np.array([sum(size for _, _, size in kept[b]) for b in kept])
sizes = np.array(list(kept))
per_image = (totals[-1] - totals[0]) / (sizes[-1] - sizes[0])
print(f"per image: {per_image:.0f} bytes = {per_image / 4:.0f} float32 numbers; "
      f"whatever the batch: {(totals[0] - per_image) / 1e6:.3f} MB")
print(f"all {len(x_train)} training images in one batch: {per_image * len(x_train) / 1e6:.0f} MB")
figure, ax = plots.new_figure(6.0, 3.4)
ax.plot(sizes, totals / 1e6, marker="o", label="kept by the tape (measured)")
ax.axhline((totals[0] - per_image) / 1e6, color="0.5", linestyle="--", label="the part that does not grow")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("batch size")
ax.set_ylabel("MB kept for the backward pass")
ax.set_title("What GradientTape keeps, 784-256-128-10 network, MSE")
ax.legend()
figure

# %% [markdown] slideshow={"slide_type": "fragment"}
# For one image the list reads like the backward pass: the image itself (784 numbers, for
# $\partial L/\partial W_1 = x^\top\delta_1$), two tensors of 256 and two of 128 (each layer's
# product and its ReLU output, which is also the next layer's input), and a few of 10 for the
# output and the loss; plus a copy of each weight matrix and bias vector, read once whatever
# the batch. The part that grows is linear in the batch size, and in the width and depth of the
# network. This memory, not the arithmetic, is often what limits the batch size on a GPU; the
# remedies trade it for time (recompute parts of the forward pass during the backward pass:
# gradient checkpointing, 梯度检查点).


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Try it: one epoch at a time
#
# The panel trains the same network with **plain SGD** on 6000 training images and scores it
# on the 10000 validation images after every epoch (every few epochs in a long run), so the
# curves grow while it learns (the test set stays out of the tuning here too). Train
# plays the run; Pause stops it and keeps what was learned (Train goes on from there); Reset
# starts again. It starts with the source's settings. Then try:
#
# - cross entropy at the same learning rate 0.001, then at 0.1;
# - MSE at 0.1 or 0.3: much better than at 0.001, so the learning rate was half the problem;
# - batch size 16 against 1024 at the same learning rate: smaller batches make more steps
#   per epoch, larger ones fewer but smoother steps;
# - a learning rate of 1 with cross entropy: the loss may blow up (diverge, 发散).
#
# Train with changed settings starts a new run from the same initial weights, so runs compare
# fairly.

# %% tags=["panel", "nbval-ignore-output"] slideshow={"slide_type": "subslide"}
train_one_epoch_panel()  # loads the same MNIST arrays itself: the cell also runs right after the setup cell

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 1: count the parameters
#
# The source's other script uses a wider network, 784-512-256-10. How many parameters
# (weights and biases) does it have in total?

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_parameter_count(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution
answer = (784 * 512 + 512) + (512 * 256 + 256) + (256 * 10 + 10)
exercises.check_parameter_count(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 2: steps per epoch
#
# How many training steps make one epoch over all 60000 MNIST training images (the source's
# training set, before our validation split) with batch size 256 (the loops above use 128)?

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_steps_per_epoch(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: 234 full batches of 256 and one last batch of 96 images
answer = len(forward.batches(np.zeros(60000), np.zeros(60000), 256))
exercises.check_steps_per_epoch(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 3: the forward pass yourself
#
# Write `small_forward(weights, biases, x)`: the output scores of a 3-layer network given as
# plain arrays, `weights = [w1, w2, w3]` and `biases = [b1, b2, b3]` (no model to call), with
# `@`, `+` and `tf.nn.relu`: ReLU after each hidden layer, none after the last.
# `exercises.small_network()` gives such a network, 784-32-16-10, to try yours on. The check
# runs your function on that network with images it draws, and on networks of other sizes;
# the course's own `forward.forward_pass` and `forward.MLP` are off limits.

# %% slideshow={"slide_type": "skip"}
small_forward = ...  # your code here: def small_forward(weights, biases, x): ...
exercises.check_forward_pass(small_forward)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution
def small_forward(weights, biases, x):
    w1, w2, w3 = weights
    b1, b2, b3 = biases
    h1 = tf.nn.relu(x @ w1 + b1)
    h2 = tf.nn.relu(h1 @ w2 + b2)
    return h2 @ w3 + b3


exercises.check_forward_pass(small_forward)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 4: the backward pass of cross entropy
#
# Write `backward_cross_entropy(weights, biases, x, y)`: the six gradients of the cross
# entropy of a 3-layer ReLU network (as `forward.cross_entropy`: softmax of the scores, mean
# over the batch), by the chain rule, without a tape. With $p = \mathrm{softmax}(\mathrm{out})$
# and one-hot labels $y$,
#
# $$L = -\frac{1}{b}\sum_{i=1}^{b}\sum_{k=1}^{10} y_{ik}\log p_{ik},\qquad
#   p_{ik} = \frac{e^{\mathrm{out}_{ik}}}{\sum_m e^{\mathrm{out}_{im}}} .$$
#
# The work is the output gradient $\delta_3 = \partial L/\partial\mathrm{out}$: derive it on
# paper first (every $p_{ik}$ depends on every score of its row). Stuck? `exercises.hint(1)`,
# then `exercises.hint(2)` and `exercises.hint(3)`, reveal the derivation one step at a time.
# Return `[d_w1, d_w2, d_w3], [d_b1, d_b2, d_b3]`. The check runs your function on networks
# and batches it draws afresh at every run, compares every gradient with the tape's from
# ∂L/∂b3 back, and turns down a function that asks `GradientTape` or the course's helpers for
# the gradients.

# %% slideshow={"slide_type": "fragment"}
backward_cross_entropy = ...  # your code here: def backward_cross_entropy(weights, biases, x, y): ...
exercises.check_backward_pass(backward_cross_entropy)
# exercises.hint(1)  # uncomment for the first hint

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution
def backward_cross_entropy(weights, biases, x, y):
    w1, w2, w3 = weights
    b1, b2, b3 = biases
    z1 = x @ w1 + b1
    h1 = tf.nn.relu(z1)
    z2 = h1 @ w2 + b2
    h2 = tf.nn.relu(z2)
    out = h2 @ w3 + b3
    delta3 = (tf.nn.softmax(out) - y) / out.shape[0]
    delta2 = (delta3 @ tf.transpose(w3)) * tf.cast(z2 > 0, tf.float32)
    delta1 = (delta2 @ tf.transpose(w2)) * tf.cast(z1 > 0, tf.float32)
    weight_gradients = [tf.transpose(x) @ delta1, tf.transpose(h1) @ delta2, tf.transpose(h2) @ delta3]
    bias_gradients = [tf.reduce_sum(delta, axis=0) for delta in (delta1, delta2, delta3)]
    return weight_gradients, bias_gradients


exercises.check_backward_pass(backward_cross_entropy)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 5: build it, finite differences
#
# Write `numerical_gradient(f, x)`: the gradient of the number `f(x)` at the float64 array `x`
# (any shape), one entry at a time by finite differences, with the difference and the step of
# your choice. Leave `x` as you found it. The check runs your function on functions and points
# it draws afresh and wants a relative error below $10^{-6}$ everywhere; the course's own
# `autodiff.numerical_gradient` is off limits.

# %% slideshow={"slide_type": "fragment"}
numerical_gradient = ...  # your code here: def numerical_gradient(f, x): ...
autodiff_exercises.check_numerical_gradient(numerical_gradient)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution
def numerical_gradient(f, x, step=1e-6):
    gradient = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + step
        above = f(x)
        x[index] = original - step
        below = f(x)
        x[index] = original  # put it back
        gradient[index] = (above - below) / (2 * step)
    return gradient


autodiff_exercises.check_numerical_gradient(numerical_gradient)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 6: what the tape keeps for a wider network
#
# How many bytes does `GradientTape` keep **per image** of a batch for the MSE of the source's
# wider network, 784-512-256-10? Measure it as the section on memory does, with
# `autodiff.kept_by_tape` on a `forward.MLP` of those sizes at two batch sizes.

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_tape_bytes_per_image(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution
wider = forward.MLP((784, 512, 256, 10), seed=0)
one, many = (sum(size for _, _, size in autodiff.kept_by_tape(lambda: forward.mse(y_train[:n], wider(x_train[:n]))))
             for n in (1, 101))
answer = (many - one) / 100
exercises.check_tape_bytes_per_image(answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary (小结)
#
# - A dense layer is $h = \mathrm{relu}(xW + b)$; the 784-256-128-10 network has
#   200960 + 32896 + 1290 = 235146 parameters.
# - A training step: forward pass under `GradientTape`, loss, `tape.gradient`, then
#   `assign_sub(learning_rate * gradient)` on every variable (or `optimizer.apply_gradients`).
# - Batch the data and compile the step with `tf.function`: the source's per-sample eager loop
#   is many times slower per epoch (at least 20 times, checked above).
# - Settings are compared on a validation set held out from the training images; the test set
#   scores the models we keep once, at the end.
# - MSE on one-hot labels with SGD at 0.001 learns slowly (≈ 0.76 test accuracy after 50
#   epochs); cross entropy with Adam passes 0.97 in 5 epochs. Chapters 03 (learning rate), 05
#   (losses) and 07 (optimizers) take these three knobs apart.
# - The MSE is $\lVert y - \mathrm{out}\rVert^2/(10b)$. The source's `reduce_sum(...)/b` is 10
#   times the MSE, gradients included: at the same learning rate it takes 10 times larger steps.
#   Its pixels in [−1, 1] help mostly by their wider range, a larger first-layer step: pixels in
#   [0, 2], black still 0, get most of the gain.
# - Backpropagation: $\delta_3 = \partial L/\partial\mathrm{out}$, then for each layer back
#   $\partial L/\partial W = h^\top\delta$, $\partial L/\partial b = \sum_\text{batch}\delta$,
#   $\delta_\text{below} = (\delta W^\top)\odot\mathbb{1}[z > 0]$; it matches `GradientTape`
#   to float precision.
# - A backward pass is checked by central differences in float64, entry by entry, judged by the
#   relative error; the step balances truncation (large steps) against round-off (small ones).
# - The backward pass needs the forward pass's intermediate results, so the tape keeps them:
#   memory that grows with the batch size. Gradients add where a value feeds several places.
#
# Next: [03 Learning rate and exponential decay](03_learning_rate.ipynb).
