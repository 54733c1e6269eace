# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 02 Forward propagation by hand (前向传播)
#
# Before Keras builds networks for us, we build one ourselves: the MNIST classifier of the
# source notes, **784-256-128-10**, from six raw `tf.Variable`s. We write the forward pass
# (前向传播), the loss, the gradient step and the test loop by hand, and reproduce the
# source's result: mean squared error (均方误差, MSE) with plain gradient descent at learning
# rate 0.001 reaches only about **0.78** test accuracy after 50 epochs. Then we find out why,
# and fix it.
#
# **In this chapter you will**
#
# - build a multilayer perceptron (多层感知机) from weights and biases, and count its parameters;
# - write one training step with `GradientTape` and `assign_sub`, and a test-accuracy loop;
# - measure why the batch size (批大小) and `tf.function` decide whether training takes
#   seconds or hours;
# - reproduce the source's MSE + SGD run, then reach at least 0.97 with cross entropy (交叉熵)
#   and a better optimizer;
# - explore learning rate, batch size and loss in a panel, one epoch at a time.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup

# %% slideshow={"slide_type": "skip"}
# NBVAL_IGNORE_OUTPUT
from course_lib import notebook

notebook.setup()  # first, so that TensorFlow's start-up log stays quiet

import inspect

import keras
import tensorflow as tf

from course_lib import checks, data, forward, plots, training
from course_lib.exercises import forward as exercises
from course_lib.widgets.forward import train_one_epoch_panel

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The data (数据集)
#
# As in the source, the 28×28 images become rows of 784 pixels scaled to 0..1, and the
# training labels become one-hot rows (独热码): digit 5 is `[0,0,0,0,0,1,0,0,0,0]`, so
# that the network's 10 outputs can be compared with them. Test labels stay integers: to
# test we only compare the predicted digit with the true one.

# %% slideshow={"slide_type": "fragment"}
(x_train, y_train), (x_test, y_test_one_hot) = data.load_mnist(flatten=True, one_hot=True)
y_test = y_test_one_hot.argmax(axis=1)
print("x_train", x_train.shape, x_train.dtype, f"pixels {x_train.min():.1f}..{x_train.max():.1f}")
print("y_train", y_train.shape, "first label", y_train[0])
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
# and the source's test loop: predict a digit for every test image, count the right ones.

# %% slideshow={"slide_type": "notes"}
def test_accuracy(model, batch_size=1000):
    """Share of test images whose highest score is the true digit."""
    correct = 0
    for x, y in forward.batches(x_test, y_test, batch_size):
        predicted = tf.argmax(model(x), axis=1)
        correct += int(tf.reduce_sum(tf.cast(predicted == y, tf.int32)))
    return correct / len(x_test)


print(f"test accuracy before training: {test_accuracy(model):.2f} (a guess among 10 digits)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Why batch size and `tf.function` matter (批大小与 tf.function)
#
# The source first fed the images **one at a time** (`from_tensor_slices` without `.batch`),
# running every step eagerly, op by op, from Python. Its log stops at step 2200 of 60000 with a
# `KeyboardInterrupt`: the epoch never finished. Two things make the difference:
#
# - **batching**: one step on 128 images costs little more than one step on one image, because
#   the matrix products keep the processor busy instead of waiting on Python;
# - **`tf.function`**: it traces the step once into a TensorFlow graph, which then runs
#   without Python between the operations.
#
# We time a few hundred steps of each loop and extrapolate to one epoch (60000 images):

# %% slideshow={"slide_type": "notes"}
# NBVAL_IGNORE_OUTPUT
loops = {
    "batch of 1, eager (the source)": forward.time_epoch(sgd_step, forward.batches(x_train, y_train, 1),
                                                         num_steps=200),
    "batch of 128, eager": forward.time_epoch(sgd_step, forward.batches(x_train, y_train, 128),
                                              num_steps=50),
    "batch of 128, tf.function": forward.time_epoch(tf.function(sgd_step),
                                                    forward.batches(x_train, y_train, 128), num_steps=100),
}
for name, timing in loops.items():
    print(f"{name:31} {timing['seconds_per_step'] * 1000:7.2f} ms per step x {timing['steps_per_epoch']:5} "
          f"steps = {timing['seconds_per_epoch']:7.1f} s per epoch")

# %% slideshow={"slide_type": "fragment"}
speedup = (loops["batch of 1, eager (the source)"]["seconds_per_epoch"]
           / loops["batch of 128, tf.function"]["seconds_per_epoch"])
checks.milestone("speed-up of a batched tf.function epoch over the source's loop", speedup, at_least=20, digits=0)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The per-sample loop needs far longer per epoch than the batched `tf.function` loop (at
# least 20 times, as checked above; the table shows the factor here): that is why every loop from here on is batched and
# compiled. `course_lib.training.train` is our step inside `tf.function`, plus a progress bar,
# a test after each epoch and a guard against a loss that turns NaN. Its step is the one
# above, with the update handed to an optimizer:

# %% slideshow={"slide_type": "notes"}
print(inspect.getsource(training.make_train_step))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The source's run: MSE + SGD, learning rate 0.001, 50 epochs
#
# A fresh network, the source's settings: batches of 128 in the original order, MSE, plain
# gradient descent (`keras.optimizers.SGD` does exactly our `assign_sub` update). The source
# reports test accuracy 0.7847 after 50 epochs. This takes a minute or two.

# %% slideshow={"slide_type": "notes"}
# NBVAL_IGNORE_OUTPUT
batch_size, num_epochs = 128, 50
train_batches = forward.batches(x_train, y_train, batch_size)
test_batches = forward.batches(x_test, y_test_one_hot, 1000)
model = forward.MLP()
history = training.train(model, train_batches, loss_fn=forward.mse,
                         optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                         num_epochs=num_epochs, metrics={"accuracy": training.accuracy},
                         validation_data=test_batches)
print(f"test accuracy after {history.num_epochs} epochs: {test_accuracy(model):.4f}")

# %% slideshow={"slide_type": "fragment"}
mse_sgd_accuracy = test_accuracy(model)
checks.milestone("MSE + SGD(0.001) test accuracy after 50 epochs", mse_sgd_accuracy, at_least=0.70)
checks.milestone("MSE + SGD(0.001) test accuracy after 50 epochs", mse_sgd_accuracy, at_most=0.86)

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
#   has the gradient $\frac{1}{b}(\mathrm{softmax}(\mathrm{out}_i)_k - y_{ik})$: not divided
#   by 10, and close to 0 only once the right class clearly wins, whatever the exact scores.
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

# %% slideshow={"slide_type": "notes"}
# NBVAL_IGNORE_OUTPUT
model = forward.MLP()
history = training.train(model, train_batches, loss_fn=forward.cross_entropy,
                         optimizer=keras.optimizers.Adam(learning_rate=1e-3), num_epochs=5,
                         metrics={"accuracy": training.accuracy}, validation_data=test_batches)
print(f"test accuracy after {history.num_epochs} epochs: {test_accuracy(model):.4f}")

# %% slideshow={"slide_type": "fragment"}
checks.milestone("cross entropy + Adam(0.001) test accuracy after 5 epochs", test_accuracy(model), at_least=0.97)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Try it: one epoch at a time
#
# The panel trains the same network with **plain SGD** on 6000 training images and tests it on
# all 10000 test images after every tenth of an epoch, so the curves grow while it learns. Train
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

# %% slideshow={"slide_type": "subslide"}
# NBVAL_IGNORE_OUTPUT
train_one_epoch_panel((x_train, y_train, x_test, y_test))

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
# How many training steps make one epoch over the 60000 training images with batch size
# 256 (the loops above use 128)?

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_steps_per_epoch(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: 234 full batches of 256 and one last batch of 96 images
answer = len(forward.batches(x_train, y_train, 256))
exercises.check_steps_per_epoch(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 3: the forward pass yourself
#
# `exercises.small_network()` gives the weights `[w1, w2, w3]` and biases `[b1, b2, b3]` of a
# smaller network, 784-32-16-10, as NumPy arrays (no model to call). Compute its output
# scores for the first 5 test images with `@`, `+` and `tf.nn.relu`: ReLU after each hidden
# layer, none after the last.

# %% slideshow={"slide_type": "skip"}
x = x_test[:5]
weights, biases = exercises.small_network()
answer = ...  # your code here
exercises.check_forward_pass(answer, x, trained_model=model)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution
w1, w2, w3 = weights
b1, b2, b3 = biases
h1 = tf.nn.relu(x @ w1 + b1)
h2 = tf.nn.relu(h1 @ w2 + b2)
answer = h2 @ w3 + b3
exercises.check_forward_pass(answer, x, trained_model=model)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary (小结)
#
# - A dense layer is $h = \mathrm{relu}(xW + b)$; the 784-256-128-10 network has
#   200960 + 32896 + 1290 = 235146 parameters.
# - A training step: forward pass under `GradientTape`, loss, `tape.gradient`, then
#   `assign_sub(learning_rate * gradient)` on every variable (or `optimizer.apply_gradients`).
# - Batch the data and compile the step with `tf.function`: the source's per-sample eager loop
#   is many times slower per epoch (at least 20 times, checked above).
# - MSE on one-hot labels with SGD at 0.001 learns slowly (≈ 0.78 after 50 epochs); cross
#   entropy with Adam passes 0.97 in 5 epochs. Chapters 03 (learning rate), 05 (losses) and 07
#   (optimizers) take these three knobs apart.
#
# Next: [03 Learning rate and exponential decay](03_learning_rate.ipynb).
