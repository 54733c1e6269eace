"""Chapter 03 exercises: the update factor and the decayed learning rate."""

from course_lib import checks, schedules


def check_w_after_three_steps(answer):
    """w after three gradient steps with learning rate 0.7 from w = 5 on (w + 1)²."""
    factor = 1 - 2 * 0.7
    distance = schedules.W_START - schedules.W_MINIMUM
    return checks.check_answer(
        "w after 3 steps at lr 0.7", answer, schedules.W_MINIMUM + distance * factor ** 3,
        hint="each step multiplies the distance w − (−1) by 1 − 2·lr; start 6 away from −1.",
        mistakes={"you multiplied w itself by the factor; it is the distance to −1 that shrinks.":
                  schedules.W_START * factor ** 3,
                  "that is the distance to the minimum; add the minimum, −1, back.": distance * factor ** 3,
                  "the factor is 1 − 2·lr (the gradient of (w + 1)² is 2(w + 1)), not 1 − lr.":
                  schedules.W_MINIMUM + distance * (1 - 0.7) ** 3})


def check_staircase_rate(answer):
    """The staircase learning rate at epoch 25 for base 0.2, decay rate 0.96, decay step 10."""
    return checks.check_answer(
        "staircase lr at epoch 25", answer,
        schedules.exponential_decay(0.2, 0.96, 10, 25, staircase=True),
        hint="staircase rounds epoch / decay_step down before it becomes the exponent.",
        mistakes={"that is the smooth schedule: with staircase the exponent 25 / 10 is rounded down.":
                  schedules.exponential_decay(0.2, 0.96, 10, 25),
                  "the exponent is epoch / decay_step, not epoch.": 0.2 * 0.96 ** 25,
                  "the exponent rounds down (floor), not to the nearest whole number.": 0.2 * 0.96 ** 3})


#: Exercise 3's loss is EDGE_SCALE·(w + 1)²: the chapter's table gives the edge for a scale of 1.
EDGE_SCALE = 3.0


def check_largest_converging_rate(answer):
    """The learning rate at and above which descent on 3·(w + 1)² no longer converges.

    The gradient 6(w + 1) makes the update factor 1 − 6·lr, so the edge is lr = 1/3; the
    chapter's table, for (w + 1)², says 1.
    """
    k = 2 * EDGE_SCALE  # the update factor is 1 − k·lr
    return checks.check_answer(
        "first learning rate that does not converge on 3·(w + 1)²", answer, 2 / k,
        hint="derive the update factor for this loss as the chapter did for (w + 1)²: its gradient "
             "is 3 times larger. For which learning rates does the factor stop shrinking the distance?",
        mistakes={"that is the edge for (w + 1)², from the chapter's table; this loss's gradient, "
                  "6(w + 1), is 3 times larger.": 1.0,
                  "at that rate the factor is 0: one step lands exactly on −1, the fastest possible.": 1 / k,
                  "the gradient of 3(w + 1)² is 6(w + 1), not 3(w + 1): the factor is 1 − 6·lr.": 2 / EDGE_SCALE,
                  "that is the edge of the oscillating regime for (w + 1)²; redo it with the gradient "
                  "6(w + 1).": 0.5})
