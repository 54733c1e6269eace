"""Chapter 07's figures and the optimizer race panel (优化器赛跑).

The race runs the five course-form optimizers of :mod:`course_lib.optimizers`
from the same start on a 2-D surface and draws their paths over the contour
lines, beside their loss curves.
"""

import ipywidgets as widgets
import numpy as np

from course_lib import optimizers
from course_lib.plots import new_figure
from course_lib.widgets.panel import Panel

#: One colour per method, the same in every figure of the chapter.
COLORS = {"SGD": "tab:blue", "SGDM": "tab:orange", "AdaGrad": "tab:green",
          "RMSProp": "tab:red", "Adam": "tab:purple"}


def draw_surface(ax, surface):
    """Contour lines of a surface of ``optimizers.SURFACES``, its start (○) and minimum (★)."""
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
    """The trajectory of each method of a :func:`optimizers.race` result over its surface."""
    surface = result["surface"]
    draw_surface(ax, surface)
    for name, run in result["runs"].items():
        points = run["points"]
        label = f"{name} (diverged)" if run["diverged"] else name
        ax.plot(points[:, 0], points[:, 1], color=COLORS[name], linewidth=1.2, label=label)
        ax.plot(*points[-1], "o", color=COLORS[name], markersize=4)
    ax.set_title(f"{surface.formula}, lr = {result['learning_rate']:g}, "
                 f"{result['num_steps']} steps", fontsize=11)


def trajectories_figure(results):
    """Several races side by side, one surface each (the ravine and Rosenbrock), with one legend."""
    figure, axes = new_figure(6.0 * len(results), 4.6, ncols=len(results))
    for ax, result in zip(np.atleast_1d(axes), results):
        draw_paths(ax, result)
        ax.legend(loc="lower right", fontsize=8)
    return figure


def race_caption(result):
    """The final loss of each method after the race, and which diverged, as HTML."""
    parts = []
    for name, run in result["runs"].items():
        if run["diverged"]:
            parts.append(f"{name} <b>diverged</b> at step {len(run['losses'])}")
        else:
            parts.append(f"{name} <b>{run['final_loss']:.4g}</b>")
    return (f"{result['surface'].name}: final loss after {result['num_steps']} steps (lr "
            f"{result['learning_rate']:g}, β1 {result['beta1']:g}, β2 {result['beta2']:g}): "
            + ", ".join(parts))


def draw_race(result):
    """The paths over the contour lines and the loss of each method against the step."""
    figure, (paths, curves) = new_figure(11.0, 4.4, ncols=2)
    draw_paths(paths, result)
    for name, run in result["runs"].items():
        # log10 of the loss, floored at 1e-12 where the minimum is reached for the eye
        curves.plot(np.log10(np.maximum(run["losses"], 1e-12)), color=COLORS[name], label=name)
    curves.set_xlabel("step t")
    curves.set_ylabel("log₁₀ loss f(x, y)")
    curves.set_title("loss against step")
    curves.legend(fontsize=9)
    return figure, race_caption(result)


def optimizer_race_panel(surface="ravine", learning_rate=0.4, beta1=0.9, beta2=0.99, num_steps=100):
    """Surface, learning rate, β1, β2 and steps → the five optimizers' paths and loss curves.

    Cheap (five runs of a few hundred NumPy steps), so it redraws while dragging.
    """
    controls = {
        "surface": widgets.Dropdown(options=list(optimizers.SURFACES), value=surface,
                                    description="function"),
        "learning_rate": widgets.FloatLogSlider(value=learning_rate, base=10, min=-4, max=0,
                                                step=0.1, description="lr (学习率)",
                                                readout_format=".4f"),
        "beta1": widgets.FloatSlider(value=beta1, min=0.0, max=0.99, step=0.01,
                                     description="β1 (SGDM, Adam)"),
        "beta2": widgets.FloatSlider(value=beta2, min=0.5, max=0.999, step=0.001,
                                     description="β2 (RMSProp, Adam)", readout_format=".3f"),
        "num_steps": widgets.IntSlider(value=num_steps, min=10, max=1000, step=10,
                                       description="steps"),
    }
    for control in controls.values():
        control.style.description_width = "120px"
    return Panel("Optimizer race (优化器赛跑)", controls, optimizers.race, draw_race,
                 explanation="Five optimizers start at ○ and race to the minimum ★ with the "
                             "same learning rate. β1 is SGDM's β and Adam's β1; β2 is "
                             "RMSProp's β and Adam's β2.")


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
