"""Chapter 05's panels: CE against MSE for one prediction, and the sales forecast under cost and profit."""

import ipywidgets as widgets
import numpy as np

from course_lib import losses
from course_lib.plots import new_figure
from course_lib.widgets.panel import Panel

_PROBABILITIES = np.linspace(0.005, 1.0, 200)


def draw_probability_losses(result):
    """CE and MSE against the true class's probability (left) and their slopes (right), the slider's point marked."""
    curves = [losses.probability_losses(p) for p in _PROBABILITIES]
    figure, (left, right) = new_figure(8.4, 3.4, ncols=2)
    for key, label, color in (("ce", "cross entropy −ln p", "tab:blue"), ("mse", "MSE (1 − p)²", "tab:orange")):
        left.plot(_PROBABILITIES, [c[key] for c in curves], color=color, label=label)
        left.plot(result["probability"], result[key], "o", color=color)
        right.plot(_PROBABILITIES, [c[f"{key}_slope"] for c in curves], color=color, label=label)
        right.plot(result["probability"], result[f"{key}_slope"], "o", color=color)
    left.set(xlabel="predicted probability of the true class p", ylabel="loss", ylim=(0, 5),
             title="loss")
    right.set(xlabel="predicted probability of the true class p", ylabel="d loss / d logit",
              title="gradient with respect to the logit")
    left.legend()
    caption = (f"p = <b>{result['probability']:.3f}</b>: CE = <b>{result['ce']:.3f}</b>, "
               f"MSE = <b>{result['mse']:.3f}</b>; gradient with respect to the logit: "
               f"CE <b>{result['ce_slope']:.3f}</b>, MSE <b>{result['mse_slope']:.3f}</b>")
    return figure, caption


def ce_vs_mse_panel(probability=0.3):
    """A slider for the probability given to the true class; CE, MSE and their gradients follow."""
    controls = {"probability": widgets.FloatSlider(value=probability, min=0.01, max=1.0, step=0.01,
                                                   description="p (true class)")}
    return Panel("Cross entropy against MSE (交叉熵 vs 均方误差)", controls,
                 losses.probability_losses, draw_probability_losses,
                 explanation="Slide p towards 0, a confident wrong answer: the CE gradient stays "
                             "near −1, the MSE gradient fades to 0.")


def draw_sales_fit(result):
    """The asymmetric loss of one forecast error (left) and each day's error after the fit (right)."""
    figure, (left, right) = new_figure(8.4, 3.4, ncols=2)
    errors = np.linspace(-0.1, 0.1, 201)
    left.plot(errors, np.where(errors > 0, result["cost"] * errors, -result["profit"] * errors),
              color="tab:purple")
    left.set(xlabel="forecast − true sales", ylabel="loss of one day",
             title=f"slopes: −{result['profit']:g} (under), +{result['cost']:g} (over)")
    residuals = np.sort(result["predictions"] - result["true"])
    colors = np.where(residuals > 0, "tab:red", "tab:green")
    right.bar(np.arange(len(residuals)), residuals, color=colors)
    right.axhline(0.0, color="black", linewidth=0.8)
    limit = max(0.12, 1.1 * np.abs(residuals).max())
    right.set(xlabel="day (sorted)", ylabel="forecast − true sales", ylim=(-limit, limit),
              title="red: over-predicted, green: under")
    w1, w2 = result["weights"]
    caption = (f"cost {result['cost']:g}, profit {result['profit']:g}: fitted w1 = <b>{w1:.3f}</b>, "
               f"w2 = <b>{w2:.3f}</b> (the true sales follow w = 1, 1); forecast above the true sales on "
               f"<b>{result['above_share']:.0%}</b> of the days (theory: profit / (cost + profit) = "
               f"{result['quantile']:.0%}); loss = {result['loss']:.3f}")
    return figure, caption


def sales_panel(cost=1.0, profit=99.0):
    """Sliders for the cost of an unsold unit and the profit of a sold one; the forecast is refitted."""
    controls = {
        "cost": widgets.FloatSlider(value=cost, min=1.0, max=99.0, step=1.0, description="COST",
                                    continuous_update=False),
        "profit": widgets.FloatSlider(value=profit, min=1.0, max=99.0, step=1.0, description="PROFIT",
                                      continuous_update=False),
    }
    return Panel("A custom loss (自定义损失函数): forecasting sales", controls,
                 losses.fit_sales_model, draw_sales_fit,
                 explanation="Raise PROFIT and the model forecasts more; raise COST and it forecasts less.")
