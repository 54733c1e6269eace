"""Forward propagation by hand (前向传播): the MNIST network of the source notes from raw ``tf.Variable``s.

Chapter 02 builds the 784-256-128-10 multilayer perceptron without Keras layers,
so every weight matrix, bias and matrix product is in sight:

    h1 = relu(x @ w1 + b1),  h2 = relu(h1 @ w2 + b2),  out = h2 @ w3 + b3.

This module keeps what the chapter reuses: the network (:class:`MLP`), the two
losses it compares (the source's MSE on one-hot labels and cross entropy) and the
source's other scaling of the MSE (:func:`summed_squared_error`), the parameter
count of each layer, the gradients ``GradientTape`` gives and their size layer by
layer (the reference for the chapter's backward pass by hand, 反向传播), the timing
of a training loop (batch of 1 and eager, as the source ran it, against batches
under ``tf.function``) and the train-one-epoch run behind the chapter's panel.
"""

import time

import numpy as np
import tensorflow as tf

from course_lib import losses, plots, validate

#: Pixels in, two hidden layers, ten digits out: the network of the source notes.
LAYER_SIZES = (784, 256, 128, 10)

#: The source initialises weights from a truncated normal with this standard deviation.
INIT_STDDEV = 0.1


def dense_parameter_count(inputs, units):
    """Weights plus biases of a dense layer: ``inputs * units + units`` (784→256 has 200960)."""
    inputs = validate.positive_int("inputs", inputs)
    units = validate.positive_int("units", units)
    return inputs * units + units


def parameter_counts(layer_sizes=LAYER_SIZES):
    """The parameter count of each dense layer of a network with these layer sizes."""
    sizes = _layer_sizes(layer_sizes)
    return [dense_parameter_count(n_in, n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def _layer_sizes(layer_sizes):
    sizes = [validate.positive_int("layer size", size) for size in layer_sizes]
    if len(sizes) < 2:
        raise ValueError(f"give at least an input and an output size, got {list(layer_sizes)}.")
    return sizes


class MLP(tf.Module):
    """A multilayer perceptron (多层感知机) from raw ``tf.Variable``s: ReLU hidden layers, linear output.

    Weights start from a truncated normal with ``stddev`` 0.1 and biases at zero, as
    in the source notes; they follow the global seed (``notebook.setup``), or ``seed``
    when one is given, without touching the global random state.
    ``model(x)`` returns the output scores (logits) of a batch of flattened images;
    ``model.trainable_variables`` are what the optimizer updates.
    """

    def __init__(self, layer_sizes=LAYER_SIZES, *, stddev=INIT_STDDEV, seed=None):
        super().__init__(name="mlp")
        sizes = _layer_sizes(layer_sizes)
        stddev = validate.positive("stddev", stddev)
        self.layer_sizes = tuple(sizes)
        self.weights = [tf.Variable(_truncated_normal([n_in, n_out], stddev, seed, index), name=f"w{index}")
                        for index, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1)]
        self.biases = [tf.Variable(tf.zeros([n_out]), name=f"b{index}")
                       for index, n_out in enumerate(sizes[1:], start=1)]

    def __call__(self, x, training=False):
        """The output scores of the batch ``x``: :func:`forward_pass` with this network's variables."""
        return forward_pass(self.weights, self.biases, x)


def forward_pass(weights, biases, x):
    """The forward pass: ``h = relu(h @ w + b)`` for each hidden layer, then ``out = h @ w + b``.

    ``weights`` and ``biases`` are lists (variables, tensors or arrays), one per layer.
    """
    if len(weights) != len(biases) or not weights:
        raise ValueError(f"give one bias per weight matrix, got {len(weights)} weights and {len(biases)} biases.")
    h = tf.convert_to_tensor(x, dtype=tf.float32)
    last = len(weights) - 1
    for index, (w, b) in enumerate(zip(weights, biases)):
        if len(w.shape) != 2:
            raise ValueError(f"w{index + 1} has shape {tuple(w.shape)}: each weight matrix is [inputs, units] of its layer.")
        if h.shape[-1] is not None and h.shape[-1] != w.shape[0]:
            raise ValueError(f"layer {index + 1} gets {h.shape[-1]} values per example but its weights w{index + 1} "
                             f"have shape {tuple(w.shape)}: each weight matrix is [inputs, units] of its layer.")
        if tuple(b.shape) != (w.shape[-1],):
            raise ValueError(f"the biases b{index + 1} have shape {tuple(b.shape)}; layer {index + 1} has "
                             f"{w.shape[-1]} units, so they must have shape ({w.shape[-1]},): one per unit.")
        h = h @ w + b
        if index < last:
            h = tf.nn.relu(h)
    return h


def _truncated_normal(shape, stddev, seed, index):
    if seed is None:
        return tf.random.truncated_normal(shape, stddev=stddev)
    return tf.random.stateless_truncated_normal(shape, seed=[int(seed), index], stddev=stddev)


#: The chapter's two losses under the names it uses: the source's MSE on one-hot labels and
#: cross entropy of one-hot labels and softmax(logits), both from :mod:`course_lib.losses`.
mse, cross_entropy = losses.mse, losses.cross_entropy_of_logits

#: The losses the chapter compares, by the name its panel shows.
LOSSES = {"MSE": mse, "cross entropy": cross_entropy}


def summed_squared_error(y_true, y_pred):
    """The source's Keras notes' loss, ``reduce_sum(square(out − y)) / b``: squared errors summed over the classes.

    It is the mean over the batch of each sample's summed squared error, so it is
    ``num_classes`` times :func:`mse` (10 times for digits), and so are its
    gradients: plain SGD on it at a learning rate η moves exactly as SGD on the MSE
    at 10·η. Chapter 02 measures that.
    """
    y_pred = tf.convert_to_tensor(y_pred)
    if y_pred.shape.rank != 2:
        raise ValueError(f"y_pred must be a batch of score rows [b, classes], got shape {y_pred.shape}.")
    y_true = tf.cast(y_true, y_pred.dtype)
    if y_true.shape != y_pred.shape:  # (4, 1) against (4, 10) would broadcast to a number without a word
        raise ValueError(f"y_true and y_pred must have the same shape (one-hot labels for the score rows), got "
                         f"{tuple(y_true.shape)} and {tuple(y_pred.shape)}.")
    error = y_true - y_pred
    return tf.reduce_sum(tf.square(error)) / tf.cast(tf.shape(y_pred)[0], y_pred.dtype)


def tape_gradients(weights, biases, x, y, loss_fn=mse):
    """The gradients of ``loss_fn(y, forward_pass(weights, biases, x))`` by ``GradientTape``.

    Returns ``(weight_gradients, bias_gradients)``, two lists of tensors shaped like
    ``weights`` and ``biases``: the reference that chapter 02's backward pass by hand
    is checked against. Plain arrays are watched, so any network can be given.
    """
    weights = [tf.convert_to_tensor(w, tf.float32) for w in weights]
    biases = [tf.convert_to_tensor(b, tf.float32) for b in biases]
    with tf.GradientTape() as tape:
        tape.watch(weights + biases)
        loss = loss_fn(tf.convert_to_tensor(y, tf.float32), forward_pass(weights, biases, x))
    gradients = tape.gradient(loss, weights + biases)
    return gradients[:len(weights)], gradients[len(weights):]


def max_difference(gradients, reference):
    """The largest absolute difference between two ``(weight_gradients, bias_gradients)`` pairs, entry by entry."""
    for name, value in (("gradients", gradients), ("reference", reference)):
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise TypeError(f"{name} must be a (weight_gradients, bias_gradients) pair, as tape_gradients returns.")
    pairs = list(zip(gradients[0], reference[0])) + list(zip(gradients[1], reference[1]))
    if len(gradients[0]) != len(reference[0]) or len(gradients[1]) != len(reference[1]):
        raise ValueError("the two sets of gradients have different numbers of layers.")
    for given, expected in pairs:
        if tuple(np.shape(given)) != tuple(np.shape(expected)):
            raise ValueError(f"a gradient has shape {tuple(np.shape(given))} where {tuple(np.shape(expected))} "
                             "was expected: each gradient has the shape of its variable.")
    return max(float(np.max(np.abs(np.asarray(given) - np.asarray(expected)))) for given, expected in pairs)


def gradient_norms(gradients):
    """The Euclidean norms ‖∂L/∂W‖ and ‖∂L/∂b‖ of each layer, from ``(weight_gradients, bias_gradients)``."""
    weight_gradients, bias_gradients = gradients
    return {"weights": [float(tf.norm(g)) for g in weight_gradients],
            "biases": [float(tf.norm(g)) for g in bias_gradients]}


def gradient_size_figure(norms_by_loss, *, title="Gradient size layer by layer"):
    """Bars of ‖∂L/∂W‖ and ‖∂L/∂b‖ for each layer, one colour per case (log scale: sizes differ tenfold).

    ``norms_by_loss`` maps a label ("MSE, untrained", "cross entropy, trained") to :func:`gradient_norms`.
    """
    validate.results("norms_by_loss", norms_by_loss, ("weights", "biases"), kind=validate.DICT)
    figure, axes = plots.new_figure(9.0, 3.8, ncols=2)
    width = 0.8 / len(norms_by_loss)
    for ax, kind, symbol in zip(axes, ("weights", "biases"), ("W", "b")):
        for offset, (label, norms) in enumerate(norms_by_loss.items()):
            layers = np.arange(1, len(norms[kind]) + 1)
            ax.bar(layers + (offset - (len(norms_by_loss) - 1) / 2) * width, norms[kind], width, label=label)
        ax.set_yscale("log")
        ax.set_xticks(layers, [f"layer {layer}" for layer in layers])
        ax.set_xlabel("layer (1 = next to the input)")
        ax.set_ylabel(f"‖∂L/∂{symbol}‖ (norm, no unit)")
        ax.set_title(f"∂L/∂{symbol}")
    figure.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=len(norms_by_loss))
    figure.suptitle(title)
    return figure


def batches(x, y, batch_size):
    """``(x, y)`` as a ``tf.data.Dataset`` of batches in the original order (the source does not shuffle)."""
    batch_size = validate.positive_int("batch_size", batch_size)
    validate.same_length(x, y)
    return tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)


def time_epoch(step, dataset, *, num_steps):
    """Time ``num_steps`` calls of ``step(x, y)`` on ``dataset`` and extrapolate to one full epoch.

    The first batch runs untimed (a ``tf.function`` traces its graph then). Returns
    a dict: ``seconds_per_step``, ``steps_per_epoch`` and ``seconds_per_epoch``.
    """
    num_steps = validate.positive_int("num_steps", num_steps)
    steps_per_epoch = int(dataset.cardinality())
    if steps_per_epoch <= num_steps:
        raise ValueError(f"the dataset has {steps_per_epoch} batches; time fewer steps than that "
                         f"(got num_steps={num_steps}).")
    batches_iter = iter(dataset)
    step(*next(batches_iter))
    start = time.perf_counter()
    for _ in range(num_steps):
        loss = step(*next(batches_iter))
    float(loss)  # wait for the last step to finish
    seconds_per_step = (time.perf_counter() - start) / num_steps
    return {"seconds_per_step": seconds_per_step, "steps_per_epoch": steps_per_epoch,
            "seconds_per_epoch": seconds_per_step * steps_per_epoch}


class EpochByEpoch:
    """Plain SGD on the MLP, played live: the run behind chapter 02's "Train epoch by epoch" panel.

    It trains on the first ``num_train`` training images and measures the accuracy
    on held-out validation images (``x_val``, ``y_val``: not the test set, which a
    reader tuning settings on it would no longer estimate fairly). Every run starts
    from the same initial weights, so runs with different settings can be compared
    fairly. The network and the optimizer are reset rather than rebuilt, so the
    compiled training step is reused and a press does not wait for TensorFlow to trace it again.
    """

    def __init__(self, x_train, y_train, x_val, y_val, *, num_train=6000, seed=0):
        num_train = validate.positive_int("num_train", num_train)
        validate.same_length(x_val, y_val)
        self.x_train, self.y_train = x_train[:num_train], y_train[:num_train]
        num_classes = np.shape(y_train)[-1]
        # one batch of every validation image, labels one-hot as the losses take them
        self.validation = tf.data.Dataset.from_tensor_slices(
            (x_val, tf.one_hot(np.asarray(y_val), num_classes))).batch(len(x_val))
        self.model = MLP(seed=seed)
        self.initial_weights = [variable.numpy() for variable in self.model.trainable_variables]
        self.optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)

    def epochs(self, learning_rate, batch_size, loss, num_epochs):
        """A new run from the initial weights, as it goes: the untrained network, then the run at every update.

        What chapter 02's live panel plays (:func:`course_lib.training.train_live`): the
        run stops at ``num_epochs`` or when the loss diverges.
        """
        from course_lib import training

        learning_rate, batch_size, loss = self._checked(learning_rate, batch_size, loss)
        for variable, value in zip(self.model.trainable_variables, self.initial_weights):
            variable.assign(value)
        self.optimizer.iterations.assign(0)  # plain SGD keeps no other state
        self.optimizer.learning_rate = learning_rate
        settings = {"learning_rate": learning_rate, "batch_size": batch_size, "loss": loss,
                    "num_train": len(self.x_train)}
        for history in training.train_live(self.model, batches(self.x_train, self.y_train, batch_size),
                                           loss_fn=LOSSES[loss], optimizer=self.optimizer, num_epochs=num_epochs,
                                           metrics={"accuracy": training.accuracy}, validation_data=self.validation):
            yield {**settings, "diverged": history.stop_reason == "diverged",
                   "epoch": np.arange(1, history.num_epochs + 1),
                   "loss_curve": np.array(history.metrics.get("loss", [])),
                   "validation_accuracy": np.array(history.metrics.get("val_accuracy", []))}

    def _checked(self, learning_rate, batch_size, loss):
        validate.one_of("loss", loss, list(LOSSES))
        return (validate.positive("learning_rate", learning_rate),
                validate.positive_int("batch_size", batch_size), loss)
