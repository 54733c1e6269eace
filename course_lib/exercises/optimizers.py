"""Chapter 07 exercises: reading the optimizers' formulas and writing one (优化器)."""

import numpy as np

from course_lib import checks

#: The weights and first gradient of the Adam exercise.
ADAM_START = np.array([1.0, -2.0, 0.5])
ADAM_GRADIENT = np.array([0.5, -3.0, 0.0001])
ADAM_LEARNING_RATE = 0.01


def check_keras_momentum_learning_rate(answer):
    """Which Keras SGD learning rate (momentum=0.9) takes the same steps as the course's SGDM, lr=0.1, β=0.9?"""
    return checks.check_answer(
        "Keras learning rate equal to the course's SGDM", answer, 0.1 * (1 - 0.9),
        hint="write both updates out for a constant gradient g and compare the step each one "
             "settles at after many iterations.",
        mistakes={"that is the course's learning rate: Keras' velocity sums past steps without the "
                  "factor (1−β), so its learning rate has to carry that factor.": 0.1,
                  "you divided by (1−β); the course's average is (1−β) times Keras' sum, "
                  "so multiply.": 1.0,
                  "that is lr·β; the factor the course applies to g_t is (1−β).": 0.09})


def check_first_adam_step(answer):
    """The weights after the course's Adam takes its first step (lr 0.01, ε = 0) from ADAM_START."""
    sign = np.sign(ADAM_GRADIENT)
    no_correction = ADAM_START - ADAM_LEARNING_RATE * 0.1 / np.sqrt(0.001) * sign
    return checks.check_answer(
        "weights after Adam's first step", answer, ADAM_START - ADAM_LEARNING_RATE * sign,
        hint="work out m_1 and V_1 from the formulas (both start at 0), apply the bias correction, "
             "then take the step.",
        mistakes={"you left out the bias correction: m_1 = 0.1·g and V_1 = 0.001·g² are both "
                  "too small, and their ratio is √10 times too large.": no_correction,
                  "that is SGD's step lr·g; Adam divides by √V̂_t, the size of the gradient.":
                      ADAM_START - ADAM_LEARNING_RATE * ADAM_GRADIENT,
                  "the step goes against the gradient: W_{t+1} = W_t − η_t.":
                      ADAM_START + ADAM_LEARNING_RATE * sign})


def check_adagrad_step_ratio(answer):
    """With a constant gradient, AdaGrad's 100th step as a fraction of its first one."""
    return checks.check_answer(
        "AdaGrad's step 100 relative to step 1", answer, 1 / np.sqrt(100),
        hint="with the same gradient g every time, what is V_t after t steps? Write step t and "
             "step 1 out and divide.",
        mistakes={"V_t is a sum of squares and the step divides by its square root: "
                  "1/√t, not 1/t.": 1 / 100,
                  "that is RMSProp's behaviour; AdaGrad never forgets, its steps keep shrinking.": 1.0})


def _keras_nesterov_weights(weight, gradients, learning_rate, momentum):
    """The weight after ``keras.optimizers.SGD(nesterov=True)`` applies each gradient in turn."""
    import keras

    variable = keras.Variable(weight)
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum, nesterov=True)
    for gradient in gradients:
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(gradient), variable)])
    return np.asarray(variable.numpy())


def _run_steps(step, weight, gradients, learning_rate, momentum):
    """The weight after ``step(weight, gradient, velocity, learning_rate, momentum)`` for each gradient."""
    velocity = np.zeros_like(weight)
    for gradient in gradients:
        weight, velocity = step(weight, gradient, velocity, learning_rate, momentum)
    return weight


def check_nag_step(nag_step, seed=None):
    """Build it: one step of Keras' NAG, ``nag_step(weight, gradient, velocity, learning_rate, momentum)``.

    The check runs the student's function for three steps on fresh random inputs (a
    new draw each time, unless ``seed`` is given), carrying the velocity it returns, and
    compares the weights with ``keras.optimizers.SGD(momentum=..., nesterov=True)``.
    """
    from course_lib import optimizers

    name = "NAG step against keras.optimizers.SGD(nesterov=True)"
    hint = ("keep Keras' velocity, momentum·velocity − lr·g, and move the weight to where that velocity "
            "is about to carry it (the nesterov branch of keras/src/optimizers/sgd.py); "
            "return (new_weight, new_velocity).")
    rng = np.random.default_rng(seed)
    weight = rng.normal(size=(3, 4)).astype(np.float32)
    gradients = [rng.normal(size=(3, 4)).astype(np.float32) for _ in range(3)]
    learning_rate, momentum = float(rng.uniform(0.05, 0.2)), float(rng.uniform(0.5, 0.95))

    result, verdict = checks.call_answer(name, nag_step, weight, gradients, learning_rate, momentum, hint=hint,
                                         run=_run_steps)
    if verdict is not None:
        return verdict
    expected = _keras_nesterov_weights(weight, gradients, learning_rate, momentum)

    def by(optimizer):
        new = weight
        for gradient in gradients:
            (new,) = optimizer.step([new], [gradient])
        return new

    def climbing(w, g, velocity, lr, mu):
        velocity = mu * velocity - lr * g
        return w - (mu * velocity - lr * g), velocity

    return checks.check_answer(
        name, result, expected, hint=hint, rtol=1e-5, atol=1e-6,
        mistakes={"that is plain momentum (W + velocity): NAG steps by momentum·velocity − lr·g, "
                  "the look-ahead.": by(optimizers.KerasSGD(learning_rate, momentum)),
                  "that is the course's NAG (an average of gradients, no lr inside the velocity); "
                  "Keras' velocity sums steps with lr inside: velocity = momentum·velocity − lr·g.":
                      by(optimizers.NAG(learning_rate, beta=momentum)),
                  "the weights climb: Keras' velocity already points downhill (− lr·g), so add it.":
                      _run_steps(climbing, weight, gradients, learning_rate, momentum)})
