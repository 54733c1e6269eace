"""Optimizers on 2-D loss surfaces (二维曲面上的轨迹): their paths, and the optimizer race.

A surface is a closed-form f(x, y) with its gradient; :func:`trajectory` runs one
hand-written optimizer on it and :func:`race` runs the five of the course from the
same start, for chapter 07's figures and its race panel. Taught in chapter 07.
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from course_lib import validate
from course_lib.optimizers.course_forms import COLORS, NAMES, SGD, SGDM, AdaGrad, Adam, RMSProp
from course_lib.plots import new_figure


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
    #: A local minimum that is not the global one (a trap for a method without momentum), or None.
    local_minimum: tuple = None


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


def _double_well(point):
    x, y = point
    return (x ** 2 - 1) ** 2 + 0.4 * x + 0.5 * y ** 2


def _double_well_gradient(point):
    x, y = point
    return np.array([4 * x * (x ** 2 - 1) + 0.4, y])


def _double_well_minimum(side):
    """The x of the double well's minimum on the ``side`` (−1 or +1) of its barrier: a root of 4x³ − 4x + 0.4."""
    roots = np.roots([4.0, 0.0, -4.0, 0.4]).real
    return float(roots[np.argmax(roots)] if side > 0 else roots[np.argmin(roots)])


#: The surfaces of the chapter: a ravine 40 times steeper across than along, Rosenbrock's valley,
#: and a double well whose start lies above its shallower, local minimum (局部最小值).
SURFACES = {
    "ravine": Surface("ravine", "f(x, y) = 0.05x² + 2y²", _ravine, _ravine_gradient,
                      start=(-9.0, 1.5), minimum=(0.0, 0.0), x_range=(-10.0, 2.0), y_range=(-2.5, 2.5)),
    "rosenbrock": Surface("rosenbrock", "f(x, y) = (1−x)² + 100(y−x²)²", _rosenbrock,
                          _rosenbrock_gradient, start=(-1.2, 1.0), minimum=(1.0, 1.0),
                          x_range=(-2.0, 2.0), y_range=(-1.0, 3.0)),
    "double_well": Surface("double_well", "f(x, y) = (x²−1)² + 0.4x + 0.5y²", _double_well,
                           _double_well_gradient, start=(2.0, 1.0), minimum=(_double_well_minimum(-1), 0.0),
                           x_range=(-2.0, 2.2), y_range=(-1.5, 1.5), local_minimum=(_double_well_minimum(1), 0.0)),
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

#: The learning rates :func:`race` tries for each method with ``"each its best"``: 1e-4 to 10, 4 per decade
#: (the race panel's slider offers the same 21). Wide enough that no method's best rate on the
#: chapter's surfaces is an end of the grid, where the best might lie beyond it.
RACE_LEARNING_RATES = tuple(float(f"{rate:.10g}") for rate in np.logspace(-4, 1, 21))

#: A final loss within this of the surface's minimum counts as arrived: among the rates that
#: arrive, ``"each its best"`` keeps the smallest (past it, a larger rate only wins by round-off).
ARRIVED = 1e-6


def race_run(surface, name, learning_rate, beta1, beta2, num_steps):
    """One method of the race: ``name`` of :data:`NAMES` from the surface's start, at ``learning_rate``.

    ``beta1`` is SGDM's β and Adam's β1, ``beta2`` RMSProp's β and Adam's β2. Returns a
    dict with the learning rate, points, losses, final loss and whether it diverged.
    Kept once computed (the race panel asks for the same runs in many of its states):
    treat the result as read-only.
    """
    return _race_run(validate.one_of("surface", surface, list(SURFACES)), validate.one_of("name", name, NAMES),
                     validate.positive("learning_rate", learning_rate),
                     validate.in_range("beta1", beta1, 0.0, 0.9999), validate.in_range("beta2", beta2, 0.0, 0.9999),
                     validate.positive_int("num_steps", num_steps))


@lru_cache(maxsize=4096)
def _race_run(surface, name, learning_rate, beta1, beta2, num_steps):
    optimizer = {"SGD": lambda: SGD(learning_rate), "SGDM": lambda: SGDM(learning_rate, beta=beta1),
                 "AdaGrad": lambda: AdaGrad(learning_rate), "RMSProp": lambda: RMSProp(learning_rate, beta=beta2),
                 "Adam": lambda: Adam(learning_rate, beta1=beta1, beta2=beta2)}[name]()
    points, losses = trajectory(optimizer, surface, num_steps)
    return {"learning_rate": learning_rate, "points": points, "losses": losses, "final_loss": float(losses[-1]),
            "diverged": len(losses) < num_steps + 1}


def race(surface="ravine", learning_rate=0.1, beta1=0.9, beta2=0.999, num_steps=200, lr_choice="one for all"):
    """The five course-form optimizers from the same start on one surface: the optimizer race.

    ``beta1`` is SGDM's β and Adam's β1, ``beta2`` RMSProp's β and Adam's β2. With
    ``lr_choice="one for all"`` all five share ``learning_rate``; with ``"each its best"``
    each runs with the rate of :data:`RACE_LEARNING_RATES` that ends lowest after
    ``num_steps``, or the smallest that arrives (:data:`ARRIVED`): a fair race, as a method's
    best rate is not another's; ``learning_rate`` then plays no part. Returns a dict with the surface and, per method, its :func:`race_run`.
    """
    validate.one_of("surface", surface, list(SURFACES))
    learning_rate = validate.positive("learning_rate", learning_rate)
    beta1, beta2 = validate.in_range("beta1", beta1, 0.0, 0.9999), validate.in_range("beta2", beta2, 0.0, 0.9999)
    num_steps = validate.positive_int("num_steps", num_steps)
    validate.one_of("lr_choice", lr_choice, LEARNING_RATE_CHOICES)
    lowest = SURFACES[surface].function(SURFACES[surface].minimum)
    runs = {}
    for name in NAMES:
        rates = [learning_rate] if lr_choice == "one for all" else RACE_LEARNING_RATES
        tries = [_race_run(surface, name, float(rate), beta1, beta2, num_steps) for rate in rates]
        runs[name] = min(tries, key=lambda run: (run["diverged"], max(run["final_loss"] - lowest, ARRIVED)))
    return {"surface": SURFACES[surface], "learning_rate": learning_rate, "beta1": beta1,
            "beta2": beta2, "num_steps": num_steps, "lr_choice": lr_choice, "runs": runs}


def draw_surface(ax, surface):
    """Contour lines of a surface of ``SURFACES`` (levels above its lowest value), its start (○), minimum (★)
    and local minimum (☆), if it has one."""
    if not isinstance(surface, Surface):
        raise TypeError(f"surface must be one of SURFACES, got {type(surface).__name__}.")
    xs = np.linspace(*surface.x_range, 120)
    ys = np.linspace(*surface.y_range, 120)
    grid_x, grid_y = np.meshgrid(xs, ys)
    heights = surface.function((grid_x, grid_y))
    heights = heights - heights.min()
    levels = np.geomspace(1e-3, heights.max(), 15)
    ax.contour(grid_x, grid_y, heights, levels=levels, colors="gray", linewidths=0.6, alpha=0.6)
    ax.plot(*surface.start, "ko", markerfacecolor="none", markersize=9)
    ax.plot(*surface.minimum, "k*", markersize=13)
    if surface.local_minimum is not None:
        ax.plot(*surface.local_minimum, "k*", markerfacecolor="none", markersize=13)
    ax.set_xlim(surface.x_range)
    ax.set_ylim(surface.y_range)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.grid(False)


def draw_paths(ax, result):
    """The trajectory of each method of a :func:`race` result over its surface."""
    validate.result("result", result, ("surface", "runs", "learning_rate", "num_steps"))
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
    validate.results("results", results, ("surface", "runs", "learning_rate", "num_steps"), kind=validate.LIST)
    figure, axes = new_figure(6.0 * len(results), 4.6, ncols=len(results))
    for ax, result in zip(np.atleast_1d(axes), results):
        draw_paths(ax, result)
        ax.legend(loc="lower right", fontsize=8)
    return figure
