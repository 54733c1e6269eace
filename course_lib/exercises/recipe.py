"""Chapter 08 exercises: counting parameters, computing a metric by hand, and the recipe itself."""

import numpy as np

from course_lib import checks

#: Exercise 1's hidden width: not the 10 of exercise 3, whose summary would give the count away.
HIDDEN_UNITS = 16


def _count(hidden, features=4, classes=3):
    return features * hidden + hidden + hidden * classes + classes


def check_parameter_count(answer):
    """Parameters of a 4 → 16 → 3 network of two Dense layers (with biases)."""
    hidden = HIDDEN_UNITS
    return checks.check_answer(
        f"parameters of Dense({hidden}) then Dense(3) on 4 features", answer, _count(hidden),
        hint="a Dense layer with n inputs and m units has n·m weights and m biases; add the two layers.",
        mistakes={"you forgot the biases: each unit has one.": 4 * hidden + hidden * 3,
                  f"that counts only the first layer; add the second, Dense(3) on {hidden} inputs.": 4 * hidden + hidden,
                  "that counts only the output layer; add the hidden one, "
                  f"Dense({hidden}) on the 4 features.": hidden * 3 + 3,
                  "that is the iris model (Dense(3) on 4 inputs); this network has a hidden layer.": 15,
                  "that is the source's 10-16-32-8 network of step 6.": 984})


#: What the metric exercise asks the student to write: Keras' accuracies, the course's, scikit-learn's.
ACCURACY_FUNCTIONS = ("keras.metrics.SparseCategoricalAccuracy", "keras.metrics.sparse_categorical_accuracy",
                      "keras.metrics.CategoricalAccuracy", "keras.metrics.categorical_accuracy",
                      "keras.metrics.Accuracy", "course_lib.training.accuracy", "sklearn.metrics.accuracy_score")


def _accuracy_cases():
    """Batches of the check's own: (integer labels, probabilities), of other sizes and class counts than the chapter's."""
    rng = np.random.RandomState(8)
    cases = []
    for rows, classes in ((7, 3), (40, 5), (13, 10)):
        logits = rng.normal(size=(rows, classes)) * 2.0
        probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        labels = np.where(rng.rand(rows) < 0.6, probabilities.argmax(axis=1), rng.randint(0, classes, rows))
        cases.append((labels, probabilities))
    return cases


def check_sparse_accuracy(sparse_accuracy):
    """Build it: ``sparse_accuracy(labels, probabilities)``, what ``sparse_categorical_accuracy`` computes, with NumPy.

    Called on batches of the check's own, with Keras', the course's and scikit-learn's accuracy
    functions raising while it runs.
    """
    def judge(labels, probabilities):
        expected = float(np.mean(np.argmax(probabilities, axis=1) == labels))
        hits = expected * len(labels)
        return lambda result: checks.diagnose(result, expected, mistakes={
            "that is the number of right answers; the metric is their share.": hits,
            "that is the share of wrong answers.": 1.0 - expected,
            "give a fraction between 0 and 1, not a percentage.": 100.0 * expected})

    return checks.check_function(
        "sparse_accuracy", sparse_accuracy,
        [((labels.copy(), probabilities.copy()), judge(labels, probabilities)) for labels, probabilities in _accuracy_cases()],
        hint="for each row, which class has the largest probability? Compare it with the row's integer label, "
             "and average the hits.", forbidden=ACCURACY_FUNCTIONS)


#: The build-it exercise's limit on the student's training time, generous for a loaded laptop.
IRIS_TIME_LIMIT = 300.0


#: The check renumbers the three classes for the student's function and for its score: a model
#: trained elsewhere on iris' own labels (the chapter's x_train, y_train hold the 30 test flowers too)
#: scores near 0 on the renumbered test flowers; a model trained on what the function is given does not mind.
IRIS_LABEL_ORDER = (2, 0, 1)


def check_iris_network(build_and_train, time_limit=IRIS_TIME_LIMIT):
    """Build it: steps 3 to 6 of the recipe, a 4-10-3 network trained on iris, scored on held-out flowers.

    ``build_and_train(x_train, y_train)`` gets the course's 120 training flowers, with the
    classes renumbered (:data:`IRIS_LABEL_ORDER`), and returns a trained Keras model; the
    check counts its parameters (4-10-3) and measures its accuracy on the 30 held-out
    flowers it never saw, renumbered the same way (at least 0.9), within ``time_limit`` seconds.
    """
    from course_lib import recipe

    renumber = np.asarray(IRIS_LABEL_ORDER)
    (x_train, y_train), (x_test, y_test) = recipe.iris_split()
    return checks.check_trained_model(
        "4-10-3 iris network, accuracy on 30 held-out flowers", build_and_train,
        (x_train, renumber[y_train]), (x_test, renumber[y_test]), at_least=0.9,
        time_limit=time_limit, num_parameters=4 * 10 + 10 + 10 * 3 + 3,
        hint="the six steps of this chapter, with a hidden layer of 10 units between the 4 features and the 3 "
             "classes; train on the x_train, y_train your function is given, and return the trained model.",
        low_hint="Did the loss fall? Train longer or with a larger learning rate (Adam 0.01 and a few "
                 "hundred steps are plenty); the labels are integers, so the loss is the sparse cross entropy. "
                 "Train on the arguments your function is given: the check renumbers the classes.")
