"""Chapter 05 exercises: cross entropy by hand, and the gradient of softmax + CE."""

import numpy as np

from course_lib import checks, losses


def check_cross_entropy(answer):
    """The cross entropy of the label (0, 1, 0) against the prediction (0.2, 0.7, 0.1)."""
    return checks.check_answer(
        "cross entropy of (0, 1, 0) against (0.2, 0.7, 0.1)", answer, -np.log(0.7), rtol=1e-3,
        hint="only the true class counts: H = −Σ y_ · ln y, and y_ is 1 for the second class only.",
        mistakes={"that is ln 0.7 without the minus sign: CE is −ln of the true class's probability.":
                  np.log(0.7),
                  "that is the log in base 10; the source uses the natural log ln (np.log).":
                  -np.log10(0.7),
                  "that is −Σ ln y over every class; multiply each log by its label first.":
                  -np.sum(np.log([0.2, 0.7, 0.1]))})


#: The logits and the label of the gradient exercise.
GRADIENT_LOGITS = np.array([2.0, 1.0, 0.1])
GRADIENT_LABEL = np.array([1.0, 0.0, 0.0])


def check_logit_gradient(answer):
    """The gradient of softmax + CE with respect to the logits (2, 1, 0.1) for the label (1, 0, 0)."""
    expected = losses.logit_gradients(GRADIENT_LABEL[None], GRADIENT_LOGITS[None])["ce_formula"][0]
    probabilities = expected + GRADIENT_LABEL
    return checks.check_answer(
        "gradient of CE with respect to the logits", answer, expected, rtol=1e-4,
        hint="the closed form is softmax(z) − one-hot(y); compute the softmax with np.exp first.",
        mistakes={"that is one-hot − softmax: the sign is flipped.": -expected,
                  "that is the softmax alone: subtract the one-hot label.": probabilities,
                  "that is z − one-hot: take the softmax of the logits first.": GRADIENT_LOGITS - GRADIENT_LABEL})


#: Exercise 3's target: the forecast above the true sales on about one day in five.
CAUTIOUS_SHARES = (0.15, 0.25)


def _why_the_forecast_misses(cost, profit, share):
    """What the prices say about the share of days over-predicted (about PROFIT / (COST + PROFIT))."""
    quantile = profit / (cost + profit)
    if cost < profit:
        return (f"over-predicting is the cheaper mistake with these prices, so the model over-predicts "
                f"on most days ({share:.0%}): did you swap COST and PROFIT? COST is what an unsold cake "
                "costs, PROFIT what a missed sale loses.")
    if cost == profit:
        return "equal prices make both mistakes equally bad: the forecast is the median, above on about half the days."
    if share > CAUTIOUS_SHARES[1]:
        return (f"right direction, not far enough: the model over-predicts on {share:.0%} of the days "
                f"(the rule PROFIT / (COST + PROFIT) says {quantile:.0%}); make COST larger compared with PROFIT.")
    return (f"too cautious: the model over-predicts on only {share:.0%} of the days (the rule PROFIT / "
            f"(COST + PROFIT) says {quantile:.0%}); COST is too large compared with PROFIT.")


def check_cautious_forecast(cost, profit):
    """A COST and PROFIT whose fitted forecast is above the true sales on 15 % to 25 % of the days.

    The chapter's rule (the forecast sits at the PROFIT / (COST + PROFIT) quantile) gives the
    ratio; a miss says why: the prices swapped, equal, or too far or not far enough apart.
    """
    name = "cautious forecast"
    refused = checks.refuse_numbers(name, "COST is charged for each cake over-predicted, PROFIT for "
                                          "each sale missed; use the quantile rule of section 8.",
                                    COST=cost, PROFIT=profit)
    if refused is not None:
        return refused
    try:
        share = losses.fit_sales_model(cost, profit)["above_share"]
    except ValueError as error:
        return checks.fail(name, f"{error} Prices are positive amounts.")
    low, high = CAUTIOUS_SHARES
    label = f"share of days over-predicted with COST {float(cost):g}, PROFIT {float(profit):g}"
    if low <= share <= high:
        print(f"✓ {label} is between {low:.2f} and {high:.2f}")
        return checks.Verdict(True)
    return checks.fail(label, f"{share:.2f}, not between {low:.2f} and {high:.2f}. Why: "
                              f"{_why_the_forecast_misses(float(cost), float(profit), share)}")
