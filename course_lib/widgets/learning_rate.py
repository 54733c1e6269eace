"""Chapter 03's panels: the four learning-rate regimes, and exponential decay while you drag."""

import ipywidgets as widgets
import numpy as np

from course_lib import schedules
from course_lib.plots import new_figure
from course_lib.widgets.panel import Panel

REGIME_COLORS = {"too small": "tab:gray", "good": "tab:green",
                 "oscillating": "tab:orange", "diverging": "tab:red"}


def _epochs(run):
    return np.arange(len(run["w"]))


def draw_regimes(result):
    """w against the epoch for the four reference rates and the chosen one; the path on the parabola."""
    figure, (ax_w, ax_path) = new_figure(10.0, 3.8, ncols=2)
    for name, run in result["references"].items():
        rate = schedules.REFERENCE_LEARNING_RATES[name]
        ax_w.plot(_epochs(run), run["w"], color=REGIME_COLORS[name], alpha=0.45, lw=1.2,
                  label=f"{name} (lr {rate})")
    run = result["run"]
    ax_w.plot(_epochs(run), run["w"], color="black", lw=2.2, label=f"your lr {result['learning_rate']:.3f}")
    ax_w.axhline(schedules.W_MINIMUM, color="tab:blue", ls=":", lw=1)
    ax_w.set_yscale("symlog", linthresh=1.0)
    ax_w.set_xlabel("epoch")
    ax_w.set_ylabel("w after the step (symlog)")
    ax_w.set_title("w against the epoch")
    ax_w.legend(fontsize=8, loc="upper right")

    path = np.concatenate([[schedules.W_START], run["w"][:12]])
    path = path[np.isfinite(path) & (np.abs(path) < 1e3)]
    span = max(7.0, float(np.max(np.abs(path - schedules.W_MINIMUM))) * 1.1)
    grid = np.linspace(schedules.W_MINIMUM - span, schedules.W_MINIMUM + span, 300)
    ax_path.plot(grid, schedules.loss_of(grid), color="tab:blue", lw=1.2)
    ax_path.plot(path, schedules.loss_of(path), "o-", color=REGIME_COLORS[result["regime"]], ms=4)
    ax_path.set_xlabel("w")
    ax_path.set_ylabel("loss = (w + 1)²")
    ax_path.set_title("the first 12 steps on the loss")
    w_final = run["w"][-1]
    caption = (f"learning rate {result['learning_rate']:.3f}: regime <b>{result['regime']}</b> "
               f"(update factor 1 − 2·lr = {result['factor']:.2f}); "
               f"after {len(run['w'])} epochs w = {w_final:.6g}, loss = {schedules.loss_of(w_final):.3g}")
    return figure, caption


def learning_rate_regimes_panel(learning_rate=0.2, num_epochs=40):
    """A learning-rate slider; all four regimes on the same axes and the name of the current one."""
    controls = {
        "learning_rate": widgets.FloatSlider(value=learning_rate, min=0.005, max=1.2, step=0.005,
                                             readout_format=".3f", description="learning rate"),
        "num_epochs": widgets.IntSlider(value=num_epochs, min=5, max=100, description="epochs"),
    }
    return Panel("Learning rate (学习率): four regimes on loss = (w + 1)²", controls,
                 schedules.regimes, draw_regimes,
                 explanation="Each step multiplies the distance to w = −1 by 1 − 2·lr.")


def draw_decay_run(result):
    """Three curves against the epoch: w, loss (log scale) and the decayed learning rate."""
    figure, (ax_w, ax_loss, ax_rate) = new_figure(11.0, 3.4, ncols=3)
    epochs = _epochs(result)
    ax_w.plot(epochs, result["w"], color="black")
    ax_w.axhline(schedules.W_MINIMUM, color="tab:blue", ls=":", lw=1)
    ax_w.set_title("w")
    ax_w.set_ylabel("w after the step")
    ax_loss.semilogy(epochs, np.maximum(result["loss"], 1e-16), color="tab:red")
    ax_loss.set_title("loss (before the step)")
    ax_loss.set_ylabel("(w + 1)², log scale, floor 1e-16")
    ax_rate.plot(epochs, result["learning_rate"], color="tab:green",
                 drawstyle="steps-post" if result["staircase"] else "default")
    ax_rate.set_title("learning rate")
    ax_rate.set_ylabel("lr")
    for ax in (ax_w, ax_loss, ax_rate):
        ax.set_xlabel("epoch")
    rates = result["learning_rate"]
    (first, first_factor), (last, last_factor) = result["first_regime"], result["last_regime"]
    caption = (f"after {len(epochs)} epochs: w = {result['w'][-1]:.6f}, "
               f"loss = {schedules.loss_of(result['w'][-1]):.3g}, "
               f"lr {rates[0]:.4f} → {rates[-1]:.4f}"
               f"{' (staircase)' if result['staircase'] else ''}; "
               f"regime {first} (factor {first_factor:.2f}) at the start, "
               f"{last} (factor {last_factor:.2f}) at the end")
    return figure, caption


def exponential_decay_panel(base_learning_rate=0.2, decay_rate=0.99, decay_steps=1, num_epochs=40,
                            staircase=False):
    """Sliders for base lr, decay rate, decay step and epochs; w, loss and lr redraw while you drag."""
    controls = {
        "base_learning_rate": widgets.FloatSlider(value=base_learning_rate, min=0.01, max=1.2, step=0.01,
                                                  description="base lr"),
        "decay_rate": widgets.FloatSlider(value=decay_rate, min=0.5, max=1.0, step=0.005,
                                          readout_format=".3f", description="decay rate"),
        "decay_steps": widgets.IntSlider(value=decay_steps, min=1, max=20, description="decay step"),
        "num_epochs": widgets.IntSlider(value=num_epochs, min=5, max=200, description="epochs"),
        "staircase": widgets.Checkbox(value=staircase, description="staircase"),
    }
    return Panel("Exponential decay (指数衰减学习率): lr = base · decay^(epoch / step)", controls,
                 schedules.decay_run, draw_decay_run,
                 explanation="Start large to get close fast, then shrink the steps to settle.")
