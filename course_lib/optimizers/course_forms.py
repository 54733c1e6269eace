"""The course's formulas (优化器的通用框架): every hand-written optimizer's interface, and the nine methods.

At step ``t``, with gradient ``g_t``, the course computes a first moment ``m_t``
(一阶动量) and a second moment ``V_t`` (二阶动量) and steps ``W ← W − lr · m_t / √V_t``.
The methods differ only in their moments, so each class here defines just
``moments``: SGD, SGDM, AdaGrad, RMSProp and Adam (the five of the course), and NAG,
AdaDelta, Nadam and AdamW (the four it names in its history without writing them
out). :class:`Optimizer` is the interface every hand-written optimizer of the
course shares, the Keras forms of :mod:`course_lib.optimizers.keras_forms` too:
``step(weights, gradients)`` takes lists of NumPy arrays and returns the new
weights, keeping the moments inside. Taught in chapter 07.
"""

import copy

import numpy as np

from course_lib import validate

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


# --- The course's five methods -------------------------------------------------------------


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
        return {"m": np.zeros_like(weight)}

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
        return {"v": np.zeros_like(weight)}

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
        return {"v": np.zeros_like(weight)}

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
        return {"m": np.zeros_like(weight), "v": np.zeros_like(weight)}

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
        return {"v": np.zeros_like(weight), "d": np.zeros_like(weight)}

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


#: Every course-form optimizer by name: the five of the course and the four it only names.
ALL_COURSE_OPTIMIZERS = {**COURSE_OPTIMIZERS, **MORE_COURSE_OPTIMIZERS}

#: One colour per method, the same in every figure of the chapter.
COLORS = {"SGD": "tab:blue", "SGDM": "tab:orange", "AdaGrad": "tab:green",
          "RMSProp": "tab:red", "Adam": "tab:purple", "NAG": "tab:brown", "AdaDelta": "tab:pink",
          "Nadam": "tab:olive", "AdamW": "tab:cyan"}
