# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 05 Loss functions (损失函数)
#
# A **loss function** (损失函数, loss) measures the gap between the prediction $y$ and the
# answer $y\_$ (the source writes the label as `y_`). Training is nothing but making this one
# number small, so the loss decides what the network learns. Regression (回归) and
# classification (分类), the two big families of supervised learning, use different ones.
#
# **In this chapter you will**
#
# - compute the mean squared error (均方误差, MSE) and the cross entropy (交叉熵, CE) by hand
#   and with TensorFlow, and reproduce the source course's numbers;
# - combine softmax with CE, and see why `from_logits=True` is the numerically safe way;
# - use binary CE, and sparse versus categorical CE;
# - write a **custom loss** (自定义损失函数) for a sales forecast and watch the fitted model
#   move when the prices change;
# - compare the gradients of MSE and CE with respect to the logits, by `GradientTape` and by
#   their closed form;
# - write a cross-entropy loss yourself and train a model with it.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "skip"}
from course_lib import notebook

notebook.setup()  # first, so that TensorFlow's start-up log stays quiet

import keras
import numpy as np
import tensorflow as tf

from course_lib import checks, losses
from course_lib.exercises import losses as exercises
from course_lib.widgets.losses import ce_vs_mse_panel, sales_panel

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Mean squared error (均方误差)
#
# For regression the usual loss is the mean of the squared errors:
#
# $$\mathrm{MSE}(y\_, y) = \frac{1}{n}\sum_{i=1}^{n} (y_i - y\_{}_i)^2 .$$
#
# The source writes it as `tf.reduce_mean(tf.square(y - y_))`; Keras has it as
# `keras.losses.MeanSquaredError()`, and as the function `keras.losses.mean_squared_error`.
# The source's `tf.losses.mean_squared_error` raises `AttributeError` on the installed TensorFlow 2.21 with Keras 3,
# whose `tf.losses` is Keras' `tf.keras.losses` and spells that function `tf.losses.MSE`.
# Keras takes the label first: `loss(y_true, y_pred)`.

# %% slideshow={"slide_type": "fragment"}
y_true = np.array([1.0, 2.0, 3.0, 4.0])
y_pred = np.array([1.5, 2.0, 2.0, 4.5])
by_hand = tf.reduce_mean(tf.square(y_pred - y_true))
by_keras = keras.losses.MeanSquaredError()(y_true, y_pred)
print(f"MSE by hand: {float(by_hand):.4f}   keras.losses.MeanSquaredError: {float(by_keras):.4f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# **MSE as a squared norm (二范数)**, met in chapter 02 on the network's outputs, here on the
# source's own example. Put all the errors in one vector, or matrix,
# $e = y - y\_$. The sum of their squares is the squared Euclidean norm $\|e\|^2$, so
#
# $$\mathrm{MSE} = \frac{\|y - y\_\|^2}{n},$$
#
# $n$ the number of entries. The source's example compares one-hot labels of 5 samples and 4
# classes with a random output (its `tf.random.normal([5, 4])` is unseeded; seeded here) in
# three ways. `tf.norm` of a matrix is the norm over all its entries, so $n = 5 \cdot 4 = 20$,
# not 5; the source's `tf.losses.MSE` is Keras' `keras.losses.mean_squared_error`, which
# averages each row, and the mean of the 5 row means is the mean of all 20 squares. All three
# equal `losses.mse`, the course's one MSE:

# %% slideshow={"slide_type": "notes"}
y = tf.one_hot([1, 2, 3, 0, 2], depth=4)  # the source's labels, four classes
out = tf.random.normal([5, 4], seed=5)    # a model's output
loss1 = tf.reduce_mean(tf.square(y - out))
loss2 = tf.square(tf.norm(y - out)) / (5 * 4)  # the squared-norm form
loss3 = tf.reduce_mean(keras.losses.mean_squared_error(y, out))
print(f"reduce_mean(square): {float(loss1):.4f}   ‖y − out‖² / 20: {float(loss2):.4f}   "
      f"mean of mean_squared_error: {float(loss3):.4f}")
checks.check_answer("‖y − out‖² / n equals losses.mse", float(loss2), float(losses.mse(y, out)), rtol=1e-6,
                    hint="n counts every entry: 5 samples times 4 classes.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Cross entropy (交叉熵)
#
# Cross entropy compares a predicted distribution $y$ with the label's distribution $y\_$;
# it is the most used loss for classification:
#
# $$H(y\_, y) = -\sum_k y\_{}_k \ln y_k .$$
#
# The source calls it the distance between two distributions, but it is not a distance: it
# is the entropy of the label plus the Kullback–Leibler divergence (KL 散度) of the prediction
# from it, $H(y\_, y) = H(y\_) + D_\mathrm{KL}(y\_ \,\|\, y)$. It is not symmetric, and at
# $y = y\_$ it equals $H(y\_)$, which is 0 only for a one-hot label. For a fixed label, the
# smaller it is the closer the prediction, since only the KL part depends on $y$. The
# logarithm is the natural one, $\ln$, in TensorFlow and Keras (the source's notes mention
# base 2, which would give $-\log_2 0.6 \approx 0.737$ below instead of 0.511).
#
# With a one-hot label only the true class survives the sum: $H = -\ln(\text{probability
# given to the true class})$.
#
# **The source's example.** Two classes, answer $y\_ = (1, 0)$, two predictions
# $y_1 = (0.6, 0.4)$ and $y_2 = (0.8, 0.2)$. Which is closer?
#
# $$H_1 = -(1 \cdot \ln 0.6 + 0 \cdot \ln 0.4) \approx 0.511, \qquad
#   H_2 = -(1 \cdot \ln 0.8 + 0 \cdot \ln 0.2) \approx 0.223 .$$
#
# $H_1 > H_2$, so $y_2$ is the better prediction. `course_lib.losses.cross_entropy` is the
# formula above in NumPy; `keras.losses.categorical_crossentropy` (the source's
# `tf.losses.categorical_crossentropy`) gives the same numbers.

# %% slideshow={"slide_type": "fragment"}
label = [1.0, 0.0]
for name, prediction in (("H1", [0.6, 0.4]), ("H2", [0.8, 0.2])):
    by_formula = losses.cross_entropy(label, prediction)
    by_keras = float(keras.losses.categorical_crossentropy(label, prediction))
    print(f"{name}((1, 0), {tuple(prediction)}) = {by_formula:.3f}   (Keras: {by_keras:.3f})")

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Seed figure.** The source's notes add three examples with four classes, the answer being
# class 1: a uniform prediction, whose cross entropy they call large (交叉熵1.38很大), a wrong
# one (预测错了, 2.3) and a right one (预测对了, 0.35). Their `tf.losses.categorical_crossentropy`
# is the same function as `keras.losses.categorical_crossentropy`:

# %% slideshow={"slide_type": "fragment"}
answer_class_1 = [0.0, 1.0, 0.0, 0.0]
source_predictions = {"uniform": [0.25, 0.25, 0.25, 0.25], "wrong": [0.1, 0.1, 0.7, 0.1],
                      "right": [0.1, 0.7, 0.1, 0.1]}
for name, prediction in source_predictions.items():
    by_keras = float(keras.losses.categorical_crossentropy(answer_class_1, prediction))
    print(f"{name:>7} {prediction}: Keras {by_keras:.3f}   losses.cross_entropy "
          f"{losses.cross_entropy(answer_class_1, prediction):.3f}   −ln(p of class 1) {-np.log(prediction[1]):.3f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The source's 1.38, 2.3 and 0.35 are these numbers cut short. Only the probability of the
# true class counts: $\ln 4 = 1.386$ for the uniform guess, $-\ln 0.1 = 2.303$ when class 1
# gets 0.1, whichever wrong class takes the rest, and $-\ln 0.7 = 0.357$ when it gets 0.7.

# %% [markdown] slideshow={"slide_type": "fragment"}
# With a label that is not one-hot, say $p = (0.7, 0.3)$, the three properties show:

# %% slideshow={"slide_type": "fragment"}
p, q = np.array([0.7, 0.3]), np.array([0.6, 0.4])
entropy, divergence = losses.cross_entropy(p, p), float(np.sum(p * np.log(p / q)))
print(f"H(p, q) = {losses.cross_entropy(p, q):.4f} = H(p) {entropy:.4f} + KL(p‖q) {divergence:.4f}")
print(f"H(q, p) = {losses.cross_entropy(q, p):.4f}   (not symmetric)")
print(f"H(p, p) = {entropy:.4f}   (not 0: p is not one-hot)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Softmax with cross entropy (softmax 与交叉熵结合)
#
# A network's last layer gives raw scores, the **logits** $z$, not probabilities. Softmax
# turns them into a distribution, $\mathrm{softmax}(z)_k = e^{z_k} / \sum_j e^{z_j}$, and CE
# compares that with the label. TensorFlow does both in one call,
# `tf.nn.softmax_cross_entropy_with_logits(labels, logits)`. The source checks on five
# samples that the two routes agree; here is its code, with the two results it printed.

# %% slideshow={"slide_type": "notes"}
y_ = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]])
y = np.array([[12, 3, 2], [3, 10, 3], [2, 1, 5], [4, 6, 1.2], [3, 6, 1]])
y_sm = tf.nn.softmax(y)
loss_1 = keras.losses.categorical_crossentropy(y_, y_sm)
loss_2 = tf.nn.softmax_cross_entropy_with_logits(y_, y)
print("分步计算的结果 (step by step):", loss_1)
print("和步计算的结果 (in one step):", loss_2)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Both vectors are the source's `[1.68795487e-04 1.82210289e-03 6.58839038e-02 2.13415060e+00
# 5.49852354e-02]`. The fourth sample has the largest loss: its label is class 0 but its
# largest logit (6) is class 1. The cell below checks the agreement to float64 precision.

# %% slideshow={"slide_type": "fragment"}
checks.check_answer("softmax then CE equals softmax_cross_entropy_with_logits",
                    loss_1.numpy(), loss_2.numpy(), rtol=1e-12,
                    hint="the two routes compute the same formula.")
checks.check_answer("the source's printed vector", loss_2.numpy(),
                    [1.68795487e-04, 1.82210289e-03, 6.58839038e-02, 2.13415060e+00, 5.49852354e-02],
                    rtol=1e-8, hint="the source printed 9 significant digits.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. `from_logits` and numerical stability (数值稳定性)
#
# Why does TensorFlow offer the one-step function, and Keras losses the flag
# `from_logits=True`? Because the two-step route breaks on large logits. In float32, $e^{z}$
# overflows to `inf` once $z > 88.7$, and $\infty/\infty$ is `NaN`. Even without overflow, a
# tiny probability rounds to 0 and $\ln 0 = -\infty$.
#
# The fix is the **log-sum-exp trick**: since softmax does not change when the same number
# is subtracted from every logit, subtract the largest one, $m = \max_k z_k$:
#
# $$H = \ln \sum_j e^{z_j} - \sum_k y\_{}_k z_k
#     = m + \ln \sum_j e^{z_j - m} - \sum_k y\_{}_k z_k .$$
#
# Now every exponent is at most 0, so nothing overflows, and no logarithm of a rounded-away
# probability is ever taken. `losses.naive_softmax_cross_entropy` and
# `losses.stable_softmax_cross_entropy` are the two versions, in float32 like a network.

# %% slideshow={"slide_type": "notes"}
labels = np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
logits = np.array([[2.0, 1.0, 0.1], [1000.0, 0.0, -1000.0], [0.0, 200.0, -5.0]])
naive = losses.naive_softmax_cross_entropy(labels, logits)
stable = losses.stable_softmax_cross_entropy(labels, logits)
with_logits = tf.nn.softmax_cross_entropy_with_logits(labels, logits.astype(np.float32)).numpy()
print("naive softmax then CE:", np.round(naive, 4))
print("log-sum-exp (stable): ", np.round(stable, 4) + 0.0)
print("tf.nn...with_logits:  ", np.round(with_logits, 4) + 0.0)

# %% [markdown] slideshow={"slide_type": "fragment"}
# The first row has small logits and all three agree. The other two overflow: $e^{1000}$
# and $e^{200}$ are `inf` in float32, and the naive loss is `NaN` although the right answer
# is 0 (the model is certain and right). Now make a model confidently **wrong**, with logits
# small enough not to overflow:

# %% slideshow={"slide_type": "notes"}
wrong_label = np.array([[1.0, 0.0, 0.0]], dtype=np.float32)
wrong_logits = np.array([[-120.0, 0.0, 0.0]], dtype=np.float32)
softmax_layer = keras.layers.Dense(3, activation="softmax", use_bias=False, kernel_initializer="identity")
routes = {
    "naive softmax then CE": losses.naive_softmax_cross_entropy(wrong_label, wrong_logits),
    "Keras on an eager tf.nn.softmax": keras.losses.categorical_crossentropy(wrong_label, tf.nn.softmax(wrong_logits)),
    "Keras on the same, as NumPy": keras.losses.categorical_crossentropy(wrong_label,
                                                                         tf.nn.softmax(wrong_logits).numpy()),
    "Keras on keras.activations.softmax": keras.losses.categorical_crossentropy(
        wrong_label, keras.activations.softmax(wrong_logits)),
    "Keras on a Dense(softmax) layer": keras.losses.categorical_crossentropy(wrong_label, softmax_layer(wrong_logits)),
    "Keras with from_logits=True": keras.losses.categorical_crossentropy(wrong_label, wrong_logits, from_logits=True),
}
for name, loss in routes.items():
    print(f"{name:>35}: {float(np.ravel(loss)[0]):.2f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The true loss is $120 + \ln 2 \approx 120.69$. The naive version returns `inf`: the true
# class's probability, about $e^{-120}/2 \approx 4 \cdot 10^{-53}$, is below the smallest
# float32 and rounds to 0.
# Given the probabilities of an eager `tf.nn.softmax`, or the same numbers as a NumPy array (what `model.predict` returns), Keras clips them to $[10^{-7}, 1 - 10^{-7}]$ to avoid the `inf` and returns $-\ln 10^{-7} \approx 16.12$: finite, but wrong, and its gradient is zero.
# In Keras 3 the output of `keras.activations.softmax`, and so of a `Dense(..., activation="softmax")` layer, keeps its logits (`_keras_logits`), and the cross entropy uses them: both give 120.69, like `from_logits=True`.
# So a Keras model with a softmax last layer and `from_logits=False` (the default, what the
# source does, as in chapter 08) loses nothing in `fit`. The trap is probabilities made
# elsewhere and handed to the loss. **Pass logits with `from_logits=True`** wherever the
# probabilities do not come straight from a Keras softmax: your own `tf.nn.softmax`, a
# prediction saved as NumPy, a hand-written training loop.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Binary cross entropy (二元交叉熵)
#
# With two classes one output is enough: $p = P(\text{class } 1)$, usually from a sigmoid.
# CE over the two classes $(p, 1-p)$ becomes
#
# $$\mathrm{BCE}(y\_, p) = -\big(y\_ \ln p + (1 - y\_)\ln(1 - p)\big).$$
#
# `keras.losses.BinaryCrossentropy` averages it over the samples. The source's $H_1$ and
# $H_2$ come back when the label is 1 and $p$ is 0.6 or 0.8:

# %% slideshow={"slide_type": "fragment"}
y_true = np.array([[1.0], [1.0], [0.0]])
p = np.array([[0.6], [0.8], [0.3]])
by_hand = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
by_keras = keras.losses.binary_crossentropy(y_true, p).numpy()
print("by hand:", np.round(by_hand[:, 0], 4), "  keras.losses.binary_crossentropy:", np.round(by_keras, 4))

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Seed figure.** The source's binary examples pass a label and a prediction of two entries
# each: `binary_crossentropy([1, 0], [0.9, 0.1])`, right (预测对了, 0.1), and, for a wrong
# prediction, `categorical_crossentropy([1, 0], [0.1, 0.9])` (预测错了, 2.3), the categorical loss.
# Binary CE treats each entry as its own yes/no question and averages over the last axis;
# categorical CE reads the row as one distribution. On a two-class distribution they agree:
# both entries of the binary loss give $-\ln p_0$, since $1 - p_1 = p_0$.

# %% slideshow={"slide_type": "fragment"}
for label, prediction in (([1.0, 0.0], [0.9, 0.1]), ([1.0, 0.0], [0.1, 0.9])):
    binary = float(keras.losses.binary_crossentropy(label, prediction))
    categorical = float(keras.losses.categorical_crossentropy(label, prediction))
    print(f"label {label}, prediction {prediction}: binary CE {binary:.3f}, categorical CE {categorical:.3f}, "
          f"−ln {prediction[0]} = {-np.log(prediction[0]):.3f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Sparse versus categorical (稀疏与独热标签)
#
# The same loss comes in two spellings, depending on how the labels are stored:
#
# | labels | loss | example label |
# |---|---|---|
# | one-hot rows (独热码) | `CategoricalCrossentropy` | `[0, 1, 0]` |
# | integer class numbers | `SparseCategoricalCrossentropy` | `1` |
#
# The numbers are identical; the sparse version just saves building the one-hot matrix,
# which matters with many classes. Both accept `from_logits=True`.

# %% slideshow={"slide_type": "notes"}
class_numbers = np.argmax(y_, axis=1)
print("integer labels:", class_numbers)
sparse = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)(class_numbers, y)
categorical = keras.losses.CategoricalCrossentropy(from_logits=True, reduction=None)(y_, y)
with np.printoptions(suppress=True):
    print("sparse:     ", np.round(sparse.numpy(), 6))
    print("categorical:", np.round(categorical.numpy(), 6))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Gradients of MSE and CE with respect to the logits (梯度)
#
# What training feels is not the loss but its gradient. For softmax followed by CE the
# gradient with respect to the logits is remarkably simple:
#
# $$\frac{\partial H}{\partial z_k} = p_k - y\_{}_k \qquad (p = \mathrm{softmax}(z)),$$
#
# the prediction minus the label. For MSE on the probabilities, $L = \frac1K\sum_k (p_k -
# y\_{}_k)^2$, the chain rule goes through the softmax Jacobian $J = \mathrm{diag}(p) - p
# p^\top$:
#
# $$\frac{\partial L}{\partial z} = J \,\frac{2}{K}(p - y\_).$$
#
# `losses.logit_gradients` computes both with `GradientTape` and with these formulas; on the
# source's five samples they agree.

# %% slideshow={"slide_type": "notes"}
gradients = losses.logit_gradients(y_, y)
for name in ("ce", "mse"):
    checks.check_answer(f"{name.upper()} gradient: GradientTape = closed form",
                        gradients[f"{name}_tape"], gradients[f"{name}_formula"], rtol=1e-9, atol=1e-12,
                        hint="the formulas above.")
with np.printoptions(suppress=True):
    print("CE gradient (tape):\n", np.round(gradients["ce_tape"], 4) + 0.0)
    print("largest |gradient| per sample, CE: ", np.round(np.abs(gradients["ce_tape"]).max(axis=1), 4))
    print("largest |gradient| per sample, MSE:", np.round(np.abs(gradients["mse_tape"]).max(axis=1), 4))
ce_largest, mse_largest = (np.abs(gradients[f"{name}_tape"][3]).max() for name in ("ce", "mse"))
print(f"fourth sample: CE gradient / MSE gradient = {ce_largest / mse_largest:.1f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Look at the fourth sample, the wrong one: its CE gradient is large (0.88), its MSE
# gradient 7.1 times smaller (0.12). With one true-class probability $p$ and two classes this becomes
# one line. Write $z$ for the true class's logit minus the other's, so that $p = \sigma(z)$
# and $dp/dz = p(1-p)$. Then CE $= -\ln p$ has the slope $p - 1$ **with respect to the logit**
# $z$ (with respect to $p$ itself it is $-1/p$), and MSE $= (1-p)^2$ has the slope
# $-2(1-p)^2 p$ with respect to $z$. The MSE slope **vanishes** as $p \to 0$: MSE barely corrects a confidently wrong classifier,
# CE pushes hardest exactly there. That is why classifiers train with CE.
#
# **Panel.** Drag $p$ and read both losses and both slopes under the figure.

# %% tags=["panel", "nbval-ignore-output"] slideshow={"slide_type": "subslide"}
ce_vs_mse_panel()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. A custom loss: the sales forecast (自定义损失函数)
#
# The loss should say what an error *costs*, and costs are rarely symmetric. The source
# course's example: a shop forecasts tomorrow's sales (酸奶, yoghurt) from two features.
# Every unit made but not sold loses its **COST** (成本), every unit it could have sold but
# did not make loses its **PROFIT** (利润). The loss of one day is
#
# $$\ell(y\_, y) = \begin{cases} \text{COST}\,(y - y\_) & y > y\_ \ \text{(over-predicted)} \\
#                  \text{PROFIT}\,(y\_ - y) & y \le y\_ \ \text{(under-predicted)} \end{cases}$$
#
# summed over the days: in TensorFlow,
# `tf.reduce_sum(tf.where(tf.greater(y, y_), COST * (y - y_), PROFIT * (y_ - y)))`, which is
# `losses.sales_loss`. The data are generated as in the original course (seed 23455): 32 days, $x \in [0, 1)^2$,
# true sales $y\_ = x_1 + x_2 + $ noise in $[-0.05, 0.05)$, and the model $y = x_1 w_1 + x_2
# w_2$ without a bias.

# %% slideshow={"slide_type": "fragment"}
x, y_sales = losses.make_sales_data()
print("x:", x.shape, " y_:", y_sales.shape, " first day:", np.round(x[0], 4), np.round(y_sales[0], 4))

# %% [markdown] slideshow={"slide_type": "notes"}
# **Which way will the model move?** Raise every forecast by a small $\delta$. Each
# under-predicted day saves $\text{PROFIT}\cdot\delta$, each over-predicted day costs
# $\text{COST}\cdot\delta$. At the minimum the two balance, so the share of over-predicted
# days is
#
# $$\frac{n_\text{over}}{n} \approx \frac{\text{PROFIT}}{\text{COST} + \text{PROFIT}}.$$
#
# The fitted forecast is the PROFIT/(COST+PROFIT) **quantile** of the sales, not their mean.
# With the source's COST = 1 and PROFIT = 99, missing a sale is 99 times worse than an
# unsold unit, so the model should forecast **high**, above the true sales on about 99 % of
# the days, with weights above 1. Swap the prices and it forecasts low.
#
# `losses.fit_sales_model` fits $w$ by gradient descent on this loss (a `tf.function` loop;
# the loss is piecewise linear, so the step shrinks to 0 to settle at the kink).

# %% slideshow={"slide_type": "notes"}
for cost, profit in ((1, 99), (99, 1), (1, 1)):
    fit = losses.fit_sales_model(cost, profit, x, y_sales)
    predicted = fit["predictions"][:, None]
    source_loss = tf.reduce_sum(tf.where(tf.greater(predicted, y_sales),
                                         cost * (predicted - y_sales), profit * (y_sales - predicted)))
    w1, w2 = fit["weights"]
    print(f"COST {cost:2d}, PROFIT {profit:2d}: w1 = {w1:.2f}, w2 = {w2:.2f}, loss {float(source_loss):.2f}; "
          f"days above / on / below the plane: {fit['num_above']} / {fit['num_on_plane']} / "
          f"{fit['num_below']} (theory: above on {fit['quantile']:.0%} of the {len(y_sales)} days)")
print(f"(on the plane: within {losses.ON_PLANE_TOLERANCE:g} of the true sales)")

# %% [markdown] slideshow={"slide_type": "fragment"}
# As predicted: with PROFIT 99 both weights rise above 1 and the forecast is above the sales on
# 29 days and below on 1; with COST 99 both fall below 1 and it is below on 30; with equal prices
# it is above on 15 days and below on 15. The counts miss the quantile because of the days that
# sit **on** the fitted plane, 2 in each fit. The loss is piecewise linear in $w$, so its minimum
# is at a corner, where the plane $y = x_1 w_1 + x_2 w_2$ passes exactly through some of the
# days, as many as there are weights. Such a day is neither over- nor under-predicted (the
# descent leaves it within a hair of its sales), and the days on either side balance around it.
# The model has no bias, so they balance weighted by their features $x$, not one by one: that is
# why even 29 + 2 falls short of 99 % of 32 days. The rule "the forecast sits at the
# PROFIT/(COST+PROFIT) quantile" still says which way the fit goes, and explains every position
# of the sliders below.
#
# **Panel.** Move COST and PROFIT (1 to 99, in steps of 2). Every pair of prices the sliders offer
# was fitted in one batched descent when the panel was built (`losses.fit_sales_models`), so the
# figure follows the sliders at once, even in a chapter opened without a kernel. The right figure shows each
# day's error: red bars are unsold units, green bars missed sales.

# %% tags=["panel", "nbval-ignore-output"] slideshow={"slide_type": "subslide"}
sales_panel()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 1: cross entropy with a smoothed label
#
# `keras.losses.CategoricalCrossentropy(label_smoothing=0.3)` trains against a softened label:
# it moves 0.3 of the one-hot label's weight onto all the classes evenly, so the label
# $(0, 1, 0)$ becomes $(0.1, 0.8, 0.1)$. What is the cross entropy $H(y\_, y)$ of that label
# against the prediction $(0.2, 0.7, 0.1)$? Use NumPy.

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_cross_entropy(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: every class counts now, each log weighted by its share of the label
answer = -np.sum(np.array([0.1, 0.8, 0.1]) * np.log([0.2, 0.7, 0.1]))
exercises.check_cross_entropy(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 2: the gradient of softmax + CE
#
# For the logits $z = (2, 1, 0.1)$ and the label $(1, 0, 0)$, compute $\partial H / \partial
# z$ with the closed form, as a NumPy array of three numbers.

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_logit_gradient(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: softmax minus one-hot
z = np.array([2.0, 1.0, 0.1])
answer = np.exp(z) / np.sum(np.exp(z)) - np.array([1.0, 0.0, 0.0])
exercises.check_logit_gradient(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 3: a cautious forecast
#
# The shop now sells fresh cakes: an unsold cake is thrown away and costs a lot, a missed
# sale little, and the baker wants to throw cakes away on about one day in five. Choose a
# COST and a PROFIT (between 1 and 99) such that the fitted forecast is above the true sales
# on 15 % to 25 % of the days.

# %% slideshow={"slide_type": "skip"}
cost, profit = ..., ...  # your values here
exercises.check_cautious_forecast(cost, profit)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: the forecast sits at the PROFIT / (COST + PROFIT) quantile: 1 / (4 + 1) = 20 %
cost, profit = 4, 1
exercises.check_cautious_forecast(cost, profit)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 4 (build it): a cross-entropy loss for `fit`
#
# Keras accepts any function `loss(y_true, y_pred)` as a loss: `model.compile(loss=...)`.
# Write `cross_entropy(y_true, y_pred)` for one-hot labels and predicted probabilities: it
# returns **one loss per row**, $-\sum_k y\_{}_k \ln y_k$ (Keras averages the rows itself).
# Inside `fit` it runs on symbolic tensors in a compiled graph, so use TensorFlow operations
# (`tf.math.log`, `tf.reduce_sum`). The check compares it with
# `keras.losses.categorical_crossentropy` on labels and probabilities of its own, then trains
# the iris model (`Dense(3, softmax)`, SGD) with `compile(loss=cross_entropy)` and `fit`, and
# compares the weights with the same fit using Keras' own loss.

# %% slideshow={"slide_type": "skip"}
def cross_entropy(y_true, y_pred):
    return ...  # your code here


exercises.check_cross_entropy_function(cross_entropy)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: multiply each log by its label, sum over the classes (the last axis), negate
def cross_entropy(y_true, y_pred):
    return -tf.reduce_sum(y_true * tf.math.log(y_pred), axis=-1)


exercises.check_cross_entropy_function(cross_entropy)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary (小结)
#
# - **MSE** (均方误差) $\frac1n\sum (y - y\_)^2 = \|y - y\_\|^2/n$ for regression; **CE**
#   (交叉熵) $-\sum y\_ \ln y$ for classification: $H_1 = 0.511 > H_2 = 0.223$, so $(0.8, 0.2)$
#   is closer to $(1, 0)$. With a one-hot label CE is $-\ln$ of the true class's probability:
#   1.386 for a uniform guess over 4 classes, 2.303 at 0.1, 0.357 at 0.7.
# - Softmax then CE equals `tf.nn.softmax_cross_entropy_with_logits`; computed from logits
#   with the log-sum-exp trick it never overflows. A Keras softmax keeps its logits for the
#   loss; probabilities from anywhere else are clipped, so pass logits with `from_logits=True`.
# - Binary CE for one sigmoid output; sparse CE for integer labels, categorical CE for
#   one-hot labels: same numbers.
# - The gradient of softmax + CE with respect to the logits is $p - y\_$; the MSE gradient
#   fades when the model is confidently wrong.
# - A custom loss encodes what errors cost: the asymmetric sales loss puts the forecast at
#   the PROFIT/(COST+PROFIT) quantile, so a high PROFIT pushes the weights up.
#
# Next: [06 Under/overfitting and regularization](06_overfitting_regularization.ipynb).
