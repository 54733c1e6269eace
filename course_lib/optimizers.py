"""Optimizers (优化器) written out by hand: the course's formulas and Keras' formulas.

The course frames every first-order optimizer in four steps. At step ``t``, with
gradient ``g_t``:

1. the gradient ``g_t = ∇loss``;
2. a first moment ``m_t`` (一阶动量, a function of past gradients) and a second
   moment ``V_t`` (二阶动量, a function of past squared gradients);
3. the descent step ``η_t = lr · m_t / √V_t``;
4. the update ``W_{t+1} = W_t − η_t``.

SGD, SGDM, AdaGrad, RMSProp and Adam differ only in step 2, so the course-form
classes here (:class:`SGD` … :class:`Adam`) each define just ``moments``. Keras
writes the same five methods with a few differences (the momentum form, AdaGrad's
initial accumulator, where ε goes, how Adam's bias correction is applied); the
``Keras*`` classes follow ``keras/src/optimizers/*.py`` operation by operation,
so that :func:`compare_with_keras` can show they match ``keras.optimizers`` step
for step on a real model.

Every optimizer has the same small interface: ``step(weights, gradients)`` takes
lists of NumPy arrays and returns the new weights, keeping its moments inside.
:func:`trajectory` and :func:`race` run them on the 2-D surfaces of
:data:`SURFACES` (a ravine and Rosenbrock's banana valley); :func:`train_iris`
trains the iris classifier with any of them.

Four methods the course names without writing them out follow the same pattern:
:class:`NAG`, :class:`AdaDelta`, :class:`Nadam` and :class:`AdamW` in the course's
form, each with its Keras form checked the same way. :func:`budget_race` compares
all nine at a fixed budget on Fashion-MNIST, each with the learning rate that suits
it best on validation data.
"""

import copy
import itertools
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from course_lib import notebook, validate
from course_lib.plots import new_figure

#: The five methods of the course, in the order the course introduces them.
NAMES = ("SGD", "SGDM", "AdaGrad", "RMSProp", "Adam")
#: The five, and the four the course names in its history without writing them out.
ALL_NAMES = NAMES + ("NAG", "AdaDelta", "Nadam", "AdamW")


def _float_array(name, value):
    """``value`` as a float array: integer weights would round every update away (to 0 for small steps)."""
    array = np.asarray(value)
    if array.dtype.kind in "biu":
        return array.astype(np.float64)
    if array.dtype.kind != "f":
        raise TypeError(f"{name} must hold numbers, got an array of {array.dtype}.")
    return array


class Optimizer:
    """The common interface: hyperparameters, per-weight state, and ``step``."""

    def __init__(self, learning_rate):
        self.learning_rate = validate.positive("learning_rate", learning_rate)
        self.iterations = 0
        self.slots = None

    def new_slots(self, weight):
        """The state one weight needs (moments), as a dict of arrays shaped like it."""
        return {}

    def update(self, weight, gradient, slots):
        """The new value of one weight; updates ``slots`` in place. Subclasses define it."""
        raise NotImplementedError

    def step(self, weights, gradients):
        """One update of every weight from its gradient; returns the new weights as a list.

        The arrays passed in are not modified; the optimizer keeps its moments
        between calls, so call ``step`` once per batch, always with the same weights.
        """
        weights, gradients = [_float_array("weights", w) for w in weights], list(gradients)
        if len(weights) != len(gradients):
            raise ValueError(f"got {len(weights)} weights but {len(gradients)} gradients; "
                             "give one gradient per weight.")
        for weight, gradient in zip(weights, gradients):
            if np.shape(weight) != np.shape(gradient):
                raise ValueError(f"a gradient of shape {np.shape(gradient)} does not fit a weight "
                                 f"of shape {np.shape(weight)}.")
        if self.slots is None:
            self.slots = [self.new_slots(w) for w in weights]
        elif len(self.slots) != len(weights):
            raise ValueError(f"this optimizer was started on {len(self.slots)} weights, "
                             f"not {len(weights)}; make a new one for another model.")
        self.iterations += 1
        return [self.update(w, _float_array("gradients", g).astype(w.dtype), s)
                for w, g, s in zip(weights, gradients, self.slots)]

    def get_state(self):
        """A copy of what the optimizer keeps between steps: its step count and its moments."""
        return self.iterations, copy.deepcopy(self.slots)

    def set_state(self, state):
        """Go back to a state of :meth:`get_state` (after a diverged epoch, say)."""
        self.iterations, self.slots = state[0], copy.deepcopy(state[1])

    def __repr__(self):
        return f"{type(self).__name__}(learning_rate={self.learning_rate})"


def _zeros(weight):
    return np.zeros_like(weight)


# --- The course's formulas -------------------------------------------------------------


class CourseOptimizer(Optimizer):
    """The course's framework: ``W ← W − lr · m_t / (√V_t + ε)``, with ``moments`` giving m_t and V_t.

    The course writes no ε. It is added to √V_t here, and is tiny (1e-8), because a
    weight whose gradients have all been zero (a dead ReLU unit) would otherwise get
    0/0 = NaN; ``epsilon=0`` gives the course's formula exactly.
    """

    def __init__(self, learning_rate, *, epsilon=1e-8):
        super().__init__(learning_rate)
        self.epsilon = validate.non_negative("epsilon", epsilon)

    def moments(self, gradient, slots):
        """The first and second moments (m_t, V_t) after this gradient. Subclasses define it."""
        raise NotImplementedError

    def update(self, weight, gradient, slots):
        """``W − lr · m_t / (√V_t + ε)``, the course's steps 3 and 4."""
        m, v = self.moments(gradient, slots)
        return weight - self.learning_rate * m / (np.sqrt(v) + self.epsilon)


class SGD(CourseOptimizer):
    """Stochastic gradient descent (随机梯度下降): m_t = g_t, V_t = 1, so W ← W − lr · g_t."""

    def __init__(self, learning_rate=0.1, *, epsilon=0.0):
        super().__init__(learning_rate, epsilon=epsilon)

    def moments(self, gradient, slots):
        """m_t = g_t, V_t = 1."""
        return gradient, np.ones_like(gradient)


class SGDM(CourseOptimizer):
    """SGD with momentum (带动量的SGD): m_t = β·m_{t−1} + (1−β)·g_t, an average of past gradients; V_t = 1."""

    def __init__(self, learning_rate=0.1, beta=0.9, *, epsilon=0.0):
        super().__init__(learning_rate, epsilon=epsilon)
        self.beta = validate.in_range("beta", beta, 0.0, 0.9999)

    def new_slots(self, weight):
        """One first moment per weight, starting at 0."""
        return {"m": _zeros(weight)}

    def moments(self, gradient, slots):
        """m_t = β·m_{t−1} + (1−β)·g_t, V_t = 1."""
        slots["m"] = self.beta * slots["m"] + (1 - self.beta) * gradient
        return slots["m"], np.ones_like(gradient)


class AdaGrad(CourseOptimizer):
    """AdaGrad (自适应梯度): m_t = g_t, V_t = Σ g_τ², so each weight's step shrinks as its gradients add up."""

    def __init__(self, learning_rate=0.1, *, epsilon=1e-8):
        super().__init__(learning_rate, epsilon=epsilon)

    def new_slots(self, weight):
        """One sum of squared gradients per weight, starting at 0."""
        return {"v": _zeros(weight)}

    def moments(self, gradient, slots):
        """m_t = g_t, V_t = V_{t−1} + g_t²."""
        slots["v"] = slots["v"] + gradient ** 2
        return gradient, slots["v"]


class RMSProp(CourseOptimizer):
    """RMSProp: m_t = g_t, V_t = β·V_{t−1} + (1−β)·g_t², an average that forgets old gradients."""

    def __init__(self, learning_rate=0.01, beta=0.9, *, epsilon=1e-8):
        super().__init__(learning_rate, epsilon=epsilon)
        self.beta = validate.in_range("beta", beta, 0.0, 0.9999)

    def new_slots(self, weight):
        """One average of squared gradients per weight, starting at 0."""
        return {"v": _zeros(weight)}

    def moments(self, gradient, slots):
        """m_t = g_t, V_t = β·V_{t−1} + (1−β)·g_t²."""
        slots["v"] = self.beta * slots["v"] + (1 - self.beta) * gradient ** 2
        return gradient, slots["v"]


class Adam(CourseOptimizer):
    """Adam (自适应矩估计): SGDM's first moment and RMSProp's second, each corrected for its start at 0."""

    def __init__(self, learning_rate=0.01, beta1=0.9, beta2=0.999, *, epsilon=1e-8):
        super().__init__(learning_rate, epsilon=epsilon)
        self.beta1 = validate.in_range("beta1", beta1, 0.0, 0.9999)
        self.beta2 = validate.in_range("beta2", beta2, 0.0, 0.9999)

    def new_slots(self, weight):
        """One first and one second moment per weight, both starting at 0."""
        return {"m": _zeros(weight), "v": _zeros(weight)}

    def moments(self, gradient, slots):
        """m̂_t = m_t / (1 − β1^t) and V̂_t = V_t / (1 − β2^t), the bias-corrected moments."""
        slots["m"] = self.beta1 * slots["m"] + (1 - self.beta1) * gradient
        slots["v"] = self.beta2 * slots["v"] + (1 - self.beta2) * gradient ** 2
        t = self.iterations
        return slots["m"] / (1 - self.beta1 ** t), slots["v"] / (1 - self.beta2 ** t)


#: The course-form optimizers by name.
COURSE_OPTIMIZERS = {"SGD": SGD, "SGDM": SGDM, "AdaGrad": AdaGrad, "RMSProp": RMSProp, "Adam": Adam}


# --- The methods the course names but does not show -------------------------------------


class NAG(SGDM):
    """Nesterov's accelerated gradient (NAG): SGDM that looks ahead before it steps.

    NAG takes the gradient where momentum is about to carry the weights, not where they
    are. Rewritten for a gradient at the current weights (as Keras does), the look-ahead
    becomes a first moment that counts the newest gradient twice: m̃_t = β·m_t + (1−β)·g_t.
    Taught in chapter 07.
    """

    def moments(self, gradient, slots):
        """m_t as SGDM's, then the look-ahead m̃_t = β·m_t + (1−β)·g_t; V_t = 1."""
        m, ones = super().moments(gradient, slots)
        return self.beta * m + (1 - self.beta) * gradient, ones


class AdaDelta(CourseOptimizer):
    """AdaDelta: RMSProp whose learning rate is replaced by the RMS of its own past steps.

    η_t = √(D_{t−1} + ε) / √(V_t + ε) · g_t with V_t the average of g² and D_t the
    average of η²: the step has the weight's own units, so the paper needs no learning
    rate; ``learning_rate`` (1 in the paper, 0.001 by default in Keras) only scales it.
    Taught in chapter 07.
    """

    def __init__(self, learning_rate=1.0, beta=0.95, *, epsilon=1e-6):
        super().__init__(learning_rate, epsilon=epsilon)
        self.beta = validate.in_range("beta", beta, 0.0, 0.9999)

    def new_slots(self, weight):
        """The averages of squared gradients (V) and squared steps (D), both starting at 0."""
        return {"v": _zeros(weight), "d": _zeros(weight)}

    def moments(self, gradient, slots):
        """m_t = √(D_{t−1} + ε)·g_t (the last steps' size in place of lr), V_t = β·V_{t−1} + (1−β)·g_t² + ε."""
        slots["v"] = self.beta * slots["v"] + (1 - self.beta) * gradient ** 2
        return np.sqrt(slots["d"] + self.epsilon) * gradient, slots["v"] + self.epsilon

    def update(self, weight, gradient, slots):
        """The framework's step with ε already inside V_t, then D_t = β·D_{t−1} + (1−β)·η_t²."""
        m, v = self.moments(gradient, slots)
        step = m / np.sqrt(v)
        slots["d"] = self.beta * slots["d"] + (1 - self.beta) * step ** 2
        return weight - self.learning_rate * step


class Nadam(Adam):
    """Nadam: Adam with NAG's look-ahead in its first moment, m̃_t = β1·m̂_t + (1−β1)·g_t/(1−β1^t).

    Taught in chapter 07.
    """

    def moments(self, gradient, slots):
        """Adam's corrected moments, the first one looking ahead as NAG's does."""
        m_hat, v_hat = super().moments(gradient, slots)
        return self.beta1 * m_hat + (1 - self.beta1) * gradient / (1 - self.beta1 ** self.iterations), v_hat


class AdamW(Adam):
    """AdamW: Adam plus weight decay taken *beside* the adaptive step, W ← W − lr·(m̂/√V̂ + λ·W).

    An L2 penalty λ·ΣW² in the loss would put 2λW into g_t, where Adam divides it by
    √V̂: weights with large gradients would hardly be pulled to 0. AdamW (decoupled
    weight decay) shrinks every weight by the same share lr·λ. Taught in chapter 07.
    """

    def __init__(self, learning_rate=0.01, beta1=0.9, beta2=0.999, weight_decay=0.004, *, epsilon=1e-8):
        super().__init__(learning_rate, beta1, beta2, epsilon=epsilon)
        self.weight_decay = validate.non_negative("weight_decay", weight_decay)

    def update(self, weight, gradient, slots):
        """W shrunk by the share lr·λ, then Adam's step (Keras' order)."""
        return super().update(weight * (1 - self.learning_rate * self.weight_decay), gradient, slots)


#: The four methods the course names in its history but does not write out.
MORE_COURSE_OPTIMIZERS = {"NAG": NAG, "AdaDelta": AdaDelta, "Nadam": Nadam, "AdamW": AdamW}


# --- Keras' formulas (keras/src/optimizers/{sgd,adagrad,rmsprop,adam}.py) -----------------
# Each update repeats Keras' operations in Keras' order, in the weight's dtype, so that
# float32 results agree with keras.optimizers to the last bits most of the time.


def _cast(value, weight):
    """A Python number as a scalar of the weight's dtype, as Keras' ops.cast does."""
    return weight.dtype.type(value)


#: The array operations :func:`adam_update` needs, for NumPy arrays.
NUMPY_OPS = SimpleNamespace(sqrt=np.sqrt, power=np.power, square=np.square, cast=_cast)


def adam_update(weight, gradient, m, v, step, *, learning_rate, beta_1, beta_2, epsilon, ops=NUMPY_OPS):
    """One update of ``keras.optimizers.Adam``, in Keras' order of operations; returns ``(weight, m, v)``.

    α = lr·√(1−β2^t)/(1−β1^t); m += (g−m)(1−β1); v += (g²−v)(1−β2); W ← W − m·α/(√v + ε),
    with every number cast to the weight's dtype first, as Keras does. ``ops`` holds
    ``sqrt``, ``power``, ``square`` and ``cast(value, like)``: NumPy's for
    :class:`KerasAdam`, TensorFlow's inside chapter 06's training graph. Taught in chapter 07.
    """
    t = ops.cast(step, weight)
    beta_1_power = ops.power(ops.cast(beta_1, weight), t)
    beta_2_power = ops.power(ops.cast(beta_2, weight), t)
    one = ops.cast(1, weight)
    alpha = ops.cast(learning_rate, weight) * ops.sqrt(one - beta_2_power) / (one - beta_1_power)
    m = m + (gradient - m) * ops.cast(1 - beta_1, weight)
    v = v + (ops.square(gradient) - v) * ops.cast(1 - beta_2, weight)
    return weight - (m * alpha) / (ops.sqrt(v) + ops.cast(epsilon, weight)), m, v


class KerasSGD(Optimizer):
    """``keras.optimizers.SGD``: velocity = μ·velocity − lr·g, then W ← W + velocity.

    With μ = 0 it is plain SGD. With momentum the velocity is a *sum* of past steps,
    with lr inside, where the course's SGDM takes an *average* of gradients.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False):
        super().__init__(learning_rate)
        self.momentum = validate.in_range("momentum", momentum, 0.0, 0.9999)
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be True or False, got {nesterov!r}.")
        self.nesterov = nesterov

    def new_slots(self, weight):
        """A velocity per weight when there is momentum."""
        return {"velocity": _zeros(weight)} if self.momentum != 0 else {}

    def update(self, weight, gradient, slots):
        """Keras' SGD update; with ``nesterov=True`` the step is μ·velocity − lr·g (NAG's look-ahead)."""
        learning_rate = _cast(self.learning_rate, weight)
        if self.momentum == 0:
            return weight - gradient * learning_rate
        momentum = _cast(self.momentum, weight)
        slots["velocity"] = slots["velocity"] * momentum - gradient * learning_rate
        if self.nesterov:
            return weight + (slots["velocity"] * momentum - gradient * learning_rate)
        return weight + slots["velocity"]


class KerasAdagrad(Optimizer):
    """``keras.optimizers.Adagrad``: the sum of g² starts at 0.1, not 0, and ε sits inside the root."""

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
        super().__init__(learning_rate)
        self.initial_accumulator_value = validate.non_negative(
            "initial_accumulator_value", initial_accumulator_value)
        self.epsilon = validate.non_negative("epsilon", epsilon)

    def new_slots(self, weight):
        """The accumulator, starting at ``initial_accumulator_value``."""
        return {"accumulator": np.full_like(weight, self.initial_accumulator_value)}

    def update(self, weight, gradient, slots):
        """accumulator += g²; W ← W − lr·g / √(accumulator + ε)."""
        slots["accumulator"] = slots["accumulator"] + np.square(gradient)
        step = _cast(self.learning_rate, weight) * gradient
        return weight - step / np.sqrt(slots["accumulator"] + _cast(self.epsilon, weight))


class _KerasDecayingAverages(Optimizer):
    """Keras' optimizers that keep decaying averages of squares: their decay ρ and the ε inside their roots."""

    def __init__(self, learning_rate, rho, epsilon):
        super().__init__(learning_rate)
        self.rho = validate.in_range("rho", rho, 0.0, 0.9999)
        self.epsilon = validate.non_negative("epsilon", epsilon)


class KerasRMSprop(_KerasDecayingAverages):
    """``keras.optimizers.RMSprop`` (no momentum, not centered): ε sits inside the root."""

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7):
        super().__init__(learning_rate, rho, epsilon)

    def new_slots(self, weight):
        """The average of squared gradients, starting at 0."""
        return {"velocity": _zeros(weight)}

    def update(self, weight, gradient, slots):
        """velocity = ρ·velocity + (1−ρ)·g²; W ← W − lr·g / √(velocity + ε)."""
        slots["velocity"] = (_cast(self.rho, weight) * slots["velocity"]
                             + _cast(1 - self.rho, weight) * np.square(gradient))
        step = _cast(self.learning_rate, weight) * gradient
        return weight - step / np.sqrt(slots["velocity"] + _cast(self.epsilon, weight))


class _KerasTwoMoments(Optimizer):
    """Keras' Adam family: the decays β1 and β2 of the two moments, and ε."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        super().__init__(learning_rate)
        self.beta_1 = validate.in_range("beta_1", beta_1, 0.0, 0.9999)
        self.beta_2 = validate.in_range("beta_2", beta_2, 0.0, 0.9999)
        self.epsilon = validate.non_negative("epsilon", epsilon)


class KerasAdam(_KerasTwoMoments):
    """``keras.optimizers.Adam``: bias correction folded into the step size, ε added to √v (uncorrected)."""

    def new_slots(self, weight):
        """The first and second moments, starting at 0."""
        return {"m": _zeros(weight), "v": _zeros(weight)}

    def update(self, weight, gradient, slots):
        """:func:`adam_update` at this optimizer's step count, with this weight's moments."""
        weight, slots["m"], slots["v"] = adam_update(
            weight, gradient, slots["m"], slots["v"], self.iterations, learning_rate=self.learning_rate,
            beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon)
        return weight


class KerasAdadelta(_KerasDecayingAverages):
    """``keras.optimizers.Adadelta``: the course's AdaDelta with ε inside both roots and lr = 0.001 by default."""

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7):
        super().__init__(learning_rate, rho, epsilon)

    def new_slots(self, weight):
        """The averages of squared gradients and of squared steps, starting at 0."""
        return {"accumulated_grad": _zeros(weight), "accumulated_delta_var": _zeros(weight)}

    def update(self, weight, gradient, slots):
        """acc_g = ρ·acc_g + (1−ρ)·g²; Δ = −√(acc_Δ + ε)·g / √(acc_g + ε); acc_Δ = ρ·acc_Δ + (1−ρ)·Δ²; W += lr·Δ."""
        rho, epsilon = _cast(self.rho, weight), _cast(self.epsilon, weight)
        one_minus_rho = _cast(1 - self.rho, weight)
        slots["accumulated_grad"] = rho * slots["accumulated_grad"] + one_minus_rho * np.square(gradient)
        delta = -(np.sqrt(slots["accumulated_delta_var"] + epsilon) * gradient
                  / np.sqrt(slots["accumulated_grad"] + epsilon))
        slots["accumulated_delta_var"] = rho * slots["accumulated_delta_var"] + one_minus_rho * np.square(delta)
        return weight + _cast(self.learning_rate, weight) * delta


class KerasNadam(_KerasTwoMoments):
    """``keras.optimizers.Nadam``: Adam with a look-ahead first moment and a momentum schedule.

    Keras follows Dozat's paper: the β1 of step t is u_t = β1·(1 − 0.5·0.96^t), which
    starts at β1/2 and grows towards β1, and the bias correction divides by 1 − Π u
    instead of 1 − β1^t.
    """

    def new_slots(self, weight):
        """The two moments, and the product of the u's so far (kept per weight, the same for all)."""
        return {"m": _zeros(weight), "v": _zeros(weight), "u_product": np.ones((), weight.dtype)}

    def update(self, weight, gradient, slots):
        """Keras' Nadam update at this optimizer's step count.

        The powers are TensorFlow's: NumPy's float32 ``power`` differs from it in the last
        bit for many exponents, and Nadam's three powers per step would let that grow past
        the round-off :func:`compare_with_keras` allows.
        """
        import tensorflow as tf

        def cast(value):
            return _cast(value, weight)

        def power(base, exponent):
            return cast(tf.pow(tf.constant(base, weight.dtype), tf.constant(exponent, weight.dtype)).numpy())

        beta_1, beta_2 = cast(self.beta_1), cast(self.beta_2)
        t = self.iterations
        slots["u_product"] = slots["u_product"] * beta_1 * (cast(1.0) - cast(0.5) * power(0.96, t))
        u_t = beta_1 * (cast(1.0) - cast(0.5) * power(0.96, t))
        u_t_1 = beta_1 * (cast(1.0) - cast(0.5) * power(0.96, t + 1))
        u_product_t_1 = slots["u_product"] * u_t_1
        slots["m"] = slots["m"] + (gradient - slots["m"]) * (cast(1.0) - beta_1)
        slots["v"] = slots["v"] + (np.square(gradient) - slots["v"]) * (cast(1.0) - beta_2)
        m_hat = u_t_1 * slots["m"] / (cast(1.0) - u_product_t_1) + (cast(1.0) - u_t) * gradient / (
            cast(1.0) - slots["u_product"])
        v_hat = slots["v"] / (cast(1.0) - power(self.beta_2, t))
        return weight - m_hat * cast(self.learning_rate) / (np.sqrt(v_hat) + cast(self.epsilon))


class KerasAdamW(KerasAdam):
    """``keras.optimizers.AdamW``: W ← W − W·λ·lr (every weight, biases too), then Keras' Adam step."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        super().__init__(learning_rate, beta_1, beta_2, epsilon)
        self.weight_decay = validate.non_negative("weight_decay", weight_decay)

    def update(self, weight, gradient, slots):
        """The decay Keras applies before every step, then :meth:`KerasAdam.update`."""
        decayed = weight - weight * _cast(self.weight_decay, weight) * _cast(self.learning_rate, weight)
        return super().update(decayed, gradient, slots)


#: For each method, the hand-written Keras form and the real Keras optimizer, as factories
#: taking the same keyword arguments (SGDM is Keras' SGD with momentum).
KERAS_FORMS = {
    "SGD": (KerasSGD, "SGD", {"learning_rate": 0.1}),
    "SGDM": (KerasSGD, "SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    "AdaGrad": (KerasAdagrad, "Adagrad", {"learning_rate": 0.1}),
    "RMSProp": (KerasRMSprop, "RMSprop", {"learning_rate": 0.01}),
    "Adam": (KerasAdam, "Adam", {"learning_rate": 0.01}),
    "NAG": (KerasSGD, "SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    "AdaDelta": (KerasAdadelta, "Adadelta", {"learning_rate": 1.0}),
    "Nadam": (KerasNadam, "Nadam", {"learning_rate": 0.01}),
    "AdamW": (KerasAdamW, "AdamW", {"learning_rate": 0.01, "weight_decay": 0.004}),
}


def keras_pair(name, **hyperparameters):
    """The hand-written Keras form of method ``name`` and the real ``keras.optimizers`` one, alike set.

    Hyperparameters not given take the values of :data:`KERAS_FORMS`.
    """
    import keras

    validate.one_of("name", name, ALL_NAMES)
    own_class, keras_name, defaults = KERAS_FORMS[name]
    settings = {**defaults, **hyperparameters}
    return own_class(**settings), getattr(keras.optimizers, keras_name)(**settings)


# --- Training a Keras model with a hand-written optimizer -------------------------------


def make_gradient_function(model, loss_fn):
    """A compiled function ``(x, y) -> (loss, gradients)`` for the model's trainable weights."""
    import tensorflow as tf

    @tf.function(reduce_retracing=True)
    def loss_and_gradients(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        return loss, tape.gradient(loss, model.trainable_variables)

    return loss_and_gradients


def apply_step(optimizer, model, gradients):
    """Update the model's trainable weights with one ``step`` of a hand-written optimizer."""
    variables = model.trainable_variables
    new_weights = optimizer.step([v.numpy() for v in variables], [g.numpy() for g in gradients])
    for variable, value in zip(variables, new_weights):
        variable.assign(value)


def iris_model(seed=1):
    """The iris classifier: 4 features → 3 classes in one softmax layer, as in the course."""
    import keras

    return keras.Sequential([
        keras.Input(shape=(4,)),
        keras.layers.Dense(3, activation="softmax",
                           kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1, seed=seed),
                           bias_initializer=keras.initializers.TruncatedNormal(stddev=0.1, seed=seed + 1)),
    ])


def iris_split(num_test=30):
    """The course's iris split, :func:`course_lib.recipe.iris_split` (imported here only when needed)."""
    from course_lib import recipe

    return recipe.iris_split(num_test)


def compare_with_keras(name, num_steps=100, batch_size=32, **hyperparameters):
    """Train two identical iris models, one with Keras' optimizer, one with its hand-written form.

    Both start from the same weights and see the same batches. Returns the largest
    absolute difference between their weights after each step, an array of
    ``num_steps`` numbers: float32 round-off (≈1e-7) when the formulas agree.
    """
    import keras
    import tensorflow as tf

    num_steps = validate.positive_int("num_steps", num_steps)
    batch_size = validate.positive_int("batch_size", batch_size)
    own, reference = keras_pair(name, **hyperparameters)
    (x_train, y_train), _ = iris_split()
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    models = [keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                                keras.layers.Dense(3, activation="softmax")]) for _ in range(2)]
    models[1].set_weights(models[0].get_weights())
    keras_gradients, own_gradients = (make_gradient_function(model, loss_fn) for model in models)
    starts = np.arange(num_steps) * batch_size % len(x_train)
    differences = []
    for start in starts:
        x = tf.constant(np.take(x_train, range(start, start + batch_size), axis=0, mode="wrap"))
        y = tf.constant(np.take(y_train, range(start, start + batch_size), mode="wrap"))
        # Keras' update runs eagerly, op by op as written; inside tf.function its ops could be
        # fused and rounded differently.
        reference.apply_gradients(zip(keras_gradients(x, y)[1], models[0].trainable_variables))
        apply_step(own, models[1], own_gradients(x, y)[1])
        differences.append(max(float(np.max(np.abs(a.numpy() - b.numpy())))
                               for a, b in zip(models[0].trainable_variables,
                                               models[1].trainable_variables)))
    return np.array(differences)


def train_by_hand(optimizer, model, batches, loss_and_gradients, *, num_epochs, on_epoch_end=None,
                  should_stop=None):
    """Train ``model`` with a hand-written ``optimizer``: one :meth:`Optimizer.step` per batch.

    ``batches`` is a list of ``(x, y)`` batches, ``loss_and_gradients`` the compiled
    function of :func:`make_gradient_function`. The epochs run through
    :func:`course_lib.training.loop` (``on_epoch_end`` and ``should_stop`` are its; a
    diverging run stops with the weights and the optimizer's moments of the last good
    epoch); returns its :class:`~course_lib.training.History`. Taught in chapter 07.
    """
    from course_lib import training

    num_samples = sum(len(x) for x, _ in batches)

    def run_epochs(first_epoch, count):  # one epoch per call: count is always 1
        total = 0.0
        for x, y in batches:
            loss, gradients = loss_and_gradients(x, y)
            apply_step(optimizer, model, gradients)
            total += float(loss) * len(x)
        return [{"loss": total / num_samples}]

    return training.loop(run_epochs, num_epochs, progress=False, on_epoch_end=on_epoch_end,
                         should_stop=should_stop,
                         checkpoint=training.Checkpoint(model.trainable_variables, states=[optimizer]))


@dataclass
class IrisRun:
    """What :func:`train_iris` measured: the loss of each epoch, the test accuracy and the time."""

    name: str
    losses: np.ndarray
    test_accuracy: float
    seconds: float


def train_iris(optimizer, name="", *, num_epochs=300, batch_size=32, seed=1, on_epoch_end=None,
               should_stop=None):
    """Train the course's iris classifier with a hand-written ``optimizer``; return an :class:`IrisRun`.

    Mini-batches of ``batch_size`` in a fixed order, cross-entropy loss, ``num_epochs``
    passes of :func:`train_by_hand`; the time covers the training loop only.
    """
    import keras
    import tensorflow as tf

    num_epochs = validate.positive_int("num_epochs", num_epochs)
    batch_size = validate.positive_int("batch_size", batch_size)
    (x_train, y_train), (x_test, y_test) = iris_split()
    model = iris_model(seed)
    loss_and_gradients = make_gradient_function(model, keras.losses.SparseCategoricalCrossentropy())
    batches = list(tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(batch_size))
    history = train_by_hand(optimizer, model, batches, loss_and_gradients, num_epochs=num_epochs,
                            on_epoch_end=on_epoch_end, should_stop=should_stop)
    predictions = np.argmax(model(x_test).numpy(), axis=1)
    return IrisRun(name or type(optimizer).__name__, np.array(history.metrics["loss"]),
                   float(np.mean(predictions == y_test)), history.seconds)


# --- All nine at a fixed budget ---------------------------------------------------------

#: Every course-form optimizer by name: the five of the course and the four it only names.
ALL_COURSE_OPTIMIZERS = {**COURSE_OPTIMIZERS, **MORE_COURSE_OPTIMIZERS}

#: The learning rates tried for each method at a fixed budget: four or five, a factor of about 3
#: apart, wide enough that the rate chosen for each method lies inside its grid, not at an end
#: (:func:`budget_race` refuses an end); AdaDelta's rate is a multiplier of its own step.
BUDGET_LEARNING_RATES = {
    "SGD": (0.03, 0.1, 0.3, 1.0), "SGDM": (0.1, 0.3, 1.0, 3.0), "NAG": (0.1, 0.3, 1.0, 3.0),
    "AdaGrad": (0.003, 0.01, 0.03, 0.1), "RMSProp": (0.0003, 0.001, 0.003, 0.01),
    "AdaDelta": (0.1, 0.3, 1.0, 3.0),
    "Adam": (0.001, 0.003, 0.01, 0.03), "Nadam": (0.001, 0.003, 0.01, 0.03), "AdamW": (0.001, 0.003, 0.01, 0.03),
}

#: The starting weights :func:`budget_race` repeats every run from, one per seed.
BUDGET_SEEDS = (0, 1, 2)


def fashion_budget_data(num_train=2000, num_validation=1000, num_test=2000):
    """Small Fashion-MNIST slices for :func:`budget_race`: flattened pixels in [0, 1], integer labels.

    Training images are the first ``num_train`` of the training set, validation images
    its last ``num_validation`` (never trained on), test images the first ``num_test``
    of the test set. Returns ``(x_train, y_train), (x_val, y_val), (x_test, y_test)``.
    Taught in chapter 07.
    """
    from course_lib import data

    num_train, num_validation, num_test = (validate.positive_int(name, value) for name, value in (
        ("num_train", num_train), ("num_validation", num_validation), ("num_test", num_test)))
    (x, y), (x_test, y_test) = data.load_fashion_mnist(flatten=True)
    if num_train + num_validation > len(x):
        raise ValueError(f"num_train + num_validation must be at most {len(x)}, got {num_train + num_validation}.")
    return ((x[:num_train], y[:num_train]), (x[len(x) - num_validation:], y[len(y) - num_validation:]),
            (x_test[:num_test], y_test[:num_test]))


def budget_race(train, validation, test, *, learning_rates=None, seeds=BUDGET_SEEDS, num_epochs=1, batch_size=50,
                hidden_units=64, allow_edge=False):
    """Every course-form optimizer at the same budget, each with the learning rate that suits it best.

    A 784-``hidden_units``-10 ReLU network, the same batches for every run, trained
    ``num_epochs`` passes over ``train`` with each method and each of its
    ``learning_rates`` (``{name: rates}``, :data:`BUDGET_LEARNING_RATES` by default),
    from the starting weights of each of ``seeds``. The rate kept for a method is the one
    with the best **median** validation accuracy over the seeds; a kept rate at either end
    of its grid raises a ``ValueError`` (the best may lie beyond it: widen the grid),
    unless ``allow_edge``. Only the kept rate's runs are scored on ``test``: one test
    accuracy per seed, so that the spread shows which differences a seed can undo.
    Returns ``{name: {"learning_rates", "val_accuracies" (seeds × rates), "best_learning_rate",
    "test_accuracies" (one per seed), "test_accuracy" (their median), "test_loss" (median),
    "seconds"}}``. Taught in chapter 07.
    """
    import keras
    import tensorflow as tf

    learning_rates = dict(BUDGET_LEARNING_RATES if learning_rates is None else learning_rates)
    for name, rates in learning_rates.items():
        validate.one_of("learning_rates name", name, list(ALL_COURSE_OPTIMIZERS))
        if not len(rates):
            raise ValueError(f"learning_rates[{name!r}] is empty; give at least one learning rate.")
        [validate.positive("learning_rate", rate) for rate in rates]
    seeds = [int(seed) for seed in seeds]
    if not seeds:
        raise ValueError("seeds is empty; give at least one seed.")
    num_epochs = validate.positive_int("num_epochs", num_epochs)
    batch_size = validate.positive_int("batch_size", batch_size)
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = train, validation, test

    def network():
        return keras.Sequential([keras.Input((x_train.shape[1],)),
                                 keras.layers.Dense(validate.positive_int("hidden_units", hidden_units),
                                                    activation="relu"),
                                 keras.layers.Dense(int(max(y_train.max(), y_val.max(), y_test.max())) + 1)])

    starts = []
    for seed in seeds:
        with notebook.seeded(seed):
            starts.append(network().get_weights())
    model = network()
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    loss_and_gradients = make_gradient_function(model, loss_fn)
    batches = list(tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(batch_size))

    def accuracy(x, y):
        return float(np.mean(np.argmax(model(x).numpy(), axis=1) == y))

    results = {}
    for name, rates in learning_rates.items():
        val_accuracies, tests, seconds = np.zeros((len(seeds), len(rates))), {}, 0.0
        for (row, start), (column, rate) in itertools.product(enumerate(starts), enumerate(rates)):
            model.set_weights(start)
            history = train_by_hand(ALL_COURSE_OPTIMIZERS[name](learning_rate=rate), model, batches,
                                    loss_and_gradients, num_epochs=num_epochs)
            seconds += history.seconds
            completed = history.stop_reason == "completed"
            val_accuracies[row, column] = accuracy(x_val, y_val) if completed else 0.0
            tests[row, column] = ((accuracy(x_test, y_test), float(loss_fn(y_test, model(x_test))))
                                  if completed else (0.0, float("inf")))
        best = int(np.argmax(np.median(val_accuracies, axis=0)))
        if not allow_edge and best in (0, len(rates) - 1):
            raise ValueError(f"{name}'s best learning rate, {rates[best]:g}, is at an end of its grid "
                             f"{tuple(rates)}: the best may lie beyond it; widen learning_rates[{name!r}].")
        test_accuracies = np.array([tests[row, best][0] for row in range(len(seeds))])
        results[name] = {"learning_rates": tuple(rates), "val_accuracies": val_accuracies,
                         "best_learning_rate": rates[best], "test_accuracies": test_accuracies,
                         "test_accuracy": float(np.median(test_accuracies)),
                         "test_loss": float(np.median([tests[row, best][1] for row in range(len(seeds))])),
                         "seconds": seconds}
    return results


def budget_figure(results):
    """Median validation accuracy against learning rate for each method (left), test accuracy at its kept rate (right).

    The bars of the right half span the seeds' lowest to highest test accuracy. Taught in chapter 07.
    """
    figure, (left, right) = new_figure(11.0, 3.8, ncols=2)
    names = list(results)
    for name in names:
        result = results[name]
        left.plot(result["learning_rates"], np.median(result["val_accuracies"], axis=0), "o-",
                  color=COLORS.get(name), label=name)
    left.set_xscale("log")
    left.set_xlabel("learning rate (log scale)")
    left.set_ylabel("validation accuracy (median over seeds)")
    left.set_title("choosing each method's learning rate")
    left.legend(fontsize=8, ncol=2)
    medians = np.array([results[name]["test_accuracy"] for name in names])
    lows = np.array([results[name]["test_accuracies"].min() for name in names])
    highs = np.array([results[name]["test_accuracies"].max() for name in names])
    right.barh(names, medians, xerr=[medians - lows, highs - medians], capsize=3,
               color=[COLORS.get(name, "gray") for name in names])
    for index, name in enumerate(names):
        right.text(highs[index], index, f" {medians[index]:.3f} (lr {results[name]['best_learning_rate']:g})",
                   va="center", fontsize=8)
    right.set_xlim(lows.min() - 0.05, highs.max() + 0.08)
    right.invert_yaxis()
    right.set_xlabel("test accuracy at the kept rate: median, bar from lowest to highest seed")
    right.set_title("same budget, each at its best learning rate")
    return figure


# --- 2-D surfaces and trajectories ------------------------------------------------------


@dataclass(frozen=True)
class Surface:
    """A 2-D loss surface f(x, y) with its gradient, a start point, its minimum and a plotting window."""

    name: str
    formula: str
    function: callable
    gradient: callable
    start: tuple
    minimum: tuple
    x_range: tuple
    y_range: tuple


def _ravine(point):
    x, y = point
    return 0.05 * x ** 2 + 2.0 * y ** 2


def _ravine_gradient(point):
    x, y = point
    return np.array([0.1 * x, 4.0 * y])


def _rosenbrock(point):
    x, y = point
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def _rosenbrock_gradient(point):
    x, y = point
    return np.array([-2 * (1 - x) - 400 * x * (y - x ** 2), 200 * (y - x ** 2)])


#: The surfaces of the chapter: a ravine 40 times steeper across than along, and Rosenbrock's valley.
SURFACES = {
    "ravine": Surface("ravine", "f(x, y) = 0.05x² + 2y²", _ravine, _ravine_gradient,
                      start=(-9.0, 1.5), minimum=(0.0, 0.0), x_range=(-10.0, 2.0), y_range=(-2.5, 2.5)),
    "rosenbrock": Surface("rosenbrock", "f(x, y) = (1−x)² + 100(y−x²)²", _rosenbrock,
                          _rosenbrock_gradient, start=(-1.2, 1.0), minimum=(1.0, 1.0),
                          x_range=(-2.0, 2.0), y_range=(-1.0, 3.0)),
}

#: A loss above this (or NaN) counts as diverged, and the trajectory stops there.
DIVERGED_LOSS = 1e6


def trajectory(optimizer, surface, num_steps=200):
    """Run ``optimizer`` on a surface of :data:`SURFACES` from its start point.

    Returns ``(points, losses)``: ``num_steps + 1`` points (fewer when the loss
    exceeds :data:`DIVERGED_LOSS`, where it stops) and the loss at each.
    """
    surface = SURFACES[validate.one_of("surface", surface, list(SURFACES))]
    num_steps = validate.positive_int("num_steps", num_steps)
    point = np.array(surface.start, dtype=np.float64)
    points, losses = [point], [surface.function(point)]
    for _ in range(num_steps):
        (point,) = optimizer.step([point], [surface.gradient(point)])
        loss = surface.function(point)
        if not np.isfinite(loss) or loss > DIVERGED_LOSS:
            break
        points.append(point)
        losses.append(loss)
    return np.array(points), np.array(losses)


#: How the race picks each method's learning rate: the slider's for all, or each its best on the surface.
LEARNING_RATE_CHOICES = ("one for all", "each its best")

#: The learning rates :func:`race` tries for each method with ``"each its best"``: 1e-4 to 1, 4 per decade.
RACE_LEARNING_RATES = tuple(float(rate) for rate in np.round(np.logspace(-4, 0, 17), 6))


def race(surface="ravine", learning_rate=0.1, beta1=0.9, beta2=0.999, num_steps=200, lr_choice="one for all"):
    """The five course-form optimizers from the same start on one surface: the optimizer race.

    ``beta1`` is SGDM's β and Adam's β1, ``beta2`` RMSProp's β and Adam's β2. With
    ``lr_choice="one for all"`` all five share ``learning_rate``; with ``"each its best"``
    each runs with the rate of :data:`RACE_LEARNING_RATES` that ends lowest after
    ``num_steps`` (a fair race: a method's best rate is not another's). Returns a dict
    with the surface and, per method, its learning rate, points, losses, final loss and
    whether it diverged.
    """
    learning_rate = validate.positive("learning_rate", learning_rate)
    beta1, beta2 = validate.in_range("beta1", beta1, 0.0, 0.9999), validate.in_range("beta2", beta2, 0.0, 0.9999)
    validate.one_of("lr_choice", lr_choice, LEARNING_RATE_CHOICES)

    def make(name, rate):
        return {"SGD": lambda: SGD(rate), "SGDM": lambda: SGDM(rate, beta=beta1),
                "AdaGrad": lambda: AdaGrad(rate), "RMSProp": lambda: RMSProp(rate, beta=beta2),
                "Adam": lambda: Adam(rate, beta1=beta1, beta2=beta2)}[name]()

    def run(name, rate):
        points, losses = trajectory(make(name, rate), surface, num_steps)
        diverged = len(losses) < num_steps + 1
        return {"learning_rate": rate, "points": points, "losses": losses, "final_loss": float(losses[-1]),
                "diverged": diverged}

    runs = {}
    for name in NAMES:
        if lr_choice == "one for all":
            runs[name] = run(name, learning_rate)
        else:
            tries = [run(name, rate) for rate in RACE_LEARNING_RATES]
            runs[name] = min(tries, key=lambda t: (t["diverged"], t["final_loss"]))
    return {"surface": SURFACES[surface], "learning_rate": learning_rate, "beta1": beta1,
            "beta2": beta2, "num_steps": num_steps, "lr_choice": lr_choice, "runs": runs}


#: One colour per method, the same in every figure of the chapter.
COLORS = {"SGD": "tab:blue", "SGDM": "tab:orange", "AdaGrad": "tab:green",
          "RMSProp": "tab:red", "Adam": "tab:purple", "NAG": "tab:brown", "AdaDelta": "tab:pink",
          "Nadam": "tab:olive", "AdamW": "tab:cyan"}


def draw_surface(ax, surface):
    """Contour lines of a surface of ``SURFACES``, its start (○) and minimum (★)."""
    xs = np.linspace(*surface.x_range, 120)
    ys = np.linspace(*surface.y_range, 120)
    grid_x, grid_y = np.meshgrid(xs, ys)
    values = surface.function((grid_x, grid_y))
    levels = np.geomspace(max(values.min(), 1e-3), values.max(), 15)
    ax.contour(grid_x, grid_y, values, levels=levels, colors="gray", linewidths=0.6, alpha=0.6)
    ax.plot(*surface.start, "ko", markerfacecolor="none", markersize=9)
    ax.plot(*surface.minimum, "k*", markersize=13)
    ax.set_xlim(surface.x_range)
    ax.set_ylim(surface.y_range)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(False)


def draw_paths(ax, result):
    """The trajectory of each method of a :func:`race` result over its surface."""
    surface = result["surface"]
    draw_surface(ax, surface)
    for name, run in result["runs"].items():
        points = run["points"]
        label = f"{name} (diverged)" if run["diverged"] else name
        if result.get("lr_choice", "one for all") != "one for all":
            label += f", lr {run['learning_rate']:g}"
        ax.plot(points[:, 0], points[:, 1], color=COLORS[name], linewidth=1.2, label=label)
        ax.plot(*points[-1], "o", color=COLORS[name], markersize=4)
    rate = (f"lr = {result['learning_rate']:g}" if result.get("lr_choice", "one for all") == "one for all"
            else "each its best lr")
    ax.set_title(f"{surface.formula}, {rate}, {result['num_steps']} steps", fontsize=11)


def trajectories_figure(results):
    """Several races side by side, one surface each (the ravine and Rosenbrock), with one legend."""
    figure, axes = new_figure(6.0 * len(results), 4.6, ncols=len(results))
    for ax, result in zip(np.atleast_1d(axes), results):
        draw_paths(ax, result)
        ax.legend(loc="lower right", fontsize=8)
    return figure


def iris_loss_figure(runs):
    """The training loss per epoch of each iris run, one curve per optimizer."""
    figure, ax = new_figure(7.0, 3.8)
    for run in runs:
        ax.plot(np.arange(1, len(run.losses) + 1), run.losses, color=COLORS.get(run.name),
                label=run.name)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (cross entropy)")
    ax.set_title("iris: training loss with each optimizer")
    ax.legend()
    return figure
