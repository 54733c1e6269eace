"""Chapter 08 exercises: counting parameters, computing a metric by hand, and the recipe itself."""

import numpy as np

from course_lib import checks

#: The tiny batch of the metric exercise: integer labels and predicted probabilities.
METRIC_LABELS = np.array([0, 2, 1, 1])
METRIC_PROBABILITIES = np.array([[0.7, 0.2, 0.1],
                                 [0.1, 0.5, 0.4],
                                 [0.2, 0.6, 0.2],
                                 [0.3, 0.4, 0.3]])


def check_parameter_count(answer):
    """Parameters of a 4 → 10 → 3 network of two Dense layers (with biases)."""
    return checks.check_answer(
        "parameters of Dense(10) then Dense(3) on 4 features", answer, 4 * 10 + 10 + 10 * 3 + 3,
        hint="a Dense layer with n inputs and m units has n·m weights and m biases; add the two layers.",
        mistakes={"you forgot the biases: each unit has one.": 4 * 10 + 10 * 3,
                  "that counts only the first layer; add the second, Dense(3) on 10 inputs.": 4 * 10 + 10,
                  "that is the iris model (Dense(3) on 4 inputs); this network has a hidden layer of 10.": 15})


def check_sparse_accuracy(answer):
    """``sparse_categorical_accuracy`` of ``METRIC_PROBABILITIES`` against ``METRIC_LABELS``."""
    expected = float(np.mean(np.argmax(METRIC_PROBABILITIES, axis=1) == METRIC_LABELS))
    return checks.check_answer(
        "sparse categorical accuracy of the tiny batch", answer, expected,
        hint="take the argmax of each row of probabilities and compare it with the integer label.",
        mistakes={"that is the number of right answers; the metric is their share.": expected * 4,
                  "that is the share of wrong answers.": 1.0 - expected})


#: The build-it exercise's limit on the student's training time, generous for a loaded laptop.
IRIS_TIME_LIMIT = 300.0


def check_iris_network(build_and_train, time_limit=IRIS_TIME_LIMIT):
    """Build it: steps 3 to 6 of the recipe, a 4-10-3 network trained on iris, scored on held-out flowers.

    ``build_and_train(x_train, y_train)`` gets the course's 120 training flowers and
    returns a trained Keras model; the check counts its parameters (83) and measures
    its accuracy on the 30 held-out flowers it never saw (at least 0.9), within
    ``time_limit`` seconds.
    """
    from course_lib import recipe

    train, test = recipe.iris_split()
    return checks.check_trained_model(
        "4-10-3 iris network, accuracy on 30 held-out flowers", build_and_train, train, test, at_least=0.9,
        time_limit=time_limit, num_parameters=4 * 10 + 10 + 10 * 3 + 3,
        hint="Sequential with Input(shape=(4,)), Dense(10, relu) and Dense(3, softmax); compile with an "
             "optimizer, sparse categorical cross entropy and an accuracy metric; fit; return the model.",
        low_hint="Did the loss fall? Train longer or with a larger learning rate (Adam 0.01 and a few "
                 "hundred steps are plenty); the labels are integers, so the loss is the sparse cross entropy.")
