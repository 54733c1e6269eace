"""Chapter 00's first model: a line through a few points, and how far it is from them."""

import numpy as np

from course_lib import losses, validate

#: The points to fit: y = 2x + 1 plus a little noise, always the same.
POINTS_X = np.linspace(-2.0, 2.0, 12)
POINTS_Y = 2.0 * POINTS_X + 1.0 + np.random.RandomState(0).normal(0.0, 0.4, POINTS_X.shape)


def line_fit(w, b):
    """The line y = w·x + b on the demo points and its mean squared error (MSE)."""
    w, b = validate.finite("w", w), validate.finite("b", b)
    predictions = w * POINTS_X + b
    mse = float(losses.mse(POINTS_Y, predictions))
    if not np.isfinite(mse):
        raise ValueError(f"w = {w:g} and b = {b:g} are too large: the squared error overflows; "
                         "keep them within a few thousand.")
    return {"w": w, "b": b, "predictions": predictions, "mse": mse}
