# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 06 Under- and overfitting, regularization (欠拟合与过拟合, 正则化)
#
# A network is trained on some data and used on other data. Training makes the error on the
# training data small; what we want is a small error on data the network has never seen, its
# **generalization** (泛化). This chapter shows the two ways to miss it, **underfitting**
# (欠拟合: the model is too simple to follow the data) and **overfitting** (过拟合: it follows
# the noise of its few training points), and the remedies the source course lists, above all
# **regularization** (正则化).
#
# **In this chapter you will**
#
# - fit polynomials of growing degree to noisy points and watch training and validation error part;
# - train a small network on points labelled by $x_1^2 + x_2^2 < 2$ and see its decision boundary
#   (决策边界) overfit, then tame it with L2, more data, data cleaning and dropout;
# - measure what L1 and L2 do to the weights (L1: many near zero; L2: small but not zero);
# - draw learning curves (error against the number of training points) and read them;
# - stop training early with `keras.callbacks.EarlyStopping(restore_best_weights=True)`;
# - try every remedy yourself in a panel in the spirit of TensorFlow Playground.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "skip"}
from course_lib import notebook

notebook.setup()  # first, so that TensorFlow's start-up log stays quiet

import keras
import numpy as np
import tensorflow as tf
from tqdm.keras import TqdmCallback

from course_lib import checks, fitting, plots
from course_lib.exercises import fitting as exercises
from course_lib.widgets.fitting import playground_panel, polynomial_panel

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Three fitting states (三种拟合状态)
#
# The source course draws each state for a regression (回归) and a classification (分类)
# problem; here both are computed.
#
# | state | training error | validation error | what the model does |
# |---|---|---|---|
# | underfitting (欠拟合) | high | high | too simple: misses the pattern itself |
# | good fit (好的拟合) | low | low, close to the training error | follows the pattern, ignores the noise |
# | overfitting (过拟合) | very low | high | learns the training points, noise included, by heart |
#
# The **validation set** (验证集) is data held back from training, used only to measure.
# Only the validation error tells the good fit from the overfit: the training error always
# prefers the most flexible model.
#
# ### The remedies of the source course (解决方法)
#
# Each remedy below links to the cell of this chapter that demonstrates it.
#
# **Underfitting (欠拟合的解决方法):**
#
# - add input features (增加输入特征项): [polynomial features x², x³, …](#remedy-features)
# - add network parameters (增加网络参数): [more hidden units](#remedy-parameters)
# - reduce the regularization parameter (减少正则化参数): [the λ sweep, large λ](#remedy-lambda)
#
# **Overfitting (过拟合的解决方法):**
#
# - data cleaning (数据清洗): [remove the mislabelled points](#remedy-cleaning)
# - enlarge the training set (增大训练集): [more points for the polynomial](#remedy-more-data) and
#   [for the network](#remedy-more-data-network)
# - use regularization (采用正则化): [L2 on the circle network](#remedy-regularization)
# - increase the regularization parameter (增大正则化参数): [the λ sweep, small λ](#remedy-lambda)
# - dropout (在训练过程中随机删除一些隐藏层的神经元): [dropout on the hidden layer](#remedy-dropout)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Regression: polynomials of growing degree (回归)
#
# The data are 15 noisy samples of one wave, $y = \sin(\pi x) + \varepsilon$ with
# $\varepsilon \sim \mathcal N(0, 0.25^2)$, and 200 more samples from the same source as the
# validation set. The model is a polynomial of degree $d$,
#
# $$\hat y = w_0 + w_1 x + w_2 x^2 + \dots + w_d x^d ,$$
#
# a linear model on the features $1, x, \dots, x^d$, fitted by least squares (the exact
# minimum of the MSE that gradient descent would creep towards):
#
# $$\mathrm{MSE} = \frac1n \sum_{i=1}^n (\hat y_i - y_i)^2 .$$

# %% slideshow={"slide_type": "fragment"}
(x_train, y_train), (x_val, y_val) = fitting.polynomial_data(num_train=15, noise=0.25)
print(f"{len(x_train)} training points, {len(x_val)} validation points")
print("first features of x =", round(x_train[0], 3), ":", np.round(fitting.polynomial_features(x_train[:1], 3), 3))

# %% [markdown] slideshow={"slide_type": "fragment"}
# For every degree from 0 to 12: fit on the training points, measure on both sets.

# %% slideshow={"slide_type": "fragment"}
errors = fitting.errors_by_degree((x_train, y_train), (x_val, y_val), degrees=range(0, 13))
print("degree   train MSE   validation MSE")
for degree, train_mse, val_mse in zip(errors["degrees"], errors["train_mse"], errors["validation_mse"]):
    print(f"{degree:>6}   {train_mse:9.4f}   {val_mse:14.3g}")
print("best degree (lowest validation MSE):", errors["best_degree"])

# %% [markdown] slideshow={"slide_type": "fragment"}
# <a id="remedy-features"></a>
# Side by side, the three states. Degree 1 is a straight line: it cannot bend to the wave and
# underfits (both errors high). Adding the features $x^2, x^3, x^4$ (**增加输入特征项**, the
# first remedy for underfitting) gives the best degree, whose validation error, 0.0805, is
# 29 % above the noise variance $0.25^2 = 0.0625$, the floor no model can beat. Degree 12
# passes almost through every training point and swings wildly between them: overfitting.

# %% slideshow={"slide_type": "fragment"}
fitting.polynomial_fits_figure((x_train, y_train), (x_val, y_val), degrees=(1, errors["best_degree"], 12))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The classic picture: the training error falls with every degree, the validation error falls,
# then rises. The best model sits at the bottom of the validation curve.

# %% slideshow={"slide_type": "fragment"}
fitting.error_curve_figure(errors)

# %% [markdown] slideshow={"slide_type": "subslide"}
# <a id="remedy-more-data"></a>
# ### More data tames the flexible model (增大训练集)
#
# Keep degree 12 and give it more training points from the same source: the wiggles have
# nowhere to hide, and its validation error comes down to the level of the best small model.

# %% slideshow={"slide_type": "fragment"}
for num_train in (15, 30, 100, 400):
    more_train, more_val = fitting.polynomial_data(num_train=num_train, noise=0.25)
    degree_12 = fitting.errors_by_degree(more_train, more_val, degrees=[12])
    print(f"{num_train:>4} training points: degree-12 validation MSE {degree_12['validation_mse'][0]:.3g}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Learning curves (学习曲线)
#
# The same question asked the other way round: keep the model and plot the error against
# the **number of training points**. That is a *learning curve*, the tool that tells whether
# more data would help. Each point below is the median over 20 datasets (seeds 0 to 19) of
# that size, for a model of moderate complexity (degree 3, one below the best degree of the
# 15 points above) and a too flexible one (degree 12).

# %% slideshow={"slide_type": "fragment"}
curves = fitting.learning_curves(degrees=(3, 12), sizes=(15, 20, 30, 50, 100, 200, 400), num_seeds=20)
print(" points | degree 3: train   val   | degree 12: train   val")
for index, size in enumerate(curves["sizes"]):
    print(f"{size:7d} | {curves[3]['train_mse'][index]:15.3f} {curves[3]['validation_mse'][index]:6.3f}"
          f" | {curves[12]['train_mse'][index]:16.3f} {curves[12]['validation_mse'][index]:8.3g}")
fitting.learning_curves_figure(curves)

# %% [markdown] slideshow={"slide_type": "fragment"}
# How to read them. The training error *rises* with more points (more points are harder to
# pass through) and the validation error falls; both close in on the noise variance
# $0.25^2 = 0.0625$ that no model can beat.
#
# - **Degree 12** (high variance, overfitting): a huge gap between the two curves at small
#   sizes. More data is the cure: by 400 points it is as good as degree 3.
# - **Degree 3** (moderate): the curves meet early. Once they touch the floor, more data
#   buys nothing; only a better model or cleaner data could.
# - An **underfitting** model would show both curves meeting *above* the floor: more data
#   would not help it either, more features or parameters would.

# %% slideshow={"slide_type": "fragment"}
checks.milestone("degree 12, validation MSE with 15 points ÷ with 400", curves[12]["validation_mse"][0]
                 / curves[12]["validation_mse"][-1], at_least=100.0, digits=0)
checks.milestone("degree 12 with 400 points: validation MSE − noise variance",
                 curves[12]["validation_mse"][-1] - curves["noise_floor"], at_most=0.01, digits=2)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Panel: degree, noise and training points
#
# A cheap panel: it refits while you drag. Raise the degree to 10 and more, then raise the
# number of training points and see the validation error come back down.

# %% tags=["panel", "nbval-ignore-output"] slideshow={"slide_type": "subslide"}
polynomial_panel()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Classification: the circle data (分类)
#
# The source course's classification example: points $x = (x_1, x_2)$ drawn from a standard
# normal distribution, labelled 1 when $x_1^2 + x_2^2 < 2$ (inside the circle of radius √2) and
# 0 outside. Real data are never that clean, so after labelling every point moves by Gaussian
# noise of standard deviation 0.4: near the circle some points land on the wrong side. We keep
# only a fifth of the 300 points for training, so that a flexible network can overfit.

# %% slideshow={"slide_type": "fragment"}
x, y = fitting.circle_data(num_samples=300, noise=0.4)
(x_train, y_train), (x_val, y_val) = fitting.split(x, y, train_fraction=0.2)
train, validation = (x_train, y_train), (x_val, y_val)
print(f"{len(x_train)} training and {len(x_val)} validation points; "
      f"{y.mean():.0%} inside the circle; "
      f"{fitting.mislabelled(x, y).mean():.0%} moved to the wrong side by the noise")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The network
#
# One hidden layer of ReLU units and a sigmoid output for "inside":
#
# $$h = \mathrm{ReLU}(x W_1 + b_1), \qquad \hat y = \sigma(h W_2 + b_2),$$
#
# trained on binary cross entropy (交叉熵, chapter 05) with Adam (chapter 07), one step per
# epoch on the whole training set. The source course trains a 2-11-1 network on the MSE with
# plain gradient descent; cross entropy and Adam reach the same boundaries in far fewer
# epochs. The network is written with raw TensorFlow ops as in the source, and all its epochs
# run inside one `tf.function`, so Python is not involved once per epoch. The time printed
# below includes the first run's tracing of that graph, which happens once per session.
# Read it in `course_lib/fitting.py` (`forward` and `train_classifier`).
#
# First without any remedy: 32 hidden units for 60 points, 1000 epochs. How many weights is
# that? The Keras twin of this network (used for early stopping below) counts them:

# %% slideshow={"slide_type": "fragment"}
twin = fitting.keras_circle_network(hidden_units=32)
kernel_sizes = [int(np.prod(layer.kernel.shape)) for layer in twin.layers]
print(f"kernels {' + '.join(map(str, kernel_sizes))} = {sum(kernel_sizes)} weights; "
      f"count_params() = {twin.count_params()} parameters with the biases")

# %% [markdown] slideshow={"slide_type": "fragment"}
# 96 weights (129 parameters with the biases) for 60 points: plenty of freedom to learn each
# point by heart.

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
plain = fitting.train_classifier(train, validation, hidden_units=32, num_epochs=1000)
overfit = fitting.classifier_result(plain, train, validation)
print(f"trained in {plain.seconds:.2f} s; final loss: train {plain.train_loss[-1]:.3f}, "
      f"validation {plain.validation_loss[-1]:.3f}; lowest validation loss "
      f"{plain.validation_loss.min():.3f} at epoch {plain.validation_loss.argmin() + 1}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The training loss goes on falling; the validation loss turns round (at the epoch printed
# above) and climbs. From there on the network learns the noise of its 60 points. Stopping
# the training where the validation loss is lowest is called **early stopping** (早停); the
# remedies below keep the network from overfitting in the first place.

# %% slideshow={"slide_type": "fragment"}
plots.training_curves({"loss": plain.train_loss.tolist(), "val_loss": plain.validation_loss.tolist()},
                      title="circle network, no regularization")

# %% slideshow={"slide_type": "fragment"}
checks.milestone("training accuracy without regularization", overfit["train_accuracy"], at_least=0.95, digits=2)
checks.milestone("validation loss without regularization", plain.validation_loss[-1], at_least=0.8, digits=2)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Early stopping in Keras (早停, `EarlyStopping`)
#
# Keras stops a `fit` for you: `keras.callbacks.EarlyStopping` watches a metric after every
# epoch (here `val_loss`) and ends the training once it has not improved for `patience`
# epochs; with `restore_best_weights=True` it puts back the weights of the best epoch at the
# end. The same network (2-32-1, binary cross entropy, the whole training set per step) as a
# Keras model, with Adam at 0.03 so that it overfits sooner, allowed up to 1000 epochs, with
# a patience of 20:

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
keras_model = fitting.keras_circle_network(hidden_units=32, learning_rate=0.03)
early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=20, restore_best_weights=True)
fit_history = keras_model.fit(x_train, y_train, batch_size=len(x_train), epochs=1000, validation_data=(x_val, y_val),
                              callbacks=[early_stopping, TqdmCallback(verbose=0)], verbose=0).history
kept_loss = keras_model.evaluate(x_val, y_val, verbose=0)
print(f"stopped after epoch {early_stopping.stopped_epoch + 1} of 1000; best epoch {early_stopping.best_epoch + 1}; "
      f"validation loss: last epoch {fit_history['val_loss'][-1]:.3f}, lowest {min(fit_history['val_loss']):.3f}, "
      f"of the weights kept {kept_loss:.3f}")

# %% slideshow={"slide_type": "fragment"}
checks.milestone("epochs run before early stopping (of 1000 allowed)", len(fit_history["loss"]), at_most=400, digits=0)
checks.milestone("validation loss of the kept weights minus the lowest seen", abs(kept_loss - min(fit_history["val_loss"])),
                 at_most=1e-4, digits=4)
fitting.early_stopping_figure(fit_history, early_stopping.stopped_epoch + 1, early_stopping.best_epoch + 1,
                              "circle network with EarlyStopping(patience=20, restore_best_weights=True)")

# %% [markdown] slideshow={"slide_type": "fragment"}
# One detail to know, read in `keras/src/callbacks/early_stopping.py` of the installed Keras
# 3.15: the best weights are put back in `on_train_end` **whenever** `restore_best_weights=True`
# and a best epoch was seen, also when `fit` reaches its last epoch before the patience runs
# out. (Only this version was checked; if you use another, run the cell below on it.)
# Measured: the same network, `epochs` ending 10 epochs after the best one, so patience never
# runs out (`extra_epochs` below):

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
short_model = fitting.keras_circle_network(hidden_units=32, learning_rate=0.03)
short_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=20, restore_best_weights=True)
extra_epochs = 10
short_history = short_model.fit(x_train, y_train, batch_size=len(x_train), epochs=early_stopping.best_epoch + 1 + extra_epochs,
                                validation_data=(x_val, y_val), callbacks=[short_stopping, TqdmCallback(verbose=0)],
                                verbose=0).history
short_kept = short_model.evaluate(x_val, y_val, verbose=0)
print(f"ran all {len(short_history['loss'])} epochs (stopped_epoch = {short_stopping.stopped_epoch}); "
      f"validation loss: last epoch {short_history['val_loss'][-1]:.3f}, of the weights kept {short_kept:.3f}")

# %% slideshow={"slide_type": "fragment"}
checks.milestone("short run: kept weights' validation loss minus the lowest seen",
                 abs(short_kept - min(short_history["val_loss"])), at_most=1e-4, digits=4)
checks.milestone("short run: last epoch's validation loss minus the kept weights'",
                 short_history["val_loss"][-1] - short_kept, at_least=0.001, digits=3)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Regularization (正则化缓解过拟合)
#
# Regularization adds a measure of the model's complexity to the loss, weighted by a
# hyperparameter $\lambda$ (the regularization weight, 正则化的权重):
#
# $$\mathrm{loss} = \mathrm{loss}(y, y\_) + \lambda \cdot J(W),$$
#
# $$\text{L1: } J(W) = \lVert W \rVert_1 = \sum_i |w_i|, \qquad \text{L2: } J(W) = \lVert W \rVert_2^2 = \sum_i w_i^2 .$$
#
# Only the weight matrices are penalized, not the biases (一般不正则化 b): a bias shifts a
# boundary but does not make it wiggle. The penalty pulls every weight towards zero; the
# network can only keep a large weight if it pays for itself in the data loss, so it keeps
# the weights that explain the pattern and lets go of those that chase single points.
#
# In Keras the penalty is one argument of a layer, as the source course shows:
# `Dense(units, kernel_regularizer=keras.regularizers.L2(λ))`. On the installed Keras 3.15 the
# source's lower-case `l2()` is the same class under a second name, and its argument is
# called `l2=`: the source's keyword call `l2(l=0.01)` raises a `TypeError`, while a
# positional `L2(0.01)` works. The layer adds $\lambda \sum w^2$ to the loss, without the ½
# of `tf.nn.l2_loss` ($\sum w^2 / 2$), the same term as `fitting.penalty`; checked here on
# the trained network's weights:

# %% slideshow={"slide_type": "notes"}
lam = 0.01
layer = keras.layers.Dense(32, kernel_regularizer=keras.regularizers.L2(lam))
layer.build((None, 2))
layer.set_weights([plain.weights[0], plain.weights[1]])
keras_penalty = float(layer.losses[0])
our_penalty = float(fitting.penalty([plain.weights[0]], "L2", lam))
print("Keras' L2 penalty of W1 equals fitting.penalty to float32 precision:",
      np.isclose(keras_penalty, our_penalty, rtol=1e-5))

# %% [markdown] slideshow={"slide_type": "subslide"}
# <a id="remedy-regularization"></a>
# ### L2 against overfitting (采用正则化)
#
# The same network, the same data and epochs, with L2 and $\lambda = 0.01$:

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
with_l2 = fitting.train_classifier(train, validation, hidden_units=32, regularization="L2",
                                   lam=0.01, num_epochs=1000)
regularized = fitting.classifier_result(with_l2, train, validation)
print(f"validation loss: {plain.validation_loss[-1]:.3f} without, {with_l2.validation_loss[-1]:.3f} with L2")

# %% slideshow={"slide_type": "fragment"}
fitting.boundaries_figure({"no regularization": overfit, "L2, λ = 0.01": regularized})

# %% [markdown] slideshow={"slide_type": "fragment"}
# Without the penalty, the boundary stretches out to catch single training points (filled
# dots) and gets many validation points (hollow) wrong; with it, the boundary is a smooth,
# round shape close to the true circle (dotted). The training accuracy drops, from 1.00 to
# 0.88 (the λ sweep below prints both), and the validation loss drops a lot.

# %% slideshow={"slide_type": "fragment"}
checks.milestone("validation loss with L2 (λ = 0.01)", with_l2.validation_loss[-1], at_most=0.55, digits=2)

# %% [markdown] slideshow={"slide_type": "subslide"}
# <a id="remedy-lambda"></a>
# ### How large a λ? (增大 / 减少正则化参数)
#
# λ is a dial between the two failures. Too small, and the network still overfits (raise λ,
# 增大正则化参数); too large, and the penalty crushes every weight to zero: the network gives
# every point the same answer, the more common class, and underfits (lower λ, 减少正则化参数).

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
sweep = {}
print("     λ   train loss   val loss   train acc   val acc")
for lam in (0.0, 1e-3, 1e-2, 3e-2, 1e-1):
    run = fitting.train_classifier(train, validation, hidden_units=32, regularization="L2", lam=lam,
                                   num_epochs=1000)
    sweep[lam] = fitting.classifier_result(run, train, validation)
    print(f"{lam:6g}   {run.train_loss[-1]:10.3f}   {run.validation_loss[-1]:8.3f}   "
          f"{sweep[lam]['train_accuracy']:9.2f}   {sweep[lam]['validation_accuracy']:7.2f}")

# %% slideshow={"slide_type": "fragment"}
fitting.boundaries_figure({f"L2, λ = {lam:g}": sweep[lam] for lam in (1e-3, 3e-2, 1e-1)})

# %% slideshow={"slide_type": "fragment"}
best_lam = min(sweep, key=lambda lam: sweep[lam]["run"].validation_loss[-1])
checks.milestone("validation loss at the best λ", sweep[best_lam]["run"].validation_loss[-1], at_most=0.55, digits=2)
checks.milestone("training accuracy at λ = 0.1 (underfitting)", sweep[0.1]["train_accuracy"], at_most=0.75, digits=2)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### L1 or L2? Sparse against small weights (正则化的选择)
#
# The source course says: L1 regularization is likely to turn many weights to zero, making the
# parameters **sparse** (稀疏), so it lowers complexity by using fewer parameters; L2 makes
# weights **close to zero but not zero**, lowering complexity by making them small. Measured
# here on a wider network (64 hidden units, 192 weights, printed below), with the same λ for
# both. "Near zero" means $|w| < 0.01$; the histograms use a log scale to show the sizes over
# many decades, and their titles give the share below 0.01 and the median $|w|$ printed here.

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
l1_run = fitting.train_classifier(train, validation, hidden_units=64, regularization="L1", lam=3e-3,
                                  num_epochs=1500)
l2_run = fitting.train_classifier(train, validation, hidden_units=64, regularization="L2", lam=3e-3,
                                  num_epochs=1500)
print(f"{l1_run.kernels[0].shape[1]} hidden units: kernels "
      f"{' + '.join(str(w.size) for w in l1_run.kernels)} = {sum(w.size for w in l1_run.kernels)} weights")
for run in (l1_run, l2_run):
    sizes = np.abs(np.concatenate([w.ravel() for w in run.kernels]))
    print(f"{run.regularization}: {fitting.near_zero_share(run.kernels):.0%} of |w| < 0.01, "
          f"{fitting.near_zero_share(run.kernels, 1e-3):.0%} of |w| < 0.001, "
          f"{np.mean((sizes >= 0.01) & (sizes < 1)):.0%} between 0.01 and 1, median |w| {np.median(sizes):.4f}, "
          f"validation loss {run.validation_loss[-1]:.3f}")

# %% slideshow={"slide_type": "fragment"}
fitting.weight_histograms_figure({"L1, λ = 0.003": l1_run, "L2, λ = 0.003": l2_run})

# %% [markdown] slideshow={"slide_type": "fragment"}
# The claim holds: with L1 most weights sit near zero and a handful stay large (the network
# keeps only the connections it needs); with L2 most weights are small, between 0.01 and 1,
# but not zero. Why: the gradient of $\lambda|w|$ is $\pm\lambda$ whatever the size of $w$, a
# constant push that drives a weight all the way to zero unless the data push back; the
# gradient of $\lambda w^2$ is $2\lambda w$, a push that weakens as the weight shrinks, so it
# never quite gets there. With Adam the L1 weights do not land exactly on 0 but keep hovering
# around it, most of them below 0.001.

# %% slideshow={"slide_type": "fragment"}
checks.milestone("share of near-zero weights with L1", fitting.near_zero_share(l1_run.kernels), at_least=0.75, digits=2)
checks.milestone("share of near-zero weights with L2", fitting.near_zero_share(l2_run.kernels), at_most=0.5, digits=2)

# %% [markdown] slideshow={"slide_type": "slide"}
# <a id="remedy-dropout"></a>
# ## Dropout
#
# Dropout (the source: 在训练过程中随机删除一些隐藏层的神经元, 同时保证输入层和输出层的神经元不变:
# during training, randomly remove some hidden neurons, keeping the input and output layers as
# they are). At every training step each hidden unit is switched off with probability $p$
# and the others are scaled by $1/(1-p)$, so their sum keeps its expected value:
#
# $$h_{\text{train}} = \frac{m \odot h}{1 - p}, \qquad m_j \sim \text{Bernoulli}(1 - p);
# \qquad h_{\text{test}} = h .$$
#
# No unit can rely on one particular partner being there, so the network cannot build the
# fragile co-adapted features that memorize single points. In Keras it is a layer,
# `keras.layers.Dropout(p)`, active only when the model is called with `training=True`.

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
dropout_run = fitting.train_classifier(train, validation, hidden_units=32, dropout=0.5, num_epochs=1000)
with_dropout = fitting.classifier_result(dropout_run, train, validation)
print(f"validation loss: {plain.validation_loss[-1]:.3f} without, {dropout_run.validation_loss[-1]:.3f} "
      "with dropout 0.5")

# %% slideshow={"slide_type": "fragment"}
fitting.boundaries_figure({"no regularization": overfit, "dropout p = 0.5": with_dropout})

# %% slideshow={"slide_type": "fragment"}
checks.milestone("validation loss with dropout 0.5", dropout_run.validation_loss[-1], at_most=0.6, digits=2)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Training or inference? (`training=True` / `False`, 训练与推理)
#
# Keras' `Dropout` layer draws a new mask at every call in training mode and scales the kept
# units by $1/(1-p)$ right away ("inverted" dropout: `tf.nn.experimental.stateless_dropout`,
# called from `keras/src/layers/regularization/dropout.py`), so that inference needs no
# rescaling: there it passes its input through. On ten ones, with $p = 0.5$:

# %% slideshow={"slide_type": "fragment"}
dropout_layer = keras.layers.Dropout(0.5, seed=1)
ones = tf.ones((1, 10))
print("training=True: ", dropout_layer(ones, training=True).numpy()[0])
print("training=False:", dropout_layer(ones, training=False).numpy()[0])
print("no argument:   ", dropout_layer(ones).numpy()[0])

# %% [markdown] slideshow={"slide_type": "fragment"}
# Which mode a model runs in is decided by the call: `fit` calls the model with
# `training=True`, while `predict`, `evaluate` and a plain `model(x)` run it in inference mode
# by default. A hand-written evaluation that passes `training=True` (copied from a training
# step, say) evaluates a different, noisy network. The circle network of this section with
# a `Dropout(0.5)` after its hidden layer, trained with `fit`, then evaluated both ways:

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
with notebook.seeded(0):
    dropout_model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(32, activation="relu"),
                                      keras.layers.Dropout(0.5), keras.layers.Dense(1)])
dropout_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                      loss=keras.losses.BinaryCrossentropy(from_logits=True))
num_steps = 500  # one full-batch step each, in one epoch
dropout_model.fit(tf.data.Dataset.from_tensors((x_train, y_train)).repeat(num_steps), epochs=1, shuffle=False,
                  verbose=0)


def validation_accuracy(logits):
    return float(np.mean((np.asarray(logits)[:, 0] > 0) == y_val))


first, second = dropout_model(x_val, training=True), dropout_model(x_val, training=True)
flipped = np.mean((np.asarray(first)[:, 0] > 0) != (np.asarray(second)[:, 0] > 0))
inference_accuracy = validation_accuracy(dropout_model(x_val, training=False))
noisy_accuracy = np.mean([validation_accuracy(dropout_model(x_val, training=True)) for _ in range(20)])
print(f"two calls with training=True disagree on {flipped:.0%} of the validation points")
print(f"validation accuracy: {inference_accuracy:.3f} with training=False, "
      f"{noisy_accuracy:.3f} on average over 20 calls with training=True")

# %% slideshow={"slide_type": "fragment"}
checks.milestone("share of validation points whose class changes between two training=True calls", flipped,
                 at_least=0.02, digits=2)
checks.milestone("validation accuracy, training=False minus training=True", inference_accuracy - noisy_accuracy,
                 at_least=0.0, digits=2)
print("predict gives the training=False outputs:",
      bool(np.allclose(dropout_model.predict(x_val, verbose=0), dropout_model(x_val, training=False), atol=1e-6)))

# %% [markdown] slideshow={"slide_type": "fragment"}
# In training mode the same network gives another answer at every call, and it is worse on
# average: each call removes half of the hidden units it was trained to share the work
# among. The mix-up the other way round, training with `training=False`, is quieter still:
# no dropout at all, so no regularization. In a training step of your own, call the model with
# `training=True`; everywhere else, leave the argument out.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The other remedies, measured
#
# <a id="remedy-more-data-network"></a>
# ### A larger training set (增大训练集)
#
# The same 32-unit network without any regularization, trained on 70% of the points (210)
# instead of 20% (60), as printed:

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
large_train, large_validation = fitting.split(x, y, train_fraction=0.7)
large_run = fitting.train_classifier(large_train, large_validation, hidden_units=32, num_epochs=1000)
more_data = fitting.classifier_result(large_run, large_train, large_validation)
print(f"{len(large_train[0])} training points ({len(large_train[0]) / len(x):.0%} of {len(x)}) instead of "
      f"{len(x_train)} ({len(x_train) / len(x):.0%})")
print(f"validation loss: {plain.validation_loss[-1]:.3f} with 60 points, "
      f"{large_run.validation_loss[-1]:.3f} with 210 points")

# %% slideshow={"slide_type": "fragment"}
fitting.boundaries_figure({"60 training points": overfit, "210 training points": more_data})

# %% slideshow={"slide_type": "fragment"}
checks.milestone("validation loss with 210 training points", large_run.validation_loss[-1], at_most=0.6, digits=2)

# %% [markdown] slideshow={"slide_type": "subslide"}
# <a id="remedy-cleaning"></a>
# ### Data cleaning (数据清洗)
#
# Cleaning means finding the training points whose labels are wrong and fixing or removing
# them. Here the rule is known, so `fitting.mislabelled` finds them exactly: the points the
# noise pushed across the circle. On real data that takes a human, or a look at the points
# a model keeps getting wrong. The validation set is left as it is: it stands for the noisy
# world the model will meet.

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
keep = ~fitting.mislabelled(x_train, y_train)
clean_train = (x_train[keep], y_train[keep])
clean_run = fitting.train_classifier(clean_train, validation, hidden_units=32, num_epochs=1000)
cleaned = fitting.classifier_result(clean_run, clean_train, validation)
print(f"removed {np.sum(~keep)} of {len(keep)} training points; validation loss "
      f"{plain.validation_loss[-1]:.3f} before, {clean_run.validation_loss[-1]:.3f} after cleaning")

# %% slideshow={"slide_type": "fragment"}
fitting.boundaries_figure({"noisy training set": overfit, "cleaned training set": cleaned})

# %% slideshow={"slide_type": "fragment"}
checks.milestone("validation loss after cleaning", clean_run.validation_loss[-1], at_most=1.2, digits=2)

# %% [markdown] slideshow={"slide_type": "subslide"}
# <a id="remedy-parameters"></a>
# ### More parameters against underfitting (增加网络参数)
#
# The opposite failure. With 2 hidden units the boundary is made of two straight cuts: it
# cannot close a circle, whatever the training. More hidden units give it the corners it
# needs. All on the larger training set (210 points): 2 units, 32 units, and 32 units with L2.

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
tiny_run = fitting.train_classifier(large_train, large_validation, hidden_units=2, num_epochs=1000)
underfit = fitting.classifier_result(tiny_run, large_train, large_validation)
large_l2_run = fitting.train_classifier(large_train, large_validation, hidden_units=32, regularization="L2",
                                        lam=0.01, num_epochs=1000)
large_l2 = fitting.classifier_result(large_l2_run, large_train, large_validation)
for name, result in (("2 units", underfit), ("32 units", more_data), ("32 units + L2", large_l2)):
    print(f"{name:>14}: training accuracy {result['train_accuracy']:.2f}, "
          f"validation loss {result['run'].validation_loss[-1]:.3f}")

# %% slideshow={"slide_type": "fragment"}
fitting.boundaries_figure({"2 hidden units": underfit, "32 hidden units": more_data,
                           "32 hidden units, L2 λ = 0.01": large_l2})

# %% [markdown] slideshow={"slide_type": "fragment"}
# The training accuracy rises from about 0.77 to 0.90 with the extra units: the underfitting
# is gone. The validation loss of the plain 32-unit network is no better than the 2-unit one,
# though: 1000 epochs without a penalty already overfit a little even on 210 points (see its
# dents). The remedies combine: enough units to draw the circle, and L2 to keep them honest,
# give the lowest validation loss of the three.

# %% slideshow={"slide_type": "fragment"}
checks.milestone("training accuracy with 2 hidden units (underfitting)", underfit["train_accuracy"], at_most=0.8, digits=2)
checks.milestone("training accuracy with 32 hidden units", more_data["train_accuracy"], at_least=0.85, digits=2)
checks.milestone("validation loss with 32 units and L2", large_l2_run.validation_loss[-1], at_most=0.45, digits=2)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Playground (in the spirit of TensorFlow Playground)
#
# Every remedy in one panel. Set the hidden units, the regularization and its λ, dropout,
# the noise of the data, the share of points used for training and the number of epochs, then
# press **Train**: the network trains while you watch. Left: the decision boundary over the
# training points (filled circles) and the validation points (hollow triangles), redrawn every
# 20 epochs; right: both losses per epoch. Pause keeps what was learned, Train goes on, Reset
# starts again. The caption gives the numbers and how long the training took.
#
# The panel retrains only on the button, never while a slider is dragged; the cell after the
# panel measures how long a retrain with the defaults and the drawing of its figure take.
#
# Try: noise 0.5, train share 0.15, 64 units, 1500 epochs, no regularization: overfit. Then
# switch on one remedy at a time (L2, L1, dropout, a larger train share) and train again;
# exercise 3 asks for settings that work.

# %% tags=["panel", "nbval-ignore-output"] slideshow={"slide_type": "subslide"}
playground = playground_panel()
playground

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
playground.button.click()  # what Train does: the run plays in the background
playground.training.wait()
run = playground.result["run"]
print(f"{len(run.train_loss)} epochs trained in {run.seconds:.2f} s, shown in "
      f"{len(playground.timings) - 1} updates")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 1 (build it): choose the degree by the validation error
#
# `fitting.errors_by_degree` above picked the best degree for us. Write it yourself:
# `choose_degree(train, validation, degrees)` fits a polynomial of each degree of the list
# `degrees` on `train` (an `(x, y)` pair), measures its MSE on `validation`, and returns the
# degree whose validation MSE is lowest. The check calls it on data sets of its own, with
# other noise levels and sizes (each has its own best degree), and `errors_by_degree` raises
# an error while your function runs. `fitting.fit_polynomial`, `fitting.predict_polynomial`
# and `fitting.mean_squared_error` may help.

# %% slideshow={"slide_type": "skip"}
choose_degree = ...  # your code here: def choose_degree(train, validation, degrees): return ...
exercises.check_best_degree(choose_degree)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: fit on the training points, measure on the validation points, keep the lowest
def choose_degree(train, validation, degrees):
    validation_mse = [fitting.mean_squared_error(validation[1], fitting.predict_polynomial(
        fitting.fit_polynomial(*train, degree), validation[0])) for degree in degrees]
    return degrees[int(np.argmin(validation_mse))]


exercises.check_best_degree(choose_degree)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 2: an L2 penalty by hand
#
# A tiny network has the weights below. Compute its L2 penalty term $\lambda \cdot J(W)$ with
# $\lambda = 0.01$, as Keras' `L2(0.01)` would add it to the loss.

# %% slideshow={"slide_type": "skip"}
for name, value in exercises.TINY_WEIGHTS.items():
    print(f"{name} = {value.tolist()}")

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_l2_penalty(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: only the kernels, squared, summed, times λ
weights = exercises.TINY_WEIGHTS
answer = 0.01 * (np.sum(weights["W1"] ** 2) + np.sum(weights["W2"] ** 2))
exercises.check_l2_penalty(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 3: rescue an overfitting network
#
# On very noisy data (noise 0.5) with only 15% of the points for training, find Playground
# settings that bring the validation loss down to 0.5 or less (the Playground's defaults do
# not get there, and 32 units trained for 1000 epochs without a remedy overfit). Give a dict with any of
# `hidden_units`, `regularization`, `lam`, `dropout` and `num_epochs` (the noise and the train
# share are fixed). Try them in the panel first.

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here, e.g. {"hidden_units": 16, "regularization": "L2", "lam": 0.001}
exercises.check_rescue(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: L2 strong enough to keep the boundary round
answer = {"hidden_units": 32, "regularization": "L2", "lam": 0.01, "num_epochs": 1000}
exercises.check_rescue(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 4 (build it): your own L2 regularizer
#
# Keras adds a penalty to the loss through `kernel_regularizer=`, which takes any function
# of the layer's kernel from Keras 3.15 on; Keras 3.12 to 3.14 take only a
# `keras.regularizers.Regularizer`, and `fitting.as_regularizer(function)` makes one of a
# function on any version. Write `my_l2(kernel)` returning $\lambda \sum w^2$ with
# $\lambda = 0.01$, as `keras.regularizers.L2(0.01)` does. The check calls it on kernels of
# its own, inside a `tf.function` (as `fit` does) and as the regularizer of a `Dense` layer;
# Keras' regularizers and `fitting.penalty` raise an error while your function runs.

# %% slideshow={"slide_type": "skip"}
my_l2 = ...  # your code here: def my_l2(kernel): return ...
exercises.check_regularizer(my_l2)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: TensorFlow operations, so that the function also runs inside fit's graph
def my_l2(kernel):
    return 0.01 * tf.reduce_sum(tf.square(kernel))


exercises.check_regularizer(my_l2)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 5 (build it): inverted dropout
#
# Write `dropout(h, rate, keep, training)`: `h` is a batch of hidden activations, `keep` a
# 0/1 mask of the same shape (1 for a unit that stays, drawn for you), `rate` the share
# switched off; return what a `Dropout(rate)` layer gives with that mask, in training mode
# when `training` is true and in inference mode when it is false. Write it with TensorFlow's
# arithmetic, not with Keras' layer or `tf.nn.dropout`. The check calls it on inputs of its own.

# %% slideshow={"slide_type": "fragment"}
answer = ...  # your code here: answer = dropout
exercises.check_dropout(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: in training, the kept units scaled by 1/(1 − rate); in inference, the input unchanged
def dropout(h, rate, keep, training):
    if not training:
        return h
    return h * keep / (1.0 - rate)


answer = dropout
exercises.check_dropout(answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary (小结)
#
# - **Underfitting** (欠拟合): training and validation error both high. Remedies: more input
#   features, more parameters, less regularization.
# - **Overfitting** (过拟合): training error low, validation error high, a boundary that chases
#   single points. Remedies: clean the data, more data, regularization, a larger λ, dropout.
# - Only a validation set tells a good fit from an overfit; choose the model (degree, λ,
#   units, epochs) by its validation error.
# - **Regularization** (正则化): $\mathrm{loss} + \lambda J(W)$ on the weights, not the biases.
#   Measured here: L1 left most weights near zero (sparse), L2 kept them small but not zero.
#   In Keras: `kernel_regularizer=keras.regularizers.L2(λ)` and `keras.layers.Dropout(p)`.
# - **Dropout** acts only in training mode (`training=True`, which `fit` passes), scaling the
#   kept units by $1/(1-p)$; `predict`, `evaluate` and `model(x)` run without it. Evaluated
#   with `training=True`, the network answers differently at every call, and worse.
# - **Early stopping** (早停):
#   `keras.callbacks.EarlyStopping(monitor="val_loss", patience=..., restore_best_weights=True)`
#   ends `fit` when the validation loss stops improving and keeps the best epoch's weights (on
#   the installed Keras 3.15 also when `fit` ran out of epochs first).
# - **Learning curves** (学习曲线), error against the number of training points, tell whether
#   more data would help: a wide gap between training and validation error says yes, curves
#   that meet at the noise floor say no.
#
# Next: [07 Optimizers (优化器)](07_optimizers.ipynb), where Adam, used above, is built from scratch.
