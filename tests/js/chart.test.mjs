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
