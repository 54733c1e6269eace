"""Chapter 08 exercises: counting parameters, computing a metric by hand, and the recipe itself."""

import numpy as np

from course_lib import checks, language

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


# Exercise 4: the source's test loop, one batch.

#: The hint of an untouched exercise 4: where to look, not the code.
COUNT_HINT = ("the source's test loop, one batch: from the network's outputs to the class it predicts, compared "
              "with the labels, counted. The section on the test loop prints each step's dtype.")
#: What exercise 4's answer may not call: Keras' accuracies, which count for you.
COUNT_FORBIDDEN = ("keras.metrics.SparseCategoricalAccuracy", "keras.metrics.sparse_categorical_accuracy",
                   "keras.metrics.Accuracy")


def _count_cases():
    """(logits, int32 labels) batches of the check's own: 3 to 10 classes, some predictions wrong."""
    import tensorflow as tf

    rng = np.random.default_rng(3003)
    cases = []
    for batch, classes in ((12, 3), (20, 10), (7, 5)):
        logits = rng.normal(scale=2.0, size=(batch, classes)).astype(np.float32)
        labels = np.where(rng.uniform(size=batch) < 0.6, logits.argmax(axis=1), rng.integers(0, classes, batch))
        cases.append((tf.constant(logits), tf.constant(labels, tf.int32)))
    return cases


def _judge_count(logits, labels):
    logits, labels = np.asarray(logits), np.asarray(labels)
    hits = int(np.sum(logits.argmax(axis=1) == labels))
    mistakes = {"that is the share of right predictions (the accuracy); the loop counts them.": hits / len(labels),
                "that counts the wrong predictions.": len(labels) - hits}
    return lambda result: checks.diagnose(result, hits, mistakes=mistakes)


def check_count_correct(answer):
    """Build it: ``answer(logits, labels)`` counts the right predictions of a batch, as the source's test loop does.

    Called on logits and ``int32`` label tensors of its own (so an ``int64`` argmax compared
    with them raises, as in the chapter); Keras' accuracy metrics raise while it runs.
    """
    cases = [((logits, labels), _judge_count(logits, labels)) for logits, labels in _count_cases()]
    return checks.check_function("count_correct", answer, cases, hint=COUNT_HINT, forbidden=COUNT_FORBIDDEN)


# Exercise 5: a skip connection with the Functional API.

#: Exercise 5's network: the hidden width, and the parameter count its skip connection gives.
SKIP_HIDDEN = 8
SKIP_PARAMETERS = (4 * SKIP_HIDDEN + SKIP_HIDDEN) + ((SKIP_HIDDEN + 4) * 3 + 3)
#: The hint of an untouched exercise 5.
SKIP_HINT = ("the Functional API section builds a graph tensor by tensor: which tensors must the Concatenate "
             "layer receive here, and which one feeds the output layer?")


def _skip_problem(model):
    """None when ``model`` is the exercise's network, else what is wrong with it."""
    import keras

    if not isinstance(model, keras.Model):
        return f"your function returned {type(model).__name__}, not a Keras model."
    if isinstance(model, keras.Sequential):
        return "a Sequential model is a chain: it cannot feed the input past the hidden layer. Use the Functional API."
    if model.count_params() != SKIP_PARAMETERS:
        return (f"your model has {model.count_params()} parameters; count those of the network described "
                "(each Dense layer: inputs × units + units) and compare layer by layer with model.summary().")
    x = np.random.default_rng(5).normal(size=(16, 4)).astype(np.float32)
    probabilities = np.asarray(model(x))
    if probabilities.shape != (16, 3) or not np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-4):
        return "the output must be 3 class probabilities per flower, each row summing to 1."
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    saved = [layer.get_weights() for layer in dense[:-1]]
    for layer in dense[:-1]:  # switch off every hidden layer: only the skip connection is left
        layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
    still = np.asarray(model(x))
    for layer, weights in zip(dense[:-1], saved):
        layer.set_weights(weights)
    if np.allclose(still, still[0], atol=1e-6):
        return ("with the hidden layer's weights set to zero, the output no longer depends on the input: "
                "nothing reaches the output layer except through the hidden layer, so there is no skip connection.")
    return None


def check_skip_model(answer):
    """Build it: ``answer()`` returns a new Functional model 4 → Dense(8, relu), whose output is concatenated
    with the 4 inputs, → Dense(3, softmax).

    The check counts the parameters, runs the model on flowers of its own, and switches the
    hidden layer off: the output must still depend on the input (the skip connection).
    """
    name = "skip model"
    model, failed = checks.call_answer(name, answer, hint=SKIP_HINT)
    if failed is not None:
        return failed
    problem = _skip_problem(model)
    if problem is not None:
        return checks.fail(name, problem)
    language.show(f"✓ {name}: {SKIP_PARAMETERS} parameters, and the input reaches the output past the hidden layer.")
    return checks.Verdict(True)


# Exercise 6: resuming a stopped run to exactly the weights of a run that never stopped.

#: The check's run: its network's hidden width and seed (neither is shown, so the run cannot be redone from
#: scratch), its epochs, the epoch it stops after, its batch size and data seed.
RESUME_HIDDEN, RESUME_SEED, RESUME_EPOCHS, RESUME_STOP, RESUME_BATCH = 6, 30, 8, 3, 32
#: The hint of an untouched exercise 6.
RESUME_HINT = ("list what the saving section says must be back in place for the resumed run to equal the "
               "uninterrupted one, and find each in the file, in fit's arguments, or in recipe.epoch_batches.")


def _resume_network():
    import keras

    from course_lib import notebook

    with notebook.seeded(RESUME_SEED):
        network = keras.Sequential([keras.Input((4,)), keras.layers.Dense(RESUME_HIDDEN, activation="relu"),
                                    keras.layers.Dense(3, activation="softmax")])
    network.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                    loss=keras.losses.SparseCategoricalCrossentropy())
    return network


def _resume_data():
    """The check's flowers: iris in an order of its own, the features in metres rather than centimetres."""
    from course_lib import data

    x, y = data.load_iris(shuffle_seed=RESUME_SEED)
    return (x / 100.0).astype(np.float32), y


def _run(network, x, y, first_epoch, last_epoch):
    from course_lib import recipe

    steps = int(np.ceil(len(x) / RESUME_BATCH))
    network.fit(recipe.epoch_batches(x, y, batch_size=RESUME_BATCH, num_epochs=last_epoch, initial_epoch=first_epoch),
                initial_epoch=first_epoch, epochs=last_epoch, steps_per_epoch=steps, shuffle=False, verbose=0)
    return network


def check_resume(answer):
    """Build it: ``answer(path, x, y, num_epochs)`` finishes the run saved in ``path`` and returns its model.

    The check trains a network of its own (its width and seed are not shown) on its own
    flowers for :data:`RESUME_EPOCHS` epochs without a stop, and again for :data:`RESUME_STOP`
    epochs, saved to a file whose name does not give the epoch; the model the answer returns
    must end with exactly the weights of the uninterrupted run.
    """
    import os
    import tempfile

    name = "resume"
    if answer is checks.NOT_ATTEMPTED:
        return checks.not_attempted(name, RESUME_HINT)
    x, y = _resume_data()
    reference = _run(_resume_network(), x, y, 0, RESUME_EPOCHS)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "stopped.keras")
        _run(_resume_network(), x, y, 0, RESUME_STOP).save(path)
        model, failed = checks.call_answer(name, answer, path, x.copy(), y.copy(), RESUME_EPOCHS, hint=RESUME_HINT)
    if failed is not None:
        return failed
    import keras

    if not isinstance(model, keras.Model):
        return checks.fail(name, f"your function returned {type(model).__name__}; return the trained model.")
    steps, expected = int(model.optimizer.iterations), int(reference.optimizer.iterations)
    if steps != expected:
        return checks.fail(name, f"your model's optimizer has taken {steps} steps in all; the uninterrupted run took "
                                 f"{expected}. Print model.optimizer.iterations right after loading the file.")
    weights = [np.asarray(w) for w in model.get_weights()]
    if [w.shape for w in weights] != [w.shape for w in reference.get_weights()]:
        return checks.fail(name, "your model is not the one in the file: load it rather than build a new one.")
    difference = max(float(np.max(np.abs(a - b))) for a, b in zip(weights, reference.get_weights()))
    if difference > 1e-6:
        return checks.fail(name, f"the right number of steps, but the weights differ from the uninterrupted run's by "
                                 f"up to {difference:.2g}: one of the things the run depends on was not the same. "
                                 "Compare the batches your run trained on with the ones the uninterrupted run saw.")
    language.show(f"✓ {name}: the resumed run ends with exactly the weights of the run that never stopped.")
    return checks.Verdict(True)
