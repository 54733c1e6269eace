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
