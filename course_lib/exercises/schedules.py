"""Chapter 03 exercises: the update factor, the decayed learning rate, and a schedule of your own."""

import numpy as np

from course_lib import checks, notebook, schedules


def check_w_after_three_steps(answer):
    """w after three gradient steps with learning rate 0.7 from w = 5 on (w + 1)²."""
    factor = 1 - 2 * 0.7
    distance = schedules.W_START - schedules.W_MINIMUM
    return checks.check_answer(
        "w after 3 steps at lr 0.7", answer, schedules.W_MINIMUM + distance * factor ** 3,
        hint="each step multiplies the distance w − (−1) by 1 − 2·lr; start 6 away from −1.",
        mistakes={"you multiplied w itself by the factor; it is the distance to −1 that shrinks.":
                  schedules.W_START * factor ** 3,
                  "that is the distance to the minimum; add the minimum, −1, back.": distance * factor ** 3,
                  "the factor is 1 − 2·lr (the gradient of (w + 1)² is 2(w + 1)), not 1 − lr.":
                  schedules.W_MINIMUM + distance * (1 - 0.7) ** 3})


def check_staircase_rate(answer):
    """The staircase learning rate at epoch 25 for base 0.2, decay rate 0.96, decay step 10."""
    return checks.check_answer(
        "staircase lr at epoch 25", answer,
        schedules.exponential_decay(0.2, 0.96, 10, 25, staircase=True),
        hint="staircase rounds epoch / decay_step down before it becomes the exponent.",
        mistakes={"that is the smooth schedule: with staircase the exponent 25 / 10 is rounded down.":
                  schedules.exponential_decay(0.2, 0.96, 10, 25),
                  "the exponent is epoch / decay_step, not epoch.": 0.2 * 0.96 ** 25,
                  "the exponent rounds down (floor), not to the nearest whole number.": 0.2 * 0.96 ** 3,
                  "that is the base rate: by epoch 25 the staircase has dropped.": 0.2,
                  "that is the chapter's staircase, which decays by 0.9; this one decays by 0.96.": 0.2 * 0.9 ** 2})


#: Exercise 3's loss is EDGE_SCALE·(w + 1)²: the chapter's table gives the edge for a scale of 1.
EDGE_SCALE = 3.0


def check_largest_converging_rate(answer):
    """The learning rate at and above which descent on 3·(w + 1)² no longer converges.

    The gradient 6(w + 1) makes the update factor 1 − 6·lr, so the edge is lr = 1/3; the
    chapter's table, for (w + 1)², says 1.
    """
    k = 2 * EDGE_SCALE  # the update factor is 1 − k·lr
    return checks.check_answer(
        "first learning rate that does not converge on 3·(w + 1)²", answer, 2 / k,
        hint="derive the update factor for this loss as the chapter did for (w + 1)²: its gradient "
             "is 3 times larger. For which learning rates does the factor stop shrinking the distance?",
        mistakes={"that is the edge for (w + 1)², from the chapter's table; this loss's gradient, "
                  "6(w + 1), is 3 times larger.": 1.0,
                  "at that rate the factor is 0: one step lands exactly on −1, the fastest possible.": 1 / k,
                  "the gradient of 3(w + 1)² is 6(w + 1), not 3(w + 1): the factor is 1 − 6·lr.": 2 / EDGE_SCALE,
                  "that is the edge of the oscillating regime for (w + 1)²; redo it with the gradient "
                  "6(w + 1).": 0.5})


#: The schedule the build-it exercise's check asks for: new numbers, not the chapter's.
BUILD_SCHEDULE = {"initial_learning_rate": 0.05, "decay_steps": 7, "decay_rate": 0.8}
#: What the build-it exercise asks you to write, so your class may not call it: Keras' schedule and the course's.
FORBIDDEN = ("keras.optimizers.schedules.ExponentialDecay", "course_lib.schedules.exponential_decay")
#: Optimizer steps at which the check asks the schedule for its rate, and the training run it uses.
BUILD_STEPS = (0, 3, 7, 12, 30, 101)
BUILD_EPOCHS, BUILD_BATCH_SIZE = 3, 16


def _rates_of(schedule, steps):
    """The rates ``schedule`` gives at ``steps``, each asked as the optimizer asks: an int64 tensor."""
    import tensorflow as tf

    return [schedule(tf.constant(step, tf.int64)) for step in steps]


def _fit_with(schedule):
    """Fit a small iris model for a few epochs with SGD(learning_rate=schedule); return the optimizer."""
    import keras

    from course_lib import data

    x, y = data.load_iris(shuffle_seed=116)
    with notebook.seeded(0):
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
        optimizer = keras.optimizers.SGD(learning_rate=schedule)
        model.compile(optimizer=optimizer, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(x[:64], y[:64], batch_size=BUILD_BATCH_SIZE, epochs=BUILD_EPOCHS, shuffle=False, verbose=0)
    return optimizer


def check_exponential_decay_schedule(schedule_class):
    """Your ``LearningRateSchedule`` class: the rates it gives, and a real ``fit`` driven by it.

    The check builds the schedule with :data:`BUILD_SCHEDULE`, asks it for the rate at
    :data:`BUILD_STEPS` (int64 tensors, as an optimizer passes them) and compares with the
    formula of ``keras.optimizers.schedules.ExponentialDecay``; then it fits a small iris
    model with ``SGD(learning_rate=your schedule)`` and compares the optimizer's rate after
    the last step with the formula's. Keras' ``ExponentialDecay`` (or a subclass of it) and
    the course's :func:`course_lib.schedules.exponential_decay` are what the exercise asks you
    to write: handed in, or called from your class, they fail (:data:`FORBIDDEN`).
    """
    import keras

    name = "exponential-decay schedule"
    hint = "__call__ must return initial_learning_rate · decay_rate^(step / decay_steps)."
    keras_schedule = keras.optimizers.schedules.ExponentialDecay
    if isinstance(schedule_class, type) and issubclass(schedule_class, keras_schedule):
        return checks.fail(name, "that is Keras' own ExponentialDecay (or built on it), which is what this exercise "
                                 "asks you to write: subclass LearningRateSchedule and compute the rate in "
                                 "__call__ yourself.")
    if schedule_class is not checks.NOT_ATTEMPTED and not (
            isinstance(schedule_class, type)
            and issubclass(schedule_class, keras.optimizers.schedules.LearningRateSchedule)):
        return checks.fail(name, "pass your class itself (MyExponentialDecay, not MyExponentialDecay(...)), a "
                                 "subclass of keras.optimizers.schedules.LearningRateSchedule, so that the "
                                 "check can build it with its own numbers.")
    given, verdict = checks.call_answer(
        name, schedule_class, hint=hint, run=lambda cls: _rates_of(cls(**BUILD_SCHEDULE), BUILD_STEPS),
        forbidden=FORBIDDEN,
        error_hint="The optimizer passes `step` as an integer tensor: tf.cast(step, tf.float32) before dividing.")
    if verdict is not None:
        return verdict
    if any(rate is checks.NOT_ATTEMPTED for rate in given):
        return checks.not_attempted(name, hint)
    initial, steps, rate = (BUILD_SCHEDULE[key] for key in ("initial_learning_rate", "decay_steps", "decay_rate"))
    step = np.array(BUILD_STEPS, dtype=np.float64)
    expected = schedules.exponential_decay(initial, rate, steps, step)
    verdict = checks.check_answer(
        f"{name}: rates at steps {list(BUILD_STEPS)}", given, expected, rtol=1e-5,
        hint=f"{hint} Use the numbers stored in __init__.",
        mistakes={"that is the staircase schedule: do not round step / decay_steps down.":
                  schedules.exponential_decay(initial, rate, steps, step, staircase=True),
                  "the exponent is step / decay_steps, not step: the rate falls decay_steps times too fast.":
                  initial * rate ** step,
                  "the exponent is step / decay_steps, not step · decay_steps.": initial * rate ** (step * steps),
                  "your rate does not change: use `step` in the exponent.": np.full(len(step), initial)})
    if not verdict:
        return verdict
    optimizer, verdict = checks.call_answer(
        f"{name} in fit", schedule_class, hint=hint, run=lambda cls: _fit_with(cls(**BUILD_SCHEDULE)),
        forbidden=FORBIDDEN,
        error_hint="Inside fit, `step` is a symbolic tensor: compute with TensorFlow operations (tf.cast, **, *), "
                   "not float(step) or step.numpy().")
    if verdict is not None:
        return verdict
    iterations = int(optimizer.iterations)
    return checks.check_answer(
        f"{name}: learning rate after fit ({iterations} SGD steps)", float(optimizer.learning_rate),
        schedules.exponential_decay(initial, rate, steps, iterations), rtol=1e-5,
        hint="the rates are right when the check asks, but not inside fit: compute the rate from `step` "
             "in __call__, not once in __init__.")


#: What the range-test exercise asks you to write, so your function may not call them.
SUGGEST_FORBIDDEN = ("course_lib.schedules.smooth", "course_lib.schedules.range_test")
#: The smoothing weight of the range test's rule (``schedules.range_test``'s default).
SUGGEST_BETA = 0.9


def range_test_curve(num_steps, seed):
    """A made-up range-test record: rates growing from 1e-4 to 10, a loss that falls, then blows up, with noise.

    One batch's loss is noisy, and each curve holds a single lucky batch far below its
    neighbours a few steps before the smoothed minimum: its raw minimum is not the rule's.
    """
    rng = np.random.default_rng(seed)
    rates = 1e-4 * (1e5) ** (np.arange(num_steps) / num_steps)
    log_rate = np.log10(rates)
    edge = rng.uniform(-1.2, -0.2)  # where the loss is lowest, in log10 of the rate
    losses = 2.3 - 2.0 / (1.0 + np.exp(-3.0 * (log_rate + 2.5))) + np.exp(4.0 * (log_rate - edge))
    losses *= 1.0 + 0.08 * rng.standard_normal(num_steps)
    lucky = int(np.argmin(np.abs(log_rate - (edge - 0.6))))
    losses[lucky] *= 0.3
    return rates, losses


def _suggestion_case(rates, losses):
    """The rule and the values its usual slips give, for one made-up curve."""
    expected = rates[int(np.argmin(schedules.smooth(losses, SUGGEST_BETA)))] / 10
    average, uncorrected = 0.0, []
    for loss in losses:
        average = SUGGEST_BETA * average + (1 - SUGGEST_BETA) * loss
        uncorrected.append(average)
    mistakes = {
        "that is where the smoothed loss is lowest: the red line of the chapter's figure. Which line "
        "is the suggestion?": expected * 10,
        "one lucky batch decides your rate: compare your choice with the grey and the blue curve of the "
        "chapter's figure.":
        rates[int(np.argmin(losses))] / 10,
        "your smoothed curve is lowest at its first step: without the bias correction the moving average "
        "starts near 0 (plot it).": rates[int(np.argmin(uncorrected))] / 10,
        "that rate comes from the highest smoothed loss, where the run blew up.":
        rates[int(np.argmax(schedules.smooth(losses, SUGGEST_BETA)))] / 10,
    }
    return expected, mistakes


def check_suggest_learning_rate(suggest_learning_rate):
    """Your ``suggest_learning_rate(learning_rates, losses)``: the range test's rule, on curves of the check's own.

    The rule of ``schedules.range_test``: smooth the losses with a bias-corrected moving
    average of weight 0.9, take the rate at the lowest smoothed loss, divide it by 10.
    The curves are made up by :func:`range_test_curve` (fresh lengths and seeds), so no
    number of the chapter passes; the course's ``smooth`` and ``range_test`` are forbidden.
    """
    hint = ("follow the rule of the range-test section step by step, and plot your smoothed curve "
            "against the raw losses to see whether it follows them.")
    cases = []
    for num_steps, seed in ((180, 11), (240, 29), (150, 47)):
        rates, losses = range_test_curve(num_steps, seed)
        expected, mistakes = _suggestion_case(rates, losses)
        cases.append(((rates.copy(), losses.copy()),
                      lambda given, expected=expected, mistakes=mistakes:
                      checks.diagnose(given, expected, rtol=1e-9, mistakes=mistakes)))
    return checks.check_function("suggest_learning_rate", suggest_learning_rate, cases, hint=hint,
                                 forbidden=SUGGEST_FORBIDDEN)
