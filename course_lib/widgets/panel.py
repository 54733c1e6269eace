"""The one mechanism behind every interactive panel of the course.

A panel is controls on the left and, beside them, a figure with a caption
underneath. When a control moves (or, for training panels, when the button is
pressed) the panel calls ``compute(**values)``, a pure function of the control
values, then ``draw(result)``.

``draw(result)`` returns ``(datasets, caption)``: the rows for the named data
sources of the panel's Vega-Lite ``spec`` and an HTML caption. The kernel sends
data, the browser draws it in one frame (``course_lib.widgets.chart``).

- With ``offline=True`` the panel also tabulates ``compute`` over every value its
  controls can take and links the controls to the chart in the browser, so it
  answers its sliders in a notebook opened without a kernel. ``offline`` may
  instead name the controls to tabulate: the others (a text box of logits, say)
  need the kernel, which tabulates again when one of them changes.
- With ``live=True`` (training panels) ``compute`` returns an iterator and its
  results are shown as they come, while training runs in a background thread
  with Train, Pause and Reset (``LiveRun``).
- Every panel's output also carries a PNG of its first state, for viewers
  without JavaScript (GitHub, a printout).

A panel is tested without a browser: set a control's ``value`` and read
``result`` and the chart's ``datasets`` and ``caption``. ``timings`` keeps how
long compute and drawing (making the data) took, for the benchmarks. Bad input never breaks a panel: an error from ``compute`` is shown in
the caption, in red, and the last good figure stays (any other error than a
``ValueError`` is a defect, and its traceback goes to the log too).
"""

import atexit
import base64
import html
import itertools
import logging
import math
import re
import threading
import time
import unicodedata
import weakref

import ipywidgets as widgets
import numpy as np

from course_lib import language
from course_lib.notebook import presenting
from course_lib.widgets.chart import Chart, linked_chart, pack_table

LOG = logging.getLogger(__name__)
PANEL_CLASS = "course-panel"
#: The class of a control that needs the kernel in a panel whose other controls work without one.
NEEDS_KERNEL_CLASS = "course-needs-kernel"
#: The most states an offline panel may precompute; past it, coarsen the controls' steps.
MAX_TABLE_ENTRIES = 4000
SELECTIONS = (widgets.Dropdown, widgets.ToggleButtons, widgets.RadioButtons)
#: The presenter setting (``notebook.setup(presenter=True)``) marks a panel with this class and
#: puts PRESENTER_CSS in its header: a style the saved widget state carries, so the panel keeps
#: its large controls in a chapter opened without a kernel and in the slides.
PRESENTER_CLASS = "course-presenter"
PRESENTER_CSS = ("<style>"
                 f".{PRESENTER_CLASS} .widget-label, .{PRESENTER_CLASS} .widget-readout, "
                 f".{PRESENTER_CLASS} .widget-html-content, .{PRESENTER_CLASS} .widget-dropdown select, "
                 f".{PRESENTER_CLASS} .widget-toggle-button, .{PRESENTER_CLASS} .widget-button, "
                 f".{PRESENTER_CLASS} .widget-checkbox label, .{PRESENTER_CLASS} .course-panel-caption "
                 "{font-size: 20px; line-height: 1.4; height: auto}"
                 f" .{PRESENTER_CLASS} .widget-slider .noUi-handle {{transform: scale(1.5)}}"
                 f" .{PRESENTER_CLASS} .widget-inline-hbox {{margin-bottom: 10px}}"
                 "</style>")


def error_caption(error):
    """An error said in the caption, in the course's error colour (``course-error``, readable on light and dark themes)."""
    return f'<span class="course-error">⚠ {html.escape(language.say(str(error)))}</span>'


#: ``data('run')[0].network`` in a title's expression: a field whose value the title shows.
TITLE_FIELD = re.compile(r"data\('\w+'\)\[0\]\.(\w+)")
#: ``datum.surface`` in a filter or a test: a field whose values an expression compares, so they stay as they are.
TESTED_FIELD = re.compile(r"datum\.(\w+)")


def worded_fields(spec):
    """The data fields whose values ``spec`` shows as words: those of nominal or ordinal encodings (legends,
    axes, text) and those a title's expression reads, less any field an expression compares."""
    shown, tested = set(), set()

    def walk(value, key=None):
        if isinstance(value, dict):
            for channel, encoding in (value.get("encoding") or {}).items():
                if isinstance(encoding, dict) and "field" in encoding \
                        and encoding.get("type", "nominal") in ("nominal", "ordinal"):
                    shown.add(encoding["field"])
            for name, item in value.items():
                walk(item, name)
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, str):
            shown.update(TITLE_FIELD.findall(value))
            tested.update(TESTED_FIELD.findall(value))
    walk(spec)
    return shown - tested


#: The keys of a Vega-Lite spec whose strings a reader reads: titles, a legend's domain, a layer's constant ``datum``.
TRANSLATED_KEYS = ("title", "text", "subtitle", "domain", "datum")


#: A string in a Vega expression ("'derivative of ' + data('curves')[0].label"): a title's words, made in the browser.
EXPRESSION_TEXT = re.compile(r"'([^'\\]*)'")


def said_literal(match, speaking):
    """The quoted words of an expression in ``speaking``, their surrounding spaces kept."""
    words = match.group(1)
    said = language.say(words.strip(), speaking)
    if said == words.strip():
        return match.group(0)
    return "'" + said + (" " if words.endswith(" ") and not said.endswith(("：", "）")) else "") + "'"


#: Room around a chart whose words are Chinese: a vertical axis title in Chinese is drawn a few pixels
#: wider than Vega reserves for it (Vega-Lite's padding is 5 px), and the leftmost one was cut.
CJK_PADDING = {"left": 10, "top": 5, "right": 5, "bottom": 5}


def translated_spec(spec, speaking):
    """``spec`` with its titles, subtitles, legend domains and layers' constant legend entries in ``speaking``."""
    if speaking == "en":
        return spec

    def walk(value, key=None):
        if isinstance(value, str):
            return language.say(value, speaking) if key in TRANSLATED_KEYS else value
        if isinstance(value, dict) and key in TRANSLATED_KEYS and isinstance(value.get("expr"), str):
            return {**value, "expr": EXPRESSION_TEXT.sub(lambda match: said_literal(match, speaking), value["expr"])}
        if isinstance(value, dict):
            return {name: walk(item, name) for name, item in value.items()}
        if isinstance(value, list):
            return [walk(item, key) for item in value]
        return value
    return {**walk(spec), "padding": CJK_PADDING}


def translated_rows(datasets, fields, speaking):
    """``datasets`` with the values of ``fields`` (the chart's words: legends, axes, titles) in ``speaking``."""
    if speaking == "en" or not fields:
        return datasets
    return {name: [{key: language.say(value, speaking) if key in fields else value for key, value in row.items()}
                   if isinstance(row, dict) else row for row in rows] if isinstance(rows, list) else rows
            for name, rows in datasets.items()}


#: Pixels per character of a control's label at JupyterLab's 13 px UI font, measured on the widest
#: of the fonts the browser tests see (DejaVu Sans: "p (true class)" is 88 px, 6.3 a character),
#: with a margin; a wide character (Chinese) takes a full em. The presenter setting's 20 px font
#: scales both.
LABEL_CHARACTER_PX = 7.5
LABEL_WIDE_CHARACTER_PX = 13.5
#: ipywidgets' own label width (``--jp-widgets-inline-label-width``): shorter labels keep it.
DEFAULT_LABEL_PX = 80
#: What a slider, a dropdown or a text box needs beside its label (ipywidgets gives 220 px of 300).
CONTROL_PX = 220
LABELLED = (widgets.FloatSlider, widgets.IntSlider, widgets.FloatLogSlider, widgets.Dropdown,
            widgets.Text, widgets.ToggleButtons, widgets.RadioButtons)


def label_px(text, presenter=False):
    """An upper estimate of ``text``'s width in pixels as a control's label (13 px, or 20 px when presenting)."""
    width = sum(LABEL_WIDE_CHARACTER_PX if unicodedata.east_asian_width(character) in "WF"
                else LABEL_CHARACTER_PX for character in text)
    return math.ceil(width * (20 / 13 if presenter else 1))


def fit_labels(controls, presenter=False):
    """Give the labelled ``controls`` one label width that shows the longest label whole, and room beside it.

    ipywidgets cuts a label at 80 px with an ellipsis and no tooltip ("learni…", "p (true cla…");
    a panel's labels share one width so that its sliders still line up.
    """
    labelled = [control for control in controls if isinstance(control, LABELLED) and control.description]
    if not labelled:
        return
    width = max(max(label_px(control.description, presenter) for control in labelled),
                math.ceil(DEFAULT_LABEL_PX * (20 / 13 if presenter else 1)))
    for control in labelled:
        control.style.description_width = f"{width}px"
        if not isinstance(control, (widgets.ToggleButtons, widgets.RadioButtons)):
            control.layout.width = f"{width + CONTROL_PX}px"


#: The stored picture of a panel is drawn at twice the chart's size, to be shown at its size (the
#: site and the decks do, ``tools/export_html.py``): sharp on a high-DPI screen and a projector.
PNG_SCALE = 2


def control_grid(control):
    """Every value a control can take, as the browser sends it (a selection sends its index)."""
    if isinstance(control, widgets.FloatLogSlider):
        count = int(round((control.max - control.min) / control.step)) + 1
        return [float(f"{control.base ** exponent:.10g}") for exponent in control.min + control.step * np.arange(count)]
    if isinstance(control, SELECTIONS):
        return list(range(len(control.options)))
    if isinstance(control, widgets.Checkbox):
        return [False, True]
    if isinstance(control, (widgets.IntSlider, widgets.FloatSlider)):
        count = int(round((control.max - control.min) / control.step)) + 1
        values = control.min + control.step * np.arange(count)
        if isinstance(control, widgets.IntSlider):
            return [int(v) for v in values]
        decimals = max(0, -int(np.floor(np.log10(control.step))) + 2)
        return [round(float(v), decimals) for v in values]
    raise TypeError(f"an offline panel cannot tabulate a {type(control).__name__}; "
                    "use sliders, dropdowns, toggle buttons or checkboxes")


def browser_trait(control):
    """The trait that holds a control's value in the browser (a selection syncs its index, not its value)."""
    return "index" if isinstance(control, SELECTIONS) else "value"


def browser_value(control):
    """The control's value as the browser holds it (the index of a selection)."""
    return getattr(control, browser_trait(control))


def control_values(controls):
    """The current value of every control of ``controls`` (name → control), by name."""
    return {name: control.value for name, control in controls.items()}


def option_values(selection):
    """The values of a selection's options (an option may be a ``(label, value)`` pair: a translated label)."""
    return [option[1] if isinstance(option, tuple) else option for option in selection.options]


def say_options(selection, speaking):
    """Show a selection's options in the language ``speaking``, its values (what ``compute`` takes) as they are."""
    if speaking == "en" or not all(isinstance(option, str) for option in selection.options):
        return
    index = selection.index
    selection.options = [(language.say(option, speaking), option) for option in selection.options]
    selection.index = index


def python_value(control, value):
    """The value ``compute`` takes for the browser value ``value`` of ``control``."""
    return option_values(control)[value] if isinstance(control, SELECTIONS) else value


def without_constant_datasets(table):
    """``table`` without the datasets that every state shares (the chart holds them once)."""
    shared = set.intersection(*(set(entry["datasets"]) for entry in table))
    constant = {name for name in shared
                if all(entry["datasets"][name] == table[0]["datasets"][name] for entry in table)}
    for entry in table:
        entry["datasets"] = {name: rows for name, rows in entry["datasets"].items() if name not in constant}
    return table


class Panel:
    """Controls, a figure and a caption, redrawn from ``compute`` and ``draw`` when a control moves."""

    def __init__(self, title, controls, compute, draw, *, spec, offline=False, backdrop=(), button=None,
                 live=False, explanation=""):
        """Build the panel and draw it once with the controls' initial values.

        ``controls`` maps ``compute``'s keyword names to ipywidgets controls.
        ``spec`` is the chart's Vega-Lite spec, with named data;
        ``offline`` precomputes its states so it works without a kernel: True for
        every control, or the names of the controls to tabulate (the others need the kernel).
        ``backdrop`` names the datasets of ``draw`` that change with few controls (a surface
        under moving paths): the kernel sends them only when they change (``Chart.backdrop``).
        ``button`` (a label such as "Train") makes the panel update only when it is
        pressed, for updates that take seconds; without it, every change redraws.
        ``live`` makes it a training panel: ``compute`` returns an iterator of
        results (the updates of :func:`course_lib.training.live`), shown one after the
        other while training runs in the background, with Pause and Reset beside the
        button (see :class:`LiveRun`, which also rehearses a run as the panel is built).
        """
        if offline and button is not None:
            raise ValueError("offline=True is for panels without a button")
        if live and button is None:
            raise ValueError("live=True needs a button")
        self.title = title
        self.controls = dict(controls)
        self.compute = compute
        self._draw = draw
        self.speaking = language.current()
        self.worded_fields = worded_fields(spec)
        for control in self.controls.values():
            control.description = language.say(control.description, self.speaking)
            if isinstance(control, SELECTIONS):
                say_options(control, self.speaking)
        self.result = None
        self.timings = []
        self.backdrop = tuple(backdrop)
        self.tabulated = list(self.controls) if offline is True else list(offline or ())
        unknown = sorted(set(self.tabulated) - set(self.controls))
        if unknown:
            raise ValueError(f"offline names {unknown}, which are not controls of {title!r}: {list(self.controls)}")
        exact = [name for name in self.tabulated
                 if isinstance(self.controls[name], (*SELECTIONS, widgets.Checkbox))]
        self.chart = linked_chart(self.tabulated, exact) if self.tabulated else Chart()
        self.chart.spec = translated_spec(spec, self.speaking)
        self.chart.kernel_note = self._kernel_note(live)
        inputs = list(self.controls.values())
        self.button = self.pause_button = self.reset_button = None
        if button is None:
            for control in inputs:
                control.observe(self._on_change, names="value")
        elif live:
            self.training = LiveRun(self)
            self.button = widgets.Button(description=language.say(button), button_style="primary", icon="play")
            self.pause_button = widgets.Button(description=language.say("Pause"), icon="pause", disabled=True)
            self.reset_button = widgets.Button(description=language.say("Reset"), icon="undo")
            self.button.on_click(lambda _: self.training.play())
            self.pause_button.on_click(lambda _: self.training.pause())
            self.reset_button.on_click(lambda _: self.training.reset())
            inputs.append(widgets.HBox([self.button, self.pause_button, self.reset_button]))
        else:
            self.button = widgets.Button(description=language.say(button), button_style="primary", icon="play")
            self.button.on_click(lambda _: self.refresh())
            inputs.append(self.button)
        presenter = presenting()
        fit_labels(self.controls.values(), presenter)
        header = widgets.HTML((PRESENTER_CSS if presenter else "") + f"<b>{html.escape(language.say(title))}</b>"
                              + (f"<br><span>{language.say(explanation)}</span>" if explanation else ""))
        self.widget = widgets.VBox([
            header,
            # the chart goes under the controls when the cell is too narrow for both side by side
            widgets.HBox([widgets.VBox(inputs, layout=widgets.Layout(min_width="420px" if presenter else "300px",
                                                                     flex="0 0 auto")),
                          self.chart], layout=widgets.Layout(flex_flow="row wrap")),
        ])
        self.widget.add_class(PANEL_CLASS)
        if presenter:
            self.widget.add_class(PRESENTER_CLASS)
        self.links = []
        if self.tabulated:
            self.chart.table = pack_table(self.tabulate())
            for name in self.tabulated:
                control = self.controls[name]
                self.links.append(widgets.jslink((control, browser_trait(control)), (self.chart, name)))
                setattr(self.chart, name, browser_value(control))
            for name, control in self.controls.items():
                if name not in self.tabulated:
                    control.add_class(NEEDS_KERNEL_CLASS)
        if live:
            self.training.reset()
        else:
            self.refresh()
        self.first_png = self.chart.to_png(scale=PNG_SCALE)

    def _kernel_note(self, live):
        """What the chart says when no kernel answers it: which controls need the cell run (or nothing)."""
        needing = [control.description or name for name, control in self.controls.items()
                   if name not in self.tabulated]
        if self.tabulated and not needing:
            return ""
        if self.tabulated:
            return language.say(f"Run this cell (in JupyterLab) to use {', '.join(needing)}; the other controls "
                                "work without a kernel.")
        return language.say("Run this cell (in JupyterLab) to use this panel: it computes in the kernel, and the "
                            "figure shows its " + ("untrained state." if live else "first state."))

    def draw(self, result):
        """``(datasets, caption)`` of ``result``, from the panel's ``draw``, in the student's language."""
        datasets, caption = self._draw(result)
        return translated_rows(datasets, self.worded_fields, self.speaking), language.say(caption, self.speaking)

    def values(self):
        """The current value of every control, by name."""
        return control_values(self.controls)

    def tabulate(self):
        """Every state of the panel, one per combination of the tabulated controls' values, the others as they are now."""
        grids = {name: control_grid(self.controls[name]) for name in self.tabulated}
        now = {name: control.value for name, control in self.controls.items() if name not in grids}
        count = int(np.prod([len(grid) for grid in grids.values()]))
        if count > MAX_TABLE_ENTRIES:
            raise ValueError(f"the controls of {self.title!r} take {count} combinations, more than "
                             f"{MAX_TABLE_ENTRIES}: coarsen their steps")
        table = []
        for combination in itertools.product(*grids.values()):
            values = dict(zip(grids, combination))
            arguments = {**now, **{name: python_value(self.controls[name], value) for name, value in values.items()}}
            try:
                datasets, caption = self.draw(self.compute(**arguments))
            except ValueError as error:
                datasets, caption = {}, error_caption(error)
            table.append({"values": values, "datasets": datasets, "caption": caption})
        return without_constant_datasets(table)

    def _on_change(self, change):
        if self.chart.linked:
            for name in self.tabulated:
                setattr(self.chart, name, browser_value(self.controls[name]))
            if not any(change["owner"] is self.controls[name] for name in self.tabulated):
                self.chart.table = pack_table(self.tabulate())
        self.refresh()

    def refresh(self):
        """Recompute and redraw from the current control values; show any error in the caption."""
        if self.button is not None:
            self.button.disabled = True
        try:
            self._compute_and_show(lambda: self.compute(**self.values()))
        finally:
            if self.button is not None:
                self.button.disabled = False

    def _compute_and_show(self, produce):
        """Show the result ``produce()`` returns, timing both halves; False when it failed (said in the caption).

        ``StopIteration`` (a live run that has ended) passes through to the caller.
        """
        start = time.perf_counter()
        try:
            result = produce()
            computed = time.perf_counter()
            self.show(result)
        except StopIteration:
            raise
        except Exception as error:  # noqa: BLE001 - every error is the reader's to see
            self.show_error(error)
            return False
        self.timings.append({"compute": computed - start, "draw": time.perf_counter() - computed})
        return True

    def show(self, result):
        """Draw ``result`` (the chart's data and caption) and keep it as the panel's ``result``."""
        datasets, caption = self.draw(result)
        backdrop = {name: datasets.pop(name) for name in self.backdrop}
        with self.chart.hold_sync():
            self.chart.backdrop = backdrop  # unchanged, it is not sent again
            self.chart.datasets = datasets
            self.chart.caption = caption
        self.result = result

    def show_error(self, error):
        """Say what went wrong in the caption, keeping the last figure.

        A ``ValueError`` is the reader's input rejected with a message; anything
        else is a defect: its traceback goes to the log (the kernel's stderr).
        """
        if not isinstance(error, ValueError):
            LOG.error("panel %r failed", self.title, exc_info=error)
            error = f"{type(error).__name__}: {error} (the traceback is in the log)"
        self.chart.caption = error_caption(error)

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["image/png"] = base64.b64encode(self.first_png).decode("ascii")
        caption = html.unescape(re.sub(r"<[^>]+>", "", self.chart.caption))
        bundle["text/plain"] = (f"{language.say(self.title)}: {caption}\n"
                                + language.say("(an interactive panel: open the chapter in JupyterLab to use it)"))
        return bundle


def with_untrained(updates, measure):
    """A live run's ``updates`` (dicts), each with ``"untrained"``: what ``measure(first update)`` returns.

    A live run's first update is the untrained model (:func:`course_lib.training.live` yields it
    before the first epoch), so ``measure`` sees the initial weights: its numbers (the untrained
    loss, say) are the point at epoch 0 that a panel draws before Train is pressed, and keeps
    drawing as the start of its curves. It runs once per run, on data of its own: the run's
    epochs, and so its curves from epoch 1 on, are those without it.
    """
    iterator = iter(updates)
    first = next(iterator, None)
    if first is None:
        return
    untrained = measure(first)
    yield {**first, "untrained": untrained}
    for update in iterator:
        yield {**update, "untrained": untrained}


_RUNS = weakref.WeakSet()
#: The idle kernel's own interrupt handler, which _pause_every_run calls in turn.
_kernel_idle_handler = None


def _pause_every_run(signum, frame):
    """Kernel → Interrupt (Ctrl-C in a terminal) while the kernel is idle: pause every live run, as Pause does."""
    for run in list(_RUNS):
        run.pause()
    if callable(_kernel_idle_handler):
        _kernel_idle_handler(signum, frame)


def _pause_runs_on_interrupt():
    """Make an interrupt of the idle kernel pause the live runs (once per kernel; without a kernel, nothing).

    An interrupt raises ``KeyboardInterrupt`` in the running cell; a live run trains in
    a thread while the kernel is idle, where ipykernel ignores interrupts. ipykernel
    puts its idle handler back after every message it handles (``saved_sigint_handler``),
    so this one takes its place there and calls it in turn.
    """
    try:
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
    except ImportError:
        return
    global _kernel_idle_handler
    handler = getattr(kernel, "saved_sigint_handler", None)
    if handler is None or handler is _pause_every_run:
        return
    _kernel_idle_handler = handler
    kernel.saved_sigint_handler = _pause_every_run


@atexit.register
def _stop_runs():
    """Let every live run finish its step before Python exits (TensorFlow aborts if killed mid-op)."""
    for run in list(_RUNS):
        run.pause()
        run.wait(60)


class LiveRun:
    """A training panel's run: played in a background thread, paused and resumed, or reset.

    ``compute`` returns an iterator; the run shows each of its results as it
    comes. Pause stops after the current result and keeps the iterator, so Play
    goes on from what was learned; Play with changed controls, or Reset, starts
    a new iterator. The kernel's main thread stays free, so the page never
    freezes and the Pause button is heard while training runs; interrupting the
    kernel (Kernel → Interrupt, or I I in JupyterLab's command mode) pauses it too.

    Pausing is the one way a run stops early: the thread stops asking the iterator for
    its next result. As it is built, a run rehearses (:meth:`rehearse`), so that the
    first press on Train shows an update at once instead of waiting for TensorFlow.
    """

    def __init__(self, panel):
        self.panel = panel
        self.iterator = None
        self.started_with = None
        self.thread = None
        self.pausing = threading.Event()
        self.rehearse()
        _RUNS.add(self)

    @property
    def running(self):
        return self.thread is not None and self.thread.is_alive()

    def reset(self):
        """Forget the run and show the untrained state (the iterator's first result)."""
        self.pause()
        if self.thread is not None:
            self.thread.join()
        self.iterator = None
        if self._start():
            self._step()

    def play(self):
        """Train in the background, from where the run stopped (or anew if the controls changed)."""
        if self.running:
            return
        if self.iterator is None or self.started_with != self.panel.values():
            if not (self._start() and self._step()):
                return
        self.pausing.clear()
        _pause_runs_on_interrupt()
        self._set_buttons(running=True)
        self.thread = threading.Thread(target=self._run, name=f"panel {self.panel.title}", daemon=True)
        self.thread.start()

    def pause(self):
        """Stop after the current step; what was learned is kept."""
        self.pausing.set()

    def wait(self, timeout=None):
        """Wait until the run stops (for tests and scripts)."""
        if self.thread is not None:
            self.thread.join(timeout)

    def rehearse(self):
        """Play a fresh run at the controls' values to its first update, and forget it.

        That traces every graph a run needs (the cell takes that much longer: 0.4-1 s),
        and the first press on Train answers at once. Every live panel's ``compute``
        starts each run from the same initial state, so a rehearsal leaves nothing behind
        but compiled graphs. A failed rehearsal only costs time: it is logged, and the run
        traces itself.
        """
        try:
            for _ in itertools.islice(self.panel.compute(**self.panel.values()), 2):  # untrained, then an update
                pass
        except Exception:  # noqa: BLE001 - see the docstring
            LOG.warning("rehearsing panel %r failed", self.panel.title, exc_info=True)

    def _start(self):
        self.started_with = self.panel.values()
        try:
            self.iterator = iter(self.panel.compute(**self.started_with))
        except Exception as error:  # noqa: BLE001 - shown in the caption
            self.iterator = None
            self.panel.show_error(error)
            return False
        return True

    def _step(self):
        """Show the next result; False when the run is over or failed."""
        try:
            shown = self.panel._compute_and_show(lambda: next(self.iterator))
        except StopIteration:
            shown = False
        if not shown:
            self.iterator = None
        return shown

    def _run(self):
        try:
            while not self.pausing.is_set() and self._step():
                pass
        finally:
            self._set_buttons(running=False)

    def _set_buttons(self, running):
        self.panel.button.disabled = running
        self.panel.pause_button.disabled = not running
