"""Training a Keras model with a hand-written optimizer: the gradient from ``GradientTape``, the update ours.

:func:`train_by_hand` runs the epochs (one :meth:`~course_lib.optimizers.course_forms.Optimizer.step`
per batch) through :func:`course_lib.training.loop`; :func:`train_iris` trains the
course's iris classifier with any hand-written optimizer. Taught in chapter 07.
"""

from dataclasses import dataclass

import numpy as np

from course_lib import validate
from course_lib.optimizers.course_forms import COLORS, Optimizer
from course_lib.plots import new_figure


def make_gradient_function(model, loss_fn):
    """A compiled function ``(x, y) -> (loss, gradients)`` for the model's trainable weights."""
    import tensorflow as tf

    @tf.function(reduce_retracing=True)
    def loss_and_gradients(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        return loss, tape.gradient(loss, model.trainable_variables)

    return loss_and_gradients


def _course_optimizer(optimizer):
    """Refuse anything but a hand-written optimizer of the course (it has ``step``)."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be one of the course's optimizers (optimizers.SGD() and the like), "
                        f"got {type(optimizer).__name__}.")


def apply_step(optimizer, model, gradients):
    """Update the model's trainable weights with one ``step`` of a hand-written optimizer."""
    _course_optimizer(optimizer)
    validate.keras_model("model", model)
    variables = model.trainable_variables
    if not isinstance(gradients, (list, tuple)) or len(gradients) != len(variables):
        raise ValueError(f"gradients must be a list of {len(variables)} arrays, one per trainable variable of model.")
    new_weights = optimizer.step([v.numpy() for v in variables], [g.numpy() for g in gradients])
    for variable, value in zip(variables, new_weights):
        variable.assign(value)


def iris_model(seed=1):
    """The iris classifier: 4 features → 3 classes in one softmax layer, as in the course."""
    import keras

    return keras.Sequential([
        keras.Input(shape=(4,)),
        keras.layers.Dense(3, activation="softmax",
                           kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1, seed=seed),
                           bias_initializer=keras.initializers.TruncatedNormal(stddev=0.1, seed=seed + 1)),
    ])


def iris_split(num_test=30):
    """The course's iris split, :func:`course_lib.recipe.iris_split` (imported here only when needed)."""
    from course_lib import recipe

    return recipe.iris_split(num_test)


def train_by_hand(optimizer, model, batches, loss_and_gradients, *, num_epochs):
    """Train ``model`` with a hand-written ``optimizer``: one :meth:`Optimizer.step` per batch.

    ``batches`` is a list of ``(x, y)`` batches, ``loss_and_gradients`` the compiled
    function of :func:`make_gradient_function`. The epochs run through
    :func:`course_lib.training.loop` (a diverging run stops with the weights and the
    optimizer's moments of the last good epoch); returns its :class:`~course_lib.training.History`. Taught in chapter 07.
    """
    from course_lib import training

    _course_optimizer(optimizer)
    validate.keras_model("model", model)
    if not isinstance(batches, list) or not batches:
        raise TypeError(f"batches must be a non-empty list of (x, y) batches, got {type(batches).__name__}.")
    for number, batch in enumerate(batches):
        validate.examples(f"batch {number}", batch)
    if not callable(loss_and_gradients):
        raise TypeError(f"loss_and_gradients must be a function (make_gradient_function's), "
                        f"got {type(loss_and_gradients).__name__}.")
    num_samples = sum(len(x) for x, _ in batches)

    def run_epochs(first_epoch, count):  # one epoch per call: count is always 1
        total = 0.0
        for x, y in batches:
            loss, gradients = loss_and_gradients(x, y)
            apply_step(optimizer, model, gradients)
            total += float(loss) * len(x)
        return [{"loss": total / num_samples}]

    return training.loop(run_epochs, num_epochs, progress=False,
                         checkpoint=training.Checkpoint(model.trainable_variables, states=[optimizer]))


@dataclass
class IrisRun:
    """What :func:`train_iris` measured: the loss of each epoch, the test accuracy and the time."""

    name: str
    losses: np.ndarray
    test_accuracy: float
    seconds: float


def train_iris(optimizer, name="", *, num_epochs=300, batch_size=32, seed=1):
    """Train the course's iris classifier with a hand-written ``optimizer``; return an :class:`IrisRun`.

    Mini-batches of ``batch_size`` in a fixed order, cross-entropy loss, ``num_epochs``
    passes of :func:`train_by_hand`; the time covers the training loop only.
    """
    import keras
    import tensorflow as tf

    _course_optimizer(optimizer)
    num_epochs = validate.positive_int("num_epochs", num_epochs)
    batch_size = validate.positive_int("batch_size", batch_size)
    (x_train, y_train), (x_test, y_test) = iris_split()
    model = iris_model(seed)
    loss_and_gradients = make_gradient_function(model, keras.losses.SparseCategoricalCrossentropy())
    batches = list(tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(batch_size))
    history = train_by_hand(optimizer, model, batches, loss_and_gradients, num_epochs=num_epochs)
    predictions = np.argmax(model(x_test).numpy(), axis=1)
    return IrisRun(name or type(optimizer).__name__, np.array(history.metrics["loss"]),
                   float(np.mean(predictions == y_test)), history.seconds)


def iris_loss_figure(runs):
    """The training loss per epoch of each iris run, one curve per optimizer."""
    if not isinstance(runs, (list, tuple)) or not runs or not all(isinstance(run, IrisRun) for run in runs):
        raise TypeError(f"runs must be a non-empty list of what train_iris returns, got {type(runs).__name__}.")
    figure, ax = new_figure(7.0, 3.8)
    for run in runs:
        ax.plot(np.arange(1, len(run.losses) + 1), run.losses, color=COLORS.get(run.name),
                label=run.name)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (cross entropy)")
    ax.set_title("iris: training loss with each optimizer")
    ax.legend()
    return figure
