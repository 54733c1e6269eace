"""All nine course-form optimizers at a fixed budget, each at the learning rate that suits it (固定预算下的比较).

A comparison that stands: the same network, batches and number of steps for every
method; each method's learning rate chosen on validation data from a grid wide
enough that the choice lies inside it; several starting weights (seeds), so that
the spread shows which differences a seed can undo. Taught in chapter 07.
"""

import itertools

import numpy as np

from course_lib import notebook, validate
from course_lib.optimizers.course_forms import ALL_COURSE_OPTIMIZERS, COLORS
from course_lib.optimizers.training_by_hand import make_gradient_function, train_by_hand
from course_lib.plots import new_figure


#: The learning rates tried for each method at a fixed budget: four or five, a factor of about 3
#: apart, wide enough that the rate chosen for each method lies inside its grid, not at an end
#: (:func:`budget_race` refuses an end); AdaDelta's rate is a multiplier of its own step.
BUDGET_LEARNING_RATES = {
    "SGD": (0.03, 0.1, 0.3, 1.0), "SGDM": (0.1, 0.3, 1.0, 3.0), "NAG": (0.1, 0.3, 1.0, 3.0),
    "AdaGrad": (0.003, 0.01, 0.03, 0.1), "RMSProp": (0.0003, 0.001, 0.003, 0.01),
    "AdaDelta": (0.1, 0.3, 1.0, 3.0),
    "Adam": (0.001, 0.003, 0.01, 0.03), "Nadam": (0.001, 0.003, 0.01, 0.03), "AdamW": (0.001, 0.003, 0.01, 0.03),
}

#: The starting weights :func:`budget_race` repeats every run from, one per seed.
BUDGET_SEEDS = (0, 1, 2)


def fashion_budget_data(num_train=2000, num_validation=1000, num_test=2000):
    """Small Fashion-MNIST slices for :func:`budget_race`: flattened pixels in [0, 1], integer labels.

    Training images are the first ``num_train`` of the training set, validation images
    its last ``num_validation`` (never trained on), test images the first ``num_test``
    of the test set. Returns ``(x_train, y_train), (x_val, y_val), (x_test, y_test)``.
    Taught in chapter 07.
    """
    from course_lib import data

    num_train, num_validation, num_test = (validate.positive_int(name, value) for name, value in (
        ("num_train", num_train), ("num_validation", num_validation), ("num_test", num_test)))
    (x, y), (x_test, y_test) = data.load_fashion_mnist(flatten=True)
    if num_train + num_validation > len(x):
        raise ValueError(f"num_train + num_validation must be at most {len(x)}, got {num_train + num_validation}.")
    return ((x[:num_train], y[:num_train]), (x[len(x) - num_validation:], y[len(y) - num_validation:]),
            (x_test[:num_test], y_test[:num_test]))


def budget_race(train, validation, test, *, learning_rates=None, seeds=BUDGET_SEEDS, num_epochs=1, batch_size=50,
                hidden_units=64, allow_edge=False):
    """Every course-form optimizer at the same budget, each with the learning rate that suits it best.

    A 784-``hidden_units``-10 ReLU network, the same batches for every run, trained
    ``num_epochs`` passes over ``train`` with each method and each of its
    ``learning_rates`` (``{name: rates}``, :data:`BUDGET_LEARNING_RATES` by default),
    from the starting weights of each of ``seeds``. The rate kept for a method is the one
    with the best **median** validation accuracy over the seeds; a kept rate at either end
    of its grid raises a ``ValueError`` (the best may lie beyond it: widen the grid),
    unless ``allow_edge``. Only the kept rate's runs are scored on ``test``: one test
    accuracy per seed, so that the spread shows which differences a seed can undo.
    Returns ``{name: {"learning_rates", "val_accuracies" (seeds × rates), "best_learning_rate",
    "test_accuracies" (one per seed), "test_accuracy" (their median), "test_loss" (median),
    "seconds"}}``. Taught in chapter 07.
    """
    import keras
    import tensorflow as tf

    learning_rates = dict(BUDGET_LEARNING_RATES if learning_rates is None else learning_rates)
    for name, rates in learning_rates.items():
        validate.one_of("learning_rates name", name, list(ALL_COURSE_OPTIMIZERS))
        if not len(rates):
            raise ValueError(f"learning_rates[{name!r}] is empty; give at least one learning rate.")
        [validate.positive("learning_rate", rate) for rate in rates]
    seeds = [int(seed) for seed in seeds]
    if not seeds:
        raise ValueError("seeds is empty; give at least one seed.")
    num_epochs = validate.positive_int("num_epochs", num_epochs)
    batch_size = validate.positive_int("batch_size", batch_size)
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = (_images_and_labels(name, data) for name, data in
                                                            (("train", train), ("validation", validation), ("test", test)))

    def network():
        return keras.Sequential([keras.Input((x_train.shape[1],)),
                                 keras.layers.Dense(validate.positive_int("hidden_units", hidden_units),
                                                    activation="relu"),
                                 keras.layers.Dense(int(max(y_train.max(), y_val.max(), y_test.max())) + 1)])

    starts = []
    for seed in seeds:
        with notebook.seeded(seed):
            starts.append(network().get_weights())
    model = network()
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    loss_and_gradients = make_gradient_function(model, loss_fn)
    batches = list(tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(batch_size))

    def accuracy(x, y):
        return float(np.mean(np.argmax(model(x).numpy(), axis=1) == y))

    results = {}
    for name, rates in learning_rates.items():
        val_accuracies, tests, seconds = np.zeros((len(seeds), len(rates))), {}, 0.0
        for (row, start), (column, rate) in itertools.product(enumerate(starts), enumerate(rates)):
            model.set_weights(start)
            history = train_by_hand(ALL_COURSE_OPTIMIZERS[name](learning_rate=rate), model, batches,
                                    loss_and_gradients, num_epochs=num_epochs)
            seconds += history.seconds
            completed = history.stop_reason == "completed"
            val_accuracies[row, column] = accuracy(x_val, y_val) if completed else 0.0
            tests[row, column] = ((accuracy(x_test, y_test), float(loss_fn(y_test, model(x_test))))
                                  if completed else (0.0, float("inf")))
        best = int(np.argmax(np.median(val_accuracies, axis=0)))
        if not allow_edge and best in (0, len(rates) - 1):
            raise ValueError(f"{name}'s best learning rate, {rates[best]:g}, is at an end of its grid "
                             f"{tuple(rates)}: the best may lie beyond it; widen learning_rates[{name!r}].")
        test_accuracies = np.array([tests[row, best][0] for row in range(len(seeds))])
        results[name] = {"learning_rates": tuple(rates), "val_accuracies": val_accuracies,
                         "best_learning_rate": rates[best], "test_accuracies": test_accuracies,
                         "test_accuracy": float(np.median(test_accuracies)),
                         "test_loss": float(np.median([tests[row, best][1] for row in range(len(seeds))])),
                         "seconds": seconds}
    return results


def _images_and_labels(name, data):
    """``data`` as ``(x, y)``: one row of pixels per image and a class per row, else a clear error."""
    x, y = validate.examples(name, data)
    if np.ndim(x) != 2:
        raise ValueError(f"{name}'s x must hold one row of pixels per image, got shape {np.shape(x)}.")
    validate.finite_array(f"{name}'s x", x)
    validate.class_labels(f"{name}'s y", y)
    return x, y


def budget_figure(results):
    """Median validation accuracy against learning rate for each method (left), test accuracy at its kept rate (right).

    The bars of the right half span the seeds' lowest to highest test accuracy. Taught in chapter 07.
    """
    validate.results("results", results, ("learning_rates", "val_accuracies", "test_accuracy", "test_accuracies",
                                          "best_learning_rate"), kind=validate.DICT)
    figure, (left, right) = new_figure(11.0, 3.8, ncols=2)
    names = list(results)
    for name in names:
        result = results[name]
        left.plot(result["learning_rates"], np.median(result["val_accuracies"], axis=0), "o-",
                  color=COLORS.get(name), label=name)
    left.set_xscale("log")
    left.set_xlabel("learning rate (log scale)")
    left.set_ylabel("validation accuracy (median over seeds)")
    left.set_title("choosing each method's learning rate")
    left.legend(fontsize=8, ncol=2)
    medians = np.array([results[name]["test_accuracy"] for name in names])
    lows = np.array([results[name]["test_accuracies"].min() for name in names])
    highs = np.array([results[name]["test_accuracies"].max() for name in names])
    right.barh(names, medians, xerr=[medians - lows, highs - medians], capsize=3,
               color=[COLORS.get(name, "gray") for name in names])
    for index, name in enumerate(names):
        right.text(highs[index], index, f" {medians[index]:.3f} (lr {results[name]['best_learning_rate']:g})",
                   va="center", fontsize=8)
    right.set_xlim(lows.min() - 0.05, highs.max() + 0.08)
    right.invert_yaxis()
    right.set_xlabel("test accuracy at the kept rate: median, bar from lowest to highest seed")
    right.set_title("same budget, each at its best learning rate")
    return figure
