"""The image classifiers of chapters 09 (MNIST, 手写数字) and 10 (Fashion-MNIST, 服装分类).

The models are the source course's, unchanged: the MNIST network as a
``Sequential`` and as a subclassed ``Model``, and the five-layer Dense network
of the Fashion-MNIST example. Around them sits what both chapters share: the
``tf.data`` pipeline, the two losses the Fashion example tracks, predicted
probabilities, and the pure ``compute`` of the test-image browser panel.
"""

import functools

import keras
import numpy as np
import tensorflow as tf
from tqdm.keras import TqdmCallback

from course_lib import losses, notebook, training, validate
from course_lib.data import load_fashion_mnist, load_mnist

IMAGE_SHAPE = (28, 28)
NUM_CLASSES = 10
#: The hidden-layer widths of the source's Fashion-MNIST network, 784 → 256 → 128 → 64 → 32 → 10.
FASHION_WIDTHS = (256, 128, 64, 32)
SUBSETS = ("all", "misclassified")


def mnist_sequential(hidden_units=128):
    """The source's MNIST model: Flatten → Dense(128, relu) → Dense(10, softmax), as a ``Sequential``.

    ``keras.Input`` fixes the image shape up front so that ``summary()`` can count
    the parameters before training (the source let the first batch decide it).
    """
    hidden_units = validate.positive_int("hidden_units", hidden_units)
    return keras.Sequential([
        keras.Input(IMAGE_SHAPE),
        keras.layers.Flatten(),
        keras.layers.Dense(hidden_units, activation="relu"),
        keras.layers.Dense(NUM_CLASSES, activation="softmax"),
    ], name="mnist_sequential")


class MnistModel(keras.Model):
    """The same MNIST network as a subclassed ``Model``: layers made in ``__init__``, used in ``call``.

    Subclassing is the way to write a forward pass that is not a plain stack of
    layers (branches, loops, several inputs); here it shows the pattern on the
    network we already know.
    """

    def __init__(self, hidden_units=128, **kwargs):
        """Create the three layers; ``hidden_units`` is the width of the hidden layer."""
        super().__init__(**kwargs)
        hidden_units = validate.positive_int("hidden_units", hidden_units)
        self.flatten = keras.layers.Flatten()
        self.d1 = keras.layers.Dense(hidden_units, activation="relu")
        self.d2 = keras.layers.Dense(NUM_CLASSES, activation="softmax")

    def call(self, x):
        """The forward pass: flatten the 28×28 image, hidden layer, class probabilities."""
        x = self.flatten(x)
        x = self.d1(x)
        return self.d2(x)


def compile_like_source(model, learning_rate=1e-3):
    """Compile ``model`` as the source's MNIST code does: Adam, sparse cross entropy, sparse accuracy.

    The source wrote ``optimizer='adam'``, which is Adam with learning rate 0.001;
    ``learning_rate`` makes that number visible. The labels are integers 0–9 and
    the model ends in softmax, hence sparse cross entropy with ``from_logits=False``.
    One addition: ``steps_per_execution`` runs many batches per call of the compiled
    step, the same training with Python out of the way. Taught in chapter 09.
    """
    validate.keras_model("model", model)
    learning_rate = validate.positive("learning_rate", learning_rate)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False),
                  metrics=["sparse_categorical_accuracy"], steps_per_execution=training.STEPS_PER_CALL)
    return model


def fashion_mlp(widths=FASHION_WIDTHS, *, dropout=0.0):
    """The source's Fashion-MNIST network: Dense layers of ``widths`` with ReLU, then Dense(10) logits.

    The last layer has no activation: it returns **logits** (未归一化的分数), and the
    loss applies softmax itself (``from_logits=True``), which is numerically safer.
    The input is a flattened image of 784 pixels. ``dropout`` > 0 puts a ``Dropout``
    layer of that rate after every hidden layer (chapter 10's fix for overfitting).
    """
    widths = [validate.positive_int("width", width) for width in widths]
    dropout = validate.in_range("dropout", dropout, 0.0, 0.9)
    if not widths:
        raise ValueError("widths must name at least one hidden layer, e.g. (256, 128, 64, 32).")
    layers = [keras.Input((IMAGE_SHAPE[0] * IMAGE_SHAPE[1],))]
    for width in widths:
        layers.append(keras.layers.Dense(width, activation="relu"))
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(NUM_CLASSES))
    return keras.Sequential(layers, name="fashion_mlp")


def image_dataset(x, y, batch_size, *, shuffle_seed=None):
    """A ``tf.data`` pipeline of ``(x, y)`` batches; shuffled anew each epoch when ``shuffle_seed`` is given.

    It shuffles the examples *before* batching them. The source wrote
    ``.batch(128).shuffle(10000)``, which only reorders whole batches: every epoch
    then sees the same 469 batches (468 of 128 images and a last one of 96), each always holding the same images.
    """
    batch_size = validate.positive_int("batch_size", batch_size)
    validate.same_length(x, y)
    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle_seed is not None:
        dataset = dataset.shuffle(len(x), seed=shuffle_seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)


#: The two losses the Fashion-MNIST source tracks, from :mod:`course_lib.losses`: the cross
#: entropy of one-hot labels and logits it trains on, and the MSE between the labels and the
#: raw logits it prints (logits are not probabilities, so that MSE measures how far they are
#: from 0 and 1, not how good the prediction is).
cross_entropy_of_logits, mse_of_logits = losses.cross_entropy_of_logits, losses.mse


def predict_probabilities(model, x, *, from_logits=False, batch_size=1000):
    """The model's class probabilities for ``x`` as a NumPy array (n, 10); softmax first if it returns logits."""
    validate.keras_model("model", model)
    batch_size = validate.positive_int("batch_size", batch_size)
    outputs = model.predict(x, batch_size=batch_size, verbose=0)
    if from_logits:
        outputs = tf.nn.softmax(outputs, axis=-1).numpy()
    return np.asarray(outputs)


def misclassified(labels, probabilities):
    """Indices of the examples whose most probable class is not their label."""
    labels, probabilities = np.asarray(labels), np.asarray(probabilities)
    if probabilities.ndim != 2 or len(probabilities) != len(labels):
        raise ValueError(f"expected probabilities of shape ({len(labels)}, classes), "
                         f"got {probabilities.shape}.")
    return np.flatnonzero(probabilities.argmax(axis=1) != labels)


def image_prediction(images, labels, probabilities, class_names, index, subset="all"):
    """One test image with its label and predicted probabilities: the browser panel's ``compute``.

    ``subset="misclassified"`` makes ``index`` count only the images the model
    got wrong (wrapping around), so a reader can step through the mistakes.
    """
    validate.one_of("subset", subset, SUBSETS)
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or index < 0:
        raise ValueError(f"index must be a whole number of at least 0, got {index!r}.")
    if len(class_names) != np.shape(probabilities)[1]:
        raise ValueError(f"{len(class_names)} class names for {np.shape(probabilities)[1]} classes.")
    mistakes = misclassified(labels, probabilities)
    pool = mistakes if subset == "misclassified" else np.arange(len(labels))
    if len(pool) == 0:
        raise ValueError("the model got every image right: there is no mistake to show.")
    image_index = int(pool[index % len(pool)])
    image_probabilities = np.asarray(probabilities[image_index], dtype=np.float64)
    ranking = np.argsort(image_probabilities)[::-1]
    return {
        "index": image_index,
        "position": index % len(pool),
        "pool_size": len(pool),
        "subset": subset,
        "image": np.asarray(images[image_index]).reshape(IMAGE_SHAPE),
        "label": int(labels[image_index]),
        "predicted": int(ranking[0]),
        "runner_up": int(ranking[1]),
        "probabilities": image_probabilities,
        "class_names": list(class_names),
        "accuracy": 1.0 - len(mistakes) / len(labels),
        "num_mistakes": len(mistakes),
    }


#: The datasets a panel can train its own small classifier on, and their loaders.
QUICK_DATASETS = {"mnist": load_mnist, "fashion_mnist": load_fashion_mnist}


@functools.cache
def quick_classifier(dataset="mnist", num_train=12000, num_epochs=1, batch_size=64):
    """A small model trained in seconds on ``dataset``, with the test images and its probabilities.

    Panels use it when no trained model is handed to them, so that a panel cell runs
    right after a chapter's setup cell. Returns ``(model, x_test, y_test, probabilities)``;
    the MNIST model reaches about 0.91 test accuracy. The result is kept for the
    kernel's lifetime (running the panel cell again does not train again): treat it as
    read-only.
    """
    validate.one_of("dataset", dataset, QUICK_DATASETS)
    num_train = validate.positive_int("num_train", num_train)
    (x_train, y_train), (x_test, y_test) = QUICK_DATASETS[dataset]()
    num_epochs = validate.positive_int("num_epochs", num_epochs)
    with notebook.seeded(0):
        model = compile_like_source(mnist_sequential())
        model.fit(x_train[:num_train], y_train[:num_train], batch_size=batch_size, epochs=num_epochs, verbose=0)
    return model, x_test, y_test, predict_probabilities(model, x_test)


def scaled_widths(first_width):
    """The source's funnel of hidden widths, halving each layer, starting at ``first_width`` (256 in the source)."""
    first_width = validate.positive_int("first_width", first_width)
    if first_width < 8:
        raise ValueError(f"first_width must be at least 8 so that four halvings leave a unit, got {first_width}.")
    return tuple(first_width // 2 ** layer for layer in range(len(FASHION_WIDTHS)))


def train_and_evaluate(x_train, y_train, x_test, y_test, *, widths=FASHION_WIDTHS, num_epochs=5,
                       batch_size=128, learning_rate=1e-3, seed=0):
    """Train a fresh :func:`fashion_mlp` of ``widths`` with ``fit``; accuracies per epoch and its size.

    Labels are one-hot, images flattened. With a few thousand images it runs in a
    couple of seconds; :class:`FreshRuns` gives the same result faster when called
    again and again, as a panel does.
    """
    runs = FreshRuns(x_train, y_train, x_test, y_test, batch_size=batch_size,
                     learning_rate=learning_rate, seed=seed)
    return runs(num_epochs=num_epochs, widths=widths)


class FreshRuns:
    """Runs of :func:`train_and_evaluate` on one dataset, each from the same fresh start.

    Building and compiling a Keras model, and tracing its ``fit`` step, takes
    longer than training it on a few thousand images. So one compiled model is
    kept per ``widths``, and each run puts back its initial weights and optimizer
    state: the result is the one a brand-new model gives, without the wait.
    """

    def __init__(self, x_train, y_train, x_test, y_test, *, batch_size=128, learning_rate=1e-3, seed=0):
        self.train_data, self.test_data = (x_train, y_train), (x_test, y_test)
        self.batch_size = validate.positive_int("batch_size", batch_size)
        self.learning_rate = validate.positive("learning_rate", learning_rate)
        self.seed = seed
        self.models = {}

    def __call__(self, num_epochs, widths=FASHION_WIDTHS):
        """Train ``widths``' network for ``num_epochs`` from its initial state; accuracies per epoch and its size."""
        *_, result = self.epochs(num_epochs, widths)
        return result

    def epochs(self, num_epochs, widths=FASHION_WIDTHS):
        """The run of ``__call__`` as it goes: the untrained network's size, then the run at every update.

        Chapter 10's live panel plays it (:func:`course_lib.training.live`). Each update is
        a ``fit`` call on the same dataset, which reshuffles between epochs as one long ``fit`` does.
        """
        num_epochs = validate.positive_int("num_epochs", num_epochs)
        model, initial_state = self._model(tuple(widths))
        for variable, value in zip(model.variables + model.optimizer.variables, initial_state):
            variable.assign(value)
        # A new dataset each run: the same shuffle seed then gives the same order as a brand-new run.
        with notebook.seeded(self.seed):
            train_data = image_dataset(*self.train_data, self.batch_size, shuffle_seed=self.seed)
        test_data = image_dataset(*self.test_data, 1000)
        for history in training.live(num_epochs=num_epochs,
                                     **training.fit_epochs(model, train_data, validation_data=test_data)):
            yield {"widths": tuple(widths), "num_epochs": history.num_epochs,
                   "num_train": len(self.train_data[0]), "num_parameters": model.count_params(),
                   "train_accuracy": list(history.metrics.get("categorical_accuracy", [])),
                   "test_accuracy": list(history.metrics.get("val_categorical_accuracy", [])),
                   "stop_reason": history.stop_reason}

    def _model(self, widths):
        """The compiled model of ``widths`` and the values of its variables before any training."""
        if widths not in self.models:
            with notebook.seeded(self.seed):
                model = compile_fashion_model(fashion_mlp(widths), self.learning_rate)
            model.optimizer.build(model.trainable_variables)
            self.models[widths] = model, [v.numpy() for v in model.variables + model.optimizer.variables]
        return self.models[widths]


# --- Chapter 10: overfitting and its fixes, and a convolutional network ------------------

#: The fixes :func:`overfitting_fixes` compares with the plain network.
FIXES = ("none", "dropout", "early stopping")


def compile_fashion_model(model, learning_rate=1e-3):
    """``model`` compiled as chapter 10 trains with ``fit``: Adam, cross entropy of one-hot labels and logits, accuracy.

    ``steps_per_execution`` runs many batches per call of the compiled step, as
    :func:`compile_like_source` (chapter 09) and :func:`course_lib.training.train` do.
    """
    validate.keras_model("model", model)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=validate.positive("learning_rate", learning_rate)),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True), metrics=["categorical_accuracy"],
                  steps_per_execution=training.STEPS_PER_CALL)
    return model


def overfitting_fixes(train, validation, test, *, num_epochs=20, dropout=0.3, patience=3, batch_size=128,
                      learning_rate=1e-3, seed=0, progress=True):
    """Train the source's network as it is, with dropout, and with early stopping; score each on ``test``.

    ``train``, ``validation`` and ``test`` are ``(x, y)`` pairs (flattened images,
    one-hot labels). Every run starts from the same seed and trains up to
    ``num_epochs`` with ``fit``; early stopping watches the cross entropy on
    ``validation`` (never on ``test``) and, with ``restore_best_weights=True``, keeps the
    weights of its best epoch; ``progress`` shows a bar of epochs per fix while it trains.
    Returns ``{fix: {"train_loss", "val_loss" (per epoch), "test_loss", "test_accuracy",
    "num_epochs", "seconds"}}`` for the fixes of :data:`FIXES`.
    Taught in chapter 10.
    """
    import time

    num_epochs = validate.positive_int("num_epochs", num_epochs)
    patience = validate.positive_int("patience", patience)
    for name, data in (("train", train), ("validation", validation), ("test", test)):
        validate.finite_array(f"{name}'s x", validate.examples(name, data)[0], ndim_at_least=2)
    results = {}
    for fix in FIXES:
        callbacks = ([keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)]
                     if fix == "early stopping" else [])
        callbacks += [TqdmCallback(verbose=0)] if progress else []
        start = time.perf_counter()
        with notebook.seeded(seed):  # the same start and batches for every fix, the reader's state untouched
            model = compile_fashion_model(fashion_mlp(dropout=dropout if fix == "dropout" else 0.0), learning_rate)
            history = model.fit(*train, batch_size=batch_size, epochs=num_epochs, validation_data=validation,
                                callbacks=callbacks, verbose=0)
        seconds = time.perf_counter() - start
        test_loss, test_accuracy = model.evaluate(*test, batch_size=1000, verbose=0)
        results[fix] = {"train_loss": history.history["loss"], "val_loss": history.history["val_loss"],
                        "test_loss": float(test_loss), "test_accuracy": float(test_accuracy),
                        "num_epochs": len(history.history["loss"]), "seconds": seconds}
    return results


def overfitting_figure(results):
    """Training and validation cross entropy per epoch of each run of :func:`overfitting_fixes`."""
    validate.results("results", results, ("num_epochs", "train_loss", "val_loss"), kind=validate.DICT)
    from course_lib.plots import new_figure

    figure, ax = new_figure(8.0, 3.8)
    colors = dict(zip(FIXES, ("tab:red", "tab:blue", "tab:green")))
    for fix, result in results.items():
        epochs = np.arange(1, result["num_epochs"] + 1)
        ax.plot(epochs, result["train_loss"], "--", color=colors[fix], label=f"{fix}: training")
        ax.plot(epochs, result["val_loss"], "-", color=colors[fix], label=f"{fix}: validation")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross entropy")
    ax.set_title("overfitting and two fixes (training: dashed, validation: solid)")
    ax.legend(fontsize=8, ncol=3)
    return figure


def small_convnet(filters=(32, 64), hidden_units=128):
    """A small convolutional network (卷积神经网络) for flattened 28×28 images, with logits out.

    It reshapes the 784 pixels back into a 28×28×1 image; then each entry of ``filters``
    is a 3×3 ``Conv2D`` with ReLU and a 2×2 max pooling, and the feature maps are
    flattened into a Dense layer of ``hidden_units`` and Dense(10) logits. A convolution
    slides the same small filter over the whole image, so it finds an edge or a texture
    wherever it is. It takes the same flattened batches as :func:`fashion_mlp`.
    Taught in chapter 10.
    """
    filters = [validate.positive_int("filters", count) for count in filters]
    hidden_units = validate.positive_int("hidden_units", hidden_units)
    layers = [keras.Input((IMAGE_SHAPE[0] * IMAGE_SHAPE[1],)), keras.layers.Reshape((*IMAGE_SHAPE, 1))]
    for count in filters:
        layers += [keras.layers.Conv2D(count, 3, activation="relu"), keras.layers.MaxPooling2D(2)]
    layers += [keras.layers.Flatten(), keras.layers.Dense(hidden_units, activation="relu"),
               keras.layers.Dense(NUM_CLASSES)]
    return keras.Sequential(layers, name="small_convnet")


#: The two paddings of ``keras.layers.Conv2D``: "valid" (none) and "same" (zeros around the border).
PADDINGS = ("valid", "same")


def conv_output_size(size, kernel_size, stride=1, padding="valid"):
    """The output length of a convolution along one axis of ``size`` pixels, by the formula.

    ``"valid"`` places the kernel only where it fits inside: floor((size − kernel_size) / stride) + 1
    positions. ``"same"`` pads with zeros so that every ``stride``-th pixel gets an output:
    ceil(size / stride), whatever the kernel. Taught in chapter 10 (Conv2D's strides and padding).
    """
    size = validate.positive_int("size", size)
    kernel_size = validate.positive_int("kernel_size", kernel_size)
    stride = validate.positive_int("stride", stride)
    if padding not in PADDINGS:
        raise ValueError(f"padding must be one of {PADDINGS}, got {padding!r}.")
    if padding == "same":
        return -(-size // stride)  # ceil(size / stride) in whole numbers
    if kernel_size > size:
        raise ValueError(f"kernel_size {kernel_size} does not fit in size {size} without padding.")
    return (size - kernel_size) // stride + 1


def same_padding(size, kernel_size, stride=1):
    """The zeros ``"same"`` adds before and after an axis: the total the last window needs, the odd one after.

    Taught in chapter 10.
    """
    output = conv_output_size(size, kernel_size, stride, "same")
    total = max((output - 1) * stride + kernel_size - size, 0)
    return total // 2, total - total // 2


def _draw_windows(ax, size, kernel_size, stride, padding):
    """One panel of :func:`stride_figure`: the input grid, its padding, the window's positions along the top row."""
    import matplotlib.patches as patches

    before, after = same_padding(size, kernel_size, stride) if padding == "same" else (0, 0)
    for row in range(-before, size + after):
        for column in range(-before, size + after):
            inside = 0 <= row < size and 0 <= column < size
            ax.add_patch(patches.Rectangle((column, row), 1, 1, facecolor="#e8e8e8" if inside else "white",
                                           edgecolor="#999999", linestyle="-" if inside else ":", linewidth=0.8))
            if not inside:
                ax.text(column + 0.5, row + 0.5, "0", ha="center", va="center", fontsize=7, color="#999999")
    output = conv_output_size(size, kernel_size, stride, padding)
    colours = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd")
    for index in range(output):
        corner = index * stride - before
        ax.add_patch(patches.Rectangle((corner + 0.08 * index, -before + 0.08 * index), kernel_size, kernel_size,
                                       fill=False, edgecolor=colours[index % len(colours)], linewidth=2))
    ax.set_xlim(-before - 0.3, size + after + 0.3)
    ax.set_ylim(size + after + 0.3, -before - 0.3)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(f'padding="{padding}": {output} windows per row, output {output}×{output}', fontsize=9)


def stride_figure(size=7, kernel_size=3, stride=2):
    """A ``size``×``size`` input and the positions of a ``kernel_size`` window at ``stride``, without and with padding.

    The coloured squares are the window's places along the first row (each row of windows
    repeats them ``stride`` pixels lower); dotted cells are the zeros of ``"same"``.
    Taught in chapter 10.
    """
    from course_lib.plots import new_figure

    figure, axes = new_figure(8.0, 4.0, ncols=2)
    for ax, padding in zip(axes, PADDINGS):
        _draw_windows(ax, size, kernel_size, stride, padding)
    figure.suptitle(f"a {kernel_size}×{kernel_size} kernel with strides={stride} on a {size}×{size} input")
    return figure
