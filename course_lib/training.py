"""A manual training loop: ``GradientTape`` inside ``tf.function``, with the guards a lecture needs.

``model.fit`` hides the loop; the chapters that teach the loop write it out once
and then call :func:`train`, which is the same loop plus what a real run needs:
a progress bar, per-epoch metrics, a stop with the last good weights restored
when the loss turns NaN, and Ctrl-C (Kernel → Interrupt) that keeps what was
learned so far instead of throwing it away.
"""

import math
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import tensorflow as tf

from course_lib import validate


@dataclass
class History:
    """What a run of :func:`train` measured: one value per epoch for each metric."""

    metrics: dict = field(default_factory=dict)
    stop_reason: str = "completed"
    seconds: float = 0.0

    @property
    def num_epochs(self):
        """How many epochs finished."""
        return len(next(iter(self.metrics.values()), []))

    def last(self, name):
        """The metric ``name`` after the last finished epoch."""
        return self.metrics[name][-1]


def accuracy(y_true, y_pred):
    """Share of rows whose highest score is the true class; labels may be integers or one-hot."""
    predicted = tf.argmax(y_pred, axis=-1, output_type=tf.int64)
    if y_true.shape.rank == y_pred.shape.rank:
        y_true = tf.argmax(y_true, axis=-1, output_type=tf.int64)
    return tf.reduce_mean(tf.cast(tf.equal(tf.cast(y_true, tf.int64), predicted), tf.float32))


def learning_rate_of(optimizer):
    """The optimizer's current learning rate as a float, or None when it follows a schedule."""
    rate = getattr(optimizer, "learning_rate", None)
    try:
        return float(np.asarray(rate))
    except (TypeError, ValueError):
        return None


def _check_learning_rate(optimizer):
    rate = learning_rate_of(optimizer)
    if rate is not None and not (math.isfinite(rate) and rate > 0):
        raise ValueError(f"The optimizer's learning_rate must be greater than 0, got {rate}. "
                         "A negative rate climbs the loss instead of descending it; try 1e-3.")


def make_train_step(model, loss_fn, optimizer, metrics):
    """One compiled step: forward pass, loss, gradients, update; returns the batch's metrics."""

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            y_pred = model(x, training=True)
            loss = loss_fn(y, y_pred)
        variables = model.trainable_variables
        gradients = tape.gradient(loss, variables)
        optimizer.apply_gradients(zip(gradients, variables))
        return {"loss": loss, **{name: fn(y, y_pred) for name, fn in metrics.items()}}

    return train_step


def make_eval_step(model, loss_fn, metrics):
    """One compiled evaluation step on a batch, without updating anything."""

    @tf.function
    def eval_step(x, y):
        y_pred = model(x, training=False)
        return {"loss": loss_fn(y, y_pred), **{name: fn(y, y_pred) for name, fn in metrics.items()}}

    return eval_step


#: Compiled steps of the last few (model, loss, optimizer, metrics) combinations, so that a
#: panel calling :func:`train` once per click traces its step once, not on every click.
#: Each entry keeps its objects alive, so their ids cannot be reused while it is cached.
_COMPILED_STEPS = OrderedDict()
_MAX_COMPILED_STEPS = 8


def _compiled_steps(model, loss_fn, optimizer, metrics):
    """The (train_step, eval_step) pair for these objects, compiled once and reused."""
    key = (id(model), id(loss_fn), id(optimizer), tuple((name, id(fn)) for name, fn in metrics.items()))
    if key not in _COMPILED_STEPS:
        _COMPILED_STEPS[key] = (make_train_step(model, loss_fn, optimizer, metrics),
                                make_eval_step(model, loss_fn, metrics),
                                (model, loss_fn, optimizer, metrics))
        if len(_COMPILED_STEPS) > _MAX_COMPILED_STEPS:
            _COMPILED_STEPS.popitem(last=False)
    _COMPILED_STEPS.move_to_end(key)
    return _COMPILED_STEPS[key][:2]


def _run_epoch(step, dataset):
    """Mean of each metric over the dataset, each batch weighted by its size."""
    totals, count = {}, 0
    for x, y in dataset:
        values = step(x, y)
        size = int(tf.shape(x)[0])
        for name, value in values.items():
            totals[name] = totals.get(name, 0.0) + float(value) * size
        count += size
    if count == 0:
        raise ValueError("The dataset is empty: it yielded no batch.")
    return {name: total / count for name, total in totals.items()}


def evaluate(model, dataset, loss_fn, metrics=None):
    """The loss and ``metrics`` of ``model`` over ``dataset`` (batched ``(x, y)`` pairs)."""
    return _run_epoch(make_eval_step(model, loss_fn, dict(metrics or {})), dataset)


def _progress(num_epochs, show):
    from tqdm.auto import tqdm

    return tqdm(total=num_epochs, unit="epoch", disable=not show, leave=True)


def train(model, dataset, *, loss_fn, optimizer, num_epochs, metrics=None,
          validation_data=None, progress=True):
    """Train ``model`` for ``num_epochs`` passes over ``dataset``; return a :class:`History`.

    ``dataset`` yields batched ``(x, y)`` pairs (a ``tf.data.Dataset``), ``metrics``
    maps names to ``fn(y_true, y_pred)`` batch means (``loss`` is always there),
    ``validation_data`` adds ``val_`` metrics. If the loss turns NaN, training stops
    with the weights of the last good epoch restored and ``stop_reason="diverged"``;
    on Ctrl-C it stops with the weights learned so far and ``stop_reason="interrupted"``.
    """
    num_epochs = validate.positive_int("num_epochs", num_epochs)
    _check_learning_rate(optimizer)
    metrics = dict(metrics or {})
    train_step, eval_step = _compiled_steps(model, loss_fn, optimizer, metrics)
    history = History()
    good_weights = [v.numpy() for v in model.trainable_variables]
    start = time.perf_counter()
    bar = _progress(num_epochs, progress)
    try:
        for epoch in range(num_epochs):
            results = _run_epoch(train_step, dataset)
            if not math.isfinite(results["loss"]):
                for variable, value in zip(model.trainable_variables, good_weights):
                    variable.assign(value)
                history.stop_reason = "diverged"
                print(f"⚠ The loss became {results['loss']} in epoch {epoch + 1}: training diverged. "
                      f"The weights after epoch {epoch} were restored. Lower the learning rate "
                      "(try dividing it by 10) and train again.")
                break
            if validation_data is not None:
                results.update({f"val_{k}": v for k, v in _run_epoch(eval_step, validation_data).items()})
            for name, value in results.items():
                history.metrics.setdefault(name, []).append(value)
            good_weights = [v.numpy() for v in model.trainable_variables]
            bar.set_postfix({k: f"{v:.4f}" for k, v in results.items()}, refresh=False)
            bar.update(1)
    except KeyboardInterrupt:
        history.stop_reason = "interrupted"
        print(f"⏹ Interrupted after {history.num_epochs} full epoch(s). The model keeps what it "
              "learned so far; run the cell again to continue training it.")
    finally:
        bar.close()
        history.seconds = time.perf_counter() - start
    return history
