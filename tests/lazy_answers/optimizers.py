"""Lazy answers to chapter 07's exercises (optimizers)."""

import keras
import numpy as np

from course_lib import optimizers
from course_lib.exercises import optimizers as exercises


def _keeping(make_step):
    """A nag_step that hands each step to an optimizer kept from call to call (a fresh one when velocity is 0)."""
    kept = {}

    def nag_step(weight, gradient, velocity, learning_rate, momentum):
        if not np.any(velocity):
            kept["step"] = make_step(weight, learning_rate, momentum)
        new_weight = kept["step"](weight, gradient)
        return new_weight, velocity + (new_weight - weight)  # any non-zero velocity, to keep the optimizer

    return nag_step


def _keras_sgd(weight, learning_rate, momentum):
    """Keras' own SGD(nesterov=True), its velocity kept in its slots."""
    variable = keras.Variable(weight)
    optimizer = keras.optimizers.SGD(learning_rate, momentum=momentum, nesterov=True)

    def step(weight, gradient):
        variable.assign(weight)
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(gradient), variable)])
        return variable.numpy()

    return step


def _course_keras_sgd(weight, learning_rate, momentum):
    """The course's KerasSGD(nesterov=True), its velocity kept in its slots."""
    optimizer = optimizers.KerasSGD(learning_rate, momentum, nesterov=True)
    return lambda weight, gradient: optimizer.step([weight], [gradient])[0]


def _one_adam_step(gradient):
    (weights,) = optimizers.Adam(exercises.ADAM_LEARNING_RATE, epsilon=0.0).step([exercises.ADAM_START], [gradient])
    return weights


LAZY = {
    "check_keras_momentum_learning_rate": [
        ("the chapter's 0.01 as a number", lambda: exercises.check_keras_momentum_learning_rate(0.01)),
        ("the course's learning rate unchanged", lambda: exercises.check_keras_momentum_learning_rate(
            lambda learning_rate, beta: learning_rate)),
        ("a function that returns 0.1·(1−0.9) whatever it is given",
         lambda: exercises.check_keras_momentum_learning_rate(lambda learning_rate, beta: 0.1 * (1 - 0.9))),
    ],
    "check_two_adam_steps": [
        ("one step of ±lr, as the prose says of the first step", lambda: exercises.check_two_adam_steps(
            exercises.ADAM_START - exercises.ADAM_LEARNING_RATE * np.sign(exercises.ADAM_GRADIENTS[0]))),
        ("two steps of ±lr each", lambda: exercises.check_two_adam_steps(
            exercises.ADAM_START - exercises.ADAM_LEARNING_RATE * (np.sign(exercises.ADAM_GRADIENTS[0])
                                                                  + np.sign(exercises.ADAM_GRADIENTS[1])))),
        ("a fresh Adam for the second step", lambda: exercises.check_two_adam_steps(
            _one_adam_step(exercises.ADAM_GRADIENTS[0]) - exercises.ADAM_LEARNING_RATE
            * np.sign(exercises.ADAM_GRADIENTS[1]))),
        ("the start copied from the prose", lambda: exercises.check_two_adam_steps(exercises.ADAM_START)),
    ],
    "check_adagrad_step_ratio": [
        ("the old question's 1/√100 = 0.1", lambda: exercises.check_adagrad_step_ratio(0.1)),
        ("the same gradient all along, 1/√21", lambda: exercises.check_adagrad_step_ratio(1 / np.sqrt(21))),
        ("a step of lr whatever the gradient", lambda: exercises.check_adagrad_step_ratio(1.0)),
    ],
    "check_nag_step": [
        ("Keras' SGD(nesterov=True) kept from step to step",
         lambda: exercises.check_nag_step(_keeping(_keras_sgd))),
        ("the course's KerasSGD kept from step to step",
         lambda: exercises.check_nag_step(_keeping(_course_keras_sgd))),
        ("plain momentum", lambda: exercises.check_nag_step(
            lambda w, g, v, lr, mu: (w + (mu * v - lr * g), mu * v - lr * g))),
        ("a number instead of a function", lambda: exercises.check_nag_step(0.5)),
    ],
    "check_smallest_crossing_beta": [
        ("the β of the chapter's race, 0.9, which crosses", lambda: exercises.check_smallest_crossing_beta(0.9)),
        ("the largest β the slider offers", lambda: exercises.check_smallest_crossing_beta(0.99)),
        ("no momentum at all", lambda: exercises.check_smallest_crossing_beta(0.0)),
        ("the learning rate in place of β",
         lambda: exercises.check_smallest_crossing_beta(exercises.CROSSING_LEARNING_RATE)),
        ("β as a percentage", lambda: exercises.check_smallest_crossing_beta(90)),
        ("the list of β's to try", lambda: exercises.check_smallest_crossing_beta(list(exercises.CROSSING_BETAS))),
    ],
}
