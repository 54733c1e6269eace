"""notebook.setup makes runs repeatable; the shared figures draw what they are given."""

import keras
import matplotlib
import numpy as np
import pytest
import tensorflow as tf

from course_lib import notebook, plots, validate


def test_setup_makes_random_numbers_repeat(capsys):
    notebook.setup(seed=7)
    first = (np.random.rand(3), tf.random.uniform((3,)).numpy(), keras.random.normal((2,), seed=None).numpy())
    notebook.setup(seed=7)
    second = (np.random.rand(3), tf.random.uniform((3,)).numpy(), keras.random.normal((2,), seed=None).numpy())
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    report = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("Python "))
    assert f"TensorFlow {tf.__version__}" in report and "devices CPU" in report and "seed 7" in report


def test_setup_says_how_to_get_a_chinese_font_when_none_is_installed(capsys, monkeypatch):
    monkeypatch.setattr(notebook, "cjk_font", lambda: None)
    with matplotlib.rc_context():  # the style without a Chinese font stays in this test
        notebook.setup(seed=7)
    report, advice = capsys.readouterr().out.splitlines()[-2:]
    assert report.startswith("Python ") and "seed 7" in report
    assert advice == notebook.CJK_FONT_ADVICE and "fonts-noto-cjk" in advice


def test_training_curves_draw_training_and_validation():
    history = {"loss": [1.0, 0.5, 0.25, 0.2], "val_loss": [0.6, 0.3], "accuracy": [0.5, 0.7, 0.8, 0.9]}
    figure = plots.training_curves(history, metrics=("loss", "accuracy"))
    loss_axes, accuracy_axes = figure.axes
    assert [len(line.get_xdata()) for line in loss_axes.lines] == [4, 2]
    assert list(loss_axes.lines[1].get_xdata()) == [2, 4]
    assert len(accuracy_axes.lines) == 1
    as_arrays = plots.training_curves({k: np.array(v) for k, v in history.items()})
    assert len(as_arrays.axes[0].lines) == 2
    with pytest.raises(ValueError, match="has no 'mae'"):
        plots.training_curves(history, metrics=("mae",))


def test_image_grid_and_confusion_matrix():
    figure = plots.image_grid(np.zeros((10, 28, 28)), titles=[str(i) for i in range(10)], columns=5)
    assert len(figure.axes) == 10 and figure.axes[3].get_title() == "3"
    with pytest.raises(ValueError, match="stack of 2-D images"):
        plots.image_grid(np.zeros((28, 28)))
    figure = plots.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], ["a", "b", "c"])
    counts = figure.axes[0].images[0].get_array()
    np.testing.assert_array_equal(counts, [[1, 0, 0], [0, 1, 1], [0, 0, 1]])


@pytest.mark.parametrize("check, value, message", [
    (validate.positive, -0.1, "must be greater than 0"),
    (validate.non_negative, -1, "must be 0 or more"),
    (validate.finite, float("inf"), "must be finite"),
    (validate.finite, "0.1", "must be a number"),
    (validate.positive_int, 2.5, "must be a whole number"),
    (validate.positive_int, True, "must be a whole number"),
])
def test_validation_messages_name_the_argument(check, value, message):
    with pytest.raises(ValueError, match=f"learning_rate {message}"):
        check("learning_rate", value)


def test_range_and_choice_validation():
    assert validate.in_range("beta1", 0.9, 0.0, 1.0) == 0.9
    with pytest.raises(ValueError, match="beta1 must be between 0.0 and 1.0"):
        validate.in_range("beta1", 1.5, 0.0, 1.0)
    with pytest.raises(ValueError, match="loss must be one of 'mse', 'ce'"):
        validate.one_of("loss", "mae", ["mse", "ce"])


def test_setup_says_once_how_to_get_a_cjk_font_when_none_is_installed(capsys, monkeypatch):
    monkeypatch.setattr(notebook, "cjk_font", lambda: None)
    notebook.setup(seed=3)
    out = capsys.readouterr().out
    assert out.count("No font with Chinese characters") == 1 and "fonts-noto-cjk" in out
    monkeypatch.setattr(notebook, "cjk_font", lambda: "Noto Sans CJK SC")
    notebook.setup(seed=3)
    assert "Chinese" not in capsys.readouterr().out


def test_figures_are_drawn_for_a_projector():
    import matplotlib as mpl

    notebook.plot_style()
    assert mpl.rcParams["figure.dpi"] >= 100 and mpl.rcParams["font.size"] >= 12


def _draws():
    """The next number of each generator a reader may use."""
    import random

    return (random.random(), float(np.random.rand()), float(keras.random.uniform(())),
            float(tf.random.uniform(())))


def test_seeded_code_leaves_the_readers_random_state_as_it_was():
    from course_lib import activations

    notebook.seed_everything(123)
    expected = _draws()
    notebook.seed_everything(123)
    first = activations.deep_network("relu", depth=1, width=4, num_inputs=3).get_weights()
    assert _draws() == expected  # building the model did not re-seed the reader's generators
    again = activations.deep_network("relu", depth=1, width=4, num_inputs=3).get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(first, again))  # and it is the same model each time


def test_seeded_code_shuffles_as_set_random_seed_does_without_emptying_tensorflows_caches(monkeypatch):
    from tensorflow.python.eager import context

    emptied = []  # tf.random.set_seed empties the caches through Context._set_global_seed
    monkeypatch.setattr(context.Context, "_set_global_seed", lambda self, seed: emptied.append(seed))

    def epochs():
        dataset = tf.data.Dataset.range(20).shuffle(20, seed=3, reshuffle_each_iteration=True)
        return [list(dataset.as_numpy_iterator()) for _ in range(2)]

    with notebook.seeded(3):
        orders = epochs()
    assert emptied == []
    monkeypatch.undo()
    keras.utils.set_random_seed(3)
    assert epochs() == orders and orders[0] != orders[1]  # the same two epochs, each its own order


@pytest.fixture
def restore_screen_setting():
    """Put the screen setting back after a test that turns the presenter setting on."""
    from course_lib.widgets import chart

    yield
    notebook._presenter = False
    notebook.plot_style()


def test_the_presenter_setting_enlarges_figure_and_chart_text(restore_screen_setting, capsys):
    import matplotlib as mpl

    from course_lib.widgets import chart

    notebook.setup(seed=3)
    screen = {key: mpl.rcParams[key] for key in notebook.FONT_SIZES}
    assert not notebook.presenting() and chart.course_config() == chart.CONFIG
    notebook.setup(seed=3, presenter=True)
    assert "presenter setting" in capsys.readouterr().out
    for key, size in screen.items():
        assert mpl.rcParams[key] == pytest.approx(size * notebook.PRESENTER_SCALE), key
    assert mpl.rcParams["font.size"] >= 18
    config = chart.course_config()
    assert config["axis"]["labelFontSize"] == 18 and config["title"]["fontSize"] == 21
    assert config["view"] == chart.CONFIG["view"]  # only sizes of text change
    made = chart.Chart(spec={"mark": "point", "config": {"axis": {"labelFontSize": 10}}})
    assert made.spec["config"]["title"]["fontSize"] == 21
    assert made.spec["config"]["axis"] == {"labelFontSize": 10, "titleFontSize": 20}  # a spec's own config wins
    notebook.setup(seed=3, presenter=False)
    assert {key: mpl.rcParams[key] for key in notebook.FONT_SIZES} == screen
    assert chart.course_config() == chart.CONFIG


@pytest.mark.parametrize("value, on", [("1", True), ("true", True), ("YES", True), ("0", False), ("", False)])
def test_the_presenter_setting_follows_the_environment(value, on, monkeypatch, restore_screen_setting):
    from course_lib.widgets import chart

    monkeypatch.setenv(notebook.PRESENTER_VARIABLE, value)
    notebook.setup(seed=3, report=False)
    assert notebook.presenting() is on
    notebook.setup(seed=3, report=False, presenter=False)  # the argument wins over the environment
    assert notebook.presenting() is False


def test_the_presenter_setting_is_true_or_false():
    with pytest.raises(TypeError, match="presenter must be True, False or None"):
        notebook.setup(presenter="yes")
