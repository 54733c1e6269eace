"""Chapter 05's panels: CE against MSE for one prediction, and the sales forecast under cost and profit."""

import ipywidgets as widgets
import numpy as np

from course_lib import losses
from course_lib.widgets import chart
from course_lib.widgets.panel import Panel, control_grid

_PROBABILITIES = np.linspace(0.005, 1.0, 200)
LOSS_NAMES = {"ce": "cross entropy −ln p", "mse": "MSE (1 − p)²"}
P_TITLE = "predicted probability of the true class p"


def _loss_chart(field, title, axis_title, domain=None):
    """One side of the CE-against-MSE chart: both curves of ``field`` against p, the slider's points on them."""
    y = {"field": field, "type": "quantitative", "title": axis_title}
    if domain is not None:
        y["scale"] = {"domain": domain}
    color = {"field": "loss", "type": "nominal", "title": None,
             "scale": {"domain": list(LOSS_NAMES.values()), "range": ["#1f77b4", "#ff7f0e"]}}
    x = {"field": "p", "type": "quantitative", "title": P_TITLE}
    return {"title": title, "width": 300, "height": 220,
            "layer": [
                {"data": {"name": "curves"}, "mark": {"type": "line", "clip": True},
                 "encoding": {"x": x, "y": y, "color": color}},
                {"data": {"name": "point"}, "mark": {"type": "point", "filled": True, "size": 90},
                 "encoding": {"x": x, "y": y, "color": color}},
            ]}


#: Loss against p (clipped at 5, where CE goes on to infinity) and d loss / d logit against p.
CE_VS_MSE_SPEC = {
    "$schema": chart.SCHEMA,
    "hconcat": [_loss_chart("value", "loss", "loss", domain=[0, 5]),
                _loss_chart("slope", "gradient with respect to the logit", "d loss / d logit")],
    "config": {"legend": {"orient": "bottom", "labelLimit": 320}},
}


def _loss_rows(results):
    """Long-format rows (p, loss name, value, slope) of CE and MSE for each result of probability_losses."""
    return [row for key, name in LOSS_NAMES.items()
            for row in chart.rows(p=np.array([r["probability"] for r in results]), loss=name,
                                  value=np.array([r[key] for r in results]),
                                  slope=np.array([r[f"{key}_slope"] for r in results]))]


def draw_probability_losses(result):
    """CE and MSE against the true class's probability (left) and their slopes (right), the slider's point marked."""
    curves = _loss_rows([losses.probability_losses(p) for p in _PROBABILITIES])
    caption = (f"p = <b>{result['probability']:.3f}</b>: CE = <b>{result['ce']:.3f}</b>, "
               f"MSE = <b>{result['mse']:.3f}</b>; gradient with respect to the logit: "
               f"CE <b>{result['ce_slope']:.3f}</b>, MSE <b>{result['mse_slope']:.3f}</b>")
    return {"curves": curves, "point": _loss_rows([result])}, caption


def ce_vs_mse_panel(probability=0.3):
    """A slider for the probability given to the true class; CE, MSE and their gradients follow."""
    controls = {"probability": widgets.FloatSlider(value=probability, min=0.01, max=1.0, step=0.01,
                                                   description="p (true class)")}
    return Panel("Cross entropy against MSE (交叉熵 vs 均方误差)", controls,
                 losses.probability_losses, draw_probability_losses, spec=CE_VS_MSE_SPEC, offline=True,
                 explanation="Slide p towards 0, a confident wrong answer: the CE gradient stays "
                             "near −1, the MSE gradient fades to 0.")


#: Each day's error is over-predicted (unsold units, charged COST) or under-predicted (missed sales, PROFIT).
OVER, UNDER = "over-predicted (unsold units)", "under-predicted (missed sales)"
#: The loss of one forecast error (left) and each day's error after the fit, sorted (right).
SALES_SPEC = {
    "$schema": chart.SCHEMA,
    "hconcat": [
        {"data": {"name": "loss"}, "width": 280, "height": 220,
         "title": {"text": "loss of one day", "subtitle": {"expr": "data('loss')[0].slopes"}},
         "mark": {"type": "line", "color": "#9467bd", "strokeWidth": 2},
         "encoding": {"x": {"field": "error", "type": "quantitative", "title": "forecast − true sales"},
                      "y": {"field": "loss", "type": "quantitative", "title": "loss of one day"}}},
        {"width": 320, "height": 220, "title": "each day's error after the fit",
         "encoding": {"y": {"type": "quantitative", "title": "forecast − true sales"}},
         "layer": [
             {"data": {"name": "days"}, "mark": "bar",
              "encoding": {"x": {"field": "day", "type": "ordinal", "title": "day (sorted by error)",
                                 "axis": {"labels": False, "ticks": False}},
                           "y": {"field": "error"},
                           "color": {"field": "side", "type": "nominal", "title": None,
                                     "scale": {"domain": [OVER, UNDER], "range": ["#d62728", "#2ca02c"]}}}},
             {"data": {"name": "zero"}, "mark": {"type": "rule", "color": "black"},
              "encoding": {"y": {"field": "error"}}},
             # two invisible points keep 0 in the middle of the axis, at least ±0.12
             {"data": {"name": "limits"}, "mark": {"type": "point", "opacity": 0},
              "encoding": {"y": {"field": "error"}}},
         ]},
    ],
    "config": {"legend": {"orient": "bottom", "labelLimit": 320}},
}


def draw_sales_fit(result):
    """The asymmetric loss of one forecast error (left) and each day's error after the fit (right)."""
    errors = np.array([-0.1, 0.0, 0.1])  # the loss is linear on either side of 0
    one_day = np.where(errors > 0, result["cost"] * errors, -result["profit"] * errors)
    slopes = f"slopes: −{result['profit']:g} (under), +{result['cost']:g} (over)"
    residuals = np.sort(result["predictions"] - result["true"])
    limit = max(0.12, 1.1 * np.abs(residuals).max())
    datasets = {
        "loss": chart.rows(error=errors, loss=one_day, slopes=slopes),
        "days": chart.rows(day=np.arange(len(residuals)), error=residuals,
                           side=np.where(residuals > 0, OVER, UNDER)),
        "zero": chart.rows(error=[0.0]),
        "limits": chart.rows(error=[-limit, limit]),
    }
    w1, w2 = result["weights"]
    caption = (f"cost {result['cost']:g}, profit {result['profit']:g}: fitted w1 = <b>{w1:.3f}</b>, "
               f"w2 = <b>{w2:.3f}</b> (the true sales follow w = 1, 1); days forecast above / on / below the "
               f"true sales: <b>{result['num_above']}</b> / {result['num_on_plane']} / {result['num_below']} "
               f"(theory: above on about profit / (cost + profit) = {result['quantile']:.0%}); "
               f"loss = {result['loss']:.3f}")
    return datasets, caption


#: The prices the sales panel offers: 1 to 99 in steps of 2, so that the fits of all 2 500 pairs
#: ship with the panel (a 0.5 MB table) and its sliders answer without a kernel.
PRICE_STEP = 2.0


def _price_slider(value, description):
    return widgets.FloatSlider(value=value, min=1.0, max=99.0, step=PRICE_STEP, description=description)


def sales_panel(cost=1.0, profit=99.0):
    """Sliders for the cost of an unsold unit and the profit of a sold one; the forecast is refitted.

    Every pair of prices the sliders offer is fitted once, in one batched descent
    (:func:`course_lib.losses.fit_sales_models`), so the panel works without a kernel.
    """
    controls = {"cost": _price_slider(cost, "COST"), "profit": _price_slider(profit, "PROFIT")}
    prices = [(c, p) for c in control_grid(controls["cost"]) for p in control_grid(controls["profit"])]
    fits = {(fit["cost"], fit["profit"]): fit for fit in losses.fit_sales_models(*zip(*prices))}

    def fit(cost, profit):
        return fits.get((cost, profit)) or losses.fit_sales_model(cost, profit)

    return Panel("A custom loss (自定义损失函数): forecasting sales", controls, fit, draw_sales_fit,
                 spec=SALES_SPEC, offline=True,
                 explanation="Raise PROFIT and the model forecasts more; raise COST and it forecasts less.")
