"""The classifiers of chapters 09 and 10, their image browser panel and their exercises."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_lib import classifiers, data, training
from course_lib.exercises import classifiers as exercises
from course_lib.widgets.chart import unpack_table
from course_lib.widgets.classifiers import epochs_width_panel, image_browser_panel

#: Three classes, four examples: example 1 (label 1, predicted 0) and 3 (label 2, predicted 1) are wrong.
LABELS = np.array([0, 1, 2, 2])
PROBABILITIES = np.array([[0.8, 0.1, 0.1], [0.6, 0.3, 0.1], [0.1, 0.2, 0.7], [0.2, 0.5, 0.3]])
IMAGES = np.arange(4 * 784, dtype=np.float32).reshape(4, 28, 28)


def test_mnist_models_are_the_sources_network():
    sequential, subclassed = classifiers.mnist_sequential(), classifiers.MnistModel()
    images = np.random.RandomState(0).rand(3, 28, 28).astype(np.float32)
    for model in (sequential, subclassed):
        probabilities = model(images).numpy()
        assert probabilities.shape == (3, 10)
        np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
        assert model.count_params() == 784 * 128 + 128 + 128 * 10 + 10 == 101_770
    with pytest.raises(ValueError, match="hidden_units"):
        classifiers.MnistModel(hidden_units=0)


def test_compile_like_source_uses_adam_and_sparse_cross_entropy():
    model = classifiers.compile_like_source(classifiers.mnist_sequential(), learning_rate=0.01)
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)
    assert isinstance(model.loss, keras.losses.SparseCategoricalCrossentropy)
    assert model.steps_per_execution == training.STEPS_PER_CALL
    with pytest.raises(ValueError, match="learning_rate"):
        classifiers.compile_like_source(model, learning_rate=-1e-3)


def test_fashion_mlp_has_the_sources_parameter_counts():
    model = classifiers.fashion_mlp()
    assert [layer.count_params() for layer in model.layers] == [200_960, 32_896, 8_256, 2_080, 330]
    assert model.count_params() == 244_522
    assert model.layers[-1].activation is keras.activations.linear
    assert classifiers.fashion_mlp((16,)).count_params() == 784 * 16 + 16 + 16 * 10 + 10
    for widths in ((), (64, 0)):
        with pytest.raises(ValueError):
            classifiers.fashion_mlp(widths)


def test_image_dataset_shuffles_examples_not_only_batches():
    x = np.arange(100, dtype=np.float32).reshape(100, 1)
    dataset = classifiers.image_dataset(x, x, 10, shuffle_seed=0)
    first_epoch = [sorted(batch.numpy().ravel()) for batch, _ in dataset]
    second_epoch = [sorted(batch.numpy().ravel()) for batch, _ in dataset]
    assert len(first_epoch) == 10 and sorted(np.concatenate(first_epoch)) == list(range(100))
    # Shuffling whole batches would keep each batch's contents: consecutive runs of 10 numbers.
    assert any(batch != list(range(int(batch[0]), int(batch[0]) + 10)) for batch in first_epoch)
    assert first_epoch != second_epoch
    unshuffled = [batch.numpy().ravel().tolist() for batch, _ in classifiers.image_dataset(x, x, 40)]
    assert [len(batch) for batch in unshuffled] == [40, 40, 20] and unshuffled[0][:3] == [0, 1, 2]
    with pytest.raises(ValueError, match="as many rows"):
        classifiers.image_dataset(x, x[:5], 10)
    with pytest.raises(ValueError, match="batch_size"):
        classifiers.image_dataset(x, x, 0)


def test_cross_entropy_ignores_a_shift_of_the_logits_and_mse_does_not():
    y = tf.one_hot([0, 3], 10)
    logits = tf.constant(np.random.RandomState(1).normal(size=(2, 10)), tf.float32)
    assert float(classifiers.cross_entropy_of_logits(y, tf.zeros((2, 10)))) == pytest.approx(np.log(10), rel=1e-5)
    assert float(classifiers.cross_entropy_of_logits(y, logits + 10.0)) == pytest.approx(
        float(classifiers.cross_entropy_of_logits(y, logits)), rel=1e-4)
    assert float(classifiers.mse_of_logits(y, tf.zeros((2, 10)))) == pytest.approx(0.1)
    assert float(classifiers.mse_of_logits(y, logits + 10.0)) > 50 * float(classifiers.mse_of_logits(y, logits))


def test_predict_probabilities_applies_softmax_to_logits():
    model = classifiers.fashion_mlp((8,))
    x = np.random.RandomState(2).rand(5, 784).astype(np.float32)
    probabilities = classifiers.predict_probabilities(model, x, from_logits=True)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(probabilities, tf.nn.softmax(model(x)).numpy(), rtol=1e-5)
    assert not np.allclose(classifiers.predict_probabilities(model, x).sum(axis=1), 1.0)


def test_misclassified_finds_the_wrong_predictions():
    assert classifiers.misclassified(LABELS, PROBABILITIES).tolist() == [1, 3]
    with pytest.raises(ValueError, match="shape"):
        classifiers.misclassified(LABELS, PROBABILITIES[:3])


def test_image_prediction_steps_through_all_images_or_only_the_mistakes():
    names = ["a", "b", "c"]
    first = classifiers.image_prediction(IMAGES, LABELS, PROBABILITIES, names, 2)
    assert (first["index"], first["label"], first["predicted"], first["runner_up"]) == (2, 2, 2, 1)
    assert first["image"].shape == (28, 28) and first["accuracy"] == 0.5 and first["num_mistakes"] == 2
    mistakes = [classifiers.image_prediction(IMAGES, LABELS, PROBABILITIES, names, i, "misclassified")
                for i in range(3)]
    assert [m["index"] for m in mistakes] == [1, 3, 1] and mistakes[1]["pool_size"] == 2
    assert (mistakes[1]["label"], mistakes[1]["predicted"]) == (2, 1)
    image = classifiers.image_prediction(IMAGES.reshape(4, 784), LABELS, PROBABILITIES, names, 3)["image"]
    np.testing.assert_array_equal(image, IMAGES[3])
    for kwargs, message in (({"subset": "wrong"}, "subset"), ({"index": -1}, "index"),
                            ({"index": 1.5}, "index")):
        arguments = {"index": 0, "subset": "all", **kwargs}
        with pytest.raises(ValueError, match=message):
            classifiers.image_prediction(IMAGES, LABELS, PROBABILITIES, names, **arguments)
    with pytest.raises(ValueError, match="class names"):
        classifiers.image_prediction(IMAGES, LABELS, PROBABILITIES, names[:2], 0)
    with pytest.raises(ValueError, match="no mistake"):
        classifiers.image_prediction(IMAGES, PROBABILITIES.argmax(axis=1), PROBABILITIES, names, 0,
                                     "misclassified")


def test_image_browser_panel_follows_its_controls():
    keras.utils.set_random_seed(0)
    model = classifiers.fashion_mlp((8,))
    x = np.random.RandomState(3).rand(50, 784).astype(np.float32)
    y = np.random.RandomState(4).randint(0, 10, 50)
    panel = image_browser_panel(model, x, y, data.FASHION_CLASS_NAMES, from_logits=True)
    first_pixels, first_caption = panel.chart.datasets["pixels"], panel.chart.caption
    assert len(first_pixels) == 784 and "test image <b>#0</b>" in first_caption
    panel.controls["index"].value = 7
    assert panel.result["index"] == 7 and "#7" in panel.chart.caption and panel.chart.datasets["pixels"] != first_pixels
    pixel = next(p for p in panel.chart.datasets["pixels"] if (p["row"], p["column"]) == (3, 5))
    assert pixel["value"] == round(float(x[7, 3 * 28 + 5]), 2)
    softmax = tf.nn.softmax(model(x[7:8])).numpy()[0]
    bars = panel.chart.datasets["probabilities"]
    assert [bar["class"] for bar in bars] == list(data.FASHION_CLASS_NAMES)
    assert np.allclose([bar["probability"] for bar in bars], softmax, rtol=1e-3)
    predicted = int(softmax.argmax())
    assert bars[predicted]["role"] == ("predicted, right" if y[7] == predicted else "predicted, wrong")
    panel.controls["subset"].value = "misclassified"
    assert panel.chart.caption.startswith("mistake 8 of ")
    assert panel.result["label"] != panel.result["predicted"]
    roles = {bar["role"] for bar in panel.chart.datasets["probabilities"]}
    assert {"predicted, wrong", "true class"} <= roles
    with pytest.raises(ValueError, match="x_test and y_test"):
        image_browser_panel(model)


def test_image_browser_panel_holds_the_states_its_slider_reaches():
    keras.utils.set_random_seed(0)
    model = classifiers.fashion_mlp((8,))
    x = np.random.RandomState(3).rand(150, 784).astype(np.float32)
    y = np.random.RandomState(4).randint(0, 10, 150)
    panel = image_browser_panel(model, x, y, data.FASHION_CLASS_NAMES, from_logits=True)
    table = unpack_table(panel.chart.table)
    assert panel.controls["index"].max == 99 and len(table) == 100 * 2  # 100 images, all or mistakes
    panel.controls["index"].value, panel.controls["subset"].value = 42, "misclassified"
    entry = next(e for e in table if e["values"] == {"index": 42, "subset": 1})  # a selection by index
    assert entry["datasets"] == panel.chart.datasets and entry["caption"] == panel.chart.caption
    assert len(panel.chart.table) < 1_000_000


@pytest.mark.needs_data
def test_image_browser_panel_trains_its_own_model_without_arguments():
    panel = image_browser_panel()
    assert panel.result["accuracy"] > 0.85 and panel.controls["index"].max == 99
    assert "The model is right on" in panel.chart.caption
    trained = classifiers.quick_classifier.cache_info().misses
    assert image_browser_panel().chart.caption == panel.chart.caption  # the same model, not trained again
    assert classifiers.quick_classifier.cache_info().misses == trained
    fashion = image_browser_panel(dataset="fashion_mnist")
    bars = fashion.chart.datasets["probabilities"]
    assert [bar["class"] for bar in bars][:2] == ["T-shirt/top T恤", "Trouser 裤子"]
    assert 0.7 < fashion.result["accuracy"] < panel.result["accuracy"]  # clothes are harder than digits


def test_image_browser_panel_names_an_unknown_dataset():
    with pytest.raises(ValueError, match="dataset must be one of 'mnist', 'fashion_mnist'"):
        image_browser_panel(dataset="cifar10")
    with pytest.raises(ValueError, match="dataset"):
        classifiers.quick_classifier("cifar10")


def test_mnist_exercises_accept_the_answer_and_name_the_mistake(capsys):
    assert not exercises.check_mnist_parameter_count(...)
    out = capsys.readouterr().out
    assert "not attempted" in out and "203" not in out
    assert exercises.check_mnist_parameter_count(203_530)
    assert not exercises.check_mnist_parameter_count(784 * 256 + 256 * 10)
    assert "forgot the biases" in capsys.readouterr().out
    assert not exercises.check_mnist_parameter_count(101_770)  # printed by the chapter's summary
    assert "summary above" in capsys.readouterr().out
    probabilities = np.eye(3)[[0, 0, 0, 2, 1, 1]]
    labels = np.array([0, 1, 1, 2, 2, 1])
    assert exercises._most_confused_pair(labels, probabilities) == (1, 0)
    assert exercises.check_most_confused((1, 0), probabilities, labels)
    assert not exercises.check_most_confused((0, 1), probabilities, labels)
    assert "swapped" in capsys.readouterr().out


def _top_k_by_hand(probabilities, labels, k):
    top = np.argsort(probabilities, axis=1)[:, ::-1][:, :k]
    return np.mean([label in row for label, row in zip(labels, top)])


def test_top_k_accuracy_build_it_exercise(capsys):
    assert not exercises.check_top_k_accuracy(...)
    assert "not attempted" in capsys.readouterr().out
    assert exercises.check_top_k_accuracy(_top_k_by_hand)
    assert "✓ top_k_accuracy: correct on 4 fresh test inputs" in capsys.readouterr().out
    assert not exercises.check_top_k_accuracy(lambda p, labels, k: _top_k_by_hand(p, labels, 1))
    assert "that is the top-1 accuracy" in capsys.readouterr().out
    assert not exercises.check_top_k_accuracy(lambda p, labels, k: _top_k_by_hand(-p, labels, k))
    assert "least probable" in capsys.readouterr().out
    assert not exercises.check_top_k_accuracy(lambda p, labels, k: float(np.mean(
        keras.metrics.sparse_top_k_categorical_accuracy(labels, p, k=k))))
    assert "your answer calls keras.metrics.sparse_top_k_categorical_accuracy" in capsys.readouterr().out
    assert not exercises.check_top_k_accuracy(lambda p, labels, k: float(np.mean(tf.math.in_top_k(labels, p, k))))
    assert "your answer calls tensorflow.math.in_top_k" in capsys.readouterr().out


def test_fashion_exercises_accept_the_answer_and_name_the_mistake(capsys):
    assert not exercises.check_fashion_parameter_count(...)
    out = capsys.readouterr().out
    assert "not attempted" in out and "816" not in out
    sizes = [784, 96, 48, 24, 12, 10]
    assert sum(n * m + m for n, m in zip(sizes[:-1], sizes[1:])) == 81_622
    assert exercises.check_fashion_parameter_count(81_622)
    assert not exercises.check_fashion_parameter_count(81_622 - 190)
    assert "forgot the biases: each of the 190 units" in capsys.readouterr().out
    assert not exercises.check_fashion_parameter_count(244_522)  # printed by the chapter's summary
    assert "summary above" in capsys.readouterr().out
    np.testing.assert_allclose(exercises._per_class_accuracy(LABELS, PROBABILITIES), [1.0, 0.0, 0.5])

    def per_class_accuracy(probabilities, labels):
        predicted = np.argmax(probabilities, axis=1)
        return np.array([np.mean(predicted[labels == c] == c) for c in range(probabilities.shape[1])])

    assert exercises.check_per_class_accuracy(per_class_accuracy)
    assert "correct on 3 fresh test inputs" in capsys.readouterr().out
    assert not exercises.check_per_class_accuracy(lambda p, y: exercises._precision(y, p))
    assert "precision" in capsys.readouterr().out
    logits = np.random.RandomState(5).normal(size=(4, 10)).astype(np.float32)
    y = np.eye(10, dtype=np.float32)[[1, 2, 3, 4]]
    ce = float(classifiers.cross_entropy_of_logits(y, logits))
    mse = float(classifiers.mse_of_logits(y, logits + 10.0))
    assert exercises.check_shifted_logits((ce, mse), logits, y)
    assert not exercises.check_shifted_logits((ce, float(classifiers.mse_of_logits(y, logits))), logits, y)
    assert "add the shift first" in capsys.readouterr().out


def test_scaled_widths_halve_from_the_first_width():
    assert classifiers.scaled_widths(256) == classifiers.FASHION_WIDTHS
    assert classifiers.scaled_widths(8) == (8, 4, 2, 1)
    for width in (4, 0, 2.5):
        with pytest.raises(ValueError, match="first_width"):
            classifiers.scaled_widths(width)


@pytest.mark.needs_data
def test_epochs_width_panel_trains_live_when_the_button_is_pressed():
    panel = epochs_width_panel(num_train=600, num_test=200, num_epochs=2, first_width=16)
    assert panel.result["widths"] == (16, 8, 4, 2) and panel.result["num_epochs"] == 0
    assert "untrained: press Train" in panel.chart.caption
    untrained = panel.chart.datasets["accuracy"]  # the untrained network's accuracies, at epoch 0
    assert [(row["epoch"], row["measured on"]) for row in untrained] == [(0, "training images"), (0, "test images")]
    assert all(0 <= row["accuracy"] <= 0.4 for row in untrained)  # about a guess among ten classes
    panel.button.click()
    panel.training.wait(120)
    assert len(panel.result["test_accuracy"]) == 2 and "<b>2</b> epochs" in panel.chart.caption
    assert len(panel.timings) == 3  # the untrained network, then an update per epoch
    panel.controls["first_width"].value = 64
    panel.controls["num_epochs"].value = 3
    assert panel.result["widths"] == (16, 8, 4, 2)
    panel.button.click()
    panel.training.wait(120)
    assert panel.result["num_parameters"] == classifiers.fashion_mlp((64, 32, 16, 8)).count_params()
    assert len(panel.result["train_accuracy"]) == 3 and "64-32-16-8" in panel.chart.caption
    assert panel.result["test_accuracy"][-1] > 0.2  # it learns: chance is 0.1
    rows = panel.chart.datasets["accuracy"]
    assert [row["epoch"] for row in rows] == [0, 1, 2, 3, 0, 1, 2, 3]
    assert [row["accuracy"] for row in rows[5:]] == pytest.approx(panel.result["test_accuracy"], abs=1e-3)
    with pytest.raises(ValueError, match="num_train"):
        epochs_width_panel(num_train=0)


@pytest.mark.needs_data
def test_fresh_runs_give_a_brand_new_models_result_without_compiling_again():
    (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist(flatten=True, one_hot=True)
    subset = (x_train[:600], y_train[:600], x_test[:200], y_test[:200])
    runs = classifiers.FreshRuns(*subset)
    first = runs(2, (16, 8, 4, 2))
    model = runs.models[(16, 8, 4, 2)][0]
    runs(3, (32, 16, 8, 4))  # another network in between
    again = runs(2, (16, 8, 4, 2))
    assert runs.models[(16, 8, 4, 2)][0] is model and len(runs.models) == 2
    keras.utils.set_random_seed(0)  # a brand-new model, built and compiled by hand
    model = classifiers.fashion_mlp((16, 8, 4, 2))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True), metrics=["categorical_accuracy"])
    history = model.fit(classifiers.image_dataset(*subset[:2], 128, shuffle_seed=0), epochs=2,
                        validation_data=classifiers.image_dataset(*subset[2:], 1000), shuffle=False, verbose=0).history
    brand_new = {"train_accuracy": history["categorical_accuracy"],
                 "test_accuracy": history["val_categorical_accuracy"]}
    again_new = classifiers.train_and_evaluate(*subset, widths=(16, 8, 4, 2), num_epochs=2)
    for result in (again, brand_new, again_new):
        np.testing.assert_array_equal(result["train_accuracy"], first["train_accuracy"])
        np.testing.assert_array_equal(result["test_accuracy"], first["test_accuracy"])
    with pytest.raises(ValueError, match="num_epochs"):
        runs(0, (16, 8, 4, 2))


@pytest.mark.needs_data
def test_fresh_runs_play_each_epoch_and_a_paused_run_goes_on():
    (x_train, y_train), (x_test, y_test) = data.load_fashion_mnist(flatten=True, one_hot=True)
    runs = classifiers.FreshRuns(x_train[:300], y_train[:300], x_test[:100], y_test[:100])
    updates = runs.epochs(4, (16, 8, 4, 2))
    first_two = [next(updates) for _ in range(3)]  # untrained, then an update per epoch
    assert [state["num_epochs"] for state in first_two] == [0, 1, 2]
    *_, resumed = updates  # asking again after a pause goes on with the same run
    full = runs(4, (16, 8, 4, 2))
    assert resumed["num_epochs"] == full["num_epochs"] == 4 and full["stop_reason"] == "completed"
    np.testing.assert_allclose(resumed["test_accuracy"], full["test_accuracy"])
    np.testing.assert_allclose(full["test_accuracy"][:2], first_two[-1]["test_accuracy"])


# --- Chapter 10: overfitting, its fixes, and a convolutional network ----------------------


def small_fashion_slices(num_train=600):
    (x, y), (x_test, y_test) = data.load_fashion_mnist(flatten=True, one_hot=True)
    return (x[:num_train], y[:num_train]), (x[-300:], y[-300:]), (x_test[:500], y_test[:500])


def test_fashion_mlp_can_carry_dropout():
    plain, dropped = classifiers.fashion_mlp((16, 8)), classifiers.fashion_mlp((16, 8), dropout=0.3)
    assert [type(layer).__name__ for layer in dropped.layers] == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert dropped.count_params() == plain.count_params()
    with pytest.raises(ValueError, match="dropout"):
        classifiers.fashion_mlp(dropout=1.5)


def test_overfitting_fixes_trains_three_runs_and_stops_early():
    train, validation, test = small_fashion_slices()
    results = classifiers.overfitting_fixes(train, validation, test, num_epochs=25, patience=2, batch_size=50)
    assert list(results) == list(classifiers.FIXES)
    assert results["none"]["num_epochs"] == 25 and results["dropout"]["num_epochs"] == 25
    stopped = results["early stopping"]
    assert stopped["num_epochs"] < 25                        # 600 images overfit within 25 epochs
    assert results["none"]["val_loss"][-1] > min(results["none"]["val_loss"])
    assert stopped["test_loss"] < results["none"]["test_loss"]
    assert results["dropout"]["train_loss"][-1] > results["none"]["train_loss"][-1]
    figure = classifiers.overfitting_figure(results)
    assert figure.axes[0].get_ylabel() == "cross entropy" and len(figure.axes[0].get_lines()) == 6


def test_small_convnet_takes_the_dense_networks_batches_and_learns():
    conv = classifiers.compile_fashion_model(classifiers.small_convnet())
    assert conv.output_shape == (None, 10) and conv.input_shape == (None, 784)
    # conv 3·3·1·32 + 32, conv 3·3·32·64 + 64, dense 5·5·64·128 + 128, dense 128·10 + 10
    assert conv.count_params() == 320 + 18496 + 204928 + 1290
    (x_train, y_train), _, (x_test, y_test) = small_fashion_slices(num_train=1000)
    dataset = classifiers.image_dataset(x_train, y_train, 100, shuffle_seed=0)
    history = conv.fit(dataset, epochs=2, validation_data=(x_test, y_test), shuffle=False, verbose=0)
    assert history.history["val_categorical_accuracy"][-1] > 0.5   # chance: 0.1
    assert history.history["loss"][-1] < history.history["loss"][0]
    with pytest.raises(ValueError, match="filters"):
        classifiers.small_convnet((0,))
    with pytest.raises(ValueError, match="hidden_units"):
        classifiers.small_convnet(hidden_units=0)


def test_compile_fashion_model_is_the_chapters_compile():
    model = classifiers.compile_fashion_model(classifiers.fashion_mlp(), 0.002)
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert training.learning_rate_of(model.optimizer) == pytest.approx(0.002)
    assert model.loss.from_logits and model.steps_per_execution == training.STEPS_PER_CALL
    with pytest.raises(ValueError, match="learning_rate"):
        classifiers.compile_fashion_model(classifiers.fashion_mlp(), -1.0)


def test_mnist_build_it_exercise_scores_on_the_test_set(capsys):
    assert not classifiers_exercises_check(...)
    assert "not attempted" in capsys.readouterr().out

    def too_little(x_train, y_train):  # 2 000 images, one epoch: about 0.85, far from 0.98
        keras.utils.set_random_seed(0)
        model = classifiers.compile_like_source(classifiers.mnist_sequential(32))
        model.fit(x_train[:2000], y_train[:2000], batch_size=100, epochs=1, verbose=0)
        return model

    assert not classifiers_exercises_check(too_little)
    out = capsys.readouterr().out
    assert "below 0.98" in out and "512" in out
    assert not classifiers_exercises_check(lambda x, y: "a model")
    assert "returned a str" in capsys.readouterr().out


def classifiers_exercises_check(answer):
    return exercises.check_mnist_beats_098(answer)


def test_the_train_step_exercise_compares_the_students_step_with_the_chapters(capsys):
    def right(model, optimizer, x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(keras.losses.categorical_crossentropy(y, model(x, training=True), from_logits=True))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    def no_update(model, optimizer, x, y):
        return tf.reduce_mean(keras.losses.categorical_crossentropy(y, model(x), from_logits=True))

    def probabilities_loss(model, optimizer, x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(keras.losses.categorical_crossentropy(y, model(x)))  # from_logits forgotten
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    def ascent(model, optimizer, x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(keras.losses.categorical_crossentropy(y, model(x), from_logits=True))
            uphill = -loss  # gradient ascent
        gradients = tape.gradient(uphill, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    assert not exercises.check_train_step(...) and "not attempted yet" in capsys.readouterr().out
    assert exercises.check_train_step(right) and "✓ train_step" in capsys.readouterr().out
    assert not exercises.check_train_step(no_update) and "did not change" in capsys.readouterr().out
    assert not exercises.check_train_step(probabilities_loss) and "from_logits=True" in capsys.readouterr().out
    assert not exercises.check_train_step(ascent) and "check the sign" in capsys.readouterr().out


@pytest.mark.parametrize("size, kernel_size, stride", [(28, 3, 1), (28, 3, 2), (7, 3, 2), (6, 3, 2), (31, 5, 3),
                                                       (5, 5, 1), (9, 1, 4)])
@pytest.mark.parametrize("padding", classifiers.PADDINGS)
def test_conv_output_size_matches_keras(size, kernel_size, stride, padding):
    import keras

    layer = keras.layers.Conv2D(2, kernel_size, strides=stride, padding=padding)
    expected = classifiers.conv_output_size(size, kernel_size, stride, padding)
    assert layer.compute_output_shape((1, size, kernel_size, 1))[1] == expected
    assert layer(np.zeros((1, size, kernel_size, 1), np.float32)).shape[1] == expected


def test_same_padding_adds_what_the_last_window_needs_the_odd_zero_after():
    assert classifiers.same_padding(7, 3, 2) == (1, 1)
    assert classifiers.same_padding(6, 3, 2) == (0, 1)
    assert classifiers.same_padding(6, 4, 1) == (1, 2)
    assert classifiers.same_padding(8, 1, 3) == (0, 0)


@pytest.mark.parametrize("arguments", [(0, 3, 1, "valid"), (5, 0, 1, "valid"), (5, 3, 0, "same"), (5, 3, 1, "full"),
                                       (3, 5, 1, "valid"), (5.5, 3, 1, "valid")])
def test_conv_output_size_names_a_bad_argument(arguments):
    with pytest.raises(ValueError):
        classifiers.conv_output_size(*arguments)


def test_stride_figure_draws_both_paddings():
    figure = classifiers.stride_figure(size=7, kernel_size=3, stride=2)
    titles = [ax.get_title() for ax in figure.axes]
    assert titles == ['padding="valid": 3 windows per row, output 3×3', 'padding="same": 4 windows per row, output 4×4']
    zeros = [sum(text.get_text() == "0" for text in ax.texts) for ax in figure.axes]
    assert zeros == [0, 9 * 9 - 7 * 7]


def _conv_output_shape(height, width, kernel_size, strides, padding):
    """Exercise 5's answer, written out."""
    def one_axis(size, kernel, stride):
        return -(-size // stride) if padding == "same" else (size - kernel) // stride + 1
    return one_axis(height, kernel_size[0], strides[0]), one_axis(width, kernel_size[1], strides[1])


def test_conv_shape_exercise_accepts_the_formula_and_names_each_slip(capsys):
    assert exercises.check_conv_output_shape(_conv_output_shape)
    assert "correct on 6 fresh test inputs" in capsys.readouterr().out
    assert not exercises.check_conv_output_shape(...)
    assert "not attempted yet" in capsys.readouterr().out
    slips = {
        'padding="valid"': lambda h, w, k, s, p: _conv_output_shape(h, w, k, s, "valid"),
        "strides (1, 1)": lambda h, w, k, s, p: _conv_output_shape(h, w, k, (1, 1), p),
        "mixed up": lambda h, w, k, s, p: _conv_output_shape(h, w, k[::-1], s[::-1], p),
        "off by one": lambda h, w, k, s, p: tuple(n - 1 for n in _conv_output_shape(h, w, k, s, p)),
        "whole numbers": lambda h, w, k, s, p: tuple(float(n) for n in _conv_output_shape(h, w, k, s, p)),
    }
    for words, slip in slips.items():
        assert not exercises.check_conv_output_shape(slip)
        assert words in capsys.readouterr().out


def test_conv_shape_exercise_cases_tell_the_slips_apart():
    for case in exercises.CONV_SHAPE_CASES:
        expected = _conv_output_shape(*case)
        mistakes = exercises._conv_shape_mistakes(*case)
        assert len(mistakes) >= 3 and sum(shape != expected for shape in mistakes.values()) >= 2


def _dense_parameter_count(layer_sizes):
    """Chapter 09's exercise 5 answer, written out."""
    return sum(inputs * units + units for inputs, units in zip(layer_sizes[:-1], layer_sizes[1:]))


def test_dense_count_exercise_agrees_with_keras_and_names_each_slip(capsys):
    for sizes in exercises.DENSE_COUNT_CASES:
        model = keras.Sequential([keras.Input((sizes[0],))] + [keras.layers.Dense(units) for units in sizes[1:]])
        assert _dense_parameter_count(sizes) == model.count_params()
    assert _dense_parameter_count([784, 512, 256, 10]) == 535_818
    assert exercises.check_dense_parameter_count(_dense_parameter_count)
    assert "correct on 4 fresh test inputs" in capsys.readouterr().out
    assert not exercises.check_dense_parameter_count(...)
    assert "not attempted yet" in capsys.readouterr().out
    pairs = lambda sizes: list(zip(sizes[:-1], sizes[1:]))  # noqa: E731
    slips = {"forgot the biases": lambda sizes: sum(n * m for n, m in pairs(sizes)),
             "input layer has no biases": lambda sizes: _dense_parameter_count(sizes) + sizes[0],
             "last layer is missing": lambda sizes: _dense_parameter_count(sizes[:-1]),
             "not only from the input": lambda sizes: sum(sizes[0] * m + m for m in sizes[1:])}
    for words, slip in slips.items():
        assert not exercises.check_dense_parameter_count(slip)
        assert words in capsys.readouterr().out
