// The browser side of course_lib.widgets.chart.Chart: glue between a widget model and Vega.
//
// Vega-Lite draws; this file only hands it data. The model holds a Vega-Lite `spec` whose
// data sources are named, the `datasets` to put in them (and the `backdrop`: those that seldom
// change, sent apart so that an update does not carry them again), and a `caption`. A panel
// that works without a kernel also holds a `table` of precomputed states, each {values,
// datasets, caption}, and one trait per control named in `linked` (those in `exact` are
// choices, not numbers), fed by the controls through ipywidgets' jslink.
// When a linked value changes, the state nearest to the controls is shown: no kernel needed.
// When the kernel sends a new table (a control that is not linked has changed), it is shown too.
// No formula of the course is computed here; every number comes from Python.
//
// Vega itself (900 kB) is loaded once per page by the ChartLibrary widget (chart.py), whose
// `bundle` this same module imports in the background and publishes through `library()`; every
// chart waits for it there. anywidget gives a model two seconds to initialize, too short to
// parse 900 kB on a busy classroom laptop, so the bundle is never awaited in `initialize`.
//
// What a reader sees around the figure is set here too (`PAGE_STYLE`, added once per page): no
// "disconnected" icon on a panel (its kernel note says what needs the kernel, in the course's
// words), the note and error colours readable on JupyterLab's light and dark themes, the figure
// fitted to the width its cell gives it (`fittedSpec`), and Vega's dark theme under a dark
// JupyterLab (`themedSpec`).

/** The page's meeting point between the chart library and the charts (made by whichever comes first). */
export function library() {
  if (!globalThis.__courseCharts) {
    let resolve;
    const loaded = new Promise((done) => { resolve = done; });
    globalThis.__courseCharts = { loaded, resolve };
  }
  return globalThis.__courseCharts;
}

/**
 * The entry of `table` whose `values` are nearest to `values`: a slider's number by relative
 * distance (a browser's float arithmetic may land between two stored steps), the names in
 * `exact` (a dropdown's index, a checkbox) only by an exact match.
 */
export function nearestEntry(table, values, exact = []) {
  let best = null;
  let bestDistance = Infinity;
  for (const entry of table) {
    let distance = 0;
    for (const [name, value] of Object.entries(values)) {
      const stored = entry.values[name];
      if (typeof value === "number" && typeof stored === "number" && !exact.includes(name)) {
        distance += Math.abs(stored - value) / (Math.abs(value) + Math.abs(stored) + 1e-12);
      } else if (stored !== value) {
        distance = Infinity;
        break;
      }
    }
    if (distance < bestDistance) {
      best = entry;
      bestDistance = distance;
    }
  }
  return best;
}

/** The values of the linked controls, as the model holds them now. */
export function linkedValues(model) {
  return Object.fromEntries(model.get("linked").map((name) => [name, model.get(name)]));
}

/** Import the chart library's bundle once per page, in the background, and publish vega-embed. */
function loadLibrary(bundle) {
  const shared = library();
  if (shared.loading) return;
  shared.loading = true;
  const url = URL.createObjectURL(new Blob([bundle], { type: "text/javascript" }));
  import(url)
    .then((module) => shared.resolve(module.default))
    .catch((error) => console.error("course chart library:", error));
}

/** The states of a packed table (gzip-compressed JSON in base64, see pack_table in chart.py). */
export async function unpackTable(packed) {
  if (!packed) return [];
  const bytes = Uint8Array.from(atob(packed), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).json();
}

/**
 * The course's style for panels, added to the page once. ipywidgets marks every view of a
 * widget without a kernel with a red broken-link icon (`.jupyter-widgets-disconnected::before`),
 * on panels that answer their controls all the same; a panel that needs the kernel says so in
 * its kernel note instead. Colours have a contrast of at least 4.5 : 1 on JupyterLab's light
 * (white) and dark (#111) backgrounds: #8a5a00 5.9 and 3.2 → #f0b35a 10.1; #b00020 7.0 and
 * 2.6 → #ff8a80 8.2.
 */
export const PAGE_STYLE = `
.course-panel.jupyter-widgets-disconnected::before,
.course-panel .jupyter-widgets-disconnected::before { content: none; display: none; }
.course-kernel-note { color: #8a5a00; font-style: italic; margin-top: 4px; }
.course-error { color: #b00020; }
[data-jp-theme-light="false"] .course-kernel-note { color: #f0b35a; }
[data-jp-theme-light="false"] .course-error { color: #ff8a80; }
.course-chart-view { flex: 1 1 360px; min-width: 0; max-width: 100%; }
`;

function addPageStyle() {
  if (typeof document === "undefined" || !document.head || document.getElementById("course-chart-style")) return;
  const style = document.createElement("style");
  style.id = "course-chart-style";
  style.textContent = PAGE_STYLE;
  document.head.append(style);
}

/** Whether the page uses JupyterLab's dark theme (JupyterLab marks its body; the site and decks are light). */
export function darkPage(body = typeof document === "undefined" ? undefined : document.body) {
  return body?.dataset?.jpThemeLight === "false";
}

/** What a mark drawn "black" (data points, a zero line) is drawn in on a dark page, where black is invisible. */
export const DARK_INK = "#e0e0e0";

/**
 * ``value`` (a spec or a part of it) with the marks and legend colours named "black" in ``DARK_INK``.
 * A colour ramp from white to black (an image's pixels) is left as it is: it shows an image.
 */
function lightInk(value, key = "") {
  if (Array.isArray(value)) {
    const palette = key === "range" || key === "category";  // a scale's colours, or the config's
    const ramp = palette && value.includes("white");
    return value.map((item) => (item === "black" && palette && !ramp ? DARK_INK : lightInk(item)));
  }
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, lightInk(item, name)]));
  }
  return value === "black" && ["color", "stroke", "fill"].includes(key) ? DARK_INK : value;
}

/**
 * ``spec`` for a dark page: Vega's dark theme (chosen in ``embed``) on a transparent background,
 * no white box, and black marks drawn light; on a light page, ``spec`` itself.
 */
export function themedSpec(spec, dark) {
  if (!dark) return spec;
  const { datasets, ...rest } = spec;
  const themed = lightInk(rest);
  // a legend of shapes alone (the Playground's training and validation points) draws them black
  const legend = { symbolBaseFillColor: DARK_INK, symbolBaseStrokeColor: DARK_INK, ...themed.config?.legend };
  return { ...themed, ...(datasets ? { datasets } : {}),
           config: { ...themed.config, background: "transparent", legend } };
}

/** The views of a spec whose width is a number: the spec itself, or the charts of its `hconcat`. */
function sizedViews(spec) {
  const views = spec.hconcat ?? [spec];
  return views.filter((view) => typeof view.width === "number");
}

/** The widths a spec's views add up to (what `fittedSpec` scales); 0 when none is a number. */
export function scalableWidth(spec) {
  return sizedViews(spec).reduce((total, view) => total + view.width, 0);
}

/** ``spec`` with every view's width and height times ``factor`` (text, axes and gaps keep their size). */
export function fittedSpec(spec, factor) {
  if (factor >= 1) return spec;
  const scaled = (view) => (typeof view.width === "number"
    ? { ...view, width: Math.round(view.width * factor),
        ...(typeof view.height === "number" ? { height: Math.round(view.height * factor) } : {}) }
    : view);
  return spec.hconcat ? { ...spec, hconcat: spec.hconcat.map(scaled) } : scaled(spec);
}

/** A chart that would have to shrink below this factor beside the controls goes under them instead. */
export const WRAP_FACTOR = 0.75;

/** Smallest factor a chart is shrunk by; narrower than that, its cell scrolls. */
export const MIN_FACTOR = 0.4;

/**
 * The factor that makes a chart drawn ``drawnWidth`` px wide at factor ``current`` fit in
 * ``available`` px: only the views' own widths (``scalable`` at factor 1) shrink, the rest (axes,
 * legends, gaps) stays. 1 when it fits unshrunk, never below ``MIN_FACTOR``.
 */
export function fitFactor(available, drawnWidth, scalable, current = 1) {
  if (!(available > 0) || !(scalable > 0) || !(drawnWidth > 0)) return current;
  const fixed = drawnWidth - scalable * current;
  return Math.max(MIN_FACTOR, Math.min(1, (available - fixed) / scalable));
}

/** Resolves once ``element`` has a width again, or after ``waitMs`` (a chart in a collapsed output stays hidden). */
function shown(element, waitMs = 3000) {
  const start = Date.now();
  return new Promise((resolve) => {
    const look = () => (element.clientWidth > 0 || Date.now() - start > waitMs ? resolve() : setTimeout(look, 50));
    look();
  });
}

/** Milliseconds a chart waits for its kernel to answer before it says what needs the cell run. */
export const KERNEL_WAIT_MS = 2000;

function replaceData(view, datasets) {
  for (const [name, rows] of Object.entries(datasets)) view.data(name, rows);
  return view.runAsync();
}

async function render({ model, el }) {
  addPageStyle();
  el.classList?.add("course-chart-view");
  const figure = document.createElement("div");
  figure.className = "course-chart";
  const caption = document.createElement("div");
  caption.className = "course-panel-caption";
  caption.setAttribute("aria-live", "polite");
  el.append(figure, caption);
  let view = null;
  let queued = Promise.resolve();
  let table = [];
  let factor = 1;

  // Updates run one after the other; one that fails is reported and does not block the next.
  const enqueue = (step) => {
    queued = queued.then(step).catch((error) => console.error("course chart:", error));
    return queued;
  };
  const show = (datasets, text) => {
    caption.innerHTML = text;
    return enqueue(() => (view ? replaceData(view, datasets) : null));
  };
  const showLinked = () => {
    const entry = nearestEntry(table, linkedValues(model), model.get("exact"));
    if (entry) show(entry.datasets, entry.caption);
  };
  const embed = async () => {
    if (view) view.finalize();
    const { vegaEmbed } = await library().loaded;
    table = await unpackTable(model.get("table"));
    const spec = { ...model.get("spec"), datasets: { ...model.get("backdrop"), ...model.get("datasets") } };
    const dark = darkPage();
    view = (await vegaEmbed(figure, themedSpec(fittedSpec(spec, factor), dark),
                            { actions: false, renderer: "canvas", ...(dark ? { theme: "dark" } : {}) })).view;
    caption.innerHTML = model.get("caption");
    if (table.length) showLinked();
  };
  // The chart takes the width its cell leaves it (beside the controls, or under them when the
  // cell is narrow: a projector, a laptop with the side bar open, a slide) and is drawn again,
  // its views narrower, when it does not fit there.
  // A title wider than its narrowed view widens the chart again: up to three tries.
  const fit = async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const canvas = figure.querySelector?.("canvas");
      const drawn = canvas ? canvas.getBoundingClientRect().width : 0;
      const scalable = scalableWidth(model.get("spec"));
      // Beside the controls only while that leaves the chart WRAP_FACTOR of its own width, else under them.
      if (drawn && scalable && el.style) el.style.flexBasis = `${Math.round(WRAP_FACTOR * (drawn + scalable * (1 - factor)))}px`;
      let next = fitFactor(el.clientWidth, drawn, scalable, factor);
      const over = drawn > el.clientWidth;
      if (attempt > 0 && over) next = Math.max(MIN_FACTOR, Math.min(next, factor - 0.03));
      // a chart that fits is left alone when it would change by a hair; one that reaches past its cell is not
      if (next === factor || (!over && Math.abs(next - factor) <= 0.01)) return;
      factor = next;
      await embed();
    }
  };

  enqueue(embed).then(() => enqueue(fit));
  let resizing = null;
  const resized = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(() => {
    clearTimeout(resizing);
    resizing = setTimeout(() => enqueue(fit), 150);
  });
  resized?.observe(el);
  // JupyterLab's theme can change while the chapter is open (Settings → Theme). It hides the page
  // while the new theme loads: the chart drawn again is fitted again once it is shown.
  const themed = typeof MutationObserver === "undefined" || !document.body ? null
    : new MutationObserver(() => enqueue(embed).then(() => shown(el)).then(() => enqueue(fit)));
  themed?.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light"] });
  // A chart whose controls need the kernel asks for it; with no answer (a chapter opened without
  // running the cell, or its kernel gone) it says under the caption what needs the cell run.
  const note = model.get("kernel_note");
  if (note) {
    let answered = false;
    const noteElement = document.createElement("div");
    noteElement.className = "course-kernel-note";
    noteElement.textContent = note;
    model.on("msg:custom", (message) => {
      if (message?.type === "kernel") {
        answered = true;
        noteElement.remove();
      }
    });
    model.send({ type: "kernel?" });
    setTimeout(() => { if (!answered) el.append(noteElement); }, KERNEL_WAIT_MS);
  }
  model.on("change:spec", () => enqueue(embed).then(() => enqueue(fit)));
  // A chart with a table answers its linked controls itself; the kernel's copies of the same
  // states would arrive later and could show an older one while a slider is dragged.
  const fromKernel = () => !model.get("table");
  model.on("change:datasets", () => { if (fromKernel()) show(model.get("datasets"), model.get("caption")); });
  model.on("change:backdrop", () => {
    if (fromKernel()) enqueue(() => (view ? replaceData(view, model.get("backdrop")) : null));
  });
  model.on("change:caption", () => { if (fromKernel()) caption.innerHTML = model.get("caption"); });
  for (const name of model.get("linked")) model.on(`change:${name}`, () => enqueue(showLinked));
  // A control that needs the kernel (a text box of logits, say) makes it send a new table.
  model.on("change:table", () => enqueue(async () => {
    table = await unpackTable(model.get("table"));
    showLinked();
  }));
  return () => {
    resized?.disconnect();
    themed?.disconnect();
    if (view) view.finalize();
  };
}

function initialize({ model }) {
  const bundle = model.get("bundle"); // only the ChartLibrary model has one
  if (bundle) loadLibrary(bundle);
}

export default { initialize, render };
