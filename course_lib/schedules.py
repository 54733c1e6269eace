"""Learning rate (学习率) and exponential decay (指数衰减学习率) on the course's toy loss.

The source course minimises ``loss = (w + 1)²`` from ``w = 5`` by gradient
descent. The gradient is ``2 (w + 1)``, so one step

    w ← w − lr · 2 (w + 1)   ⇔   (w + 1) ← (1 − 2·lr) · (w + 1)

multiplies the distance to the minimum ``w = −1`` by the **update factor**
``1 − 2·lr``. Its size and sign decide everything: the four regimes of
:func:`regime`. The functions here are plain NumPy (float64), fast enough for
panels that redraw while a slider is dragged; the chapter runs the same loop in
TensorFlow to reproduce the source's printed trace.
"""

import functools

import numpy as np

from course_lib import checks, validate

#: Where the source starts, and where the minimum of (w + 1)² is.
W_START = 5.0
W_MINIMUM = -1.0

#: An update factor at least this close to 1 removes less than 10 % of the distance per step.
SLOW_FACTOR = 0.9

#: One learning rate per regime, drawn as references in the regimes panel.
REFERENCE_LEARNING_RATES = {"too small": 0.02, "good": 0.2, "oscillating": 0.8, "diverging": 1.05}

#: The lines the source course printed for base 0.2, decay 0.99, decay step 1, 40 epochs
#: (it shows epochs 0, 1 and 26–39). The chapter's trace is compared with them.
SOURCE_TRACE = {
    0: "After 0 epoch, w is 2.600000, loss is 36.000000, lr is 0.200000",
    1: "After 1 epoch, w is 1.174400, loss is 12.959999, lr is 0.198000",
    26: "After 26 epoch, w is -0.999952, loss is 0.000000, lr is 0.154009",
    27: "After 27 epoch, w is -0.999967, loss is 0.000000, lr is 0.152469",
    28: "After 28 epoch, w is -0.999977, loss is 0.000000, lr is 0.150944",
    29: "After 29 epoch, w is -0.999984, loss is 0.000000, lr is 0.149434",
    30: "After 30 epoch, w is -0.999989, loss is 0.000000, lr is 0.147940",
    31: "After 31 epoch, w is -0.999992, loss is 0.000000, lr is 0.146461",
    32: "After 32 epoch, w is -0.999994, loss is 0.000000, lr is 0.144996",
    33: "After 33 epoch, w is -0.999996, loss is 0.000000, lr is 0.143546",
    34: "After 34 epoch, w is -0.999997, loss is 0.000000, lr is 0.142111",
    35: "After 35 epoch, w is -0.999998, loss is 0.000000, lr is 0.140690",
    36: "After 36 epoch, w is -0.999999, loss is 0.000000, lr is 0.139283",
    37: "After 37 epoch, w is -0.999999, loss is 0.000000, lr is 0.137890",
    38: "After 38 epoch, w is -0.999999, loss is 0.000000, lr is 0.136511",
    39: "After 39 epoch, w is -0.999999, loss is 0.000000, lr is 0.135146",
}


def loss_of(w):
    """The source's loss (w + 1)², minimal (0) at w = −1."""
    return (np.asarray(w, dtype=np.float64) - W_MINIMUM) ** 2


def update_factor(learning_rate):
    """1 − 2·lr: what one gradient step multiplies the distance w − (−1) by."""
    return 1.0 - 2.0 * validate.positive("learning_rate", learning_rate)


def regime(learning_rate):
    """Name the behaviour of gradient descent on (w + 1)² at ``learning_rate``; return (name, factor).

    - "too small":   0.9 ≤ factor < 1, each step removes less than 10 % of the distance;
    - "good":        0 ≤ factor < 0.9, w walks straight to −1;
    - "oscillating": −1 < factor < 0, w jumps over −1 each step but the jumps shrink;
    - "diverging":   factor ≤ −1, the jumps never shrink (lr = 1) or grow (lr > 1).

    A factor of 1 or more would need lr ≤ 0, which :func:`update_factor` refuses.
    """
    factor = update_factor(learning_rate)
    if factor >= SLOW_FACTOR:
        return "too small", factor
    if factor >= 0.0:
        return "good", factor
    if factor > -1.0:
        return "oscillating", factor
    return "diverging", factor


def gradient_descent(learning_rates, w_start=W_START, *, rate_name="learning_rate"):
    """Gradient descent on (w + 1)² with one learning rate per epoch, as the source's loop does.

    Returns ``{"w": w after each step, "loss": loss before each step, "learning_rate": ...}``,
    the three numbers the source prints per epoch. ``learning_rates`` is a 1-D sequence.
    A run that diverges past float64's range is refused (its curve would be inf and NaN);
    ``rate_name`` is the argument the message names.
    """
    rates = np.asarray(learning_rates, dtype=np.float64)
    if rates.ndim != 1 or rates.size == 0:
        raise ValueError(f"learning_rates must be a non-empty 1-D sequence, got shape {rates.shape}.")
    for rate in rates:
        validate.positive("learning_rate", float(rate))
    w = validate.finite("w_start", w_start)
    ws, losses = np.empty_like(rates), np.empty_like(rates)
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch, rate in enumerate(rates):
            losses[epoch] = loss_of(w)
            w = w - rate * 2.0 * (w - W_MINIMUM)
            ws[epoch] = w
    if not (np.all(np.isfinite(ws)) and np.all(np.isfinite(losses))):
        first = int(np.argmin(np.isfinite(ws) & np.isfinite(losses)))
        raise ValueError(f"{rate_name} {rates[0]:g} makes w diverge beyond the largest float after "
                         f"{first} epochs; give a smaller {rate_name} or fewer epochs.")
    return {"w": ws, "loss": losses, "learning_rate": rates}


def exponential_decay(base_learning_rate, decay_rate, decay_steps, step, *, staircase=False):
    """lr = base · decay_rate^(step / decay_steps), the source's 指数衰减学习率, for one step or an array.

    With ``staircase`` the exponent is rounded down, so the rate drops once every
    ``decay_steps`` steps instead of a little at every step. This is the formula of
    ``keras.optimizers.schedules.ExponentialDecay``; there ``step`` counts optimizer
    updates (batches), in the source it counts epochs.
    """
    base = validate.positive("base_learning_rate", base_learning_rate)
    rate = validate.in_range("decay_rate", decay_rate, 0.0, 1.0)
    if rate == 0.0:
        raise ValueError("decay_rate must be greater than 0: 0 would stop learning after the first step.")
    steps = validate.positive("decay_steps", decay_steps)
    step = np.asarray(step, dtype=np.float64)
    if np.any(step < 0) or not np.all(np.isfinite(step)):
        raise ValueError("step must be 0 or more (it counts epochs or updates).")
    exponent = step / steps
    if staircase:
        exponent = np.floor(exponent)
    return base * rate ** exponent


def decay_run(base_learning_rate=0.2, decay_rate=0.99, decay_steps=1, num_epochs=40, staircase=False):
    """The source's experiment for any setting: decayed learning rates and the descent they give.

    Returns :func:`gradient_descent`'s dict plus the regime at the first and the last epoch.
    """
    num_epochs = validate.positive_int("num_epochs", num_epochs)
    rates = exponential_decay(base_learning_rate, decay_rate, decay_steps, np.arange(num_epochs),
                              staircase=staircase)
    run = gradient_descent(rates, rate_name="base_learning_rate")
    run.update(first_regime=regime(rates[0]), last_regime=regime(rates[-1]), staircase=bool(staircase))
    return run


def regimes(learning_rate=0.2, num_epochs=40):
    """The descent at ``learning_rate`` beside one reference run per regime, for the regimes panel."""
    num_epochs = validate.positive_int("num_epochs", num_epochs)
    name, factor = regime(learning_rate)
    return {"learning_rate": float(learning_rate), "regime": name, "factor": factor,
            "run": gradient_descent(np.full(num_epochs, float(learning_rate))),
            "references": dict(_reference_runs(num_epochs))}


@functools.lru_cache(maxsize=128)
def _reference_runs(num_epochs):
    """The four reference runs of ``num_epochs`` epochs, computed once (the offline panel asks for them per state)."""
    runs = {name: gradient_descent(np.full(num_epochs, rate)) for name, rate in REFERENCE_LEARNING_RATES.items()}
    for run in runs.values():
        for values in run.values():
            values.flags.writeable = False  # shared between results: nobody may change them
    return tuple(runs.items())


def trace_line(epoch, w, loss, learning_rate):
    """One line of the source's printout, in its exact format."""
    return "After %s epoch, w is %f, loss is %f, lr is %f" % (epoch, w, loss, learning_rate)


def compare_with_source(lines):
    """Check the printed trace against every line the source printed; print one stable verdict line.

    ``lines`` is the list of printed lines, one per epoch from epoch 0.
    """
    different = [epoch for epoch, expected in SOURCE_TRACE.items()
                 if epoch >= len(lines) or lines[epoch] != expected]
    if different:
        epoch = different[0]
        got = lines[epoch] if epoch < len(lines) else "nothing"
        print(f"✗ trace differs from the source at epoch {epoch}: expected\n  {SOURCE_TRACE[epoch]}\ngot\n  {got}")
        return checks.Verdict(False)
    print(f"✓ all {len(SOURCE_TRACE)} lines printed by the source are reproduced character for character")
    return checks.Verdict(True)
