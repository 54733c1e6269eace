# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 07 Optimizers (优化器)
#
# Gradient descent says *which way* to move the weights; an **optimizer** (优化器) decides
# *how far*, from the current gradient and from the gradients seen before. The source course
# puts five of them in one framework: SGD, SGD with momentum (SGDM), AdaGrad, RMSProp and Adam.
# This chapter writes all five from scratch, twice: once in the course's formulas and once in
# the slightly different formulas Keras really uses, and checks the second set against
# `keras.optimizers` number for number.
#
# **In this chapter you will**
#
# - learn the general framework (通用框架) $g_t, m_t, V_t, \eta_t, W_{t+1}$ and see each optimizer
#   as one choice of the first moment $m_t$ (一阶动量) and the second moment $V_t$ (二阶动量);
# - read each method's code in `course_lib.optimizers`, then the four ways Keras writes them
#   differently (the momentum form, AdaGrad's initial accumulator, where ε goes, Adam's bias
#   correction), and check that the Keras forms match `keras.optimizers` for 100 steps;
# - add the four the course only names (NAG, AdaDelta, Nadam, AdamW), checked against Keras too;
# - watch the five race on a ravine and on Rosenbrock's valley, with one learning rate or each
#   its best, and change lr, β1 and β2;
# - see momentum carry SGDM out of a local minimum (局部最小值) where Adam stops, and find how
#   much momentum that takes;
# - train the iris classifier with each one and compare loss, accuracy and time;
# - compare all nine at a fixed budget on Fashion-MNIST, each at its own tuned learning rate;
# - write one step of NAG yourself and check it against Keras.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Setup

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "skip"}
from course_lib import notebook

notebook.setup()  # first, so that TensorFlow's start-up log stays quiet

import inspect
import time

import keras
import numpy as np

from course_lib import checks, optimizers
from course_lib.exercises import optimizers as exercises
from course_lib.widgets.optimizers import optimizer_race_panel

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The general framework (优化器的通用框架)
#
# Optimizers that use only the gradient are **first-order** (一阶优化); second-order ones
# (二阶优化, Newton's method) also need the Hessian matrix and its inverse, which is too costly
# for networks with many weights, so practice uses first-order methods. Their history in
# the course: SGD → SGDM → NAG → AdaGrad → AdaDelta → Adam → Nadam.
#
# Take the weights $W$, the loss $loss$ and the initial learning rate $lr$. At step $t$ (one
# batch; $t$ counts batches from the start of training):
#
# 1. compute the gradient of the loss: $g_t = \nabla loss$;
# 2. from the gradients so far, compute the **first moment** $m_t = \phi(g_1, \dots, g_t)$ (一阶动量,
#    a function of the gradients) and the **second moment** $V_t = \varphi(g_1, \dots, g_t)$
#    (二阶动量, a function of the squared gradients);
# 3. the descent step: $\eta_t = lr \cdot m_t / \sqrt{V_t}$;
# 4. the update: $W_{t+1} = W_t - \eta_t$.
#
# The first, third and fourth steps are the same for every method; only the second differs. So in
# `course_lib.optimizers` the framework is one class, `CourseOptimizer`, whose `update` is steps
# 3 and 4, and each method only says what its moments are. Here is the framework:

# %% slideshow={"slide_type": "notes"}
print(inspect.getsource(optimizers.CourseOptimizer.update))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The course writes no ε in step 3. The code adds a tiny $\varepsilon = 10^{-8}$ to $\sqrt{V_t}$
# for AdaGrad, RMSProp and Adam, because a weight whose gradients have all been 0 (a dead ReLU
# unit, say) would otherwise get $0/0$ = NaN; `epsilon=0` gives the course's formula exactly.
#
# Every optimizer of the chapter has the same small interface: `step(weights, gradients)` takes
# lists of NumPy arrays and returns the new weights, keeping the moments inside.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The five methods in the course's formulas
#
# ### 1. SGD (随机梯度下降, no momentum)
#
# $$m_t = g_t, \quad V_t = 1, \quad \eta_t = lr \cdot g_t, \quad W_{t+1} = W_t - lr \cdot g_t$$
#
# Its weakness: it is slow, and in a ravine it bounces between the two walls; it can stop in a
# local minimum.
#
# ### 2. SGDM (带动量的SGD, SGD with momentum)
#
# To damp the bouncing, SGDM adds inertia: the first moment is an exponential average of the
# gradients, so the direction at step $t$ is mostly the direction accumulated so far and a
# little the current gradient (β is usually 0.9):
#
# $$m_t = \beta\, m_{t-1} + (1-\beta)\, g_t, \quad V_t = 1, \quad \eta_t = lr \cdot m_t, \quad W_{t+1} = W_t - lr \cdot m_t$$
#
# (The source prints $W_{t+1} = W_{t+1} - \dots$ here and for RMSProp, a typo for $W_t$.)
#
# ### 3. AdaGrad (自适应梯度, SGD plus a second moment)
#
# The second moment scales the learning rate of each weight separately (*Ada* = adaptive): a
# weight that got large gradients often gets small steps, a rarely updated one larger steps.
#
# $$m_t = g_t, \quad V_t = \sum_{\tau=1}^{t} g_\tau^2, \quad \eta_t = lr \cdot g_t \Big/ \sqrt{\textstyle\sum_{\tau=1}^{t} g_\tau^2}$$
#
# It does best on sparse data. But $V_t$ only grows, so the steps shrink towards 0 and
# training can stop early.
#
# ### 4. RMSProp (Root Mean Square Prop)
#
# RMSProp replaces AdaGrad's sum with an exponential average, which forgets old gradients:
# every direction's steps stay of the same size, the bouncing is damped, and a larger $lr$
# becomes possible.
#
# $$m_t = g_t, \quad V_t = \beta\, V_{t-1} + (1-\beta)\, g_t^2, \quad \eta_t = lr \cdot g_t / \sqrt{V_t}$$
#
# ### 5. Adam (adaptive moment estimation, 自适应矩估计)
#
# SGDM's first moment plus RMSProp's second moment, each corrected for starting at 0
# (修正偏差), "RMSProp + momentum":
#
# $$m_t = \beta_1 m_{t-1} + (1-\beta_1)\, g_t, \quad \widehat m_t = \frac{m_t}{1-\beta_1^t}, \qquad
# V_t = \beta_2 V_{t-1} + (1-\beta_2)\, g_t^2, \quad \widehat V_t = \frac{V_t}{1-\beta_2^t}$$
#
# $$\eta_t = lr \cdot \widehat m_t \big/ \sqrt{\widehat V_t}, \qquad W_{t+1} = W_t - \eta_t$$
#
# Each method's `moments` in `course_lib.optimizers` is those formulas, line for line:

# %% slideshow={"slide_type": "notes"}
for name, method in optimizers.COURSE_OPTIMIZERS.items():
    print(f"# --- {name}")
    print(inspect.getsource(method.moments))

# %% [markdown] slideshow={"slide_type": "fragment"}
# One step of each from the same weights and gradient shows the difference in kind. SGD and
# SGDM scale the gradient, so a gradient of 3.0 moves its weight 30 times further than one of
# 0.1. The adaptive methods divide by the gradient's own size: at $t = 1$, AdaGrad and Adam
# move **every** weight by exactly $lr$, and RMSProp by $lr/\sqrt{1-\beta}$, whatever its
# gradient.

# %% slideshow={"slide_type": "fragment"}
weights, gradient = np.array([1.0, -2.0]), np.array([0.1, -3.0])
for name, method in optimizers.COURSE_OPTIMIZERS.items():
    (new_weights,) = method(learning_rate=0.1).step([weights], [gradient])
    print(f"{name:>8}: step W_1 − W_0 = {np.round(new_weights - weights, 4)}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The same five in Keras' formulas (Keras 的写法)
#
# `keras.optimizers` implements the same ideas with four differences, read from
# `keras/src/optimizers/{sgd,adagrad,rmsprop,adam}.py` (Keras 3.15):
#
# | method | the course | Keras | what changes |
# |---|---|---|---|
# | SGDM | $m_t = \beta m_{t-1} + (1-\beta) g_t$, $W \leftarrow W - lr\, m_t$ | $v_t = \mu v_{t-1} - lr\, g_t$, $W \leftarrow W + v_t$ | **momentum form**: Keras sums past steps (lr inside, no $1-\beta$); the course averages gradients. One Keras learning rate gives the same path: exercise 1 finds it |
# | AdaGrad | $V_0 = 0$, $W \leftarrow W - lr\, g / \sqrt{V_t}$ | accumulator starts at `initial_accumulator_value=0.1`, $W \leftarrow W - lr\, g / \sqrt{V_t + \varepsilon}$ | **initial accumulator** 0.1, so the first steps are smaller; ε inside the root |
# | RMSProp | $W \leftarrow W - lr\, g / \sqrt{V_t}$ | $W \leftarrow W - lr\, g / \sqrt{V_t + \varepsilon}$, ε = 1e-7 (`rho` is β) | **where ε goes**: inside the root |
# | Adam | $lr\, \widehat m_t / \sqrt{\widehat V_t}$ | $\alpha_t = lr \sqrt{1-\beta_2^t} / (1-\beta_1^t)$, $W \leftarrow W - \alpha_t\, m_t / (\sqrt{V_t} + \varepsilon)$ | **bias correction** folded into the step size $\alpha_t$; ε added to the *uncorrected* $\sqrt{V_t}$ |
#
# Without ε, Keras' Adam is the course's Adam rearranged; ε = 1e-7 sits in a different place,
# which matters only while $\sqrt{V_t}$ is tiny. Plain SGD is the same in both.
#
# The `Keras*` classes of `course_lib.optimizers` repeat Keras' operations in Keras' order,
# in float32. Adam, for example (`KerasAdam.update` calls it):

# %% slideshow={"slide_type": "notes"}
print(inspect.getsource(optimizers.adam_update))
print("Keras' default ε:", ", ".join(f"{name} {getattr(keras.optimizers, name)().epsilon:.0e}"
                                     for name in ("Adagrad", "RMSprop", "Adam")))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Checking them against `keras.optimizers`, step for step
#
# `compare_with_keras` builds two identical iris networks (4 → 8 ReLU → 3 softmax), trains one
# with the real Keras optimizer and the other with our Keras form, on the same 100 batches of
# 32, and records after every step the largest difference between their weights. Both run in
# float32, so agreeing formulas can differ by round-off at most (the check allows 1e-6; since
# our code repeats Keras' operations in Keras' order, the difference printed below is 0, bit
# for bit, for most of them, and otherwise a unit or two in float32's last place, as for Adam).

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
differences = {}
for name in optimizers.NAMES:
    difference = differences[name] = optimizers.compare_with_keras(name, num_steps=100, batch_size=32)
    print(f"{name:>8}: largest weight difference over 100 steps = {difference.max():.2e}")

# %% slideshow={"slide_type": "fragment"}
for name, difference in differences.items():
    checks.milestone(f"Keras-form {name} matches keras.optimizers over {len(difference)} steps: "
                     "largest difference", difference.max(), at_most=1e-6, digits=6)

# %% [markdown] slideshow={"slide_type": "fragment"}
# How far apart the two families are: the course's and Keras' forms with the same
# hyperparameters, 100 steps on the ravine of the next section. SGD is identical; SGDM differs by
# its momentum form (Keras' steps are larger); AdaGrad by its initial accumulator;
# RMSProp and Adam only by ε, which is why they agree to many digits.

# %% slideshow={"slide_type": "fragment"}
for name in optimizers.NAMES:
    keras_form, _ = optimizers.keras_pair(name)
    course_form = optimizers.COURSE_OPTIMIZERS[name](learning_rate=keras_form.learning_rate)  # β's alike
    end_points = [optimizers.trajectory(form, "ravine", 100)[0][-1] for form in (course_form, keras_form)]
    print(f"{name:>8} (lr {keras_form.learning_rate:g}): course {np.round(end_points[0], 4)}, "
          f"Keras {np.round(end_points[1], 4)}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The four the course only names: NAG, AdaDelta, Nadam, AdamW
#
# The course's history line, SGD → SGDM → **NAG** → AdaGrad → **AdaDelta** → Adam → **Nadam**,
# names three methods it never writes out; **AdamW** is the one most networks are trained with
# today. Each is again one choice of $m_t$ and $V_t$ (or one extra line):
#
# - **NAG** (Nesterov accelerated gradient, Nesterov 加速梯度): SGDM takes its gradient where momentum
#   is *about to carry* the weights, $g_t = \nabla loss(W_t - lr\,\beta\,m_{t-1})$. Written
#   for the gradient at the current weights (what a training step has), that look-ahead
#   becomes a first moment that counts the newest gradient twice:
#   $\tilde m_t = \beta\,m_t + (1-\beta)\,g_t$, $V_t = 1$.
# - **AdaDelta**: RMSProp without a learning rate. Its step is
#   $\eta_t = \sqrt{D_{t-1}+\varepsilon}\,/\,\sqrt{V_t+\varepsilon}\cdot g_t$, where $D_t$ is the
#   average of the squared steps $\eta^2$: the step gets the units of the weights, and the
#   paper needs no $lr$ (Keras still multiplies by one, **0.001 by default**, which makes
#   `keras.optimizers.Adadelta()` very slow unless you pass `learning_rate=1.0`).
# - **Nadam**: Adam with NAG's look-ahead in its first moment,
#   $\tilde m_t = \beta_1 \widehat m_t + (1-\beta_1)\,g_t/(1-\beta_1^t)$.
# - **AdamW**: Adam plus *decoupled* weight decay, $W_{t+1} = W_t - lr\,(\widehat m_t/\sqrt{\widehat V_t}
#   + \lambda W_t)$. An L2 penalty in the loss (chapter 06) would put $2\lambda W$ into $g_t$,
#   where Adam divides it by $\sqrt{\widehat V_t}$, so weights with large gradients would hardly
#   be pulled to 0; AdamW shrinks every weight by the same share $lr\cdot\lambda$.
#
# Their code in `course_lib.optimizers` (NAG and Nadam only change the first moment; AdaDelta
# and AdamW change the update):

# %% slideshow={"slide_type": "fragment"}
for name, method in optimizers.MORE_COURSE_OPTIMIZERS.items():
    print(f"# --- {name}")
    print(inspect.getsource(method.update if name in ("AdaDelta", "AdamW") else method.moments))

# %% [markdown] slideshow={"slide_type": "fragment"}
# Keras writes them with its usual differences (read from `sgd.py` with `nesterov=True`,
# `adadelta.py`, `nadam.py`, `adamw.py` and `base_optimizer.py`'s `_apply_weight_decay`):
# NAG's velocity sums steps with lr inside, as Keras' SGDM does; AdaDelta's ε is 1e-7 and sits
# inside both roots; Nadam follows Dozat's paper, whose bias correction divides by
# $1-\prod u$, but not its schedule of β1: Keras 3's `nadam.py` raises β1 from β1/2 to β1
# over the first hundred steps ($u_t = \beta_1(1 - 0.5\cdot 0.96^t)$), where the paper (like
# Keras 2 and PyTorch's `NAdam`) takes $0.96^{t/250}$, a rise 250 times slower; AdamW
# shrinks every weight, biases too, by $W \cdot \lambda \cdot lr$ *before* Adam's step. Our
# Keras forms of the four, checked as before (20 steps each here; the unit tests run 100):

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
more_differences = {}
for name in optimizers.MORE_COURSE_OPTIMIZERS:
    difference = more_differences[name] = optimizers.compare_with_keras(name, num_steps=20)
    print(f"{name:>8}: largest weight difference over 20 steps = {difference.max():.2e}")
adadelta = keras.optimizers.Adadelta()
print(f"keras.optimizers.Adadelta(): learning_rate {float(adadelta.learning_rate):g}, epsilon {adadelta.epsilon:.0e}")

# %% slideshow={"slide_type": "fragment"}
for name, difference in more_differences.items():
    checks.milestone(f"Keras-form {name} matches keras.optimizers over {len(difference)} steps: "
                     "largest difference", difference.max(), at_most=1e-6, digits=6)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Trajectories on two surfaces (二维曲面上的轨迹)
#
# Two classic test functions, both starting at ○ with the minimum at ★:
#
# - a **ravine** (沟壑) $f = 0.05x^2 + 2y^2$, 40 times steeper across ($y$) than along ($x$):
#   the ill-conditioned case where the source says SGD "bounces between the two walls";
# - **Rosenbrock's** banana valley $f = (1-x)^2 + 100(y-x^2)^2$: easy to fall into, long and
#   curved to follow to $(1, 1)$.
#
# The same learning rate for all five (0.4 on the ravine, 0.02 on Rosenbrock), β1 = 0.9,
# β2 = 0.99.

# %% slideshow={"slide_type": "notes"}
ravine = optimizers.race("ravine", learning_rate=0.4, beta1=0.9, beta2=0.99, num_steps=100)
rosenbrock = optimizers.race("rosenbrock", learning_rate=0.02, beta1=0.9, beta2=0.99, num_steps=500)
for result in (ravine, rosenbrock):
    print(f"{result['surface'].name}, final loss after {result['num_steps']} steps:")
    for name, run in result["runs"].items():
        outcome = (f"diverged at step {len(run['losses'])}" if run["diverged"]
                   else f"{run['final_loss']:.3g}")
        print(f"  {name:>8}: {outcome}")
optimizers.trajectories_figure([ravine, rosenbrock])

# %% [markdown] slideshow={"slide_type": "notes"}
# What to see:
#
# - **SGD** zigzags across the ravine (its step across, $lr \cdot 4y$, overshoots) while it
#   creeps along $x$. On Rosenbrock the gradient near the start is in the hundreds, so
#   $lr = 0.02$ throws it out at once: plain SGD needs the smallest learning rate.
# - **SGDM** averages the zigzag away and follows the valley floor; on Rosenbrock it is the
#   first to reach the minimum at this learning rate.
# - **AdaGrad** first heads straight for the axis, then slows down as $V_t$ grows: on the
#   ravine it ends far from ★; on Rosenbrock it drops into the valley next to the start and
#   stays there.
# - **RMSProp** has no bias correction: $V_1 = (1-\beta) g_1^2$ is small, so its first step is
#   $lr/\sqrt{1-\beta} = 10\,lr$ per coordinate (with β = 0.99). On the ravine that is the big
#   jump across; then, with each coordinate's step scaled to its own gradient, it converges
#   fastest of all.
# - **Adam** has the correction, so its steps start at $lr$; momentum makes it overshoot and
#   curl back.
#
# The source's closing remark, that the adaptive methods "find the right direction almost at
# once", shows in their first steps; whether they also *arrive* first depends on $lr$, as
# the panel shows.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Optimizer race (优化器赛跑)
#
# Pick the function and move the learning rate (a log scale), β1 (SGDM's β and Adam's β1) and
# β2 (RMSProp's β and Adam's β2). The caption gives every method's final loss or the step it
# diverged at. The function, the learning rate and **lr for** answer without running the cell
# (in a chapter opened from disk, on the course site, in the slides): every state they reach is
# stored with the chapter; β1, β2 and the number of steps need the cell run. Things to try: on Rosenbrock, lower lr until SGD survives (the limit from this
# start lies between 0.006 and 0.007); raise β2 to 0.999 and watch RMSProp's first jump grow to $lr/\sqrt{0.001} \approx 32\,lr$ while Adam's
# stays at $lr$; set β1 to 0 and SGDM becomes SGD.

# %% tags=["panel", "nbval-ignore-output"] slideshow={"slide_type": "subslide"}
optimizer_race_panel()

# %% slideshow={"slide_type": "notes"}
for rate in (0.006, 0.007):
    sgd_run = optimizers.race("rosenbrock", learning_rate=rate, num_steps=500)["runs"]["SGD"]
    print(f"SGD on Rosenbrock at lr {rate:g}: {'diverged' if sgd_run['diverged'] else 'survives'}")
print(f"'each its best' tries {len(optimizers.RACE_LEARNING_RATES)} learning rates from "
      f"{optimizers.RACE_LEARNING_RATES[0]:g} to {optimizers.RACE_LEARNING_RATES[-1]:g}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# One learning rate for all five is not a fair race: on Rosenbrock, a rate small enough for SGD
# to survive (below 0.007) is far too small for AdaGrad. Set **lr for** to *each its best* and every method runs
# with the rate, out of 21 from $10^{-4}$ to 10 (four per decade), that ends lowest (of
# those that reach the minimum, the smallest); the learning-rate slider gives way to a note,
# since no one rate is set. A rate kept at an end of the grid would only say that the best
# lies somewhere beyond it, so the grid is wide enough that none is, on any surface here (the
# check below, and a unit test at 100 and 500 steps). The same choice, printed:

# %% slideshow={"slide_type": "fragment"}
grid_ends = (optimizers.RACE_LEARNING_RATES[0], optimizers.RACE_LEARNING_RATES[-1])
kept_ends = []
for surface, num_steps in (("ravine", 100), ("rosenbrock", 500)):
    fair = optimizers.race(surface, beta2=0.99, num_steps=num_steps, lr_choice="each its best")
    print(f"{surface}, {num_steps} steps, each at its best learning rate:")
    for name, run in fair["runs"].items():
        print(f"  {name:>8}: lr {run['learning_rate']:<8.3g} final loss {run['final_loss']:.3g}")
        kept_ends += [name] if run["learning_rate"] in grid_ends else []
print(f"rates kept at an end of the grid {grid_ends[0]:g} … {grid_ends[1]:g}: {kept_ends or 'none'}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# At its own best rate every method survives Rosenbrock; SGDM and Adam get closest to the
# minimum, AdaGrad (given a large rate, since its steps keep shrinking) comes next, and plain
# SGD (held to a tiny rate by the steep walls) and RMSProp stay furthest. On the ravine the
# two adaptive methods without momentum, AdaGrad and RMSProp, whose steps ignore the 40×
# difference in steepness, end lowest; SGD, which must take one step size for both
# directions, ends furthest.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A local minimum: momentum against Adam (局部最小值)
#
# The source warns that SGD "can stop in a local minimum" (局部最小值). The third surface of
# the panel, a **double well** $f = (x^2-1)^2 + 0.4x + 0.5y^2$, has two minima on the $x$-axis:
# a shallow one on the right (☆), the global one on the left (★), and a barrier between them.
# The start ○ lies above the shallow one, so a method that only follows the slope ends there.
# The five race from ○ with $lr = 10^{-1.5}$, β1 = 0.9, β2 = 0.99, for 100 steps:

# %% slideshow={"slide_type": "fragment"}
well = optimizers.SURFACES["double_well"]
barrier = np.sort(np.roots([4.0, 0.0, -4.0, 0.4]).real)[1]  # where 4x³ − 4x + 0.4, the slope along x, is 0 between the two
print(f"local minimum ☆ at x = {well.local_minimum[0]:.2f} (f = {well.function(well.local_minimum):.2f}), "
      f"global minimum ★ at x = {well.minimum[0]:.2f} (f = {well.function(well.minimum):.2f}), "
      f"barrier at x = {barrier:.2f} (f = {well.function((barrier, 0.0)):.2f}); "
      f"slope at the start: {well.gradient(np.array(well.start))[0]:.1f}")
double_well = optimizers.race("double_well", learning_rate=10 ** -1.5, beta1=0.9, beta2=0.99, num_steps=100)
for name, run in double_well["runs"].items():
    x_end = run["points"][-1][0]
    where = ("across the barrier" if x_end < barrier
             else "in the local minimum" if abs(x_end - well.local_minimum[0]) < 0.05 else "still on its way down")
    print(f"  {name:>8}: ends at x = {x_end:+.2f}, f = {run['final_loss']:+.3f}, {where}")
adam_crossings = [beta1 for beta1 in exercises.CROSSING_BETAS
                  if optimizers.trajectory(optimizers.Adam(10 ** -1.5, beta1=beta1, beta2=0.99), "double_well", 100)[0][-1][0] < 0]
print(f"Adam's β1 from 0 to 0.99 with which it crosses the barrier: {adam_crossings or 'none'}")
optimizers.trajectories_figure([double_well])

# %% [markdown] slideshow={"slide_type": "fragment"}
# Only **SGDM** crosses. Its step is $lr \cdot m_t$, and $m_t$ averages the gradients it met on
# the way down the steep outer wall (the slope at the start printed above): it reaches the
# shallow minimum fast, and what it carries takes it over the barrier into the deeper one.
# **Adam** keeps the same first moment with β1 = 0.9, but divides it by $\sqrt{\widehat V_t}$,
# the size of those same gradients: its step stays about $lr$ however steep the slope behind
# it, so it arrives slowly and has nothing to coast on; no β1 gets it across at this rate (the
# last line printed). SGD and RMSProp stop in the local minimum too, and AdaGrad, whose steps
# keep shrinking, is still on its way down. Momentum's speed grows with the slope behind it,
# an adaptive method's does not. That is not a ranking: the same inertia that escapes a poor
# minimum here overshoots a good one elsewhere, as the ravine's SGDM did with too large a rate.
# In the panel, pick *double_well* and move the learning rate to see where each method starts
# to cross.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Iris with each optimizer (用不同优化器训练鸢尾花)
#
# Last, the five on a real task: the course's iris classifier, trained with each optimizer, with
# the loss curves, the test accuracy and the time of each run in one table. We use our
# course-form optimizers and the course's setting: iris shuffled with seed 116, 120 rows to
# train and 30 to test, one softmax layer (4 → 3), mini-batches of 32, cross-entropy, 200 epochs. The gradients come
# from `GradientTape`; the update is ours (`optimizers.train_iris`). SGD, SGDM and AdaGrad use
# lr = 0.1; RMSProp and Adam, whose steps are about lr in size whatever the gradient, lr = 0.01.

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
num_epochs, batch_size = 200, 32
(iris_x_train, _), (iris_x_test, _) = optimizers.iris_split()
num_batches = -(-len(iris_x_train) // batch_size)  # the last batch may be smaller
print(f"{len(iris_x_train)} training rows in {num_batches} batches of {batch_size}, {len(iris_x_test)} test rows")
iris_optimizers = {
    "SGD": optimizers.SGD(learning_rate=0.1),
    "SGDM": optimizers.SGDM(learning_rate=0.1, beta=0.9),
    "AdaGrad": optimizers.AdaGrad(learning_rate=0.1),
    "RMSProp": optimizers.RMSProp(learning_rate=0.01, beta=0.9),
    "Adam": optimizers.Adam(learning_rate=0.01, beta1=0.9, beta2=0.999),
}
iris_runs = [optimizers.train_iris(optimizer, name, num_epochs=num_epochs, batch_size=batch_size)
             for name, optimizer in iris_optimizers.items()]
print(f"{'optimizer':>9} | {'lr':>5} | final loss | test accuracy |     time | per epoch")
for run, optimizer in zip(iris_runs, iris_optimizers.values()):
    print(f"{run.name:>9} | {optimizer.learning_rate:>5g} | {run.losses[-1]:10.4f} | "
          f"{run.test_accuracy:13.3f} | {run.seconds:6.2f} s | {1000 * run.seconds / num_epochs:6.2f} ms")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The accuracies, checked (the times above depend on the machine and on what else runs on it,
# so they are not):

# %% slideshow={"slide_type": "fragment"}
for run in iris_runs:
    checks.milestone(f"{run.name}: iris test accuracy", run.test_accuracy, at_least=0.9)
optimizers.iris_loss_figure(iris_runs)

# %% [markdown] slideshow={"slide_type": "fragment"}
# How much of that time is the optimizer itself? Timing `step` alone, on weights the size of
# this network's (a 4×3 kernel and 3 biases), 1000 times each:

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "notes"}
weights = [np.zeros((4, 3), np.float32), np.zeros(3, np.float32)]
gradients = [np.full((4, 3), 0.1, np.float32), np.full(3, 0.1, np.float32)]
for name, method in optimizers.COURSE_OPTIMIZERS.items():
    optimizer = method()
    start = time.perf_counter()
    for _ in range(1000):
        optimizer.step(weights, gradients)
    update_ms = time.perf_counter() - start  # 1000 updates: seconds × 1000 / 1000 = ms per update
    epoch_ms = 1000 * next(run.seconds for run in iris_runs if run.name == name) / num_epochs
    print(f"{name:>8}: {update_ms * 1000:.1f} µs per update; an epoch of {num_batches} batches "
          f"{epoch_ms:.1f} ms, of which its {num_batches} updates are {num_batches * update_ms / epoch_ms:.0%}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# An update costs a fraction of a millisecond, mostly Python bookkeeping rather than arithmetic
# on 15 numbers, and the 4 updates of an epoch are the small share of its time printed above:
# the rest goes into calling TensorFlow for the gradient and moving the weights between
# TensorFlow and NumPy, the same for all five. So the differences in the table's time column
# are mostly noise from whatever else runs on the machine; the optimizers' own arithmetic
# (Adam's two moments and corrections against SGD's one multiplication) would matter only for
# a model with many more weights. What really differs is the loss curve: how fast each method,
# at these learning rates, brings the loss down.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## At a fixed budget, each at its best learning rate (固定预算下的比较)
#
# On iris all five reach test accuracy 1.000 after 200 epochs, so that comparison separates
# nothing: a small, easy problem trained long enough is solved by any optimizer. The question
# that matters in practice is what each method reaches **within a fixed budget**, on a harder
# task, with **its own** learning rate (a rate good for Adam is useless for SGD). So:
#
# - the task: Fashion-MNIST (chapter 10), a 784-64-10 ReLU network, **one epoch** over 5 000
#   training images in 50 batches of 100, the same batches for every run;
# - each of the nine course-form methods tries four learning rates a factor of about 3 apart
#   (`optimizers.BUDGET_LEARNING_RATES`), from each of 3 starting weights (seeds 0, 1, 2);
#   it keeps the rate with the best median accuracy on 1 000 *validation* images (the end of
#   the training set, never trained on). Choosing the rate on the test set would flatter
#   every method. A kept rate at an end of its grid would only say that the best lies
#   somewhere beyond it, so `budget_race` refuses one (the grids were widened until none is);
# - only the kept rate's runs are scored on 2 000 test images: one test accuracy per seed,
#   whose median and range (lowest to highest) are printed, so that we rank only what the
#   spread over seeds supports.

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
budget_data = optimizers.fashion_budget_data(num_train=5000)
(budget_x_train, _), (budget_x_val, _), (budget_x_test, _) = budget_data
budget_batch_size = 100
print(f"{len(budget_x_train)} training images of {budget_x_train.shape[1]} pixels in "
      f"{len(budget_x_train) // budget_batch_size} batches of {budget_batch_size}, {len(budget_x_val)} validation "
      f"and {len(budget_x_test)} test images; {len(optimizers.BUDGET_SEEDS)} seeds {optimizers.BUDGET_SEEDS}")
budget_start = time.perf_counter()
budget = optimizers.budget_race(*budget_data, batch_size=budget_batch_size)
print(f"{'optimizer':>9} | median validation accuracy at each learning rate | kept lr | "
      "test accuracy: median [lowest, highest]")
for name, result in budget.items():
    tried = ", ".join(f"{rate:g}: {accuracy:.3f}" for rate, accuracy
                      in zip(result["learning_rates"], np.median(result["val_accuracies"], axis=0)))
    print(f"{name:>9} | {tried:<48} | {result['best_learning_rate']:>7g} | "
          f"{result['test_accuracy']:.3f} [{result['test_accuracies'].min():.3f}, "
          f"{result['test_accuracies'].max():.3f}]")
num_budget_runs = sum(len(optimizers.BUDGET_SEEDS) * len(rates) for rates in optimizers.BUDGET_LEARNING_RATES.values())
print(f"{num_budget_runs} runs of one epoch in {time.perf_counter() - budget_start:.1f} s")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The figure: median validation accuracy against the learning rate for each method (left)
# and the test accuracy each reaches at its kept rate, the bar spanning the seeds (right).
# The checks below hold on every run; the first is what `budget_race` already enforces:

# %% slideshow={"slide_type": "fragment"}
inside = all(0 < result["learning_rates"].index(result["best_learning_rate"]) < len(result["learning_rates"]) - 1
             for result in budget.values())
print(f"every kept learning rate lies inside its grid, not at an end: {inside}")
test_accuracy = {name: result["test_accuracy"] for name, result in budget.items()}
lowest = {name: result["test_accuracies"].min() for name, result in budget.items()}
highest = {name: result["test_accuracies"].max() for name, result in budget.items()}
with_momentum, without_momentum = ("SGDM", "NAG", "Adam", "Nadam", "AdamW"), ("SGD", "AdaGrad", "RMSProp", "AdaDelta")
checks.milestone("worst seed of any method with momentum minus best seed of any without",
                 min(lowest[name] for name in with_momentum) - max(highest[name] for name in without_momentum),
                 at_least=0.0)
checks.milestone("Adam's median test accuracy minus SGD's, one epoch each at its best lr",
                 test_accuracy["Adam"] - test_accuracy["SGD"], at_least=0.05)
checks.milestone("SGDM's worst seed minus SGD's best seed", lowest["SGDM"] - highest["SGD"], at_least=0.02)
checks.milestone("best median of the nine minus worst", max(test_accuracy.values()) - min(test_accuracy.values()),
                 at_least=0.08)
optimizers.budget_figure(budget)

# %% [markdown] slideshow={"slide_type": "fragment"}
# Now the methods differ, and one ranking survives the seeds: with 50 steps, every method
# with momentum (SGDM, NAG, Adam, Nadam, AdamW) is ahead of every one without (SGD, AdaGrad,
# RMSProp, AdaDelta) on every seed, as the first check says: even the worst seed of the first
# group beats the best seed of the second. Momentum lets a step carry what the previous ones
# learned, which counts most when there are few steps. The margin is narrow, though, and
# within each group most ranges overlap, so which method comes first changes with the seed:
# read no ranking into the medians beyond the orderings printed below, the only ones inside
# a group that hold on every seed. AdamW's decay shrinks the weights by lr·λ per step
# (printed below for its kept rate), a fraction of a percent over the whole epoch: its rows
# differ from Adam's by the noise of training, not by the decay, which is a
# regulariser and pays over long runs. The curves on the left also show why a fair
# comparison tunes each method: at a rate of 1 SGD collapses while SGDM and NAG are at
# their best.

# %% tags=["nbval-ignore-output"] slideshow={"slide_type": "fragment"}
adamw_rate, adamw_decay = budget["AdamW"]["best_learning_rate"], optimizers.AdamW().weight_decay
num_budget_steps = len(budget_x_train) // budget_batch_size
print(f"AdamW at lr {adamw_rate:g}, λ = {adamw_decay:g}: each step multiplies the weights by "
      f"1 − lr·λ = 1 − {adamw_rate * adamw_decay:.0e}; after {num_budget_steps} steps they have shrunk by "
      f"{1 - (1 - adamw_rate * adamw_decay) ** num_budget_steps:.2%}")
for group in (with_momentum, without_momentum):
    orderings = [f"{first} > {second}" for first in group for second in group if lowest[first] > highest[second]]
    print(f"within {', '.join(group)}: ordered on every seed: {', '.join(orderings) or 'none'}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 1: SGDM in Keras' form
#
# For every course SGDM with learning rate $lr$ and momentum β there is one value of Keras'
# `learning_rate` for which `SGD(momentum=β)` takes exactly the same steps. Write
# `keras_learning_rate(lr, beta)` returning it; the check calls it on learning rates and β's of
# its own. (Write out both updates for a constant gradient, or compare the two update rules in
# the table above.)

# %% slideshow={"slide_type": "skip"}
keras_learning_rate = ...  # your code here: def keras_learning_rate(lr, beta): return ...
exercises.check_keras_momentum_learning_rate(keras_learning_rate)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: the course's step lr·m_t, with m_t = β·m_{t−1} + (1−β)·g_t, unrolls to
# Keras' velocity when Keras' learning rate is lr·(1−β).
def keras_learning_rate(lr, beta):
    return lr * (1 - beta)


exercises.check_keras_momentum_learning_rate(keras_learning_rate)
same_path = np.allclose(
    optimizers.trajectory(optimizers.SGDM(learning_rate=0.1, beta=0.9), "ravine", 50)[0],
    optimizers.trajectory(optimizers.KerasSGD(learning_rate=keras_learning_rate(0.1, 0.9), momentum=0.9),
                          "ravine", 50)[0])
print(f"same 50-step path on the ravine: {same_path}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 2: Adam's second step
#
# The course's Adam, with $lr = 0.01$, β1 = 0.9, β2 = 0.999 and no ε, starts at
# `exercises.ADAM_START` and gets the two gradients of `exercises.ADAM_GRADIENTS`, one per
# step. What are the weights after the second step? Work it out with the formulas (by hand or
# with NumPy), not with `optimizers.Adam`: the moments carry over from the first step, and
# each step has its own bias correction.

# %% slideshow={"slide_type": "skip"}
print("ADAM_START =", exercises.ADAM_START.tolist())
for step, gradient in enumerate(exercises.ADAM_GRADIENTS, start=1):
    print(f"gradient of step {step} =", gradient.tolist())

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_two_adam_steps(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: carry m and V from step to step, correct each by 1 − β^t of its own step.
answer, m, v = exercises.ADAM_START, 0.0, 0.0
for t, g in enumerate(exercises.ADAM_GRADIENTS, start=1):
    m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g ** 2
    answer = answer - 0.01 * (m / (1 - 0.9 ** t)) / np.sqrt(v / (1 - 0.999 ** t))
exercises.check_two_adam_steps(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 3: AdaGrad remembers
#
# AdaGrad gets the same gradient $g$ at each of its first `exercises.ADAGRAD_STEPS` steps, then
# a gradient `exercises.ADAGRAD_FACTOR` times as large. How large is that next step as a
# fraction of its first one?

# %% slideshow={"slide_type": "skip"}
print(f"ADAGRAD_STEPS = {exercises.ADAGRAD_STEPS}, ADAGRAD_FACTOR = {exercises.ADAGRAD_FACTOR}")

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_adagrad_step_ratio(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: V = n·g² + (k·g)² after the larger gradient, so that step is lr·k·g/√((n + k²)·g²),
# and the first one lr·g/√(g²) = lr.
n, k = exercises.ADAGRAD_STEPS, exercises.ADAGRAD_FACTOR
answer = k / np.sqrt(n + k ** 2)
exercises.check_adagrad_step_ratio(answer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 4 (build it): one NAG step, as Keras takes it
#
# Write `nag_step(weight, gradient, velocity, learning_rate, momentum)`, one update of
# `keras.optimizers.SGD(learning_rate, momentum, nesterov=True)`, returning
# `(new_weight, new_velocity)` (NumPy arrays in, NumPy arrays out). The check calls it for
# three steps on random weights, gradients and hyperparameters it draws afresh, carrying your
# velocity from step to step, and compares the weights with Keras'. Keras' `SGD` and the
# course's optimizers raise an error while your function runs: the update is yours to write.

# %% slideshow={"slide_type": "fragment"}
def nag_step(weight, gradient, velocity, learning_rate, momentum):
    ...  # your code here


exercises.check_nag_step(...)  # replace ... by nag_step when your function is written

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: Keras' velocity sums the past steps (lr inside); NAG then steps by where that
# velocity is about to carry the weight, momentum·velocity, plus the current gradient step.
def nag_step(weight, gradient, velocity, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * gradient
    return weight + momentum * velocity - learning_rate * gradient, velocity


exercises.check_nag_step(nag_step)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Exercise 5: how much momentum it takes
#
# On the double well, with the learning rate `exercises.CROSSING_LEARNING_RATE` and
# `exercises.CROSSING_STEPS` steps from ○, SGDM with β = 0.9 crosses the barrier. What is the
# **smallest** β, to two decimals (one of `exercises.CROSSING_BETAS`), with which SGDM still ends on the global
# minimum's side of the barrier ($x < 0$)? Find it by experiment with `optimizers.trajectory`
# and `optimizers.SGDM`.

# %% slideshow={"slide_type": "skip"}
answer = ...  # your code here
exercises.check_smallest_crossing_beta(answer)

# %% jupyter={"source_hidden": true, "outputs_hidden": true} slideshow={"slide_type": "skip"}
# Solution: run SGDM for every β of the grid and keep the first whose last point has x < 0.
def crosses(beta):
    sgdm = optimizers.SGDM(exercises.CROSSING_LEARNING_RATE, beta=beta)
    points, _ = optimizers.trajectory(sgdm, "double_well", exercises.CROSSING_STEPS)
    return points[-1][0] < 0


answer = next(beta for beta in np.round(np.arange(0.0, 1.0, 0.01), 2) if crosses(beta))
exercises.check_smallest_crossing_beta(answer)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary (小结)
#
# - Every optimizer here is the framework $\eta_t = lr \cdot m_t / \sqrt{V_t}$,
#   $W_{t+1} = W_t - \eta_t$, with its own first moment (一阶动量) and second moment (二阶动量):
#   SGD ($g_t$, 1), SGDM (average of $g$, 1), AdaGrad ($g_t$, sum of $g^2$), RMSProp ($g_t$,
#   average of $g^2$), Adam (both averages, bias-corrected).
# - Keras writes them differently in four places: momentum as a sum with lr inside, AdaGrad's
#   accumulator starting at 0.1, ε inside the root (AdaGrad, RMSProp) or added to the
#   uncorrected $\sqrt{V_t}$ (Adam), and Adam's bias correction folded into the step size. Our
#   Keras forms match `keras.optimizers` step for step over 100 steps.
# - Momentum damps the zigzag of a ravine; adaptive methods take steps of about $lr$ whatever
#   the gradient's size, which makes them robust to badly scaled problems; AdaGrad's steps keep
#   shrinking; RMSProp without bias correction starts with large steps.
# - Momentum's speed grows with the slope behind it: on the double well it carried SGDM over a
#   barrier out of a local minimum, where Adam, whose steps stay near $lr$, stopped.
# - NAG looks ahead along its momentum; AdaDelta needs no learning rate (Keras' default of
#   0.001 is a trap); Nadam is Adam with NAG's look-ahead; AdamW decays weights beside the
#   adaptive step instead of through the gradient. Our Keras forms of all four match Keras.
# - A fair comparison gives each method its own learning rate, chosen on validation data, and
#   a fixed budget, and the spread over seeds before any ranking: one epoch of Fashion-MNIST put
#   every method with momentum ahead of every one without on each of the seeds, by a narrow
#   margin, where 200 epochs of iris separated nothing; within each group the seeds reorder
#   most methods.
# - In Keras 3 the optimizers are `keras.optimizers.SGD(learning_rate=..., momentum=...)`,
#   `Adagrad`, `RMSprop`, `Adam`; the old `lr=` argument of the source is now `learning_rate=`.
#
# Next: [08 The six-step Keras recipe on iris (八股)](08_keras_recipe_iris.ipynb), where
# `model.compile(optimizer=...)` takes any of these optimizers by name or as an object.
