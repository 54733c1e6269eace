"""The one training loop of the course: every chapter that trains by hand runs it.

``model.fit`` hides the loop; the chapters that teach the loop write it out once
(chapter 02 with raw variables, chapter 10 with ``GradientTape``) and then call
:func:`train`, which is the same loop plus what a real run needs. The API:

- :func:`train` trains a model (a ``keras.Model`` or any ``tf.Module`` with
  ``trainable_variables``) with a Keras optimizer: each batch runs the compiled
  step of :func:`make_train_step`; each epoch gives a dict of metrics. The steps
  run many at a time inside one more ``tf.function`` (:func:`make_epoch_function`),
  so that Python does not stand between two batches; the batches, their order and
  the numbers are those of a Python ``for`` loop calling the step once per batch.
- :func:`loop` is the epoch loop itself, for a run whose epoch is not "one
  Keras-optimizer step per batch" (a hand-written optimizer, epochs compiled into
  one graph): give it ``run_epochs(first_epoch, count) -> [logs, ...]`` and it adds
  everything below.

Both return a :class:`History`, and take the same keyword arguments:

- ``on_epoch_end(epoch, logs)`` is called after every finished epoch, with the
  epoch's index (0-based, counted over the whole ``history``) and its metrics
  (``loss``, the ``metrics``, ``val_`` ones): a monitor such as chapter 11's records from it.
  ``history=`` a History of an earlier run appends to it, so a run can be continued.
- A loss that turns NaN or infinite, or explodes while staying finite (more than
  :data:`EXPLOSION_FACTOR` times the untrained model's loss), stops the run
  (``stop_reason="diverged"``) with the weights *and the optimizer's state* (step
  count, momentum, Adam's moments) of the last healthy epoch put back, and a message
  saying what to do. Putting back the weights alone is not enough: momentum full of
  NaN, or of 1e12, would wreck the next run; and a state saved after an epoch that
  already exploded is no rescue, which is why an exploding epoch counts as diverged.
- Ctrl-C (Kernel → Interrupt) stops the run (``stop_reason="interrupted"``) with
  the weights learned so far instead of throwing them away.

A live panel plays a run instead of waiting for it: :func:`live` (and :func:`train_live`,
:func:`train`'s twin) is the one producer of every live panel's updates. It yields the run's
:class:`History` before the first epoch and then about :data:`UPDATES_PER_RUN` times, with
the same epochs, divergence handling and recovery as one :func:`loop`. Pausing is simply not
asking for the next update: the run keeps what it learned, and asking again goes on.

Call the same ``train`` again with the same model and optimizer to continue a run: the
compiled step is reused, not traced again.
"""

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import tensorflow as tf

from course_lib import language, validate


@dataclass
class History:
    """What a run of :func:`train` or :func:`loop` measured: one value per epoch for each metric.

    ``stop_reason`` is ``"completed"``, ``"diverged"`` or ``"interrupted"``; ``seconds`` is the time spent training;
    ``reference_loss`` the loss an explosion is measured against.
    Taught in chapter 02.
    """

    metrics: dict = field(default_factory=dict)
    stop_reason: str = "completed"
    seconds: float = 0.0
    #: The loss a run's divergence is judged against: the untrained model's, or the first epoch's.
    reference_loss: float = None

    @property
    def num_epochs(self):
        """How many epochs finished."""
        return len(next(iter(self.metrics.values()), []))

    def last(self, name):
        """The metric ``name`` after the last finished epoch."""
        return self.metrics[name][-1]


def accuracy(y_true, y_pred):
    """Share of rows whose highest score is the true class; labels may be integers or one-hot.

    Taught in chapter 02.
    """
    y_true, y_pred = tf.convert_to_tensor(y_true), tf.convert_to_tensor(y_pred)
    if 0 in (y_pred.shape.num_elements(), y_true.shape.num_elements()):  # static shapes: also inside a tf.function
        raise ValueError(f"y_true and y_pred must hold at least one example, got shapes {y_true.shape} and {y_pred.shape}.")
    if y_pred.shape.rank is None or y_pred.shape.rank < 1 or y_true.shape.rank not in (y_pred.shape.rank - 1,
                                                                                       y_pred.shape.rank):
        raise ValueError(f"y_pred must hold one row of scores per label: got y_true of shape {y_true.shape} "
                         f"and y_pred of shape {y_pred.shape}.")
    if y_true.shape[0] is not None and y_pred.shape[0] is not None and y_true.shape[0] != y_pred.shape[0]:
        raise ValueError(f"y_true has {y_true.shape[0]} labels but y_pred {y_pred.shape[0]} rows of scores: "
                         "give one row per label.")
    predicted = tf.argmax(y_pred, axis=-1, output_type=tf.int64)
    if y_true.shape.rank == y_pred.shape.rank:
        y_true = tf.argmax(y_true, axis=-1, output_type=tf.int64)
    return tf.reduce_mean(tf.cast(tf.equal(tf.cast(y_true, tf.int64), predicted), tf.float32))


def learning_rate_of(optimizer):
    """The optimizer's current learning rate as a float, or None when it follows a schedule.

    Taught in chapter 10.
    """
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
    """One compiled step: forward pass, loss, gradients, update; returns the batch's metrics.

    Taught in chapter 10; chapter 02's loop is the same step with raw variables.
    """

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
    """One compiled evaluation step on a batch, without updating anything. Taught in chapter 02."""

    @tf.function
    def eval_step(x, y):
        y_pred = model(x, training=False)
        return {"loss": loss_fn(y, y_pred), **{name: fn(y, y_pred) for name, fn in metrics.items()}}

    return eval_step


#: Compiled epochs of the last few (model, loss, optimizer, metrics) combinations, so that a
#: panel calling :func:`train` once per click traces its step once, not on every click.
#: Each entry keeps its objects alive, so their ids cannot be reused while it is cached.
_COMPILED_STEPS = OrderedDict()
_MAX_COMPILED_STEPS = 8
_COMPILED_STEPS_LOCK = threading.Lock()  # a panel's thread and the notebook may train at once


class FirstLoss:
    """The loss of the first step a run takes, kept as the step takes it: the untrained model's loss.

    A step computes its batch's loss before it updates the weights, so the first step of a
    run reports the loss of the model as it was. :func:`train` measures an explosion against
    it, without a pass over the data of its own (which would also move a shuffled dataset's
    order on by one epoch).
    """

    def __init__(self):
        self.value = tf.Variable(0.0, dtype=tf.float64, trainable=False)
        self.waiting = tf.Variable(False, trainable=False)

    def wrap(self, step):
        """``step``, which also keeps the first loss it reports after :meth:`expect`."""
        def step_keeping_first_loss(x, y):
            values = step(x, y)
            keep = tf.logical_and(self.waiting, tf.math.is_finite(tf.cast(values["loss"], tf.float64)))
            self.value.assign(tf.where(keep, tf.cast(values["loss"], tf.float64), self.value))
            self.waiting.assign(tf.logical_and(self.waiting, tf.logical_not(keep)))
            return values
        return step_keeping_first_loss

    def expect(self):
        """Keep the loss of the next step."""
        self.waiting.assign(True)

    def read(self):
        """The kept loss, or None when no step kept one."""
        return None if bool(self.waiting.numpy()) else float(self.value.numpy())


def _compiled_steps(model, loss_fn, optimizer, metrics):
    """The (train, evaluate) pair of :func:`make_epoch_function`s for these objects, compiled once and reused,
    and the :class:`FirstLoss` that the training epochs feed."""
    key = (id(model), id(loss_fn), id(optimizer), tuple((name, id(fn)) for name, fn in metrics.items()))
    names = ("loss", *metrics)
    with _COMPILED_STEPS_LOCK:
        if key not in _COMPILED_STEPS:
            first_loss = FirstLoss()
            step = first_loss.wrap(make_train_step(model, loss_fn, optimizer, metrics))
            _COMPILED_STEPS[key] = (make_epoch_function(step, names),
                                    make_epoch_function(make_eval_step(model, loss_fn, metrics), names),
                                    first_loss, (model, loss_fn, optimizer, metrics))
            if len(_COMPILED_STEPS) > _MAX_COMPILED_STEPS:
                _COMPILED_STEPS.popitem(last=False)
        _COMPILED_STEPS.move_to_end(key)
        return _COMPILED_STEPS[key][:3]


#: Batches per call of a compiled epoch (see :func:`make_epoch_function`): enough that Python's
#: overhead per call (a fraction of a millisecond) is spread over many steps, few enough that a
#: Ctrl-C, which Python sees only between calls, stops a run within a second or so.
STEPS_PER_CALL = 200


def make_epoch_function(step, names):
    """Up to :data:`STEPS_PER_CALL` calls of ``step(x, y)`` compiled into one graph, adding up its metrics.

    ``run_steps(iterator, totals, count)`` takes batches from a ``tf.data`` iterator
    until it runs dry or the call has made its steps, and returns ``(totals, count,
    steps)``: each metric of ``names`` summed over the batches, weighted by their
    size, the number of examples and the number of batches. The sums are float64, in
    batch order, so they are the very numbers a Python loop adding ``float(value) *
    size`` gets, without Python and a copy to the host between the steps.
    ``step`` itself stays the readable one-batch step of :func:`make_train_step`.
    Taught in chapter 10 (with the step it runs).
    """
    names = tuple(names)

    @tf.function
    def run_steps(iterator, totals, count):
        steps = tf.constant(0)
        for _ in tf.range(STEPS_PER_CALL):
            batch = iterator.get_next_as_optional()
            if not batch.has_value():
                break
            x, y = batch.get_value()
            values = step(x, y)
            size = tf.cast(tf.shape(x)[0], tf.float64)
            totals = {name: totals[name] + tf.cast(values[name], tf.float64) * size for name in names}
            count += size
            steps += 1
        return totals, count, steps

    return run_steps


def run_epoch(run_steps, names, dataset):
    """Mean of each metric of ``names`` over ``dataset``, each batch weighted by its size.

    ``run_steps`` is a :func:`make_epoch_function`; it is called until the dataset
    runs dry, so Python runs once per :data:`STEPS_PER_CALL` batches, not once per batch.
    """
    if not isinstance(dataset, tf.data.Dataset):
        raise TypeError(f"dataset must be a tf.data.Dataset of (x, y) batches, got {type(dataset).__name__}: "
                        "tf.data.Dataset.from_tensor_slices((x, y)).batch(32) makes one.")
    iterator = iter(dataset)
    totals = {name: tf.constant(0.0, tf.float64) for name in names}
    count = tf.constant(0.0, tf.float64)
    while True:
        totals, count, steps = run_steps(iterator, totals, count)
        if int(steps) < STEPS_PER_CALL:
            break
    count = float(count)
    if count == 0:
        raise ValueError("The dataset is empty: it yielded no batch.")
    return {name: float(total) / count for name, total in totals.items()}


def evaluate(model, dataset, loss_fn, metrics=None):
    """The loss and ``metrics`` of ``model`` over ``dataset`` (batched ``(x, y)`` pairs). Taught in chapter 02."""
    metrics = dict(metrics or {})
    names = ("loss", *metrics)
    return run_epoch(make_epoch_function(make_eval_step(model, loss_fn, metrics), names), names, dataset)


class Checkpoint:
    """The values of some variables, kept in memory: the last good state of a run.

    :func:`loop` saves it after every good epoch and restores it when the loss
    diverges. ``variables`` are ``tf.Variable``s or Keras variables (anything with
    ``numpy()`` and ``assign``); ``states`` are objects with ``get_state()`` and
    ``set_state(state)``, such as chapter 07's hand-written optimizers. Taught in chapter 02.
    """

    def __init__(self, variables, states=()):
        self.variables, self.states = list(variables), list(states)
        self.values = self.saved_states = None

    def save(self):
        """Copy the current values."""
        self.values = [np.array(variable.numpy()) for variable in self.variables]
        self.saved_states = [obj.get_state() for obj in self.states]

    def restore(self):
        """Put the saved values back."""
        for variable, value in zip(self.variables, self.values):
            variable.assign(value)
        for obj, state in zip(self.states, self.saved_states):
            obj.set_state(state)


class Snapshot:
    """The state of a run held as immutable values (tensors, tuples of tensors) in ``value``.

    A run that computes new tensors instead of assigning variables (chapter 06's and
    08's compiled epochs) keeps its state here; saving it keeps a reference, which
    is all a value that never changes needs. Taught in chapter 06.
    """

    def __init__(self, value):
        self.value = self.saved = value

    def save(self):
        """Remember the current value."""
        self.saved = self.value

    def restore(self):
        """Go back to the remembered value."""
        self.value = self.saved


def training_state(model, optimizer):
    """The variables a run changes: the model's trainable weights and the optimizer's state.

    The optimizer's state is its step count and its slots (momentum, Adam's two
    moments), built now if the optimizer has not run yet, so that they exist before
    the first epoch; its learning rate is left out, since a run does not change it.
    Taught in chapter 07 (an optimizer's state); :func:`train` uses it.
    """
    if not hasattr(model, "trainable_variables"):
        raise TypeError(f"model must be a keras.Model or a tf.Module with trainable_variables, got {type(model).__name__}.")
    if not hasattr(optimizer, "apply_gradients"):
        raise TypeError(f"optimizer must be a Keras optimizer, got {type(optimizer).__name__}.")
    variables = list(model.trainable_variables)
    if not optimizer.built:
        optimizer.build(variables)
    rate = getattr(optimizer, "_learning_rate", None)
    return variables + [v for v in optimizer.variables if v is not rate]


#: A loss this many times the untrained model's is an explosion, not learning: a run that
#: learns never gets there (cross entropy starts near ln 10 = 2.3 on ten classes), and an
#: exploding one passes it within an epoch or two (SGD at learning rate 10 with momentum 0.9
#: on chapter 02's kind of regression: 4e29 in its first epoch).
EXPLOSION_FACTOR = 100.0


def _exploded(loss, reference):
    """Whether an epoch's ``loss`` means divergence: not finite, or beyond :data:`EXPLOSION_FACTOR` × ``reference``."""
    return not math.isfinite(loss) or (reference is not None and loss > EXPLOSION_FACTOR * max(reference, 1e-12))


def _progress(num_epochs, show):
    from tqdm.auto import tqdm

    return tqdm(total=num_epochs, unit="epoch", disable=not show, leave=True)


def loop(run_epochs, num_epochs, *, epochs_per_call=1, checkpoint=None, on_epoch_end=None,
         history=None, progress=True, reference_loss=None):
    """Train ``num_epochs`` epochs by calling ``run_epochs(first_epoch, count)``; a :class:`History`.

    ``run_epochs`` trains ``count`` epochs (at most ``epochs_per_call``: more than
    one lets a compiled multi-epoch function save Python's overhead per call) and
    returns one dict of metrics per epoch, each with ``"loss"``. ``checkpoint`` (a
    :class:`Checkpoint`, a :class:`Snapshot`, or anything with ``save`` and
    ``restore``) holds what is put back when the loss diverges; it is saved after
    every call whose epochs were all good. ``reference_loss`` (the untrained model's loss,
    or a function that tells it once the first call has run) is what an explosion is
    measured against; without it, the first epoch's loss is. The other arguments are those
    of the module docstring. Taught in chapter 02.
    """
    num_epochs = validate.positive_int("num_epochs", num_epochs)
    epochs_per_call = validate.positive_int("epochs_per_call", epochs_per_call)
    history = History() if history is None else history
    history.stop_reason = "completed"

    if checkpoint is not None:
        checkpoint.save()
    start = time.perf_counter()
    bar = _progress(num_epochs, progress)
    try:
        done = 0
        while done < num_epochs:
            first, count = history.num_epochs, min(epochs_per_call, num_epochs - done)
            epochs = run_epochs(first, count)
            losses = [_epoch_loss(logs) for logs in epochs]
            if history.reference_loss is None:
                history.reference_loss = _reference(reference_loss, losses)
            diverged = [index for index, loss in enumerate(losses) if _exploded(loss, history.reference_loss)]
            if diverged:
                _diverged(history, checkpoint, first + diverged[0], losses[diverged[0]], first)
                break
            for logs in epochs:
                for name, value in logs.items():
                    history.metrics.setdefault(name, []).append(value)
            if checkpoint is not None:
                checkpoint.save()
            bar.set_postfix({k: f"{v:.4f}" for k, v in epochs[-1].items()}, refresh=False)
            bar.update(count)
            done += count
            if on_epoch_end is not None:
                for index, logs in enumerate(epochs):
                    on_epoch_end(first + index, logs)
    except KeyboardInterrupt:
        history.stop_reason = "interrupted"
        language.show(f"⏹ Interrupted after {history.num_epochs} full epoch(s). The model keeps what it "
              "learned so far; run the cell again to continue training it.")
    finally:
        bar.close()
        history.seconds += time.perf_counter() - start
    return history


#: A live run is shown in about this many updates, whatever its length: often enough to watch
#: it learn, seldom enough that drawing (a decision boundary, a health report) does not slow
#: it down. The one setting of how often every live panel's chart updates.
UPDATES_PER_RUN = 20


def epochs_per_update(num_epochs):
    """How many epochs a live run of ``num_epochs`` trains between two updates (see :data:`UPDATES_PER_RUN`)."""
    return -(-validate.positive_int("num_epochs", num_epochs) // UPDATES_PER_RUN)


def live(run_epochs, num_epochs, **loop_options):
    """:func:`loop` played live: its :class:`History` before the first epoch, then after every
    :func:`epochs_per_update` epochs, until the run is done or diverged.

    The one producer of the course's live panels. The epochs are those of one :func:`loop`
    call, however the run is cut; the History is the same object throughout, growing.
    Not asking for the next update pauses the run, and asking again goes on from
    there. ``loop_options`` are :func:`loop`'s (``on_epoch_end``, ``history`` and
    ``progress`` aside). Taught in chapter 06 (the Playground).
    """
    every = epochs_per_update(num_epochs)
    history = History()
    yield history
    while history.num_epochs < num_epochs and history.stop_reason == "completed":
        loop(run_epochs, min(every, num_epochs - history.num_epochs), history=history, progress=False,
             **loop_options)
        yield history


def _reference(reference_loss, losses):
    """The loss an explosion is measured against: ``reference_loss`` (or what it returns), else the first epoch's."""
    reference = reference_loss() if callable(reference_loss) else reference_loss
    if reference is None or not math.isfinite(reference):
        reference = losses[0] if losses and math.isfinite(losses[0]) else None
    return reference


def _epoch_loss(logs):
    """The ``"loss"`` of an epoch's metrics, as a float; a ``ValueError`` when the epoch reported none."""
    if not isinstance(logs, dict) or "loss" not in logs:
        raise ValueError(f"run_epochs must return one dict of metrics per epoch, each with a 'loss'; got {logs!r}.")
    return float(logs["loss"])


def _diverged(history, checkpoint, epoch, loss, restored_epoch):
    """Stop a run whose loss of ``epoch`` (0-based) diverged: restore the checkpoint and say what to do."""
    history.stop_reason = "diverged"
    if checkpoint is not None:
        checkpoint.restore()
    if math.isfinite(loss):
        what = (f"The loss reached {loss:.3g} in epoch {epoch + 1}, more than {EXPLOSION_FACTOR:g} times the "
                f"untrained model's {history.reference_loss:.3g}: training diverged (it exploded). ")
    else:
        what = f"The loss became {loss} in epoch {epoch + 1}: training diverged. "
    restored = "before training" if restored_epoch == 0 else f"after epoch {restored_epoch}"
    language.show("⚠ " + what + (f"The weights and the optimizer's state as they were {restored} were restored. "
                         if checkpoint is not None else "")
          + "Lower the learning rate (try dividing it by 10) and train again.")


def train(model, dataset, *, loss_fn, optimizer, num_epochs, metrics=None, validation_data=None,
          progress=True, on_epoch_end=None, history=None):
    """Train ``model`` for ``num_epochs`` passes over ``dataset``; return a :class:`History`.

    ``dataset`` yields batched ``(x, y)`` pairs (a ``tf.data.Dataset``), ``metrics``
    maps names to ``fn(y_true, y_pred)`` batch means (``loss`` is always there),
    ``validation_data`` adds ``val_`` metrics. Divergence, Ctrl-C, ``on_epoch_end``
    and ``history`` behave as the module docstring says. Taught in chapters 02 and 10.
    """
    num_epochs = validate.positive_int("num_epochs", num_epochs)
    return loop(num_epochs=num_epochs, on_epoch_end=on_epoch_end, history=history, progress=progress,
                **_keras_optimizer_epochs(model, dataset, loss_fn, optimizer, metrics, validation_data))


def train_live(model, dataset, *, loss_fn, optimizer, num_epochs, metrics=None, validation_data=None):
    """:func:`train` played live (see :func:`live`): its :class:`History` before training, then as it grows.

    Chapter 02's and chapter 11's live panels play it.
    """
    num_epochs = validate.positive_int("num_epochs", num_epochs)
    return live(num_epochs=num_epochs,
                **_keras_optimizer_epochs(model, dataset, loss_fn, optimizer, metrics, validation_data))


def _keras_optimizer_epochs(model, dataset, loss_fn, optimizer, metrics, validation_data):
    """The arguments of :func:`loop` that train ``model`` with a Keras ``optimizer``, one compiled epoch per call."""
    _check_learning_rate(optimizer)
    metrics = dict(metrics or {})
    train_epoch, eval_epoch, first_loss = _compiled_steps(model, loss_fn, optimizer, metrics)
    names = ("loss", *metrics)

    def run_epochs(first_epoch, count):  # one epoch per call: count is always 1
        logs = run_epoch(train_epoch, names, dataset)
        if validation_data is not None and math.isfinite(logs["loss"]):
            logs.update({f"val_{k}": v for k, v in run_epoch(eval_epoch, names, validation_data).items()})
        return [logs]

    first_loss.expect()  # the first step's loss is the model's before this run: an explosion is measured from it
    return {"run_epochs": run_epochs, "checkpoint": Checkpoint(training_state(model, optimizer)),
            "reference_loss": first_loss.read}


def fit_epochs(model, dataset, validation_data=None):
    """The arguments of :func:`loop` and :func:`live` that train a compiled Keras ``model`` with ``fit``.

    Each call is one ``fit`` over ``dataset`` from the epoch the run has reached (so
    a ``tf.data`` dataset reshuffles between epochs as in one long ``fit``); an epoch's
    logs are Keras' (``loss``, the compiled metrics, ``val_`` ones). Divergence puts back
    the weights and the optimizer's state of the last healthy epoch. Chapter 10's live panel plays it.
    """
    if not isinstance(dataset, tf.data.Dataset):
        raise TypeError(f"dataset must be a tf.data.Dataset of batches, got {type(dataset).__name__}.")

    def run_epochs(first_epoch, count):
        keras_history = model.fit(dataset, initial_epoch=first_epoch, epochs=first_epoch + count,
                                  validation_data=validation_data, shuffle=False,  # the dataset shuffles itself
                                  verbose=0)
        logs = keras_history.history
        return [{name: values[index] for name, values in logs.items()} for index in range(count)]

    return {"run_epochs": run_epochs, "checkpoint": Checkpoint(training_state(model, model.optimizer))}
