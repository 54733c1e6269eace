"""Chapter 08's helpers around the six-step recipe (八股) on iris.

The recipe itself (``Sequential``, ``compile``, ``fit``, ``summary``) is written out in
the chapter; this module holds what would bury it under plumbing:

- :func:`split_like_keras` is the split ``fit(validation_split=...)`` makes, for code
  that needs the two parts explicitly.
- :func:`repeated_dataset` feeds ``fit`` from one endless ``tf.data`` iterator, which
  removes the per-epoch cost that dominates 500 epochs of 120 samples.
- :func:`train_softmax_regression` is the same model and the same mini-batch SGD as the
  source's ``fit``, as one compiled TensorFlow loop, fast enough for a panel's button.
"""

import keras
import numpy as np
import tensorflow as tf

from course_lib import data, losses, training, validate

#: Keras' ``regularizers.l2()`` default strength, the one the source course uses.
DEFAULT_L2 = 0.01

#: The source shuffles iris with this seed before it splits it.
IRIS_SHUFFLE_SEED = 116


def split_like_keras(x, y, validation_split=0.2):
    """``(x_train, y_train), (x_val, y_val)`` as ``fit(validation_split=...)`` splits them.

    Keras keeps the **last** ``validation_split`` share of the rows for validation, before
    any shuffling; that is why the source shuffles iris first (seed 116).
    """
    validation_split = validate.in_range("validation_split", validation_split, 0.0, 0.99)
    x, y = np.asarray(x), np.asarray(y)
    validate.same_length(x, y)
    return _split_at(x, y, int(len(x) * (1.0 - validation_split)))


def iris_split(num_test=30):
    """The course's iris split: iris shuffled with the source's seed 116, the last ``num_test`` rows held out.

    With the default 30 of 150 rows it is :func:`split_like_keras` with 0.2, the split of
    the source's ``fit(validation_split=0.2)``. Taught in chapter 08; chapter 07 trains on it.
    """
    num_test = validate.positive_int("num_test", num_test)
    x, y = data.load_iris(shuffle_seed=IRIS_SHUFFLE_SEED)
    if num_test >= len(x):
        raise ValueError(f"num_test must leave training rows: got {num_test} of {len(x)}.")
    return _split_at(x, y, len(x) - num_test)


def _split_at(x, y, num_train):
    """``(x, y)`` cut into the first ``num_train`` rows and the rest."""
    return (x[:num_train], y[:num_train]), (x[num_train:], y[num_train:])


class _BatchRecorder(keras.Model):
    """A model that learns nothing and writes down the rows of every training batch ``fit`` gives it."""

    def __init__(self):
        super().__init__()
        self.batches = []

    def train_step(self, data):
        rows, _ = data
        self.batches.append(rows.numpy().ravel().astype(int).tolist())
        return {"first_row": rows[0, 0]}

    def test_step(self, data):
        rows, _ = data
        return {"first_row": rows[0, 0]}


def rows_visited(num_rows, *, batch_size=32, num_epochs=2, shuffle=True, validation_split=0.0):
    """The row numbers ``fit`` trains on, epoch by epoch, for arrays of ``num_rows`` rows.

    ``fit`` gets the row numbers themselves as its data (the order it visits rows depends
    on their count, not their values) and a model that only records each batch, run
    eagerly. Returns one list of row numbers per epoch. Taught in chapter 08, which shows
    with it that on the installed Keras, with the seeds set, every epoch visits the rows
    in the same order.
    """
    num_rows = validate.positive_int("num_rows", num_rows)
    num_epochs = validate.positive_int("num_epochs", num_epochs)
    recorder = _BatchRecorder()
    recorder.compile(run_eagerly=True)
    rows = np.arange(num_rows, dtype=np.float32).reshape(-1, 1)
    recorder.fit(rows, np.zeros(num_rows, np.float32), batch_size=batch_size, epochs=num_epochs, shuffle=shuffle,
                 validation_split=validation_split, verbose=0)
    batches_per_epoch = len(recorder.batches) // num_epochs
    return [sum(recorder.batches[epoch * batches_per_epoch:(epoch + 1) * batches_per_epoch], [])
            for epoch in range(num_epochs)]


def repeated_dataset(x, y, batch_size=32, seed=0):
    """A ``tf.data`` pipeline of ``(x, y)`` batches, reshuffled every pass and repeated for ever.

    ``fit(dataset, steps_per_epoch=ceil(len(x) / batch_size), ...)`` then runs every epoch
    from one iterator: on tiny data, creating a new iterator per epoch costs more than the
    epoch's training itself.
    """
    batch_size = validate.positive_int("batch_size", batch_size)
    validate.same_length(x, y)
    return (tf.data.Dataset.from_tensor_slices((x, y))
            .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
            .batch(batch_size)
            .repeat())


def glorot_uniform(num_inputs, num_outputs, seed=0):
    """A kernel drawn as Keras' default ``GlorotUniform`` draws it: U(±√(6 / (in + out)))."""
    num_inputs = validate.positive_int("num_inputs", num_inputs)
    num_outputs = validate.positive_int("num_outputs", num_outputs)
    limit = np.sqrt(6.0 / (num_inputs + num_outputs))
    return np.random.RandomState(seed).uniform(-limit, limit, (num_inputs, num_outputs)).astype(np.float32)


def _loss_and_accuracy(x, y, kernel, bias, l2):
    """Mean sparse CE of softmax(x·W + b) plus l2·ΣW² (Keras' loss with an L2 kernel regularizer), and accuracy."""
    logits = tf.matmul(x, kernel) + bias
    data_loss = losses.cross_entropy_of_logits(y, logits)
    hits = tf.equal(tf.argmax(logits, axis=1, output_type=y.dtype), y)
    return data_loss + l2 * tf.reduce_sum(tf.square(kernel)), tf.reduce_mean(tf.cast(hits, tf.float32))


def loss_and_accuracy(x, y, kernel, bias, l2=DEFAULT_L2):
    """The iris model's loss (sparse cross entropy plus ``l2``·ΣW², Keras' with an L2 kernel
    regularizer) and accuracy on ``(x, y)``, as two floats: what the compiled training below
    records after every epoch, and what chapter 08's panel shows for the untrained model."""
    x = validate.finite_array("x", x, ndim_at_least=2).astype(np.float32)
    kernel = validate.finite_array("kernel", kernel, ndim_at_least=2).astype(np.float32)
    bias = validate.finite_array("bias", bias).astype(np.float32)
    if x.ndim != 2 or kernel.ndim != 2 or x.shape[1] != kernel.shape[0] or bias.shape != (kernel.shape[1],):
        raise ValueError(f"x (rows, features), kernel (features, classes) and bias (classes,) must fit "
                         f"together, got shapes {x.shape}, {kernel.shape} and {bias.shape}.")
    y = validate.class_labels("y", y, kernel.shape[1])
    validate.same_length(x, y)
    l2 = validate.non_negative("l2", l2)
    loss, accuracy = _loss_and_accuracy(*(tf.constant(part) for part in (x, y, kernel, bias)),
                                        tf.constant(l2, tf.float32))
    return float(loss), float(accuracy)


#: Epochs per call of the compiled training function (see :func:`course_lib.training.loop`).
EPOCHS_PER_CALL = 100


@tf.function
def _compiled_training(x, y, x_val, y_val, kernel, bias, learning_rate, l2, first_epoch, num_epochs,
                       batch_size, seed):
    """Mini-batch SGD over ``num_epochs`` reshuffled passes, all inside one graph.

    Epoch ``e`` shuffles with the seed ``(seed, e)``, so a run is the same however its
    epochs are split into calls (``first_epoch`` is the first one's number).

    The gradient is chapter 05's closed form: for softmax + CE it is (p − one-hot) with
    respect to the logits, so xᵀ(p − one-hot)/n for the kernel plus 2λW from the L2 penalty.
    Written out, the step needs fewer operations than a ``GradientTape`` records, which made
    the loop two to three times faster on the course machine.
    """
    num_samples = tf.shape(x)[0]
    one_hot = tf.one_hot(y, tf.shape(kernel)[1])
    curves = tf.TensorArray(tf.float32, size=num_epochs)
    for index in tf.range(num_epochs):
        epoch = first_epoch + index
        order = tf.argsort(tf.random.stateless_uniform([num_samples], seed=tf.stack([seed, epoch])))
        for start in tf.range(0, num_samples, batch_size):
            batch = order[start:start + batch_size]
            x_batch = tf.gather(x, batch)
            probabilities = tf.nn.softmax(tf.matmul(x_batch, kernel) + bias)
            error = (probabilities - tf.gather(one_hot, batch)) / tf.cast(tf.size(batch), tf.float32)
            kernel = kernel - learning_rate * (tf.matmul(x_batch, error, transpose_a=True) + 2.0 * l2 * kernel)
            bias = bias - learning_rate * tf.reduce_sum(error, axis=0)
        measured = _loss_and_accuracy(x, y, kernel, bias, l2) + _loss_and_accuracy(x_val, y_val, kernel, bias, l2)
        curves = curves.write(index, tf.stack(measured))
    return kernel, bias, curves.stack()


def train_softmax_regression(x_train, y_train, x_val, y_val, *, num_epochs=500, learning_rate=0.1,
                             l2=DEFAULT_L2, batch_size=32, seed=0, initial_weights=None):
    """Train the source's iris model, Dense(3, softmax) with an L2 kernel penalty, by mini-batch SGD.

    The same algorithm as ``compile(SGD(learning_rate), sparse CE)`` + ``fit(batch_size,
    shuffle=True)``, written as one ``tf.function`` whose arguments are tensors, so it is
    traced once and every later call runs 500 epochs in a fraction of a second.
    ``initial_weights`` is ``(kernel, bias)``; by default a Glorot-uniform kernel (seeded)
    and a zero bias, as Keras starts. Returns a dict with ``history`` (per-epoch ``loss``,
    ``accuracy``, ``val_loss``, ``val_accuracy``, each measured on the whole set at the end
    of the epoch, loss including the penalty), ``kernel``, ``bias``, ``seconds`` and
    ``stop_reason``. The epochs run :data:`EPOCHS_PER_CALL` at a time through
    :func:`course_lib.training.loop`.
    """
    *_, result = softmax_regression_runs(x_train, y_train, x_val, y_val, num_epochs=num_epochs,
                                         learning_rate=learning_rate, l2=l2, batch_size=batch_size, seed=seed,
                                         initial_weights=initial_weights, live=False)
    return result


def softmax_regression_runs(x_train, y_train, x_val, y_val, *, num_epochs=500, learning_rate=0.1,
                            l2=DEFAULT_L2, batch_size=32, seed=0, initial_weights=None, live=True):
    """:func:`train_softmax_regression` as it goes: its result for the untrained model, then at every
    update of :func:`course_lib.training.live` (with ``live=False``, only at the end). Chapter 08's
    panel plays it; the epochs are the same however they are split.
    """
    num_epochs = validate.positive_int("num_epochs", num_epochs)
    learning_rate = validate.positive("learning_rate", learning_rate)
    l2 = validate.non_negative("l2", l2)
    batch_size = validate.positive_int("batch_size", batch_size)
    x_train = validate.finite_array("x_train", x_train, ndim_at_least=2).astype(np.float32)
    x_val = validate.finite_array("x_val", x_val, ndim_at_least=2).astype(np.float32)
    y_train, y_val = validate.class_labels("y_train", y_train), validate.class_labels("y_val", y_val)
    validate.same_length(x_train, y_train, "x_train", "y_train")
    validate.same_length(x_val, y_val, "x_val", "y_val")
    if x_train.ndim != 2 or x_val.ndim != 2 or x_train.shape[1] != x_val.shape[1]:
        raise ValueError(f"x_train and x_val must be (rows, features) with the same features; "
                         f"got {x_train.shape} and {x_val.shape}.")
    num_classes = int(max(y_train.max(), y_val.max())) + 1
    if initial_weights is None:
        initial_weights = (glorot_uniform(x_train.shape[1], num_classes, seed), np.zeros(num_classes, np.float32))
    weights = training.Snapshot(tuple(tf.constant(w, tf.float32) for w in initial_weights))
    settings = (tf.constant(learning_rate, tf.float32), tf.constant(l2, tf.float32))
    names = ("loss", "accuracy", "val_loss", "val_accuracy")

    def run_epochs(first_epoch, count):
        *weights.value, curves = _compiled_training(
            x_train, y_train, x_val, y_val, *weights.value, *settings, tf.constant(first_epoch),
            tf.constant(count), tf.constant(batch_size), tf.constant(seed))
        return [dict(zip(names, row)) for row in curves.numpy().tolist()]

    options = {"epochs_per_call": EPOCHS_PER_CALL, "checkpoint": weights}
    runs = (training.live(run_epochs, num_epochs, **options) if live
            else [training.loop(run_epochs, num_epochs, progress=False, **options)])
    for run in runs:
        kernel, bias = weights.value
        yield {"history": {name: np.array(run.metrics.get(name, []), np.float32) for name in names},
               "kernel": kernel.numpy(), "bias": bias.numpy(), "num_epochs": num_epochs,
               "learning_rate": learning_rate, "l2": l2, "seconds": run.seconds, "stop_reason": run.stop_reason}


# Resuming a run where it stopped: a data order that is a function of the epoch.


def epoch_batches(x, y, *, batch_size=32, num_epochs, initial_epoch=0, seed=0):
    """Every epoch's batches from ``initial_epoch`` to ``num_epochs``, epoch ``e`` in an order drawn from ``(seed, e)`` only.

    A run that stopped after epoch ``k`` and resumes with ``initial_epoch=k`` therefore sees
    exactly the batches the uninterrupted run saw from epoch ``k + 1`` on, where a shuffled
    dataset built anew would start its orders again from the first epoch's. Give ``fit`` the
    dataset with ``steps_per_epoch=ceil(len(x) / batch_size)``. Taught in chapter 08.
    """
    batch_size = validate.positive_int("batch_size", batch_size)
    num_epochs = validate.positive_int("num_epochs", num_epochs)
    if not (isinstance(initial_epoch, (int, np.integer)) and 0 <= initial_epoch < num_epochs):
        raise ValueError(f"initial_epoch must be a whole number from 0 to num_epochs - 1 = {num_epochs - 1}, "
                         f"got {initial_epoch!r}.")
    validate.same_length(x, y)
    features, labels, num_rows = tf.constant(x, tf.float32), tf.constant(y), len(x)

    @tf.autograph.experimental.do_not_convert  # no Python control flow to convert; AutoGraph warned about the closure
    def one_epoch(epoch):
        order = tf.random.experimental.stateless_shuffle(tf.range(num_rows), seed=tf.stack([tf.cast(seed, tf.int64), epoch]))
        return tf.data.Dataset.from_tensor_slices((tf.gather(features, order), tf.gather(labels, order))).batch(batch_size)

    return tf.data.Dataset.range(int(initial_epoch), num_epochs).flat_map(one_epoch)
