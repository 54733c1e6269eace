"""The one call at the top of every chapter: ``course_lib.notebook.setup()``.

It makes a run reproducible (the same seeds and deterministic kernels), keeps
TensorFlow's C++ log lines out of the notebook, sets a readable plot style, and
prints a short report so that a student can see at a glance which TensorFlow
and which device the chapter is running on.

``setup(presenter=True)``, or ``COURSE_PRESENTER=1`` in the environment JupyterLab
was started from, is the projector setting: larger text in figures, charts and panel
controls (docs/teaching.md).
"""

import contextlib
import os
import platform
import random
import warnings

import numpy as np

from course_lib import language

DEFAULT_SEED = 42
#: The global attribute that holds Keras' seed generator (keras/src/random/seed_generator.py). Keras
#: 3.15 names it GLOBAL_SEED_GENERATOR; Keras 3.12, which the lock gives Python 3.10, writes it out.
GLOBAL_SEED_GENERATOR = "global_seed_generator"


def quiet_tensorflow():
    """Import TensorFlow without its C++ start-up chatter (CUDA probing, absl notices).

    Those lines go straight to file descriptor 2, below Python, so they are sent to
    /dev/null while TensorFlow loads and finds its devices; Python warnings and
    errors still show as usual.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    warnings.filterwarnings("ignore", module="keras.src.trainers.data_adapters")
    saved_stderr, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow as tf

        tf.config.list_physical_devices()
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        os.close(devnull)


def seed_everything(seed=DEFAULT_SEED):
    """Seed Python, NumPy and TensorFlow, and ask TensorFlow for deterministic kernels."""
    import keras
    import tensorflow as tf

    from keras.src.backend.common import global_state

    keras.utils.set_random_seed(seed)
    # Keras 3.15 makes its seed generator again from the new seed; Keras 3.12 keeps the old one
    global_state.set_global_attribute(GLOBAL_SEED_GENERATOR, None)
    tf.config.experimental.enable_op_determinism()


@contextlib.contextmanager
def seeded(seed):
    """Run the body with every generator seeded by ``seed``, then give the caller's generators back.

    Library functions that must build the same model every time (the same arguments, the
    same weights) use it instead of re-seeding the reader's global state: after the call,
    the reader's Python, NumPy, Keras and TensorFlow random numbers go on as if it had not
    happened.

    It seeds as ``keras.utils.set_random_seed`` does, but sets TensorFlow's global seed
    without ``tf.random.set_seed``, which also empties TensorFlow's caches: every compiled
    function would be prepared again at its next call (about 0.2 s for a ``fit`` epoch, or a panel's
    training step, whose warm-up would be lost). Emptying them matters only to stateful
    TensorFlow random ops, and the course makes none under this: Keras draws from its seed
    generator, and a dataset's shuffle reads the seeds as it is made.
    """
    from keras.src.backend.common import global_state
    from keras.src.utils.rng_utils import GLOBAL_RANDOM_SEED
    from tensorflow.python.eager import context

    eager = context.context()
    tf_rng = getattr(eager, "_rng", None)  # no _rng before a first seed
    saved = (random.getstate(), np.random.get_state(),
             global_state.get_global_attribute(GLOBAL_RANDOM_SEED),
             global_state.get_global_attribute(GLOBAL_SEED_GENERATOR),
             eager._seed, tf_rng, tf_rng and tf_rng.getstate())
    global_state.set_global_attribute(GLOBAL_RANDOM_SEED, seed)
    global_state.set_global_attribute(GLOBAL_SEED_GENERATOR, None)  # made again from the seed
    random.seed(seed)
    np.random.seed(seed)
    eager._seed, eager._rng = seed, random.Random(seed)
    try:
        yield
    finally:
        python_state, numpy_state, keras_seed, keras_generator, tf_seed, tf_rng, tf_rng_state = saved
        random.setstate(python_state)
        np.random.set_state(numpy_state)
        global_state.set_global_attribute(GLOBAL_RANDOM_SEED, keras_seed)
        global_state.set_global_attribute(GLOBAL_SEED_GENERATOR, keras_generator)
        eager._seed, eager._rng = tf_seed, tf_rng
        if tf_rng is not None:
            tf_rng.setstate(tf_rng_state)


#: Fonts with Chinese glyphs, by platform: Debian/Ubuntu (fonts-noto-cjk), macOS, Windows. The
#: Noto CJK files hold every region's face; Matplotlib before 3.11 (the lock's on Python 3.10)
#: reads only the first, JP, which draws the same Chinese characters with Japanese glyph shapes.
CJK_FONTS = ("Noto Sans CJK SC", "PingFang SC", "Heiti SC", "Microsoft YaHei", "SimHei", "Noto Sans CJK JP")


def cjk_font():
    """The first installed font that can draw Chinese labels (学习率, 交叉熵 ...), or None."""
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


#: Figure resolution: a 7 × 4 inch figure becomes 770 × 440 px, and 12 pt text about 18 px
#: high, readable from the back of a classroom on a projector (80 dpi gave 13 px text).
FIGURE_DPI = 110

#: How to get a font with Chinese glyphs, said once by :func:`setup` when none is installed.
CJK_FONT_ADVICE = ("No font with Chinese characters found: Chinese labels in figures will show as "
                   "empty boxes. Install one, then restart the kernel: Debian/Ubuntu "
                   "`sudo apt install fonts-noto-cjk`, Fedora `sudo dnf install "
                   "google-noto-sans-cjk-fonts`, conda `conda install -c conda-forge font-ttf-noto-cjk`; "
                   "macOS and Windows have one already (PingFang SC, Microsoft YaHei).")


#: The environment variable that turns the presenter setting on for every chapter ("1").
PRESENTER_VARIABLE = "COURSE_PRESENTER"
#: How much larger figure text is in the presenter setting: 12 pt becomes 18 pt, about 27 px
#: at FIGURE_DPI, readable from the back of a lecture hall.
PRESENTER_SCALE = 1.5
#: Text sizes of the figures, in points, before PRESENTER_SCALE.
FONT_SIZES = {"axes.titlesize": 14, "axes.labelsize": 13, "legend.fontsize": 11,
              "xtick.labelsize": 11, "ytick.labelsize": 11, "font.size": 12}


_presenter = False


def presenting():
    """Whether the presenter setting is on: the charts and panels made now get text for a projector.

    :func:`setup` sets it; the widgets read it (a lower layer never imports a higher one).
    """
    return _presenter


def presenter_requested():
    """Whether the environment asks for the presenter setting (``COURSE_PRESENTER`` set to 1, true, yes or on)."""
    return os.environ.get(PRESENTER_VARIABLE, "").strip().lower() in {"1", "true", "yes", "on"}


def plot_style(presenter=False):
    """Plot defaults for a laptop, or with ``presenter`` for a projector: large labels, a light grid.

    In Jupyter it also turns on inline figures, so a ``Figure`` returned by a cell
    (as every function of ``course_lib.plots`` returns) is shown under it. Returns the
    CJK font it found, or None.
    """
    import matplotlib as mpl

    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None
    shell = get_ipython() if get_ipython else None
    if shell is not None:
        shell.run_line_magic("matplotlib", "inline")
        if language.current() != "en":
            say_figures_when_shown(shell)
            say_errors_when_shown(shell)

    mpl.rcParams.update({
        "figure.figsize": (7.0, 4.0),
        "figure.dpi": FIGURE_DPI,
        "savefig.dpi": FIGURE_DPI,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "lines.linewidth": 2.5 if presenter else 1.5,
        **{key: size * (PRESENTER_SCALE if presenter else 1) for key, size in FONT_SIZES.items()},
    })
    chinese = cjk_font()
    if chinese:  # Matplotlib falls back glyph by glyph along the family list
        mpl.rcParams["font.family"] = ["DejaVu Sans", chinese]
    return chinese


def say_figure(figure):
    """``figure`` with its words (titles, axis labels, legends, notes) in the student's language; returns it."""
    from matplotlib.text import Text

    for text in figure.findobj(Text):
        words = text.get_text()
        said = language.say(words)
        if said != words:
            text.set_text(said)
    return figure


def say_figures_when_shown(shell):
    """Have IPython show every Matplotlib figure through :func:`say_figure`: a chapter's figures, made by the
    library's functions in English, appear in the chapter's language (the Chinese edition's)."""
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    shown = formatter.lookup_by_type(Figure)
    formatter.for_type(Figure, lambda figure, *args, **kwargs: shown(say_figure(figure), *args, **kwargs))


#: The errors a student's input meets in the library (course_lib.validate and the checks raise these, with a
#: message that names the argument): shown in the chapter's language.
SAID_ERRORS = (ValueError, TypeError, RuntimeError)


def say_error(error):
    """``error`` with its message in the student's language (a message of one text only); returns it."""
    if len(error.args) == 1 and isinstance(error.args[0], str):
        said = language.say(error.args[0])
        if said != error.args[0]:
            error.args = (said,)
    return error


def say_errors_when_shown(shell):
    """Have IPython show a cell's ``SAID_ERRORS`` with their message through :func:`say_error`, traceback as ever."""
    def shown(shell, kind, error, traceback, tb_offset=None):
        shell.showtraceback((kind, say_error(error), traceback), tb_offset=tb_offset)

    shell.set_custom_exc(SAID_ERRORS, shown)


def devices():
    """The devices TensorFlow can use, as short strings: "CPU", "GPU (CUDA)", "GPU (Apple Metal)"."""
    import tensorflow as tf

    names = ["CPU"]
    for gpu in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(gpu)
        name = details.get("device_name", gpu.name)
        kind = "Apple Metal" if platform.system() == "Darwin" else "CUDA"
        names.append(f"GPU ({kind}): {name}")
    return names


def environment_report():
    """A dict of the versions and devices that decide how a chapter runs."""
    import keras
    import tensorflow as tf

    return {
        "Python": platform.python_version(),
        "TensorFlow": tf.__version__,
        "Keras": keras.__version__,
        "devices": ", ".join(devices()),
    }


def setup(seed=DEFAULT_SEED, *, report=True, presenter=None):
    """Prepare a chapter: quiet logs, seeds, deterministic ops, plot style; print the report.

    ``presenter`` (True or False; None: as ``COURSE_PRESENTER`` says) enlarges the text of the
    figures, charts and panel controls made afterwards, for a projector.
    """
    if presenter is None:
        presenter = presenter_requested()
    elif not isinstance(presenter, bool):
        raise TypeError(f"presenter must be True, False or None, got {presenter!r}.")
    global _presenter
    quiet_tensorflow()
    seed_everything(seed)
    chinese = plot_style(presenter)
    _presenter = presenter
    if report:
        summary = environment_report()
        print(" | ".join(f"{key} {value}" for key, value in summary.items()), f"| seed {seed}"
              + (" | presenter setting" if presenter else ""))
        if chinese is None:
            print(CJK_FONT_ADVICE)
