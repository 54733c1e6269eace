# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 04 Activation functions (激活函数)
#
# A neuron adds up its weighted inputs and passes the sum through a function $\varphi$, the
# **activation function** (激活函数, also 传递函数):
#
# $$Z = \varphi(a_1 w_1 + a_2 w_2 + a_3 w_3 + b).$$
#
# Without it a network of any depth is one linear map. With it a network can approximate any
# function, and how well it trains depends a lot on which $\varphi$ you pick.
#
# **In this chapter you will**
#
# - meet sigmoid, tanh, ReLU, Leaky ReLU and softmax: formula, TensorFlow call, plot, derivative;
# - compute every derivative with `GradientTape` and check it against the one worked out by hand;
# - measure the properties the source asks of a good activation, and its pros and cons;
# - **measure** two classic failures: vanishing gradients (梯度消失) in a deep sigmoid network,
#   and dead ReLUs after a too-large learning rate, and what Leaky ReLU does against dead units;
# - see what the source's beginner advice, including He initialisation, means in Keras, and
#   measure what standardized inputs change;
# - write an activation and its derivative yourself.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "skip"}
from course_lib import notebook

notebook.setup()  # first, so that TensorFlow's start-up log stays quiet

import keras
import numpy as np
import tensorflow as tf
from IPython.display import Markdown

from course_lib import activations, checks, data, recipe
from course_lib.exercises import activations as exercises
from course_lib.plots import new_figure
from course_lib.widgets.activations import activation_panel, draw_curves, softmax_panel

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Why a non-linear function (非线性)
#
# Two dense layers without activation, $x W_1 W_2$, are exactly one dense layer with the matrix
# $W_1 W_2$: depth buys nothing. A quick check with two Keras layers (no biases, to keep it short):

# %% slideshow={"slide_type": "notes"}
x = tf.random.normal([5, 4], seed=1)
first = keras.layers.Dense(8, use_bias=False)
second = keras.layers.Dense(3, use_bias=False)
two_layers = second(first(x))
one_layer = x @ (first.kernel @ second.kernel)
print("two linear layers equal one layer with W1 @ W2:",
      bool(np.allclose(two_layers.numpy(), one_layer.numpy(), atol=1e-5)))
with_relu = second(tf.nn.relu(first(x)))
print("with a ReLU in between they do not:", not np.allclose(with_relu.numpy(), one_layer.numpy(), atol=1e-5))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The functions and their values
#
# | name | formula | TensorFlow | output range (值域) |
# |---|---|---|---|
# | Sigmoid | $\sigma(x) = \dfrac{1}{1 + e^{-x}}$ | `tf.nn.sigmoid(x)` | $(0, 1)$ |
# | Tanh | $\tanh(x) = \dfrac{1 - e^{-2x}}{1 + e^{-2x}}$ | `tf.math.tanh(x)` | $(-1, 1)$ |
# | ReLU | $\max(0, x) = \begin{cases} x & x > 0 \\ 0 & x \le 0 \end{cases}$ | `tf.nn.relu(x)` | $[0, \infty)$ |
# | Leaky ReLU | $\begin{cases} x & x > 0 \\ \alpha x & x \le 0 \end{cases}$ | `tf.nn.leaky_relu(x, alpha=0.2)` | $(-\infty, \infty)$ |
#
# **Seed figure.** The source's notes apply each function to `tf.linspace` inputs (float64) and
# print the result; the same calls here, compared with the printed values:

# %% slideshow={"slide_type": "fragment"}
for name in activations.ACTIVATION_NAMES:
    inputs, values, printed = activations.source_values(name)
    print(f"{activations.TF_CALLS[name]} on {np.round(inputs, 8).tolist()}:")
    print(repr(values))
    checks.check_answer(f"{name} as printed by the source", values, printed, atol=5e-9, rtol=0,
                        hint="the source rounds to 8 decimals.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Derivatives: by hand and by `GradientTape`
#
# Backpropagation (反向传播) multiplies the derivatives of the activations layer by layer, so the
# derivative matters as much as the function:
#
# $$\sigma'(x) = \sigma(x)\,(1 - \sigma(x)) \le \tfrac14, \qquad
# \tanh'(x) = 1 - \tanh^2(x) \le 1, \qquad
# \mathrm{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x < 0 \end{cases}, \qquad
# \mathrm{LeakyReLU}'(x) = \begin{cases} 1 & x > 0 \\ \alpha & x < 0 \end{cases}.$$
#
# ReLU has no derivative at exactly 0; TensorFlow uses the left slope there (0, or $\alpha$).
# `GradientTape` finds the derivatives without being told the formulas. They agree to float64
# rounding, except Leaky ReLU's, which differ by 3e-09:
# TensorFlow stores $\alpha$ as a float32, 0.2 becomes 0.2000000030.

# %% slideshow={"slide_type": "fragment"}
x = np.linspace(-6.0, 6.0, 1201)
for name in activations.ACTIVATION_NAMES:
    by_tape = activations.tape_derivative(name, x)
    by_hand = activations.analytic_derivative(name, x)
    difference = np.max(np.abs(by_tape - by_hand))
    print(f"{name:>10}: largest |GradientTape − formula| {'below 1e-15' if difference < 1e-15 else f'{difference:.0e}'}; "
          f"largest derivative {by_tape.max():.4f}")
print(f"Leaky ReLU's slope for x < 0, as the tape gives it: {activations.tape_derivative('leaky_relu', [-1.0])[0]:.10f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Sigmoid (Sigmoid 函数)
#
# Pros (优点): output in $(0, 1)$, monotonic and continuous, a bounded output keeps optimization
# stable, usable as an output layer (a probability for two classes); easy derivative.
# Cons (缺点): (1) vanishing gradients, $\sigma' \le 0.25$; (2) the output is not centred on 0,
# which slows convergence; (3) the exponential is costly.

# %% slideshow={"slide_type": "fragment"}
draw_curves(activations.curves("sigmoid"))[0]

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Tanh (Tanh 函数)
#
# Pros: output in $(-1, 1)$ and centred on 0, monotonic and continuous, bounded, usable as an
# output layer; converges faster than sigmoid. Cons: (1) still vanishing gradients for large
# $|x|$; (2) the exponential is costly.

# %% slideshow={"slide_type": "fragment"}
draw_curves(activations.curves("tanh"))[0]

# %% [markdown] slideshow={"slide_type": "fragment"}
# The source calls tanh a sigmoid "stretched and shifted" (tanh是通过sigmoid函数放大平移得到). Exactly:
#
# $$2\sigma(2x) - 1 = \frac{2}{1 + e^{-2x}} - 1 = \frac{1 - e^{-2x}}{1 + e^{-2x}} = \tanh(x),$$
#
# the sigmoid squeezed twice as steep, stretched from $(0, 1)$ to $(0, 2)$ and moved down by 1.
# So tanh inherits the sigmoid's shape and saturation, and its derivative at 0 is
# $2 \cdot 2 \cdot \sigma'(0) = 1$ instead of $\tfrac14$. Checked numerically with TensorFlow on
# 1201 points of $[-6, 6]$ (float64):

# %% slideshow={"slide_type": "fragment"}
x = tf.constant(np.linspace(-6.0, 6.0, 1201))
tanh_values = tf.math.tanh(x).numpy()
stretched_sigmoid = (2 * tf.nn.sigmoid(2 * x) - 1).numpy()
tanh_difference = np.max(np.abs(tanh_values - stretched_sigmoid))
checks.check_answer("tanh(x) = 2σ(2x) − 1 on [−6, 6], to 1e-12", stretched_sigmoid, tanh_values, rtol=0, atol=1e-12,
                    hint="the identity holds exactly; only float64 rounding separates the two.")

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
print(f"largest |tanh(x) − (2σ(2x) − 1)| on the grid: {tanh_difference:.1e} (float64 rounding)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### ReLU (ReLU 函数)
#
# Pros: (1) no vanishing gradient for $x > 0$; (2) only a comparison with 0, so fast; (3)
# converges much faster than sigmoid and tanh; (4) sparse activations. Cons: (1) the output is
# not centred on 0; (2) the **Dead ReLU** problem: a unit whose input is negative for every
# example never fires again, and its weights are never updated (measured below).

# %% slideshow={"slide_type": "fragment"}
draw_curves(activations.curves("relu"))[0]

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Leaky ReLU (Leaky ReLU 函数)
#
# A small slope $\alpha$ for $x < 0$ keeps a gradient flowing, so a unit cannot die. In theory
# it has all the advantages of ReLU and no dead units; in practice it has not been shown to be
# always better than ReLU. TensorFlow's default is $\alpha = 0.2$ (Keras' `LeakyReLU` layer
# uses a different default, `negative_slope=0.3`).

# %% slideshow={"slide_type": "fragment"}
draw_curves(activations.curves("leaky_relu"))[0]

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The properties of a good activation
#
# The source lists four: **non-linear** (非线性: then a deep network can approximate any
# function), **differentiable** (可微性: optimizers use gradients), **monotonic** (单调性: the
# source adds that a single layer then has a convex loss, which is not true in general; see
# below), **approximately the identity near 0** (近似恒等性:
# $f(x) \approx x$, stable when weights start small). Plus the output range: a bounded output
# makes gradient methods more stable; an unbounded one calls for a smaller learning rate.
# `activations.properties` measures each on a grid (read its docstring for the tests):

# %% slideshow={"slide_type": "fragment"}
Markdown(activations.properties_table())

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Monotonic does not make the loss convex.** Take one sigmoid neuron, one input $x = 1$
# with label 1, and the MSE: $L(w) = (\sigma(w) - 1)^2$. A convex function lies below its
# chords, so $L(-3)$ would be at most the mean of $L(-6)$ and $L(0)$. It is not. What is
# convex in the weights is a single layer's **cross entropy** with a sigmoid or softmax
# output (logistic regression), $-\ln\sigma(w)$ here: the loss, not the monotonic activation,
# makes the difference.

# %% slideshow={"slide_type": "notes"}
def sigmoid_mse(w):
    return (1 / (1 + np.exp(-w)) - 1) ** 2


def sigmoid_ce(w):
    return np.log1p(np.exp(-w))  # −ln σ(w)


for name, loss in (("sigmoid + MSE", sigmoid_mse), ("sigmoid + CE ", sigmoid_ce)):
    middle, chord = loss(-3.0), (loss(-6.0) + loss(0.0)) / 2
    verdict = "above the chord: not convex" if middle > chord else "below the chord"
    print(f"{name}: L(-3) = {middle:.3f}, chord (L(-6) + L(0)) / 2 = {chord:.3f}  {verdict}")
w = np.linspace(-8, 8, 321)
print("smallest second difference on [-8, 8]: MSE", f"{np.diff(sigmoid_mse(w), 2).min():.1e},",
      "CE", f"{np.diff(sigmoid_ce(w), 2).min():.1e}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Panel: activation explorer
#
# Choose a function, zoom out with **x from −a to a** (try $a = 20$ for sigmoid and watch the
# derivative vanish), and pick leaky_relu to change its $\alpha$ (at 0 it is ReLU, at 1 the
# identity); the $\alpha$ slider appears only then, since no other function has one.
# The caption gives the ranges and the largest difference between the two derivatives. The
# panel works without running anything: every state it can show (each function, $a$ from 1
# to 20, $\alpha$ in steps of 0.1) is stored with the chapter.

# %% tags=["panel", "nbval-ignore-output"] slideshow={"slide_type": "subslide"}
activation_panel()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Softmax (softmax 函数)
#
# Softmax turns the outputs of the last layer (logits, 未归一化的得分) into a probability
# distribution: every value in $[0, 1]$, all adding up to 1.
#
# $$\mathrm{softmax}(z)_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}, \quad k = 1, \dots, K
# \qquad \texttt{tf.nn.softmax(z)}$$
#
# Its derivative is a matrix, since every output depends on every logit:
# $\partial p_i / \partial z_j = p_i(\delta_{ij} - p_j)$, i.e. $\mathrm{diag}(p) - p p^\top$.

# %% slideshow={"slide_type": "fragment"}
logits = [2.0, 1.0, 0.1]
probabilities = tf.nn.softmax(tf.constant(logits)).numpy()
print("softmax(2, 1, 0.1) =", np.round(probabilities, 4), "sum", round(float(probabilities.sum()), 6))
by_hand, by_tape = activations.softmax_jacobians(logits)
print("Jacobian diag(p) − p pᵀ equals GradientTape.jacobian to 1e-12:", bool(np.max(np.abs(by_hand - by_tape)) < 1e-12))
print(np.round(by_hand, 4))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Seed figure.** The source's notes draw 10 random logits with
# `tf.random.uniform([1, 10], minval=-2, maxval=2)` without a seed, so they cannot be drawn
# again; starting from the logits they printed, `tf.nn.softmax(logits, axis=1)` gives the
# probabilities they printed, which sum to 1:

# %% slideshow={"slide_type": "fragment"}
source_logits, source_probabilities = activations.SOURCE_SOFTMAX
probabilities = tf.nn.softmax(tf.constant([source_logits], dtype=tf.float32), axis=1)
print(repr(probabilities.numpy()))
print("sum:", tf.reduce_sum(probabilities, axis=1).numpy())
checks.check_answer("softmax as printed by the source", probabilities.numpy()[0], source_probabilities,
                    atol=5e-8, rtol=0, hint="the source prints float32 values to 8 decimals.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Panel: softmax and temperature
#
# Dividing the logits by a **temperature** $T$ before softmax keeps their order but changes how
# peaked the result is: $T \to 0$ puts all mass on the largest logit, $T \to \infty$ makes it
# uniform. Type other logits (e.g. `10, 0, 0` or `1, 1, 1, 1`) and watch the entropy.

# %% tags=["panel", "nbval-ignore-output"] slideshow={"slide_type": "subslide"}
softmax_panel()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Vanishing gradients, measured (梯度消失)
#
# Backpropagation multiplies, layer by layer from the output back to the input, the weights and
# the activation's derivative. With sigmoid that derivative is at most 0.25, so the gradient
# shrinks geometrically towards the input. We build two networks of 10 hidden layers of 64
# units, identical except for the activation (same Glorot initialisation, same seed), and
# measure the norm of the loss gradient of each layer's kernel on 512 MNIST images:

# %% slideshow={"slide_type": "fragment"}
(x_train, y_train), (x_test, y_test) = data.load_mnist(flatten=True)
x_batch, y_batch = x_train[:512], y_train[:512]
depth, width = 10, 64
gradient_norms = {name: activations.layer_gradient_norms(activations.deep_network(name, depth=depth, width=width),
                                                         x_batch, y_batch)
                  for name in ("sigmoid", "relu")}
for name, norms in gradient_norms.items():
    print(f"{name:>7}: gradient norm of the first hidden layer / of the output layer = {norms[0] / norms[-1]:.1e}")

# %% slideshow={"slide_type": "notes"}
figure, ax = new_figure(7.0, 3.6)
for name, norms in gradient_norms.items():
    ax.semilogy(np.arange(1, len(norms) + 1), norms, "o-", label=name)
ax.set_xlabel("layer (1 = next to the input, 11 = output)")
ax.set_ylabel("‖∂loss/∂kernel‖")
ax.set_title("gradient norm per layer, 10 hidden layers, at initialisation")
ax.legend()
figure

# %% [markdown] slideshow={"slide_type": "fragment"}
# The sigmoid network's first layer gets a gradient about a million times smaller than its
# output layer: with one learning rate for all layers, the first layers barely move. The ReLU
# network's gradients stay within a factor of a few across the depth:

# %% slideshow={"slide_type": "fragment"}
sigmoid_ratio = gradient_norms["sigmoid"][0] / gradient_norms["sigmoid"][-1]
relu_ratio = gradient_norms["relu"][0] / gradient_norms["relu"][-1]
checks.milestone("sigmoid: first-layer gradient / output-layer gradient", sigmoid_ratio, at_most=1e-3, digits=3)
checks.milestone("ReLU: first-layer gradient / output-layer gradient", relu_ratio, at_least=0.1, digits=1)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Dead ReLUs, measured (Dead ReLU 问题)
#
# A too-large learning rate can push a ReLU unit's bias and weights so far that its input is
# negative for every example. Then its output and its gradient are 0 on all the data, and no
# later update can revive it. We train an MLP (784-256-256-10, ReLU), from the same seeded
# weights each time, for one epoch on 10 000 MNIST images with Adam at its usual learning rate
# 1e-3 and at 0.1, then count the hidden units that output 0 for all of 5 000 training images.

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
def train_mlp(learning_rate, num_epochs=1, batch_size=128, activation="relu"):
    """A 784-256-256-10 network (ReLU unless told otherwise) trained with Adam on 10 000 MNIST images."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(784,)),
                              keras.layers.Dense(256, activation=activation),
                              keras.layers.Dense(256, activation=activation),
                              keras.layers.Dense(10)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(x_train[:10000], y_train[:10000], batch_size=batch_size, epochs=num_epochs, verbose=0)
    return model


dead, test_accuracy = {}, {}
for learning_rate in (1e-3, 0.1):
    model = train_mlp(learning_rate)
    dead[learning_rate] = activations.dead_unit_fractions(model, x_train[:5000])
    test_accuracy[learning_rate] = model.evaluate(x_test, y_test, verbose=0)[1]
    print(f"learning rate {learning_rate}: dead units per hidden layer {np.round(dead[learning_rate], 3)}, "
          f"test accuracy {test_accuracy[learning_rate]:.3f}")

# %% slideshow={"slide_type": "fragment"}
checks.milestone("dead units in layer 1 at learning rate 1e-3", dead[1e-3][0], at_most=0.1)
checks.milestone("dead units in layer 1 at learning rate 0.1", dead[0.1][0], at_least=0.5)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The remedy, measured: Leaky ReLU
#
# Leaky ReLU's slope $\alpha$ for $x < 0$ (Keras' `activation="leaky_relu"` uses 0.2) passes a
# gradient even to a unit whose input is negative on every example, so such a unit is pushed
# back instead of being left for dead. The same run at learning rate 0.1, with Leaky ReLU in
# both hidden layers; `dead_unit_fractions` counts the units whose input is negative on all
# 5 000 images, as for ReLU:

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
model = train_mlp(0.1, activation="leaky_relu")
leaky_negative = activations.dead_unit_fractions(model, x_train[:5000])
leaky_accuracy = model.evaluate(x_test, y_test, verbose=0)[1]
print(f"Leaky ReLU, learning rate 0.1: units negative on every image per hidden layer "
      f"{np.round(leaky_negative, 3)}, test accuracy {leaky_accuracy:.3f}")

# %% slideshow={"slide_type": "fragment"}
checks.milestone("Leaky ReLU at 0.1: units of layer 1 negative on every image", leaky_negative[0], at_most=0.5)
checks.milestone("ReLU at 0.1: test accuracy", test_accuracy[0.1], at_most=0.5)
checks.milestone("Leaky ReLU at 0.1: test accuracy", leaky_accuracy, at_least=0.6)

# %% [markdown] slideshow={"slide_type": "fragment"}
# With the same seed, data and learning rate, Leaky ReLU keeps most of the first layer working
# and the network learns, where the ReLU network, left at a fraction of its units, learns far
# less: fewer than half of the test images right (checked above), though more than chance. It
# does not make 0.1 a good learning rate: the run at 1e-3 above still does better.
# Leaky ReLU removes the failure that cannot be undone; the learning rate is still yours to fix.

# %% [markdown] slideshow={"slide_type": "notes"}
# At learning rate 0.1, one epoch (79 steps) left most of the first layer dead: its units
# output 0 on all 5 000 images checked, half of the 10 000 it trained on. A unit that outputs 0
# on every training image gets no gradient from any of them, so no gradient pushes it back; how
# long such units stay dead was not measured here. Remedies: a smaller learning rate, Leaky
# ReLU (as measured above), or a careful initialisation (next section).
#
# ## Advice for beginners (对于初学者的建议)
#
# The source's four rules:
#
# 1. prefer **ReLU** (首选 relu 激活函数);
# 2. set the **learning rate small** (学习率设置较小值);
# 3. **standardize the inputs** to mean 0 and standard deviation 1 (输入特征标准化);
# 4. **centre the initial weights** (初始参数中心化): draw them from a normal distribution with
#    mean 0 and standard deviation $\sqrt{2 / n_{in}}$, $n_{in}$ the number of inputs of the layer.
#
# Rule 4 is **He initialisation**, `keras.initializers.HeNormal`. Keras draws from a normal
# distribution truncated at two standard deviations, widened so that the standard deviation
# after truncation is exactly $\sqrt{2/n_{in}}$. Measured on a 784 × 256 kernel:

# %% slideshow={"slide_type": "fragment"}
kernel = keras.initializers.HeNormal(seed=0)(shape=(784, 256)).numpy()
print(f"sqrt(2 / 784) = {activations.he_normal_std(784):.4f}")
print(f"HeNormal kernel: mean {kernel.mean():+.4f}, standard deviation {kernel.std():.4f}, "
      f"largest |w| / sqrt(2/784) = {np.abs(kernel).max() / activations.he_normal_std(784):.2f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Why $\sqrt{2/n_{in}}$: ReLU zeroes half of its inputs, halving the signal's mean square
# $E[x^2]$ (not its variance), and the variance of the next layer's weighted sum is
# $n_{in}\,\mathrm{Var}(w)\,E[x^2]$; the 2 compensates, so the activations keep their size
# through many layers. With a naive small initialisation (normal, standard deviation 0.01) the
# signal fades layer after layer:

# %% slideshow={"slide_type": "notes"}
for initializer in (keras.initializers.HeNormal(seed=0), keras.initializers.RandomNormal(stddev=0.01, seed=0)):
    model = activations.deep_network("relu", depth=10, width=256, kernel_initializer=initializer)
    h, spreads = tf.constant(x_batch), []
    for layer in model.layers[:-1]:
        h = layer(h)
        spreads.append(float(tf.math.reduce_std(h)))
    print(f"{type(initializer).__name__:>12}: activation std after layers 1, 5, 10: "
          f"{spreads[0]:.2e} {spreads[4]:.2e} {spreads[9]:.2e}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Standardized inputs, measured (输入特征标准化)
#
# Rule 3: shift and scale every input feature to mean 0 and standard deviation 1,
# $x' = (x - \mu) / \sigma$, with $\mu$ and $\sigma$ measured on the training set and applied
# unchanged to the validation and test sets. Why it matters: the first layer computes $xW$,
# so the loss's curvature along a weight grows with the size of the input it multiplies. For
# softmax regression the Hessian is about $p(1-p)$ times the inputs' second moments
# $E[x x^\top]$ (with a 1 appended for the bias). Large features raise the largest curvature
# $\lambda_{max}$, and by chapter 03's rule $lr < 2/\lambda_{max}$ they lower the largest
# learning rate that converges.
#
# Measured on chapter 08's problem: iris (4 features, in cm), the source's model
# (`Dense(3, softmax)`, sparse CE plus the L2 penalty), mini-batch SGD at the source's
# learning rate 0.1 for 200 epochs, once on the raw features and once standardized.
# `recipe.train_softmax_regression` is chapter 08's compiled version of that `fit`.

# %% slideshow={"slide_type": "notes"}
x_iris, y_iris = data.load_iris(shuffle_seed=116)
(x_fit, y_fit), (x_val, y_val) = recipe.split_like_keras(x_iris, y_iris, 0.2)
mean, std = x_fit.mean(axis=0), x_fit.std(axis=0)
iris_inputs = {"raw": (x_fit, x_val), "standardized": ((x_fit - mean) / std, (x_val - mean) / std)}
print("training-set means:", np.round(mean, 2), " standard deviations:", np.round(std, 2))
largest_eigenvalue = {}
for name, (inputs, _) in iris_inputs.items():
    with_bias = np.c_[inputs, np.ones(len(inputs))].astype(np.float64)
    second_moments = with_bias.T @ with_bias / len(with_bias)
    largest_eigenvalue[name] = np.linalg.eigvalsh(second_moments).max()
    print(f"{name:>12}: largest eigenvalue of E[x xᵀ] = {largest_eigenvalue[name]:.2f}")
print(f"raw / standardized: {largest_eigenvalue['raw'] / largest_eigenvalue['standardized']:.0f} times")

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
iris_runs = {name: recipe.train_softmax_regression(train, y_fit, val, y_val, num_epochs=200, learning_rate=0.1)
             for name, (train, val) in iris_inputs.items()}
loss_rise, worst_val_accuracy = {}, {}
for name, run in iris_runs.items():
    loss_rise[name] = float(np.max(np.diff(run["history"]["loss"][100:])))
    worst_val_accuracy[name] = float(run["history"]["val_accuracy"][100:].min())
    print(f"{name:>12}, epochs 101–200: largest rise of the training loss from one epoch to the next "
          f"{loss_rise[name]:+.3f}, lowest validation accuracy {worst_val_accuracy[name]:.3f}, "
          f"final training loss {run['history']['loss'][-1]:.3f}")

# %% slideshow={"slide_type": "fragment"}
figure, (left, right) = new_figure(10.0, 3.6, ncols=2)
for name, run in iris_runs.items():
    epochs = np.arange(1, len(run["history"]["loss"]) + 1)
    left.plot(epochs, run["history"]["loss"], label=f"{name} features")
    right.plot(epochs, run["history"]["val_accuracy"], label=f"{name} features")
left.set_xlabel("epoch")
left.set_ylabel("training loss (CE + L2)")
left.set_title("iris, SGD at learning rate 0.1: training loss")
right.set_xlabel("epoch")
right.set_ylabel("validation accuracy")
right.set_title("validation accuracy (30 flowers)")
left.legend()
right.legend(loc="lower right")
figure

# %% slideshow={"slide_type": "fragment"}
checks.milestone("raw features: largest rise of the training loss in epochs 101–200", loss_rise["raw"],
                 at_least=0.05)
checks.milestone("standardized: largest rise of the training loss in epochs 101–200", loss_rise["standardized"],
                 at_most=0.001)
checks.milestone("standardized: lowest validation accuracy in epochs 101–200", worst_val_accuracy["standardized"],
                 at_least=0.9)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The raw features average up to 5.89 cm, so their second moments are large: $\lambda_{max}$ is 22
# times that of the standardized features, and at learning rate 0.1 SGD overshoots along the
# steep direction. The training loss jumps up from one epoch to the next and the validation
# accuracy swings, the jumps of chapter 08's curves. Standardized, the same model, rate and
# epochs give a loss that only goes down and a validation accuracy that stays high. The
# cure costs two numbers per feature; keep them with the model, since every input it will
# ever see must be standardized with the same $\mu$ and $\sigma$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 1: a derivative by hand
#
# What is the derivative of tanh at $x = 1$? Use NumPy, not `GradientTape` (then check with it).

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_tanh_derivative(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: tanh'(x) = 1 − tanh(x)²
answer = 1 - np.tanh(1.0) ** 2
exercises.check_tanh_derivative(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 2 (build it): a softmax that survives large logits
#
# The softmax section called `tf.nn.softmax` on small logits. Write `softmax(z)` yourself with
# NumPy, for a vector of logits or a batch of rows (softmax over the last axis, each row adding
# up to 1). First try your function on the logits `[1000.0, 999.0, 990.0]`: a trained network
# can produce such logits, and the formula as written fails on them. Find out why, and make
# your function give the right probabilities there too. The check calls it on logits of its
# own, large ones included, with TensorFlow's, Keras' and SciPy's softmax unavailable.

# %% slideshow={"slide_type": "skip"}
softmax = ...  # your code here: def softmax(z): ...
exercises.check_softmax(softmax)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: e^1000 overflows to inf and inf / inf is NaN; subtracting each row's largest logit
# leaves the softmax unchanged and every exponent at most 0
def softmax(z):
    z = np.asarray(z, dtype=np.float64)
    exponentials = np.exp(z - z.max(axis=-1, keepdims=True))
    return exponentials / exponentials.sum(axis=-1, keepdims=True)


exercises.check_softmax(softmax)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 3: He initialisation
#
# The second hidden layer of the 784-256-128-10 network reads the 256 outputs of the first.
# What standard deviation does He initialisation use for its weights?

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_he_std(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution
answer = np.sqrt(2 / 256)
exercises.check_he_std(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 4 (build it): SiLU and its derivative
#
# Newer networks (EfficientNet, many transformers) use **SiLU**, also called swish:
# $\mathrm{SiLU}(x) = x\,\sigma(x)$, smooth, with a small dip below 0 for negative $x$
# (Keras: `activation="silu"`). Write `silu(x)` and its derivative `silu_derivative(x)` by
# hand, with NumPy or TensorFlow operations. The check calls both on inputs of its own and
# compares them with `tf.nn.silu` and with what `GradientTape` gives for it; while yours run,
# TensorFlow's and Keras' SiLU and `GradientTape` are unavailable.

# %% slideshow={"slide_type": "skip"}
def silu(x):
    return ...  # your code here


def silu_derivative(x):
    return ...  # your code here


exercises.check_silu(silu, silu_derivative)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: the product rule, (x·σ)' = σ + x·σ(1 − σ)
def silu(x):
    return x * tf.nn.sigmoid(x)


def silu_derivative(x):
    s = tf.nn.sigmoid(x)
    return s * (1 + x * (1 - s))


exercises.check_silu(silu, silu_derivative)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary (小结)
#
# - An activation makes a network non-linear; without it depth adds nothing.
# - Sigmoid $(0,1)$ and tanh $(-1,1)$ are smooth and bounded but saturate: their derivative
#   vanishes for large $|x|$, and in a deep sigmoid network the first layers get gradients a
#   million times smaller than the last.
# - ReLU keeps the gradient at 1 for $x > 0$ and is cheap, but units can die, for example after
#   a too-large learning rate; Leaky ReLU keeps a slope $\alpha$ for $x < 0$, and in the same
#   run most of its units stay alive and the network learns.
# - tanh is a stretched sigmoid: $\tanh(x) = 2\sigma(2x) - 1$.
# - Softmax turns logits into probabilities; a temperature sharpens or flattens them.
# - Beginners: ReLU, a small learning rate, standardized inputs, He initialisation
#   (`keras.initializers.HeNormal`, standard deviation $\sqrt{2/n_{in}}$).
# - Unscaled inputs raise the loss's curvature: on iris at learning rate 0.1 the raw features
#   make the loss jump, standardized ones train smoothly.
#
# Next: [05 Loss functions](05_losses.ipynb).
