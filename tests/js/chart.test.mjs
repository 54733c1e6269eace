// The chart glue's own logic (course_lib/widgets/chart.js), run with `node --test`.
import assert from "node:assert/strict";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { linkedValues, nearestEntry, unpackTable } from "../../course_lib/widgets/chart.js";

const table = [
  { values: { w: 0.5, b: 0.0, name: 0 }, caption: "a" },
  { values: { w: 0.6, b: 0.0, name: 0 }, caption: "b" },
  { values: { w: 0.6, b: 0.2, name: 1 }, caption: "c" },
];

test("a slider's value picks the state computed for it", () => {
  assert.equal(nearestEntry(table, { w: 0.6, b: 0.0, name: 0 }).caption, "b");
});

test("a value between two steps, as a browser's float arithmetic gives, picks the nearest", () => {
  assert.equal(nearestEntry(table, { w: 0.6000000000000001, b: 0.0, name: 0 }).caption, "b");
  assert.equal(nearestEntry(table, { w: 0.54, b: 0.0, name: 0 }).caption, "a");
});

test("a choice (a dropdown's index, a checkbox) must match exactly", () => {
  assert.equal(nearestEntry(table, { w: 0.5, b: 0.0, name: 1 }, ["name"]).caption, "c");
  assert.equal(nearestEntry(table, { w: 0.5, b: 0.0, name: 2 }, ["name"]), null);
});

test("the linked values are read from the model by name", () => {
  const model = { get: (name) => ({ linked: ["w", "b"], w: 0.6, b: 0.2 })[name] };
  assert.deepEqual(linkedValues(model), { w: 0.6, b: 0.2 });
});

test("a packed table unpacks to the states Python packed", async () => {
  const packed = gzipSync(Buffer.from(JSON.stringify(table))).toString("base64");
  assert.deepEqual(await unpackTable(packed), table);
  assert.deepEqual(await unpackTable(""), []);
});

/** A stand-in for Vega's view that records which datasets it was given. */
function fakeView(log) {
  return { data: (name, rows) => log.push([name, rows]), runAsync: async () => {}, finalize() {} };
}

/** A chart rendered with a fake model, a fake Vega and no DOM: returns its model's state, its events and the log. */
async function renderFake(state) {
  const { default: glue, library } = await import("../../course_lib/widgets/chart.js");
  const log = [];
  const embedded = [];
  library().resolve({ vegaEmbed: async (_element, spec) => { embedded.push(spec); return { view: fakeView(log) }; } });
  const element = () => ({ append() {}, setAttribute() {}, remove() {}, style: {} });
  globalThis.document = { createElement: element };
  const handlers = {};
  const model = { get: (name) => state[name], on: (event, handler) => { handlers[event] = handler; }, send() {} };
  glue.render({ model, el: element() });
  await new Promise((done) => setTimeout(done, 10));
  return { handlers, log, embedded };
}

test("a chart draws its backdrop with its datasets, and redraws whichever of the two changes", async () => {
  const state = { spec: { mark: "line" }, datasets: { runs: [{ x: 1 }] }, backdrop: { contours: [{ x: 0 }] },
                  caption: "c", table: "", linked: [], exact: [], kernel_note: "" };
  const { handlers, log, embedded } = await renderFake(state);
  assert.deepEqual(embedded[0].datasets, { contours: [{ x: 0 }], runs: [{ x: 1 }] });
  state.datasets = { runs: [{ x: 2 }] };
  handlers["change:datasets"]();
  state.backdrop = { contours: [{ x: 5 }] };
  handlers["change:backdrop"]();
  await new Promise((done) => setTimeout(done, 10));
  assert.deepEqual(log, [["runs", [{ x: 2 }]], ["contours", [{ x: 5 }]]]);
});

test("a chart too wide for its cell shrinks only its views, to fit exactly", async () => {
  const { fitFactor, fittedSpec, scalableWidth, MIN_FACTOR } = await import("../../course_lib/widgets/chart.js");
  const spec = { hconcat: [{ width: 300, height: 200 }, { width: 300, height: 220 }, { mark: "text" }] };
  assert.equal(scalableWidth(spec), 600);
  // drawn 760 px wide at factor 1 (160 px of axes and gaps), in a 600 px cell: the views get 440 px
  const factor = fitFactor(600, 760, 600);
  assert.equal(factor, 440 / 600);
  assert.deepEqual(fittedSpec(spec, factor).hconcat.map((view) => view.width), [220, 220, undefined]);
  assert.equal(fittedSpec(spec, factor).hconcat[0].height, 147);
  assert.equal(fitFactor(1200, 760, 600), 1, "a chart that fits keeps its size");
  assert.equal(fitFactor(100, 760, 600), MIN_FACTOR, "never narrower than MIN_FACTOR");
  assert.equal(fitFactor(0, 760, 600, 0.8), 0.8, "a hidden cell (width 0) changes nothing");
  assert.equal(fittedSpec({ width: { step: 72 } }, 0.5).width.step, 72, "a width by step is left alone");
  // drawn at factor 0.5 (300 px of views + 160 px), the cell grew to 900 px: back to full size
  assert.equal(fitFactor(900, 460, 600, 0.5), 1);
});

test("on a dark page the chart has no white box; on a light page its spec is untouched", async () => {
  const { themedSpec, darkPage } = await import("../../course_lib/widgets/chart.js");
  const spec = { mark: "line", config: { axis: { labelFontSize: 12 } } };
  assert.equal(themedSpec(spec, false), spec);
  assert.deepEqual(themedSpec(spec, true).config, { axis: { labelFontSize: 12 }, background: "transparent",
                                                   legend: { symbolBaseFillColor: "#e0e0e0", symbolBaseStrokeColor: "#e0e0e0" } });
  const drawn = themedSpec({ layer: [{ mark: { type: "point", color: "black" } },
                                     { encoding: { color: { scale: { range: ["#ff7f0e", "black"] } } } },
                                     { encoding: { color: { scale: { range: ["white", "black"] } } } }],
                             config: { range: { category: ["#d62728", "black"] } },
                             datasets: { points: [{ color: "black" }] } }, true);
  assert.deepEqual(drawn.config.range.category, ["#d62728", "#e0e0e0"]);
  assert.equal(drawn.layer[0].mark.color, "#e0e0e0", "black points would vanish on a dark page");
  assert.deepEqual(drawn.layer[1].encoding.color.scale.range, ["#ff7f0e", "#e0e0e0"]);
  assert.deepEqual(drawn.layer[2].encoding.color.scale.range, ["white", "black"], "an image keeps its pixels");
  assert.deepEqual(drawn.datasets.points, [{ color: "black" }], "data is never recoloured");
  assert.equal(darkPage({ dataset: { jpThemeLight: "false" } }), true);
  assert.equal(darkPage({ dataset: { jpThemeLight: "true" } }), false);
  assert.equal(darkPage({ dataset: {} }), false, "the site and the decks are light");
});
