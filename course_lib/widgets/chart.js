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

/** Milliseconds a chart waits for its kernel to answer before it says what needs the cell run. */
export const KERNEL_WAIT_MS = 2000;

function replaceData(view, datasets) {
  for (const [name, rows] of Object.entries(datasets)) view.data(name, rows);
  return view.runAsync();
}

async function render({ model, el }) {
  const figure = document.createElement("div");
  figure.className = "course-chart";
  const caption = document.createElement("div");
  caption.className = "course-panel-caption";
  caption.setAttribute("aria-live", "polite");
  el.append(figure, caption);
  let view = null;
  let queued = Promise.resolve();
  let table = [];

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
    view = (await vegaEmbed(figure, spec, { actions: false, renderer: "canvas" })).view;
    caption.innerHTML = model.get("caption");
    if (table.length) showLinked();
  };

  enqueue(embed);
  // A chart whose controls need the kernel asks for it; with no answer (a chapter opened without
  // running the cell, or its kernel gone) it says under the caption what needs the cell run.
  const note = model.get("kernel_note");
  if (note) {
    let answered = false;
    const noteElement = document.createElement("div");
    noteElement.className = "course-kernel-note";
    noteElement.style.cssText = "color: #8a5a00; font-style: italic; margin-top: 4px";
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
  model.on("change:spec", () => enqueue(embed));
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
  return () => { if (view) view.finalize(); };
}

function initialize({ model }) {
  const bundle = model.get("bundle"); // only the ChartLibrary model has one
  if (bundle) loadLibrary(bundle);
}

export default { initialize, render };
