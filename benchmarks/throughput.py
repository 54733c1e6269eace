"""Training throughput of the course's MNIST models, as a fraction of this machine's matmul roofline.

Two models, three ways of running the same training step, three batch sizes:

- models: the 784-256-128-10 network of chapter 02 (``course_lib.forward.MLP``,
  raw ``tf.Variable``s, trained as the source writes it: MSE on one-hot labels,
  ``assign_sub`` with learning rate 1e-3) and the Flatten-128-10 network of
  chapter 09 (``course_lib.classifiers``, compiled like the source: Adam, sparse
  cross entropy, accuracy);
- loops: (a) the eager ``GradientTape`` step, (b) the same step under
  ``tf.function``, called once per batch from Python; (c) the course's
  ``training.train`` as it was, calling its compiled step once per batch and
  reading the metrics back after each (``benchmarks/reference_training.py``);
  (d) ``training.train`` as it is, many steps per call of one ``tf.function``;
  (e) the same with the step compiled by XLA (``jit_compile=True``); (f)
  ``model.fit`` (for chapter 02, a Keras model of the same layers), one step per
  call, and (g) ``fit`` with ``steps_per_execution`` (``training.STEPS_PER_CALL``), as chapters 09 and 10 compile it;
- every loop reads the same ``tf.data`` pipeline the source builds
  (``from_tensor_slices(...).batch(batch_size)``), repeated; (c)-(e) train
  chapter 02's ``MLP`` on flattened images with ``SGD``, as chapter 02 does.

A bounded number of steps is timed after warm-up (tracing) and extrapolated to
an epoch of 60 000 images; (c)-(g) run as many steps as (b) managed, as one epoch. The roofline is the float32 matrix-multiply rate of
NumPy on this machine, sampled before every measurement of the same run; one
training step costs about 3x the forward pass (forward, then the gradients of
the inputs and of the weights), and a forward pass 2 FLOPs per multiply-add.
"""

import functools
import math
import time
from dataclasses import dataclass

import numpy as np

from course_lib import validate

LOOPS = ("eager", "tf.function", "train, per step", "train, compiled", "train, compiled + XLA", "fit",
         "fit, steps_per_execution")
#: The loops timed as epochs of as many steps as the ``tf.function`` loop made in its time.
EPOCH_LOOPS = LOOPS[2:]
BATCH_SIZES = (32, 128, 512)
EPOCH_SIZE = 60_000
LEARNING_RATE = 1e-3


@dataclass(frozen=True)
class ModelSpec:
    """One of the course's MNIST models: its Dense layer widths (input first) and where it is taught."""

    name: str
    widths: tuple
    chapter: str


MODELS = (
    ModelSpec("784-256-128-10", (784, 256, 128, 10), "02 forward propagation: raw variables, MSE, SGD"),
    ModelSpec("Flatten-128-10", (784, 128, 10), "09 MNIST: Keras Sequential, Adam, cross entropy"),
)


def forward_flops(widths):
    """FLOPs of one forward pass of one sample through Dense layers of ``widths`` (2 per multiply-add)."""
    if len(widths) < 2:
        raise ValueError(f"widths needs an input and at least one layer, got {widths!r}.")
    widths = [validate.positive_int("width", width) for width in widths]
    return 2 * sum(fan_in * fan_out for fan_in, fan_out in zip(widths, widths[1:]))


def train_flops(widths, num_samples=1):
    """FLOPs of training on ``num_samples`` samples: 3x the forward pass (forward + backward)."""
    return 3 * forward_flops(widths) * validate.positive_int("num_samples", num_samples)


def matmul_gflops(size=1024, repeats=3, clock=time.perf_counter):
    """This machine's float32 matrix-multiply rate in GFLOP/s: NumPy, ``size``x``size``, best of ``repeats``.

    ``clock=time.process_time`` gives the rate per CPU-second of the process (all its
    threads) instead of per second of wall time: what the loops are compared with when
    other programs share the cores.
    """
    size = validate.positive_int("size", size)
    repeats = validate.positive_int("repeats", repeats)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size), dtype=np.float32)
    b = rng.standard_normal((size, size), dtype=np.float32)
    a @ b  # the first call may allocate and spin up the BLAS threads
    best = math.inf
    for _ in range(repeats):
        start = clock()
        a @ b
        best = min(best, clock() - start)
    return 2 * size**3 / best / 1e9


def _source_step(model, learning_rate):
    """The source's training step on chapter 02's ``forward.MLP``: reshape, MSE on one-hot labels, ``assign_sub``."""
    import tensorflow as tf

    from course_lib import forward

    def step(x, y):
        x = tf.reshape(x, [-1, 28 * 28])
        with tf.GradientTape() as tape:
            loss = forward.mse(y, model(x))
        gradients = tape.gradient(loss, model.trainable_variables)
        for variable, gradient in zip(model.trainable_variables, gradients):
            variable.assign_sub(learning_rate * gradient)
        return loss

    return step


def _keras_model(spec, steps_per_execution=1):
    """A compiled Keras model of ``spec``: chapter 09's own, or chapter 02's layers as Dense layers (SGD, MSE)."""
    import keras

    from course_lib import classifiers

    if spec.name == "Flatten-128-10":
        model = classifiers.compile_like_source(classifiers.mnist_sequential(), LEARNING_RATE)
        model.compile(optimizer=model.optimizer, loss=model.loss, metrics=["sparse_categorical_accuracy"],
                      steps_per_execution=steps_per_execution)  # chapter 09's compile, batches per call as asked
        return model
    model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                              *[keras.layers.Dense(width, activation="relu") for width in spec.widths[1:-1]],
                              keras.layers.Dense(spec.widths[-1])])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE), loss=keras.losses.MeanSquaredError(),
                  steps_per_execution=steps_per_execution)
    return model


def _training_setup(spec, seed):
    """What ``training.train`` gets for ``spec``: the model, its loss, optimizer and metrics.

    Chapter 02's model is its raw-variable ``MLP`` with MSE and SGD (chapter 02's
    first run); chapter 09's is its compiled Keras model, with its loss and Adam.
    """
    import keras

    from course_lib import forward, training

    metrics = {"accuracy": training.accuracy}
    if spec.name == "784-256-128-10":
        return forward.MLP(spec.widths, seed=seed), forward.mse, keras.optimizers.SGD(LEARNING_RATE), metrics
    model = _keras_model(spec)
    return model, model.loss, model.optimizer, metrics


def _train_epoch_function(loop, spec, seed):
    """``train(dataset) -> loss`` training one epoch over ``dataset`` the way of ``loop`` (c)-(e)."""
    import tensorflow as tf

    from benchmarks import reference_training
    from course_lib import training

    model, loss_fn, optimizer, metrics = _training_setup(spec, seed)
    if loop == "train, compiled + XLA":
        step = training.make_train_step(model, loss_fn, optimizer, metrics)
        names = ("loss", *metrics)
        run_steps = training.make_epoch_function(tf.function(step.python_function, jit_compile=True), names)
        return lambda dataset: training.run_epoch(run_steps, names, dataset)["loss"]
    train = reference_training.train if loop == "train, per step" else training.train
    options = {} if loop == "train, per step" else {"progress": False}
    return lambda dataset: train(model, dataset, loss_fn=loss_fn, optimizer=optimizer, num_epochs=1,
                                 metrics=metrics, **options).last("loss")


def _train_step(spec, loop, seed):
    """The eager or ``tf.function`` training step of ``spec``; returns ``step(x, y) -> loss``.

    Chapter 02's model runs the source's step; chapter 09's runs the course's own
    loop (``course_lib.training.make_train_step``, its Python function when eager),
    with the accuracy metric its ``fit`` computes too.
    """
    import tensorflow as tf

    from course_lib import forward, training

    if spec.name == "784-256-128-10":
        step = _source_step(forward.MLP(spec.widths, seed=seed), LEARNING_RATE)
        return step if loop == "eager" else tf.function(step)
    model = _keras_model(spec)
    compiled = training.make_train_step(model, model.loss, model.optimizer, {"accuracy": training.accuracy})
    step = compiled.python_function if loop == "eager" else compiled
    return lambda x, y: step(x, y)["loss"]


@functools.lru_cache(maxsize=3)
def _mnist_train(one_hot, flatten=False):
    from course_lib import data

    return data.load_mnist(one_hot=one_hot, flatten=flatten)[0]


def mnist_dataset(spec, batch_size, num_samples=EPOCH_SIZE, *, flatten=False):
    """The source's pipeline: MNIST scaled to 0..1 (rows of 784 pixels if ``flatten``), labels one-hot for MSE,
    batched, repeated."""
    import tensorflow as tf

    x_train, y_train = _mnist_train(spec.name == "784-256-128-10", flatten)
    num_samples = validate.positive_int("num_samples", num_samples)
    x_train, y_train = x_train[:num_samples], y_train[:num_samples]
    dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    return dataset.batch(validate.positive_int("batch_size", batch_size)).repeat()


def time_steps(step, batches, *, min_seconds, max_steps, warmup_steps=3):
    """Time ``step`` on ``batches`` after ``warmup_steps`` untimed ones, until ``min_seconds`` or ``max_steps``.

    Returns a dict: ``steps``, ``seconds``, the final ``loss`` and ``first_step_seconds``,
    the first call alone (where a ``tf.function`` traces its graph).
    """
    min_seconds = validate.positive("min_seconds", min_seconds)
    max_steps = validate.positive_int("max_steps", max_steps)
    warmup_steps = validate.positive_int("warmup_steps", warmup_steps)
    start = time.perf_counter()
    float(step(*next(batches)))
    first_step_seconds = time.perf_counter() - start
    for _ in range(warmup_steps - 1):
        float(step(*next(batches)))
    steps, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while True:
        loss = step(*next(batches))
        steps += 1
        if steps >= max_steps or time.perf_counter() - start >= min_seconds:
            loss = float(loss)  # waits for the last step
            return {"steps": steps, "seconds": time.perf_counter() - start, "loss": loss,
                    "cpu_seconds": time.process_time() - cpu_start, "first_step_seconds": first_step_seconds}


def time_epoch(train, dataset, steps, warmup_steps=3):
    """Time ``train(dataset)`` over an epoch of ``steps`` batches, after an epoch of ``warmup_steps`` that traces it.

    Returns a dict: ``steps``, ``seconds``, ``loss`` (what ``train`` returned) and
    ``first_step_seconds`` (the warm-up epoch).
    """
    steps = validate.positive_int("steps", steps)
    start = time.perf_counter()
    train(dataset.take(validate.positive_int("warmup_steps", warmup_steps)))
    first_step_seconds = time.perf_counter() - start
    start, cpu_start = time.perf_counter(), time.process_time()
    loss = float(train(dataset.take(steps)))
    return {"steps": steps, "seconds": time.perf_counter() - start, "loss": loss,
            "cpu_seconds": time.process_time() - cpu_start, "first_step_seconds": first_step_seconds}


def time_fit(model, dataset, steps, warmup_steps=3):
    """Time an epoch of ``steps`` steps of ``model.fit``, after a short fit that compiles it.

    The epoch is timed from inside (a callback), so the set-up of the ``fit`` call
    itself is left out, as the tracing is by the warm-up call. Returns a dict:
    ``steps``, ``seconds``, ``loss`` and ``first_step_seconds`` (the warm-up call).
    """
    import keras

    steps = validate.positive_int("steps", steps)
    start = time.perf_counter()
    model.fit(dataset, epochs=1, steps_per_epoch=validate.positive_int("warmup_steps", warmup_steps),
              shuffle=False, verbose=0)
    first_step_seconds = time.perf_counter() - start
    marks = {}

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            marks["start"], marks["cpu_start"] = time.perf_counter(), time.process_time()

        def on_epoch_end(self, epoch, logs=None):
            marks["seconds"] = time.perf_counter() - marks["start"]
            marks["cpu_seconds"] = time.process_time() - marks["cpu_start"]

    history = model.fit(dataset, epochs=1, steps_per_epoch=steps, shuffle=False, verbose=0,
                        callbacks=[EpochTimer()])
    return {"steps": steps, "seconds": marks["seconds"], "loss": float(history.history["loss"][-1]),
            "cpu_seconds": marks["cpu_seconds"], "first_step_seconds": first_step_seconds}


def measure(spec, loop, batch_size, *, min_seconds, max_steps, fit_steps, num_samples=EPOCH_SIZE, seed=0):
    """Steps and seconds of one (model, loop, batch size), the first call's time and the loss reached."""
    validate.one_of("loop", loop, LOOPS)
    from course_lib import training

    if loop.startswith("train"):
        dataset = mnist_dataset(spec, batch_size, num_samples, flatten=spec.name == "784-256-128-10")
        return time_epoch(_train_epoch_function(loop, spec, seed), dataset, fit_steps)
    dataset = mnist_dataset(spec, batch_size, num_samples)
    if loop.startswith("fit"):
        steps_per_execution = training.STEPS_PER_CALL if loop == "fit, steps_per_execution" else 1
        return time_fit(_keras_model(spec, steps_per_execution), dataset, fit_steps)
    return time_steps(_train_step(spec, loop, seed), iter(dataset), min_seconds=min_seconds, max_steps=max_steps)


def run(*, batch_sizes=BATCH_SIZES, min_seconds=1.5, max_steps=2000, num_samples=EPOCH_SIZE,
        matmul_size=1024, models=MODELS, log=print):
    """Every model x loop x batch size, each with a roofline sample taken just before; returns a dict.

    The :data:`EPOCH_LOOPS` train one epoch of ``num_samples`` images (at most
    ``max_steps`` batches, at least as many as the ``tf.function`` loop made in
    ``min_seconds``): what a chapter's epoch costs, set-up of the call included.
    Each row also gets its rate per CPU-second against the matmul's rate per
    CPU-second (``cpu_roofline_fraction``), which other programs on the cores change little.
    """
    import keras

    keras.utils.set_random_seed(0)
    samples, cpu_samples, rows = [], [], []
    for spec in models:
        for batch_size in batch_sizes:
            graph_steps = None
            for loop in LOOPS:
                samples.append(matmul_gflops(matmul_size))
                cpu_samples.append(matmul_gflops(matmul_size, clock=time.process_time))
                fit_steps = min(max_steps, max(graph_steps or 3, math.ceil(num_samples / batch_size)))
                measured = measure(spec, loop, batch_size, min_seconds=min_seconds, max_steps=max_steps,
                                   fit_steps=fit_steps, num_samples=num_samples)
                graph_steps = measured["steps"] if loop == "tf.function" else graph_steps
                rate = measured["steps"] / measured["seconds"]
                rows.append({"model": spec.name, "loop": loop, "batch_size": batch_size, **measured,
                             "steps_per_second": rate,
                             "seconds_per_epoch": math.ceil(EPOCH_SIZE / batch_size) / rate,
                             "gflops": rate * train_flops(spec.widths, batch_size) / 1e9,
                             "cpu_gflops": measured["steps"] * train_flops(spec.widths, batch_size) / 1e9
                             / max(measured["cpu_seconds"], 1e-9)})
                log(f"  {spec.name:15s} {loop:24s} batch {batch_size:4d}: {rate:8.1f} steps/s, "
                    f"{rows[-1]['seconds_per_epoch']:6.2f} s/epoch")
    roofline, cpu_roofline = max(samples), max(cpu_samples)
    for row in rows:
        row["roofline_fraction"] = row["gflops"] / roofline
        row["cpu_roofline_fraction"] = row["cpu_gflops"] / cpu_roofline
    return {
        "roofline": {"gflops": roofline, "samples_gflops": samples, "matmul_size": matmul_size,
                     "cpu_gflops": cpu_roofline, "cpu_samples_gflops": cpu_samples,
                     "how": f"NumPy float32 {matmul_size}x{matmul_size} matmul, best of 3, sampled "
                            "before every measurement; the roofline is the best sample"},
        "models": [{"name": spec.name, "widths": list(spec.widths), "chapter": spec.chapter,
                    "forward_flops_per_sample": forward_flops(spec.widths),
                    "train_flops_per_epoch": train_flops(spec.widths, EPOCH_SIZE)} for spec in models],
        "epoch_size": EPOCH_SIZE,
        "rows": rows,
    }
