"""A Vega-Lite chart widget, drawn in the browser from data the kernel sends.

Python keeps every formula; the browser only draws. A ``Chart`` holds a
Vega-Lite ``spec`` whose data sources are *named* (``{"data": {"name":
"points"}}``), the ``datasets`` that fill them (and the ``backdrop``: those that
seldom change), and a ``caption`` (HTML) shown under the chart. Changing
``datasets`` updates the drawn chart in place, in one frame, without drawing
anything in the kernel.

A chart can also carry a ``table`` of precomputed states (packed by
``pack_table``) and *linked* values:
one trait per control, fed by ``ipywidgets.jslink``. Then the browser picks the
state nearest to the controls by itself, so the chart answers its sliders in a
notebook opened without a kernel (trusted, with its saved widget state).

The JavaScript is Vega-Lite, Vega and vega-embed as bundled by the
``vl-convert-python`` package (from PyPI, no CDN), with the small glue in
``chart.js``. The bundle is made once and cached next to this file.
"""

import base64
import gzip
import hashlib
import json
import math
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import anywidget
import ipywidgets as widgets
import numpy as np
import traitlets
import vl_convert

from course_lib import notebook

#: The Vega-Lite version the specs are written for and the bundle carries.
VEGA_LITE_VERSION = "5.21"
SCHEMA = f"https://vega.github.io/schema/vega-lite/v{VEGA_LITE_VERSION.split('.')[0]}.json"
#: Text sizes read from the back of a lecture hall; a spec's own ``config`` adds to these.
CONFIG = {"axis": {"labelFontSize": 12, "titleFontSize": 13},
          "legend": {"labelFontSize": 12, "titleFontSize": 12},
          "title": {"fontSize": 14}, "view": {"stroke": "#ddd"}}
#: How much larger chart text is in the presenter setting (``notebook.setup(presenter=True)``).
PRESENTER_SCALE = 1.5
GLUE = Path(__file__).with_name("chart.js")
BUNDLE = Path(__file__).with_name("_chart_bundle.mjs")


def _stamp(body):
    """The first line of the cached bundle: what made it, and the sha256 of everything after it."""
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return f"// vl-convert {vl_convert.__version__}, Vega-Lite {VEGA_LITE_VERSION}, sha256 {digest}\n"


def _cached_bundle():
    """The cached bundle's body when the file is whole and made by this vl-convert, else None."""
    try:
        stamp, _, body = BUNDLE.read_text(encoding="utf-8").partition("\n")
    except (OSError, UnicodeDecodeError):
        return None
    return body if stamp + "\n" == _stamp(body) else None


def _write_atomically(path, text):
    """Write ``text`` to ``path`` through a temporary file and a rename: a reader sees the old file or the new one, whole."""
    temporary = None
    try:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.",
                                         delete=False) as file:
            temporary = Path(file.name)
            file.write(text)
        os.replace(temporary, path)
    except OSError:  # a read-only install still works, it only bundles again next time
        if temporary is not None:
            temporary.unlink(missing_ok=True)


@lru_cache(maxsize=None)
def bundle():
    """The chart library's JavaScript module: Vega, Vega-Lite and vega-embed, whose default export is ``{vegaEmbed}``.

    Made by vl-convert's bundler and cached in a file, so it is made once per
    install (``make install`` makes it). The cache is used only when all of it checks
    out against the sha256 in its first line; a cut, damaged or stale file is made
    again, and written so that two kernels making it at once both leave a whole file.
    """
    body = _cached_bundle()
    if body is None:
        body = vl_convert.javascript_bundle("export default { vegaEmbed };\n", vl_version=VEGA_LITE_VERSION)
        _write_atomically(BUNDLE, _stamp(body) + body)
    return body


class ChartLibrary(anywidget.AnyWidget):
    """Vega for every chart of the page, loaded once (a notebook stores it once, not per chart).

    Its module is the charts' small glue, which imports ``bundle`` in the background.
    """

    _esm = GLUE.read_text(encoding="utf-8")
    bundle = traitlets.Unicode().tag(sync=True)

    @traitlets.default("bundle")
    def _default_bundle(self):
        return bundle()


_library = None
def course_config():
    """The config every chart starts from: ``CONFIG``, its font sizes scaled up in the presenter setting."""
    if not notebook.presenting():
        return CONFIG
    return {part: {key: round(value * PRESENTER_SCALE) if key.lower().endswith("fontsize") else value
                   for key, value in settings.items()}
            for part, settings in CONFIG.items()}


def shared_library():
    """The kernel's one ``ChartLibrary`` (made again if it was closed)."""
    global _library
    if _library is None or _library.comm is None:
        _library = ChartLibrary()
    return _library


class Chart(anywidget.AnyWidget):
    """A Vega-Lite chart fed with named datasets; see the module docstring."""

    _esm = GLUE.read_text(encoding="utf-8")
    library = traitlets.Instance(ChartLibrary).tag(sync=True, **widgets.widget_serialization)

    spec = traitlets.Dict().tag(sync=True)
    datasets = traitlets.Dict().tag(sync=True)
    #: Datasets that change with few controls (the surface under the optimizer race's paths): held
    #: apart from ``datasets``, so an update that leaves them as they were does not send them again.
    backdrop = traitlets.Dict().tag(sync=True)
    caption = traitlets.Unicode("").tag(sync=True)
    table = traitlets.Unicode("").tag(sync=True)
    linked = traitlets.List(traitlets.Unicode()).tag(sync=True)
    exact = traitlets.List(traitlets.Unicode()).tag(sync=True)
    #: Shown under the caption when no kernel answers the chart (its cell not run, its kernel gone):
    #: what needs the cell run. Empty when every control works without a kernel.
    kernel_note = traitlets.Unicode("").tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.on_msg(self._answer)

    def _answer(self, _chart, content, _buffers):
        """Tell the browser that a kernel holds this chart, so that it does not show ``kernel_note``."""
        if content == {"type": "kernel?"}:
            self.send({"type": "kernel"})

    @traitlets.default("library")
    def _default_library(self):
        return shared_library()

    @traitlets.validate("spec")
    def _with_course_config(self, proposal):
        spec = dict(proposal["value"])
        config = {**course_config()}
        for key, value in spec.get("config", {}).items():
            config[key] = {**config.get(key, {}), **value} if isinstance(value, dict) else value
        spec["config"] = config
        return spec

    def full_spec(self):
        """The spec with its data inlined: what the browser draws now, as one Vega-Lite document."""
        return {**self.spec, "datasets": {**self.backdrop, **self.datasets}}

    def to_png(self, scale=1.0):
        """The chart as PNG bytes, drawn without a browser (for viewers without JavaScript)."""
        return vl_convert.vegalite_to_png(json.loads(json.dumps(self.full_spec())),
                                          vl_version=VEGA_LITE_VERSION, scale=scale)


def pack_table(entries):
    """A panel's precomputed states as gzip-compressed, base64-encoded JSON (what ``Chart.table`` holds).

    Stored in the notebook, a table of a few thousand states would otherwise take megabytes;
    the browser unpacks it with its own ``DecompressionStream``.
    """
    text = json.dumps(entries, separators=(",", ":"), ensure_ascii=False)
    return base64.b64encode(gzip.compress(text.encode("utf-8"), mtime=0)).decode("ascii")


def unpack_table(packed):
    """The states packed by ``pack_table``."""
    return json.loads(gzip.decompress(base64.b64decode(packed))) if packed else []


def rows(digits=4, **columns):
    """Vega-Lite rows from equal-length columns, numbers rounded to ``digits`` significant digits.

    A chart needs no more precision than a screen shows, and rounding keeps a
    panel's stored states small. A number that is not finite becomes ``None`` (JSON's null).
    """
    shape = np.shape(next(iter(columns.values())))
    plain = [_plain_column(np.broadcast_to(np.asarray(values), shape), digits) for values in columns.values()]
    return [dict(zip(columns, values)) for values in zip(*plain)]


def _plain_column(array, digits):
    """A column's values as JSON-ready Python values (made column by column: a panel redraws on every slider step)."""
    if array.dtype.kind == "f":
        return [_plain_number(value, digits) for value in array.tolist()]
    if array.dtype.kind == "O":  # mixed values (numbers, text, None)
        return [_plain_number(float(value), digits) if isinstance(value, (float, np.floating))
                else value.item() if isinstance(value, np.generic) else value for value in array]
    return array.tolist()


def _plain_number(value, digits):
    return float(f"{value:.{digits}g}") if math.isfinite(value) else None


def linked_chart(names, exact=()):
    """A ``Chart`` with one synced trait per name in ``names``, for ``jslink`` from the controls.

    ``exact`` names the choices among them (a dropdown's index, a checkbox), matched exactly.
    """
    traits = {name: traitlets.Any().tag(sync=True) for name in names}
    cls = type("LinkedChart", (Chart,), traits)
    return cls(linked=list(names), exact=list(exact))


if __name__ == "__main__":  # `python -m course_lib.widgets.chart`: make the bundle (make install)
    print(f"{BUNDLE}: {len(bundle()) / 1e6:.2f} MB")
