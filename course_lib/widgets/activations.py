"""Chapter 04's panels: an activation and its derivative, and softmax with a temperature."""

import ipywidgets as widgets
import numpy as np

from course_lib import activations
from course_lib.plots import new_figure
from course_lib.widgets.panel import Panel


def draw_curves(result):
    """The function on the left, its derivative (GradientTape and by hand) on the right."""
    figure, (ax_f, ax_d) = new_figure(10.0, 3.6, ncols=2)
    x, name = result["x"], result["name"]
    label = f"{name} (alpha {result['alpha']:.2f})" if name == "leaky_relu" else name
    ax_f.plot(x, result["y"], color="tab:blue", lw=2)
    ax_f.set_title(f"{label}(x)")
    ax_f.set_ylabel("f(x)")
    ax_d.plot(x, result["tape_derivative"], color="tab:orange", lw=3, alpha=0.6, label="GradientTape")
    ax_d.plot(x, result["analytic_derivative"], "k--", lw=1.2, label="by hand")
    ax_d.set_title(f"derivative of {label}")
    ax_d.set_ylabel("f'(x)")
    ax_d.legend()
    for ax in (ax_f, ax_d):
        ax.set_xlabel("x")
        ax.axhline(0, color="gray", lw=0.6)
        ax.axvline(0, color="gray", lw=0.6)
    derivative = result["tape_derivative"]
    caption = (f"{label} on [{x[0]:.1f}, {x[-1]:.1f}]: output from {result['y'].min():.4g} "
               f"to {result['y'].max():.4g}; derivative from {derivative.min():.4g} to "
               f"{derivative.max():.4g}; GradientTape vs by hand: largest difference "
               f"{result['max_difference']:.1e}")
    return figure, caption


def activation_panel(name="sigmoid", x_range=(-6.0, 6.0), alpha=activations.DEFAULT_ALPHA):
    """Pick an activation, an x-range and Leaky ReLU's alpha; see the function and its derivative."""
    controls = {
        "name": widgets.Dropdown(options=list(activations.ACTIVATION_NAMES), value=name,
                                 description="activation"),
        "x_range": widgets.FloatRangeSlider(value=x_range, min=-20.0, max=20.0, step=0.5,
                                            description="x range"),
        "alpha": widgets.FloatSlider(value=alpha, min=0.0, max=1.0, step=0.01,
                                     description="alpha (leaky)"),
    }
    return Panel("Activation functions (激活函数) and their derivatives", controls, activations.curves,
                 draw_curves, explanation="Where the derivative is near 0, gradients cannot flow back.")


def draw_softmax(result):
    """Bars of the probabilities beside the logits they come from."""
    figure, (ax_z, ax_p) = new_figure(9.0, 3.2, ncols=2)
    positions = np.arange(len(result["logits"]))
    ax_z.bar(positions, result["logits"], color="tab:gray")
    ax_z.set_title("logits z")
    ax_z.set_ylabel("logit")
    ax_p.bar(positions, result["probabilities"], color="tab:blue")
    ax_p.set_ylim(0, 1)
    ax_p.set_title(f"softmax(z / T), T = {result['temperature']:.2f}")
    ax_p.set_ylabel("probability")
    for ax in (ax_z, ax_p):
        ax.set_xticks(positions)
        ax.set_xlabel("class")
    probabilities = result["probabilities"]
    listed = ", ".join(f"{p:.3f}" for p in probabilities)
    caption = (f"temperature {result['temperature']:.2f}: probabilities {listed} "
               f"(sum {probabilities.sum():.3f}); largest {probabilities.max():.3f} for class "
               f"{int(probabilities.argmax())}; entropy {result['entropy']:.3f} nats "
               f"(uniform: {np.log(len(probabilities)):.3f})")
    return figure, caption


def softmax_panel(logits="2, 1, 0.1", temperature=1.0):
    """Type logits and move the temperature; the probabilities sharpen (T < 1) or flatten (T > 1)."""
    controls = {
        "logits": widgets.Text(value=logits, description="logits", continuous_update=True),
        "temperature": widgets.FloatLogSlider(value=temperature, base=10, min=-1, max=1, step=0.02,
                                              description="temperature"),
    }
    return Panel("Softmax: logits to probabilities", controls, activations.softmax_probabilities,
                 draw_softmax, explanation="softmax(z)ₖ = exp(zₖ) / Σ exp(zⱼ); dividing z by T changes how peaked it is.")
