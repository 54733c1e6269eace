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


def check_sales_direction(cost, profit):
    """A COST and PROFIT whose fitted forecast is above the true sales on at most 10 % of the days."""
    if cost is checks.NOT_ATTEMPTED or profit is checks.NOT_ATTEMPTED:
        print("○ cautious forecast: not attempted yet. Hint: which of the two prices makes "
              "over-predicting expensive? Make it much larger than the other.")
        return checks.Verdict(False)
    share = losses.fit_sales_model(cost, profit)["above_share"]
    return checks.milestone(f"share of days over-predicted with COST {cost:g}, PROFIT {profit:g}",
                            share, at_most=0.10, digits=2)
