"""Keras' formulas: the nine methods as ``keras.optimizers`` writes them, checked step for step.

Keras writes the course's methods with a few differences (the momentum form,
AdaGrad's initial accumulator, where ε goes, how Adam's bias correction is
applied); each ``Keras*`` class follows ``keras/src/optimizers/*.py`` operation by
operation, so that :func:`compare_with_keras` can show they match
``keras.optimizers`` step for step on a real model. Taught in chapter 07.
"""

from types import SimpleNamespace

import numpy as np

from course_lib import validate
from course_lib.optimizers.course_forms import ALL_NAMES, Optimizer
from course_lib.optimizers.training_by_hand import apply_step, iris_split, make_gradient_function

# float32 results agree with keras.optimizers to the last bits most of the time.


def _cast(value, weight):
    """A Python number as a scalar of the weight's dtype, as Keras' ops.cast does."""
    return weight.dtype.type(value)


#: The array operations :func:`adam_update` needs, for NumPy arrays.
NUMPY_OPS = SimpleNamespace(sqrt=np.sqrt, power=np.power, square=np.square, cast=_cast)


def _arrays(**arrays):
    """Refuse what is not an array or a tensor: the weight's dtype decides the arithmetic."""
    for name, value in arrays.items():
        if not (hasattr(value, "dtype") and hasattr(value, "shape")):
            raise TypeError(f"{name} must be an array or a tensor, got {type(value).__name__}.")


def adam_update(weight, gradient, m, v, step, *, learning_rate, beta_1, beta_2, epsilon, ops=NUMPY_OPS):
    """One update of ``keras.optimizers.Adam``, in Keras' order of operations; returns ``(weight, m, v)``.

    α = lr·√(1−β2^t)/(1−β1^t); m += (g−m)(1−β1); v += (g²−v)(1−β2); W ← W − m·α/(√v + ε),
    with every number cast to the weight's dtype first, as Keras does. ``ops`` holds
    ``sqrt``, ``power``, ``square`` and ``cast(value, like)``: NumPy's for
    :class:`KerasAdam`, TensorFlow's inside chapter 06's training graph. Taught in chapter 07.
    """
    _arrays(weight=weight, gradient=gradient, m=m, v=v)  # a clear error for a number or None
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
        return {"velocity": np.zeros_like(weight)} if self.momentum != 0 else {}

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
        return {"velocity": np.zeros_like(weight)}

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
        return {"m": np.zeros_like(weight), "v": np.zeros_like(weight)}

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
        return {"accumulated_grad": np.zeros_like(weight), "accumulated_delta_var": np.zeros_like(weight)}

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
        return {"m": np.zeros_like(weight), "v": np.zeros_like(weight), "u_product": np.ones((), weight.dtype)}

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
