"""Chapter 07 exercises: reading the optimizers' formulas and writing one (优化器)."""

import numpy as np

from course_lib import checks, language

#: The weights and the first two gradients of the Adam exercise (the course's Adam, no ε).
ADAM_START = np.array([1.0, -2.0, 0.5])
ADAM_GRADIENTS = (np.array([0.5, -3.0, 0.0001]), np.array([-0.25, -1.0, 0.2]))
ADAM_LEARNING_RATE = 0.01
ADAM_BETA_1 = 0.9
ADAM_BETA_2 = 0.999

#: The AdaGrad exercise: the same gradient g for ADAGRAD_STEPS steps, then ADAGRAD_FACTOR·g.
ADAGRAD_STEPS, ADAGRAD_FACTOR = 20, 3.0

#: What a NAG answer may not call: Keras' SGD and the course's own optimizers with momentum.
NAG_FORBIDDEN = ("keras.optimizers.SGD", "course_lib.optimizers.KerasSGD", "course_lib.optimizers.NAG",
                 "course_lib.optimizers.SGDM", "course_lib.optimizers.SGD", "course_lib.optimizers.apply_step")


def _judge_keras_rate(result, learning_rate, beta):
    """None when ``result`` is the Keras learning rate that repeats the course's SGDM(lr, β), else what is wrong."""
    return checks.diagnose(result, learning_rate * (1 - beta), mistakes={
        "that is the course's learning rate: Keras' velocity sums past steps without the factor (1−β), "
        "so its learning rate has to carry that factor.": learning_rate,
        "you divided by (1−β); the course's average is (1−β) times Keras' sum, so multiply.":
            learning_rate / (1 - beta),
        "that is lr·β; the factor the course applies to g_t is (1−β).": learning_rate * beta})


def check_keras_momentum_learning_rate(keras_learning_rate):
    """Build it: ``keras_learning_rate(lr, beta)``, the Keras SGD rate (momentum=β) that repeats the course's SGDM.

    The check calls it on learning rates and β's of its own and compares with ``lr·(1−β)``.
    """
    rng = np.random.default_rng(7)
    cases = [((float(lr), float(beta)), lambda result, lr=float(lr), beta=float(beta): _judge_keras_rate(result, lr, beta))
             for lr, beta in zip(rng.uniform(0.02, 0.5, 3), rng.uniform(0.5, 0.97, 3))]
    return checks.check_function(
        "Keras learning rate equal to the course's SGDM", keras_learning_rate, cases,
        hint="write both updates out for a constant gradient g and compare the step each one settles at "
             "after many iterations.")


def _adam_steps(gradients, correct_bias=True, steps=None):
    """The course's Adam (ε = 0) from :data:`ADAM_START` after each of ``gradients``; ``steps`` overrides t."""
    weights, m, v = ADAM_START.astype(float), 0.0, 0.0
    for t, gradient in enumerate(gradients, start=1):
        t = t if steps is None else steps[t - 1]
        m = ADAM_BETA_1 * m + (1 - ADAM_BETA_1) * gradient
        v = ADAM_BETA_2 * v + (1 - ADAM_BETA_2) * gradient ** 2
        m_hat, v_hat = (m / (1 - ADAM_BETA_1 ** t), v / (1 - ADAM_BETA_2 ** t)) if correct_bias else (m, v)
        weights = weights - ADAM_LEARNING_RATE * m_hat / np.sqrt(v_hat)
    return weights


def check_two_adam_steps(answer):
    """The weights after the course's Adam (lr 0.01, ε = 0) takes :data:`ADAM_GRADIENTS` from :data:`ADAM_START`."""
    first, second = ADAM_GRADIENTS
    after_first = _adam_steps([first])
    return checks.check_answer(
        "weights after Adam's second step", answer, _adam_steps(ADAM_GRADIENTS),
        hint="work out m and V after each step (both start at 0), apply the bias correction of that step, "
             "then take the step; the moments carry over from step 1 to step 2.",
        mistakes={"you left out the bias correction: m_t and V_t start at 0 and are too small, "
                  "divide them by 1−β1^t and 1−β2^t.": _adam_steps(ADAM_GRADIENTS, correct_bias=False),
                  "you corrected step 2 with step 1's factors (1−β1 and 1−β2); at t = 2 they are 1−β1² "
                  "and 1−β2².": _adam_steps(ADAM_GRADIENTS, steps=(1, 1)),
                  "your second step forgot the first gradient: m and V carry over from step 1, they do "
                  "not start at 0 again.": after_first - ADAM_LEARNING_RATE * np.sign(second),
                  "that is the weights after the first step only; take the second one too.": after_first,
                  "those are SGD's steps lr·g; Adam divides by √V̂_t, the size of the gradients.":
                      ADAM_START - ADAM_LEARNING_RATE * (first + second),
                  "the steps go against the gradient: W_{t+1} = W_t − η_t.":
                      2 * ADAM_START - _adam_steps(ADAM_GRADIENTS)})


def check_adagrad_step_ratio(answer):
    """AdaGrad's step after :data:`ADAGRAD_STEPS` steps of g and one of ADAGRAD_FACTOR·g, as a fraction of step 1."""
    steps, factor = ADAGRAD_STEPS, ADAGRAD_FACTOR
    return checks.check_answer(
        f"AdaGrad's step {steps + 1} relative to step 1", answer, factor / np.sqrt(steps + factor ** 2),
        hint="write V_t after the first steps, add the new gradient's square, then write step "
             f"{steps + 1} and step 1 out and divide.",
        mistakes={"that is RMSProp's or Adam's behaviour, a step of about lr whatever the gradient; "
                  "AdaGrad never forgets its sum of squares.": 1.0,
                  "the step divides by the square root of V_t, not by V_t.": factor / (steps + factor ** 2),
                  "V_t sums the squares of the gradients: the new gradient adds (3g)², not 3g².":
                      factor / np.sqrt(steps + factor),
                  "V_t includes the current gradient: AdaGrad adds g_t² before it takes the step.":
                      factor / np.sqrt(steps),
                  "the step is lr·g_t/√V_t: the larger gradient is in the numerator too.":
                      1 / np.sqrt(steps + factor ** 2),
                  f"that is the ratio with the same gradient all along; step {steps + 1} gets {factor:g}·g.":
                      1 / np.sqrt(steps + 1)})


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
                                         run=_run_steps, forbidden=NAG_FORBIDDEN)
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


#: The momentum exercise: SGDM on the double well, at this learning rate (10^-1.5) for this many steps.
CROSSING_LEARNING_RATE, CROSSING_STEPS = 0.0316227766, 100
#: The β's the momentum exercise considers: 0.00 to 0.99, two decimals.
CROSSING_BETAS = tuple(float(beta) for beta in np.round(np.arange(0.0, 1.0, 0.01), 2))


def _sgdm_end(beta):
    """Where SGDM with momentum ``beta`` ends on the double well, from its start, after :data:`CROSSING_STEPS`."""
    from course_lib import optimizers

    points, _ = optimizers.trajectory(optimizers.SGDM(CROSSING_LEARNING_RATE, beta=beta), "double_well",
                                      CROSSING_STEPS)
    return points[-1]


def _crosses(beta):
    """True when SGDM with momentum ``beta`` ends on the far side of the barrier (x < 0), in the global minimum's basin."""
    return bool(_sgdm_end(beta)[0] < 0)


def check_smallest_crossing_beta(answer):
    """The smallest β of :data:`CROSSING_BETAS` with which SGDM (lr :data:`CROSSING_LEARNING_RATE`,
    :data:`CROSSING_STEPS` steps) crosses the double well's barrier into its global minimum.

    A wrong β is run: the message says on which side SGDM ends with it, never the answer.
    """
    name = "smallest momentum β that crosses the barrier"
    hint = ("run optimizers.trajectory(optimizers.SGDM(learning_rate, beta=...), \"double_well\", num_steps) for "
            "several β and look at the sign of x at the last point: x < 0 is the global minimum's side.")
    if checks.is_not_attempted(answer):
        return checks.not_attempted(name, hint)
    problem = checks.number_problem(answer)
    if problem is not None:
        return checks.fail(name, problem)
    beta = float(checks.as_array(answer))
    expected = next(candidate for candidate in CROSSING_BETAS if _crosses(candidate))
    if abs(beta - expected) < 0.005:
        language.show(f"✓ {name}: correct.")
        return checks.Verdict(True)
    if not 0.0 <= beta < 1.0:
        return checks.fail(name, f"β is the share of the last first moment kept at each step: it lies in [0, 1), "
                                 f"got {beta:g}.")
    end = _sgdm_end(beta)
    if end[0] >= 0:
        return checks.fail(name, f"with β = {beta:g} SGDM ends at x = {end[0]:.3f}, still in the local minimum's "
                                 "basin (x > 0): it does not cross.")
    return checks.fail(name, f"with β = {beta:g} SGDM does cross (it ends at x = {end[0]:.3f}), but a smaller β "
                             "crosses too: look for the smallest, to two decimals.")
