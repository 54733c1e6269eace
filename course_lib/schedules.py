"""Learning rate (学习率) and exponential decay (指数衰减学习率) on the course's toy loss.

The source course minimises ``loss = (w + 1)²`` from ``w = 5`` by gradient
descent. The gradient is ``2 (w + 1)``, so one step

    w ← w − lr · 2 (w + 1)   ⇔   (w + 1) ← (1 − 2·lr) · (w + 1)

multiplies the distance to the minimum ``w = −1`` by the **update factor**
``1 − 2·lr``. Its size and sign decide everything: the four regimes of
:func:`regime`. The functions here are plain NumPy (float64), fast enough for
panels that redraw while a slider is dragged; the chapter runs the same loop in
TensorFlow to reproduce the source's printed trace.

Three demos decide what the toy loss cannot: :func:`noisy_descent` (with a noisy
gradient a constant rate stalls at :func:`noise_floor`, a decayed one goes below
it), :func:`quadratic_descent` (the limit lr < 2/λ_max, :func:`curvature_limit`)
and :func:`range_test` (a learning rate for a real network, found in a few hundred
steps).
"""

import functools

import numpy as np

from course_lib import checks, language, validate

#: Where the source starts, and where the minimum of (w + 1)² is.
W_START = 5.0
W_MINIMUM = -1.0

#: An update factor at least this close to 1 removes at most 10 % of the distance per step.
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
    return (validate.finite_array("w", w, ndim_at_least=0) - W_MINIMUM) ** 2


def update_factor(learning_rate):
    """1 − 2·lr: what one gradient step multiplies the distance w − (−1) by."""
    return 1.0 - 2.0 * validate.positive("learning_rate", learning_rate)


def regime(learning_rate):
    """Name the behaviour of gradient descent on (w + 1)² at ``learning_rate``; return (name, factor).

    - "too small":   0.9 ≤ factor < 1, each step removes at most 10 % of the distance;
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


def _learning_rates(learning_rates):
    """``learning_rates`` as a non-empty 1-D float64 array of positive rates, else a ValueError."""
    rates = validate.finite_array("learning_rates", learning_rates)
    if rates.ndim != 1:
        raise ValueError(f"learning_rates must be a non-empty 1-D sequence, got shape {rates.shape}.")
    for rate in rates:
        validate.positive("learning_rate", float(rate))
    return rates


def gradient_descent(learning_rates, w_start=W_START, *, rate_name="learning_rate"):
    """Gradient descent on (w + 1)² with one learning rate per epoch, as the source's loop does.

    Returns ``{"w": w after each step, "loss": loss before each step, "learning_rate": ...}``,
    the three numbers the source prints per epoch. ``learning_rates`` is a 1-D sequence.
    A run that diverges past float64's range is refused (its curve would be inf and NaN);
    ``rate_name`` is the argument the message names.
    """
    rates = _learning_rates(learning_rates)
    w = validate.finite("w_start", w_start)
    ws, losses = np.empty_like(rates), np.empty_like(rates)
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch, rate in enumerate(rates):
            losses[epoch] = (w - W_MINIMUM) ** 2  # loss_of(w), which refuses the inf of a run that diverged
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
    for name, value in (("w", w), ("loss", loss), ("learning_rate", learning_rate)):
        try:
            float(value)
        except OverflowError:
            raise ValueError(f"{name} is too large to print as a float.") from None
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a number, got {type(value).__name__}.") from None
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
        language.show(f"✗ trace differs from the source at epoch {epoch}: expected\n  {SOURCE_TRACE[epoch]}\ngot\n  {got}")
        return checks.Verdict(False)
    language.show(f"✓ all {len(SOURCE_TRACE)} lines printed by the source are reproduced character for character")
    return checks.Verdict(True)


def noise_floor(learning_rate, noise_std):
    """The root-mean-square distance |w + 1| at which a constant rate settles when the gradient is noisy.

    One step maps the distance d to (1 − 2·lr)·d − lr·noise; its variance settles where
    v = (1 − 2·lr)²·v + lr²·noise², that is at v = lr·noise² / (4·(1 − lr)), for 0 < lr < 1.
    Taught in chapter 03.
    """
    learning_rate = validate.positive("learning_rate", learning_rate)
    if learning_rate >= 1.0:
        raise ValueError(f"learning_rate must be below 1 for the distance to settle, got {learning_rate!r}.")
    noise_std = validate.non_negative("noise_std", noise_std)
    return noise_std / 2.0 * np.sqrt(learning_rate / (1.0 - learning_rate))


def noisy_descent(learning_rates, noise_std, *, num_runs=500, seed=0, w_start=W_START):
    """Gradient descent on (w + 1)² whose gradient is 2(w + 1) plus Gaussian noise, as a mini-batch gives it.

    Runs ``num_runs`` descents at once, each drawing its own noise of standard deviation
    ``noise_std`` at every step (seeded by ``seed``), with one learning rate per epoch, and
    returns the root-mean-square distance to the minimum, sqrt(mean over the runs of
    (w + 1)²), after each step. A constant rate stops at :func:`noise_floor`; a decaying rate
    keeps lowering it. Taught in chapter 03.
    """
    rates = _learning_rates(learning_rates)
    noise_std = validate.non_negative("noise_std", noise_std)
    num_runs = validate.positive_int("num_runs", num_runs)
    generator = np.random.default_rng(seed)
    w = np.full(num_runs, validate.finite("w_start", w_start))
    distances = np.empty_like(rates)
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch, rate in enumerate(rates):
            gradient = 2.0 * (w - W_MINIMUM) + noise_std * generator.standard_normal(num_runs)
            w = w - rate * gradient
            distances[epoch] = np.sqrt(np.mean((w - W_MINIMUM) ** 2))
    return distances


def constant_versus_decay(decayed_rates, noise_std, *, constant_rates, seeds, num_runs=500):
    """Each decayed schedule against the best constant rate of the same length, seed by seed.

    ``decayed_rates`` maps labels to per-epoch learning rates (all of one length). For
    every seed, each rate of ``constant_rates`` is run as a constant schedule by
    :func:`noisy_descent` and the one ending closest to the minimum is kept (chosen on
    that seed's own runs, which favours the constant rate); each decayed schedule then
    runs on the same noise. Returns ``best_rate`` (the best constant rate per seed),
    ``at_edge`` (whether any seed's best is the grid's smallest or largest rate: widen
    the grid then) and ``ratio``: per label, the best constant rate's final RMS distance
    divided by the decayed schedule's, one per seed (above 1: decay ends closer).
    Taught in chapter 03.
    """
    validate.curves("decayed_rates", decayed_rates)
    grid = _learning_rates(constant_rates)
    if len(grid) < 3:
        raise ValueError(f"constant_rates needs at least 3 rates for a best one inside the grid, got {len(grid)}.")
    schedules_ = {label: _learning_rates(rates) for label, rates in decayed_rates.items()}
    lengths = {len(rates) for rates in schedules_.values()}
    if len(lengths) != 1:
        raise ValueError(f"the decayed schedules must all have the same number of epochs, got {sorted(lengths)}.")
    num_epochs = lengths.pop()
    seeds = [int(seed) for seed in seeds]
    if not seeds:
        raise ValueError("give at least one seed.")
    best_rate, ratio, at_edge = [], {label: [] for label in schedules_}, False
    for seed in seeds:
        constant = [noisy_descent(np.full(num_epochs, rate), noise_std, num_runs=num_runs, seed=seed)[-1]
                    for rate in grid]
        best = int(np.nanargmin(constant))
        at_edge = at_edge or best in (0, len(grid) - 1)
        best_rate.append(grid[best])
        for label, rates in schedules_.items():
            decayed = noisy_descent(rates, noise_std, num_runs=num_runs, seed=seed)[-1]
            ratio[label].append(constant[best] / decayed)
    return {"best_rate": np.array(best_rate), "at_edge": at_edge,
            "ratio": {label: np.array(values) for label, values in ratio.items()}}


def noise_figure(distances, *, noise_std, floors=None):
    """The distances of :func:`noisy_descent` against the epoch, one curve per labelled schedule.

    ``floors`` maps labels to levels drawn as dotted lines (the :func:`noise_floor` of a rate).
    Taught in chapter 03.
    """
    from course_lib.plots import new_figure

    validate.curves("distances", distances)
    noise_std = validate.non_negative("noise_std", noise_std)
    figure, ax = new_figure(7.0, 3.6)
    for label, distance in distances.items():
        ax.semilogy(np.arange(1, len(distance) + 1), distance, label=label)
    for label, level in (floors or {}).items():
        ax.axhline(level, color="gray", linestyle=":", label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel("RMS distance |w + 1| over the runs")
    ax.set_title(f"gradient descent on (w + 1)² with gradient noise of std {noise_std:g}")
    ax.legend()
    return figure


#: Chapter 03's 2-D quadratic loss ½ wᵀ H w (minimum at w = 0): its Hessian, whose curvatures
#: (eigenvalues) are 7 and 2 along two slanted directions, and the start of the descent.
QUADRATIC_HESSIAN = np.array([[6.0, 2.0], [2.0, 3.0]])
QUADRATIC_START = np.array([-3.0, 4.0])


def _hessian(hessian):
    """``hessian`` as a symmetric positive definite float64 matrix, else a ValueError."""
    matrix = validate.finite_array("hessian", hessian, ndim_at_least=2)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"hessian must be a square matrix of finite numbers, got shape {matrix.shape}.")
    if not np.allclose(matrix, matrix.T):
        raise ValueError("hessian must be symmetric: a matrix of second derivatives always is.")
    if np.linalg.eigvalsh(matrix).min() <= 0:
        raise ValueError("hessian must be positive definite (every curvature > 0), so that the loss has one minimum.")
    return matrix


def curvature_limit(hessian):
    """2 / λ_max, λ_max the largest eigenvalue of ``hessian``: the learning rates below it converge.

    Along an eigenvector of curvature λ one step of gradient descent on ½ wᵀ H w multiplies
    the distance to the minimum by 1 − lr·λ, as 1 − 2·lr does on (w + 1)² (curvature 2).
    All of them shrink only if |1 − lr·λ| < 1 for every λ, that is lr < 2 / λ_max.
    Taught in chapter 03.
    """
    return float(2.0 / np.linalg.eigvalsh(_hessian(hessian)).max())


def quadratic_descent(hessian, learning_rate, w_start=QUADRATIC_START, num_steps=30):
    """Gradient descent on ½ wᵀ H w (gradient H w) from ``w_start``: the points and their losses.

    Returns ``{"w": (num_steps + 1, dim) points from the start, "loss": the loss at each,
    "learning_rate": ..., "limit": 2 / λ_max, "hessian": H}``. Taught in chapter 03.
    """
    matrix = _hessian(hessian)
    learning_rate = validate.positive("learning_rate", learning_rate)
    num_steps = validate.positive_int("num_steps", num_steps)
    w = np.asarray(w_start, dtype=np.float64)
    if w.shape != (matrix.shape[0],) or not np.all(np.isfinite(w)):
        raise ValueError(f"w_start must hold {matrix.shape[0]} finite numbers, got {w_start!r}.")
    points = [w]
    with np.errstate(over="ignore", invalid="ignore"):  # above the limit the path may overflow
        for _ in range(num_steps):
            w = w - learning_rate * matrix @ w
            points.append(w)
        points = np.array(points)
        loss = 0.5 * np.einsum("ni,ij,nj->n", points, matrix, points)
    return {"w": points, "loss": loss,
            "learning_rate": learning_rate, "limit": curvature_limit(matrix), "hessian": matrix}


#: How many points of each path :func:`curvature_figure` draws on the contours.
PATH_POINTS = 15


def curvature_figure(runs):
    """Runs of :func:`quadratic_descent` on one 2-D loss: their paths on its contours, and their losses.

    The contour plot shows the first :data:`PATH_POINTS` points of each path. Taught in chapter 03.
    """
    from course_lib.plots import new_figure

    validate.results("runs", runs, ("w", "loss", "learning_rate", "limit", "hessian"))
    figure, (left, right) = new_figure(10.0, 4.0, ncols=2)
    extent = 1.1 * max(np.abs(run["w"][:PATH_POINTS]).max() for run in runs)
    grid = np.linspace(-extent, extent, 201)
    w1, w2 = np.meshgrid(grid, grid)
    matrix = runs[0]["hessian"]
    loss = 0.5 * (matrix[0, 0] * w1 ** 2 + 2 * matrix[0, 1] * w1 * w2 + matrix[1, 1] * w2 ** 2)
    left.contour(w1, w2, loss, levels=np.geomspace(0.05, loss.max(), 12), colors="#bbbbbb", linewidths=0.8)
    for run in runs:
        label = f"lr {run['learning_rate']:.3f} = {run['learning_rate'] / run['limit']:.2f} · 2/λ_max"
        left.plot(run["w"][:PATH_POINTS, 0], run["w"][:PATH_POINTS, 1], "o-", markersize=3, label=label)
        right.semilogy(np.arange(len(run["loss"])), run["loss"], label=label)
    left.plot(0, 0, "k*", markersize=10, label="minimum")
    left.set_xlim(-extent, extent)
    left.set_ylim(-extent, extent)
    left.set_xlabel("w₁")
    left.set_ylabel("w₂")
    left.set_title("paths on the contours of ½ wᵀHw")
    left.legend(fontsize=8, loc="lower right")
    right.set_xlabel("step")
    right.set_ylabel("loss ½ wᵀHw")
    right.set_title("loss per step")
    right.legend(fontsize=8)
    return figure


def smooth(values, beta=0.9):
    """Exponential moving average of ``values`` with weight ``beta`` on the past, bias-corrected.

    Dividing by 1 − beta^(t+1) removes the pull towards 0 of the first values.
    Taught in chapter 03 (the range test's curve).
    """
    values = validate.real_array("values", values, ndim_at_least=1)  # a loss that blew up is smoothed too
    beta = validate.in_range("beta", beta, 0.0, 0.999)
    average, smoothed = 0.0, np.empty_like(values)
    for index, value in enumerate(values):
        average = beta * average + (1.0 - beta) * value
        smoothed[index] = average / (1.0 - beta ** (index + 1))
    return smoothed


def range_test(model, x, y, *, loss_fn, optimizer=None, min_rate=1e-4, max_rate=10.0, num_steps=200,
               batch_size=64, beta=0.9, stop_factor=4.0):
    """The learning-rate range test: train with a rate that grows from ``min_rate`` to ``max_rate``.

    Each of ``num_steps`` mini-batch steps (of ``batch_size`` rows of ``x``, ``y``, in order)
    multiplies the rate by (max_rate / min_rate)^(1 / num_steps): an ``ExponentialDecay``
    schedule with a decay rate above 1. The loss first falls faster as the rate grows, then
    blows up; the run stops when the smoothed loss (:func:`smooth`) exceeds ``stop_factor``
    times its lowest value or stops being finite. ``optimizer`` makes the optimizer from the
    schedule (default ``keras.optimizers.SGD``); it trains ``model`` in place, so pass a fresh
    model. Returns ``{"learning_rate", "loss", "smoothed"}`` per step, ``"best"`` (the rate
    at the lowest smoothed loss) and ``"suggested"`` = best / 10, a rate safely below the blow-up.
    Taught in chapter 03.
    """
    import keras
    import tensorflow as tf

    from course_lib import training

    min_rate, max_rate = validate.positive("min_rate", min_rate), validate.positive("max_rate", max_rate)
    if max_rate <= min_rate:
        raise ValueError(f"max_rate must be larger than min_rate, got {min_rate!r} and {max_rate!r}.")
    num_steps = validate.positive_int("num_steps", num_steps)
    batch_size = validate.positive_int("batch_size", batch_size)
    stop_factor = validate.positive("stop_factor", stop_factor)
    validate.same_length(x, y)
    if len(x) < num_steps * batch_size:
        raise ValueError(f"x holds {len(x)} rows; {num_steps} steps of {batch_size} need {num_steps * batch_size}.")
    schedule = keras.optimizers.schedules.ExponentialDecay(min_rate, decay_steps=num_steps,
                                                           decay_rate=max_rate / min_rate)
    train_step = training.make_train_step(model, loss_fn, (optimizer or keras.optimizers.SGD)(learning_rate=schedule), {})
    rates, losses = [], []
    for step in range(num_steps):
        rows = slice(step * batch_size, (step + 1) * batch_size)
        rates.append(float(schedule(step)))
        losses.append(float(train_step(tf.constant(x[rows]), tf.constant(y[rows]))["loss"]))
        smoothed = smooth(losses, beta)
        if not np.isfinite(smoothed[-1]) or smoothed[-1] > stop_factor * np.min(smoothed):
            break
    best = rates[int(np.argmin(smoothed))]
    return {"learning_rate": np.array(rates), "loss": np.array(losses), "smoothed": smoothed,
            "best": best, "suggested": best / 10.0}


def range_test_figure(result):
    """The loss of :func:`range_test` against the learning rate (log scale), with the best and suggested rates.

    Taught in chapter 03.
    """
    from course_lib.plots import new_figure

    validate.result("result", result, ("learning_rate", "loss", "smoothed", "best", "suggested"))
    figure, ax = new_figure(7.0, 3.6)
    ax.semilogx(result["learning_rate"], result["loss"], color="#bbbbbb", linewidth=0.8, label="loss of each batch")
    ax.semilogx(result["learning_rate"], result["smoothed"], label="smoothed loss")
    ax.axvline(result["best"], color="#d62728", linestyle=":", label=f"lowest smoothed loss, lr {result['best']:.2g}")
    ax.axvline(result["suggested"], color="#2ca02c", linestyle="--", label=f"suggested lr {result['suggested']:.2g}")
    ax.set_ylim(0, 1.5 * result["smoothed"][0])
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("training loss (cross entropy)")
    ax.set_title("learning-rate range test: one step per rate")
    ax.legend(fontsize=8)
    return figure


def rate_comparison(make_model, x, y, *, loss_fn, learning_rate, x_eval, y_eval, factor=10.0, num_steps=600,
                    batch_size=64):
    """Train a fresh model at ``learning_rate / factor``, ``learning_rate`` and ``learning_rate · factor``.

    The check a range test's suggestion needs: is the rate good, or would one ten times
    smaller or larger do better? Every run gets the same budget and the same start:
    ``make_model()`` must return the same fresh weights at every call (seed inside it),
    and each run takes the same ``num_steps`` mini-batches of ``batch_size`` rows of ``x``,
    ``y`` in order, with plain SGD at its constant rate. Returns, per rate (ascending),
    ``{"learning_rate", "loss" (per step), "smoothed" (:func:`smooth`), "final_loss"}``,
    the last being the mean ``loss_fn`` over ``x_eval``, ``y_eval`` after training
    (NaN when the run diverged). Taught in chapter 03.
    """
    import keras
    import tensorflow as tf

    from course_lib import training

    learning_rate = validate.positive("learning_rate", learning_rate)
    factor = validate.positive("factor", factor)
    if factor <= 1:
        raise ValueError(f"factor must be larger than 1, got {factor!r}.")
    num_steps = validate.positive_int("num_steps", num_steps)
    batch_size = validate.positive_int("batch_size", batch_size)
    validate.same_length(x, y)
    validate.same_length(x_eval, y_eval)
    if len(x) < num_steps * batch_size:
        raise ValueError(f"x holds {len(x)} rows; {num_steps} steps of {batch_size} need {num_steps * batch_size}.")
    runs = []
    for rate in (learning_rate / factor, learning_rate, learning_rate * factor):
        model = make_model()
        train_step = training.make_train_step(model, loss_fn, keras.optimizers.SGD(learning_rate=rate), {})
        losses = [float(train_step(tf.constant(x[step * batch_size:(step + 1) * batch_size]),
                                   tf.constant(y[step * batch_size:(step + 1) * batch_size]))["loss"])
                  for step in range(num_steps)]
        final_loss = float(np.mean(loss_fn(y_eval, model.predict(x_eval, batch_size=1000, verbose=0))))
        runs.append({"learning_rate": rate, "loss": np.array(losses), "smoothed": smooth(losses),
                     "final_loss": final_loss})
    return runs


def rate_comparison_figure(runs):
    """The smoothed training loss of each run of :func:`rate_comparison` against the step.

    Taught in chapter 03.
    """
    from course_lib.plots import new_figure

    validate.results("runs", runs, ("learning_rate", "smoothed", "final_loss"))
    figure, ax = new_figure(7.0, 3.6)
    for run, colour in zip(runs, ("#1f77b4", "#2ca02c", "#d62728")):
        ax.plot(np.arange(1, len(run["smoothed"]) + 1), run["smoothed"], color=colour,
                label=f"lr {run['learning_rate']:.3g}: test loss {run['final_loss']:.3f}")
    ax.set_ylim(0, 1.1 * max(run["smoothed"][0] for run in runs))
    ax.set_xlabel("mini-batch step")
    ax.set_ylabel("training loss (smoothed)")
    ax.set_title("the suggested rate, ten times less and ten times more")
    ax.legend(fontsize=8)
    return figure
