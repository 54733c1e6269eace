"""The course's training loop as it was before its epochs were compiled, kept as a reference.

``course_lib.training.train`` now runs many steps per call of one ``tf.function``
(``training.make_epoch_function``). Until then it called the compiled one-batch
step from a Python ``for`` loop over the dataset and read every metric back with
``float()`` after every step. :func:`train` here is that loop, on the same step
(``training.make_train_step``) and the same :func:`course_lib.training.loop`, so
that ``benchmarks/throughput.py`` can time the two side by side in one run and
``tests`` can check that they learn exactly the same weights.
"""

import math

from course_lib import training


def run_epoch(step, dataset):
    """Mean of each metric over the dataset, each batch weighted by its size: one Python call per batch."""
    totals, count = {}, 0
    for x, y in dataset:
        values = step(x, y)
        size = int(x.shape[0])
        for name, value in values.items():
            totals[name] = totals.get(name, 0.0) + float(value) * size
        count += size
    if count == 0:
        raise ValueError("The dataset is empty: it yielded no batch.")
    return {name: total / count for name, total in totals.items()}


def train(model, dataset, *, loss_fn, optimizer, num_epochs, metrics=None, validation_data=None):
    """``training.train`` with the per-batch Python loop; returns its :class:`course_lib.training.History`."""
    metrics = dict(metrics or {})
    train_step = training.make_train_step(model, loss_fn, optimizer, metrics)
    eval_step = training.make_eval_step(model, loss_fn, metrics)

    def run_epochs(first_epoch, count):
        logs = run_epoch(train_step, dataset)
        if validation_data is not None and math.isfinite(logs["loss"]):
            logs.update({f"val_{k}": v for k, v in run_epoch(eval_step, validation_data).items()})
        return [logs]

    return training.loop(run_epochs, num_epochs, checkpoint=training.Checkpoint(
        training.training_state(model, optimizer)), progress=False)
