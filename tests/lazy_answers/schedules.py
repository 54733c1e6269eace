"""Lazy answers to chapter 03's exercises: numbers from the page, Keras' schedule, the course's own formula."""

import keras
import numpy as np
import tensorflow as tf

from course_lib import schedules
from course_lib.exercises import schedules as exercises


class KerasUnderAnotherName(keras.optimizers.schedules.ExponentialDecay):
    """Keras' schedule handed in as a subclass with a name of one's own."""


class WrapsKeras(keras.optimizers.schedules.LearningRateSchedule):
    """A schedule that asks Keras' ExponentialDecay for every rate."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate):
        self.inner = keras.optimizers.schedules.ExponentialDecay(initial_learning_rate, decay_steps, decay_rate)

    def __call__(self, step):
        return self.inner(step)


class WrapsTheCourse(keras.optimizers.schedules.LearningRateSchedule):
    """A schedule that calls the course's own NumPy formula."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate):
        self.numbers = (initial_learning_rate, decay_rate, decay_steps)

    def __call__(self, step):
        return tf.constant(schedules.exponential_decay(*self.numbers, np.asarray(step)), tf.float32)


class ChaptersNumbers(keras.optimizers.schedules.LearningRateSchedule):
    """The chapter's schedule (0.2, 0.99 per step), whatever numbers the check gives."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate):
        pass

    def __call__(self, step):
        return 0.2 * 0.99 ** tf.cast(step, tf.float32)


def smooths_with_the_course(learning_rates, losses):
    """The rule, with the course's own smoothing called."""
    return learning_rates[int(np.argmin(schedules.smooth(losses)))] / 10


def lowest_single_batch(learning_rates, losses):
    """The rate of the lowest raw loss, divided by 10: no smoothing at all."""
    return learning_rates[int(np.argmin(losses))] / 10


def first_and_last(learning_rates, losses):
    """A rate halfway (in log) along the test, whatever the curve."""
    return float(np.sqrt(learning_rates[0] * learning_rates[-1]))


LAZY = {
    "check_w_after_three_steps": [
        ("the start, w = 5, from the prose", lambda: exercises.check_w_after_three_steps(5.0)),
        ("the minimum, −1, from the prose", lambda: exercises.check_w_after_three_steps(-1.0)),
        ("w after one step only", lambda: exercises.check_w_after_three_steps(-1 + 6 * (1 - 2 * 0.7))),
        ("the answer rounded to two digits", lambda: exercises.check_w_after_three_steps(-1.4)),
        ("tf.constant of a guess", lambda: exercises.check_w_after_three_steps(tf.constant(-1.0))),
    ],
    "check_staircase_rate": [
        ("the base rate 0.2, from the prose", lambda: exercises.check_staircase_rate(0.2)),
        ("the chapter's staircase (decay 0.9) at the same epoch",
         lambda: exercises.check_staircase_rate(0.2 * 0.9 ** 2)),
        ("the smooth schedule", lambda: exercises.check_staircase_rate(0.2 * 0.96 ** 2.5)),
        ("the rate at epoch 20 of the chapter's printed staircase", lambda: exercises.check_staircase_rate(0.162)),
    ],
    "check_largest_converging_rate": [
        ("the edge 1 of the chapter's table", lambda: exercises.check_largest_converging_rate(1.0)),
        ("the 0.5 of the chapter's table", lambda: exercises.check_largest_converging_rate(0.5)),
        ("1/3 rounded to two digits", lambda: exercises.check_largest_converging_rate(0.33)),
    ],
    "check_exponential_decay_schedule": [
        ("Keras' ExponentialDecay itself",
         lambda: exercises.check_exponential_decay_schedule(keras.optimizers.schedules.ExponentialDecay)),
        ("Keras' ExponentialDecay under another name",
         lambda: exercises.check_exponential_decay_schedule(KerasUnderAnotherName)),
        ("a class that asks Keras' ExponentialDecay", lambda: exercises.check_exponential_decay_schedule(WrapsKeras)),
        ("a class that calls course_lib.schedules.exponential_decay",
         lambda: exercises.check_exponential_decay_schedule(WrapsTheCourse)),
        ("the chapter's numbers instead of the ones given",
         lambda: exercises.check_exponential_decay_schedule(ChaptersNumbers)),
        ("an instance of Keras' schedule, not a class",
         lambda: exercises.check_exponential_decay_schedule(
             keras.optimizers.schedules.ExponentialDecay(0.05, 7, 0.8))),
    ],
    "check_suggest_learning_rate": [
        ("the chapter's printed suggestion, 0.0422", lambda: exercises.check_suggest_learning_rate(lambda r, l: 0.0422)),
        ("a function that calls schedules.smooth", lambda: exercises.check_suggest_learning_rate(smooths_with_the_course)),
        ("the course's smooth handed in", lambda: exercises.check_suggest_learning_rate(schedules.smooth)),
        ("the lowest single batch's rate", lambda: exercises.check_suggest_learning_rate(lowest_single_batch)),
        ("the middle of the range, whatever the curve", lambda: exercises.check_suggest_learning_rate(first_and_last)),
    ],
}
