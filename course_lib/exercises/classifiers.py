"""Exercises of the classifier chapters.

Chapter 09 (MNIST): counting the model's parameters and reading its predictions.
Chapter 10 (Fashion-MNIST): the five-layer network's size, its per-class accuracy, and why MSE of
logits grows.
"""

import numbers

import numpy as np

from course_lib import checks, classifiers, language, notebook, training


# Chapter 09: MNIST


#: Exercise 1's hidden width: twice the chapter's 128, whose count the summary prints.
MNIST_HIDDEN_UNITS = 256


def _mnist_count(hidden, pixels=28 * 28, classes=classifiers.NUM_CLASSES):
    return pixels * hidden + hidden + hidden * classes + classes


def check_mnist_parameter_count(answer):
    """How many trainable numbers Flatten → Dense(256) → Dense(10) holds for a 28×28 image."""
    hidden, classes, pixels = MNIST_HIDDEN_UNITS, classifiers.NUM_CLASSES, 28 * 28
    return checks.check_answer(
        f"parameters of the MNIST model with {hidden} hidden units", answer, _mnist_count(hidden),
        hint="a Dense layer from n inputs to m units has an n×m weight matrix and m biases; "
             "Flatten has no parameters.",
        mistakes={"that is the 128-unit model of the summary above; this one has 256 hidden units.":
                  _mnist_count(128),
                  "you forgot the biases: every unit of a Dense layer has one.":
                  pixels * hidden + hidden * classes,
                  f"that is only the hidden layer; add the output layer's {hidden}×10 weights and 10 biases.":
                  pixels * hidden + hidden,
                  f"that is only the output layer; the hidden layer has 784×{hidden} weights and {hidden} biases.":
                  hidden * classes + classes})


#: What the top-k exercise asks the student to write: Keras' accuracies, TensorFlow's in_top_k,
#: scikit-learn's, the course's.
TOP_K_FUNCTIONS = ("keras.metrics.SparseTopKCategoricalAccuracy", "keras.metrics.sparse_top_k_categorical_accuracy",
                   "keras.metrics.TopKCategoricalAccuracy", "keras.metrics.top_k_categorical_accuracy",
                   "keras.metrics.SparseCategoricalAccuracy", "keras.metrics.sparse_categorical_accuracy",
                   "tensorflow.math.in_top_k", "sklearn.metrics.top_k_accuracy_score",
                   "sklearn.metrics.accuracy_score", "course_lib.training.accuracy")


def _top_k(probabilities, labels, k):
    ranks = np.argsort(-np.asarray(probabilities), axis=1, kind="stable")[:, :k]
    return float(np.mean(np.any(ranks == np.asarray(labels)[:, None], axis=1)))


def _top_k_cases():
    """(probabilities, labels, k) of the check's own: other sizes, class counts and k than the chapter's."""
    rng = np.random.RandomState(9)
    cases = []
    for rows, classes, k in ((12, 10, 2), (50, 10, 3), (9, 4, 1), (30, 6, 2)):
        logits = rng.normal(size=(rows, classes)) * 2.0
        probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        cases.append((probabilities, rng.randint(0, classes, rows), k))
    return cases


def check_top_k_accuracy(top_k_accuracy):
    """Build it: ``top_k_accuracy(probabilities, labels, k)``, the share of rows whose label is among their k most
    probable classes, with NumPy (k = 1 is the accuracy).

    Called on probabilities of the check's own, with Keras', TensorFlow's, scikit-learn's and
    the course's accuracy functions raising while it runs.
    """
    def judge(probabilities, labels, k):
        expected = _top_k(probabilities, labels, k)
        return lambda result: checks.diagnose(result, expected, mistakes={
            f"that is the top-1 accuracy: count a row as right when its label is among its {k} most probable "
            "classes.": _top_k(probabilities, labels, 1),
            "that is the number of rows; the accuracy is their share.": expected * len(labels),
            "those are the k least probable classes: sort the probabilities from the largest down.":
                _top_k(-np.asarray(probabilities), labels, k),
            "give a fraction between 0 and 1, not a percentage.": 100.0 * expected})

    return checks.check_function(
        "top_k_accuracy", top_k_accuracy,
        [((p.copy(), labels.copy(), k), judge(p, labels, k)) for p, labels, k in _top_k_cases()],
        hint="for each row, find the k classes with the largest probabilities (np.argsort sorts upwards), check "
             "whether the label is one of them, and average over the rows.", forbidden=TOP_K_FUNCTIONS)


def _most_confused_pair(labels, probabilities):
    """(true class, predicted class) of the largest off-diagonal count of the confusion matrix."""
    labels, probabilities = np.asarray(labels), np.asarray(probabilities)
    num_classes = probabilities.shape[1]
    counts = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(counts, (labels, probabilities.argmax(axis=1)), 1)
    np.fill_diagonal(counts, 0)
    return tuple(int(i) for i in np.unravel_index(counts.argmax(), counts.shape))


def check_most_confused(answer, probabilities, labels):
    """The pair (true digit, predicted digit) that the model mixes up most often."""
    expected = _most_confused_pair(labels, probabilities)
    return checks.check_answer(
        "most confused pair (true, predicted)", answer, expected,
        hint="in the confusion matrix, rows are true digits and columns predictions; "
             "ignore the diagonal (the right answers) and find the largest count.",
        mistakes={"you swapped them: give (true digit, predicted digit), rows first.": expected[::-1]})


#: The build-it exercise's limit on the student's training time, ten minutes: a few epochs of a small
#: network fit in it on a laptop; it leaves room for a loaded machine.
MNIST_TIME_LIMIT = 600.0


#: The check renumbers the ten digits for the student's function and for its score, so that only a
#: model trained on what the function is given passes: one trained elsewhere (on the test images,
#: which ``data.load_mnist`` also returns) scores near 0.1 on the renumbered test labels.
MNIST_LABEL_ORDER = (3, 8, 0, 6, 9, 1, 4, 2, 7, 5)


def check_mnist_beats_098(build_and_train, time_limit=MNIST_TIME_LIMIT):
    """Build it: a model that beats 0.98 on the MNIST test set, trained by the student's function.

    ``build_and_train(x_train, y_train)`` gets the 60 000 training images (28×28,
    pixels in [0, 1]) and their labels, the ten digits renumbered (:data:`MNIST_LABEL_ORDER`),
    and returns a trained Keras model; the check scores it on the 10 000 test images,
    renumbered the same way, which the function never sees.
    """
    from course_lib import data

    renumber = np.asarray(MNIST_LABEL_ORDER)
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    return checks.check_trained_model(
        "MNIST model, test accuracy", build_and_train, (x_train, renumber[y_train]), (x_test, renumber[y_test]),
        at_least=0.98, time_limit=time_limit,
        hint="start from the chapter's model and think about what holds it below 0.98: its size, its training, "
             "the kind of layer that sees images; train on the x_train, y_train your function is given.",
        low_hint="The chapter's 128-unit model ends just short of 0.98 after 5 epochs: give it more units (512), "
                 "a few more epochs, dropout against overfitting, or a Conv2D layer. Train on the arguments your "
                 "function is given: the check renumbers the digits.")


# Chapter 10: Fashion-MNIST


#: Exercise 1's first width: a funnel the panel cannot train (its widths are powers of two), so
#: its caption cannot give the count away: 784-96-48-24-12-10.
FASHION_FIRST_WIDTH = 96


def _fashion_sizes(first_width):
    return (28 * 28, *classifiers.scaled_widths(first_width), classifiers.NUM_CLASSES)


def _fashion_count(sizes):
    return sum(n * m + m for n, m in zip(sizes[:-1], sizes[1:]))


def check_fashion_parameter_count(answer):
    """How many trainable numbers the 784-96-48-24-12-10 Dense network holds."""
    sizes = _fashion_sizes(FASHION_FIRST_WIDTH)
    weights = sum(n * m for n, m in zip(sizes[:-1], sizes[1:]))
    biases = sum(sizes[1:])
    return checks.check_answer(
        "parameters of the 784-96-48-24-12-10 network", answer, weights + biases,
        hint="sum over the five Dense layers of inputs × units + units; the first layer has "
             "784 inputs.",
        mistakes={"that is the chapter's 784-256-128-64-32-10 network, counted in the summary above; "
                  "this one starts at 96 units.": _fashion_count(_fashion_sizes(classifiers.FASHION_WIDTHS[0])),
                  f"you forgot the biases: each of the {biases} units has one.": weights,
                  "those are only the biases; add the weight matrices.": biases,
                  f"that is only the first layer (784×{sizes[1]} + {sizes[1]}); add the four others.":
                  sizes[0] * sizes[1] + sizes[1]})


def _per_class_accuracy(labels, probabilities):
    """For each class, the share of its test images that the model classifies right (its recall, 召回率)."""
    labels, predicted = np.asarray(labels), np.asarray(probabilities).argmax(axis=1)
    num_classes = np.shape(probabilities)[1]
    return np.array([np.mean(predicted[labels == c] == c) for c in range(num_classes)])


def _precision(labels, probabilities):
    labels, predicted = np.asarray(labels), np.asarray(probabilities).argmax(axis=1)
    num_classes = np.shape(probabilities)[1]
    return np.array([np.mean(labels[predicted == c] == c) if np.any(predicted == c) else 0.0
                     for c in range(num_classes)])


#: What the per-class exercise asks the student to write: scikit-learn's recall and its reports, Keras'
#: Recall, and the check's own reference.
PER_CLASS_FUNCTIONS = ("sklearn.metrics.recall_score", "sklearn.metrics.precision_recall_fscore_support",
                       "sklearn.metrics.classification_report", "sklearn.metrics.balanced_accuracy_score",
                       "keras.metrics.Recall", "course_lib.exercises.classifiers._per_class_accuracy")


def _per_class_cases():
    """(probabilities, labels) of the check's own: other sizes and class counts than the chapter's; every class occurs."""
    rng = np.random.RandomState(10)
    cases = []
    for rows, classes in ((40, 10), (25, 4), (60, 6)):
        labels = np.concatenate([np.arange(classes), rng.randint(0, classes, rows - classes)])
        rng.shuffle(labels)
        probabilities = rng.dirichlet(np.ones(classes), rows)
        probabilities[np.arange(rows), labels] += rng.rand(rows)  # right more often than chance, not always
        cases.append((probabilities / probabilities.sum(axis=1, keepdims=True), labels))
    return cases


def check_per_class_accuracy(per_class_accuracy):
    """Build it: ``per_class_accuracy(probabilities, labels)``, for each class c the share of the rows labelled c
    that the model predicts as c (its recall, 召回率), with NumPy.

    Called on predictions of the check's own, with scikit-learn's recall and Keras' Recall raising while
    it runs; the chapter then applies it to its own test images.
    """
    def judge(probabilities, labels):
        expected = _per_class_accuracy(labels, probabilities)
        return lambda result: checks.diagnose(result, expected, mistakes={
            "you divided by how often each class was *predicted* (that is precision, 精确率); divide by how "
            "often it really occurs (the label).": _precision(labels, probabilities),
            "that is the overall accuracy, the same for every class: average over the rows of one class at a "
            "time.": np.full(len(expected), np.mean(np.argmax(probabilities, axis=1) == labels)),
            "give fractions between 0 and 1, not percentages.": 100.0 * expected})

    return checks.check_function(
        "per_class_accuracy", per_class_accuracy,
        [((p.copy(), labels.copy()), judge(p, labels)) for p, labels in _per_class_cases()],
        hint="predict each row's class (argmax), then for each class c keep the rows whose label is c and average "
             "(predicted == c) over them: one number per class, as many as the probabilities have columns.",
        forbidden=PER_CLASS_FUNCTIONS)


def check_shifted_logits(answer, logits, y_one_hot, shift=10.0):
    """Add ``shift`` to every logit: give (cross entropy, MSE) of the shifted logits for the one-hot labels."""
    shifted = np.asarray(logits, dtype=np.float32) + shift
    expected = (float(classifiers.cross_entropy_of_logits(y_one_hot, shifted)),
                float(classifiers.mse_of_logits(y_one_hot, shifted)))
    original = (float(classifiers.cross_entropy_of_logits(y_one_hot, logits)),
                float(classifiers.mse_of_logits(y_one_hot, logits)))
    return checks.check_answer(
        f"(cross entropy, MSE) with every logit + {shift:g}", answer, expected, rtol=1e-4,
        hint="compute both losses on logits + shift with classifiers.cross_entropy_of_logits "
             "and classifiers.mse_of_logits.",
        mistakes={"those are the losses of the unshifted logits: add the shift first.": original})


def _forbidden(name):
    """A stand-in for the model method ``name`` that raises :class:`course_lib.checks.ForbiddenCall` when called."""
    def forbidden(*args, **kwargs):
        raise checks.ForbiddenCall(name)
    return forbidden


def _step_results(train_step, optimizer_name, seed, num_steps=3):
    """Weights before and after ``num_steps`` of ``train_step(model, optimizer, x, y)`` on batches of the check's own, and the losses.

    ``train_step=None`` runs the chapter's step.
    """
    import keras

    rng = np.random.RandomState(seed)
    with notebook.seeded(seed):
        model = classifiers.fashion_mlp((16,))
    start = [w.numpy() for w in model.trainable_variables]
    optimizer = {"SGD": keras.optimizers.SGD(0.1), "Adam": keras.optimizers.Adam(0.01)}[optimizer_name]
    if train_step is not None:  # Keras' own training, which the exercise asks the student to write
        for method in MODEL_SHORTCUTS:
            setattr(model, method, _forbidden(f"model.{method}"))
    if train_step is None:  # the reference: chapter 10's step (training.make_train_step), compiled once
        compiled = training.make_train_step(model, keras.losses.CategoricalCrossentropy(from_logits=True),
                                            optimizer, {})

        def train_step(model, optimizer, x, y):
            return compiled(x, y)["loss"]
    losses = []
    for _ in range(num_steps):
        x = rng.rand(32, 784).astype(np.float32)
        y = np.eye(classifiers.NUM_CLASSES, dtype=np.float32)[rng.randint(0, classifiers.NUM_CLASSES, 32)]
        losses.append(train_step(model, optimizer, x, y))
    return start, [w.numpy() for w in model.trainable_variables], losses


#: The model's own training methods, which raise while the student's step runs.
MODEL_SHORTCUTS = ("compile", "fit", "train_on_batch", "train_step", "make_train_function")
#: The course's training step and loops (chapter 10's section 5), which raise too.
COURSE_STEPS = ("course_lib.training.make_train_step", "course_lib.training.train", "course_lib.training.train_live",
                "course_lib.training._compiled_steps")


def check_train_step(train_step):
    """Build it: your ``train_step(model, optimizer, x, y)``, one step with ``GradientTape``, returning the loss.

    The check runs three of your steps with SGD and with Adam on a fresh network and
    batches of its own, and compares the weights and the losses with the chapter's step.
    The model's own ``compile``, ``fit`` and ``train_on_batch`` and the course's step
    (:data:`COURSE_STEPS`) raise while your step runs.
    """
    name = "train_step"
    hint = ("record the forward pass and the loss on a GradientTape, then let the optimizer apply the "
            "loss's gradient; return the loss.")
    for number, (optimizer_name, seed) in enumerate((("SGD", 10), ("Adam", 11)), start=1):
        result, verdict = checks.call_answer(name, train_step, optimizer_name, seed, hint=hint, run=_step_results,
                                             forbidden=COURSE_STEPS)
        if verdict is not None:
            return verdict
        start, weights, losses = result
        _, expected_weights, expected_losses = _step_results(None, optimizer_name, seed)
        if all(np.array_equal(w, w0) for w, w0 in zip(weights, start)):
            return checks.fail(name, f"run {number} ({optimizer_name}): the weights did not change; "
                                     "call optimizer.apply_gradients(zip(gradients, model.trainable_variables)).")
        # The first loss comes before any update: it tells a wrong loss from a wrong update.
        problem = checks.diagnose(losses[0], float(expected_losses[0]), rtol=1e-4)
        if problem is not None:
            return checks.fail(name, f"run {number} ({optimizer_name}), the loss your step returned: {problem} "
                                     "Return the batch's mean cross entropy computed from the logits "
                                     "(from_logits=True).")
        if not all(np.allclose(w, e, rtol=1e-4, atol=1e-6) for w, e in zip(weights, expected_weights)):
            return checks.fail(name, f"run {number} ({optimizer_name}): the losses are right but the weights "
                                     "went elsewhere: take the gradient of that loss with respect to "
                                     "model.trainable_variables and apply it once (check the sign).")
    language.show(f"✓ {name}: three steps with SGD and with Adam give the chapter's weights and losses.")
    return checks.Verdict(True)


#: What exercise 5 of chapter 10 asks you to compute, so your function may not call it: Keras'
#: convolutions and their shape rule, TensorFlow's, and the course's formula.
CONV_SHAPE_FORBIDDEN = ("keras.layers.Conv2D", "keras.ops.conv", "keras.src.ops.operation_utils.compute_conv_output_shape",
                        "tensorflow.nn.conv2d", "tensorflow.nn.convolution", "course_lib.classifiers.conv_output_size")
#: The check's own cases: (height, width, kernel_size, strides, padding), rectangular and with remainders.
CONV_SHAPE_CASES = ((31, 45, (5, 3), (3, 2), "valid"), (31, 45, (5, 3), (3, 2), "same"),
                    (20, 17, (4, 6), (4, 1), "valid"), (20, 17, (4, 6), (4, 1), "same"),
                    (13, 50, (1, 7), (2, 5), "valid"), (13, 50, (1, 7), (2, 5), "same"))


def _conv_shape_mistakes(height, width, kernel_size, strides, padding):
    """The shapes the usual slips give for one case of :data:`CONV_SHAPE_CASES`, each with its hint."""
    sizes = ((height, kernel_size[0], strides[0]), (width, kernel_size[1], strides[1]))
    other = "same" if padding == "valid" else "valid"
    mistakes = {
        f'that is the shape with padding="{other}": check which formula your function takes for "{padding}".':
        tuple(classifiers.conv_output_size(n, k, s, other) for n, k, s in sizes),
        "that is the shape at strides (1, 1): where does your function use strides?":
        tuple(classifiers.conv_output_size(n, k, 1, padding) for n, k, s in sizes),
    }
    swapped = ((height, kernel_size[1], strides[1]), (width, kernel_size[0], strides[0]))
    if padding == "same" or all(k <= n for n, k, s in swapped):
        mistakes["the rows and the columns are mixed up: kernel_size and strides are (rows, columns)."] = tuple(
            classifiers.conv_output_size(n, k, s, padding) for n, k, s in swapped)
    if padding == "valid":
        mistakes["a count of windows is off by one: try the formula on a 3-pixel axis and a kernel of 3."] = tuple(
            (n - k) // s for n, k, s in sizes)
        mistakes["a partial step counted as a whole one: where does the last window end?"] = tuple(
            -(-(n - k) // s) + 1 for n, k, s in sizes)
    else:
        mistakes["the last, partly padded output is missing: count the windows in the right panel of the chapter's figure."] = tuple(
            n // s for n, k, s in sizes)
    return mistakes


def _judge_conv_shape(case):
    expected = tuple(classifiers.conv_output_size(n, k, s, case[4])
                     for n, k, s in ((case[0], case[2][0], case[3][0]), (case[1], case[2][1], case[3][1])))
    mistakes = {hint: shape for hint, shape in _conv_shape_mistakes(*case).items() if shape != expected}

    def judge(given):
        if (not isinstance(given, (tuple, list)) or len(given) != 2
                or not all(isinstance(size, numbers.Integral) and not isinstance(size, bool) for size in given)):
            return "return a pair (height, width) of whole numbers (int), e.g. a tuple."
        if tuple(given) == expected:
            return None
        return next((hint for hint, shape in mistakes.items() if tuple(given) == shape),
                    checks.NOT_YET)
    return judge


def check_conv_output_shape(conv_output_shape):
    """Your ``conv_output_shape(height, width, kernel_size, strides, padding)`` on the cases of :data:`CONV_SHAPE_CASES`."""
    return checks.check_function(
        "conv_output_shape", conv_output_shape,
        [(case, _judge_conv_shape(case)) for case in CONV_SHAPE_CASES],
        hint="work out one axis on paper with the chapter's figure, then apply it to rows and columns separately.",
        forbidden=CONV_SHAPE_FORBIDDEN)


#: Chapter 09's exercise 5 asks for the count of any Dense stack, so Keras' layers and models, and the
#: course's own counts (chapter 02's), are switched off.
DENSE_COUNT_FORBIDDEN = ("keras.layers.Dense", "keras.Sequential", "keras.Model",
                         "course_lib.forward.dense_parameter_count", "course_lib.forward.parameter_counts")
#: The stacks the check asks about (input width first): none of them is on the page.
DENSE_COUNT_CASES = ((30, 7, 5), (100, 64, 32, 16, 3), (12, 1), (3, 40, 40, 40, 2))


def _dense_count_mistakes(sizes):
    """The counts the usual slips give for the stack ``sizes``, each with its hint."""
    pairs = list(zip(sizes[:-1], sizes[1:]))
    return {
        "you forgot the biases: every unit of a Dense layer has one.": sum(n * m for n, m in pairs),
        "the input layer has no biases: it is the data, not a layer of units.":
        sum(n * m + m for n, m in pairs) + sizes[0],
        "the last layer is missing: a stack of L widths has L − 1 Dense layers, the output one included.":
        sum(n * m + m for n, m in pairs[:-1]),
        "every layer has a weight from each unit of the layer before it, not only from the input.":
        sum(sizes[0] * m + m for m in sizes[1:]),
    }


def check_dense_parameter_count(dense_parameter_count):
    """Your ``dense_parameter_count(layer_sizes)`` on the stacks of :data:`DENSE_COUNT_CASES`."""
    def case(sizes):
        expected = sum(n * m + m for n, m in zip(sizes[:-1], sizes[1:]))
        mistakes = {hint: count for hint, count in _dense_count_mistakes(sizes).items() if count != expected}
        return (list(sizes),), lambda given: checks.diagnose(given, expected, rtol=0, atol=0, mistakes=mistakes)

    return checks.check_function(
        "dense_parameter_count", dense_parameter_count, [case(sizes) for sizes in DENSE_COUNT_CASES],
        hint="count one Dense layer on paper (its weights and its biases), then add up the layers.",
        forbidden=DENSE_COUNT_FORBIDDEN)
