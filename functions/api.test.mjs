// Tests the API's logic with an in-memory store: node --test functions/
import { test } from "node:test";
import assert from "node:assert/strict";
import { route } from "./api/handler.mjs";

function memory() {
  const items = new Map();
  return { items, get: async (id) => items.get(id), put: async (item) => void items.set(item.pk, item) };
}

const req = (method, rawPath, body, isBase64Encoded = false) => ({
  requestContext: { http: { method } }, rawPath, body, isBase64Encoded,
});

test("health answers 200", async () => {
  const res = await route(req("GET", "/health"), memory());
  assert.equal(res.statusCode, 200);
  assert.deepEqual(JSON.parse(res.body), { ok: true });
});

test("an item is written and read back", async () => {
  const store = memory();
  const put = await route(req("PUT", "/items/a1", JSON.stringify({ name: "lamp", pk: "other" })), store);
  assert.equal(put.statusCode, 200);
  assert.deepEqual(store.items.get("a1"), { name: "lamp", pk: "a1" });
  const got = await route(req("GET", "/items/a1"), store);
  assert.deepEqual(JSON.parse(got.body), { name: "lamp", pk: "a1" });
});

test("base64 bodies are decoded", async () => {
  const store = memory();
  const body = Buffer.from(JSON.stringify({ n: 1 })).toString("base64");
  assert.equal((await route(req("PUT", "/items/b", body, true), store)).statusCode, 200);
  assert.deepEqual(store.items.get("b"), { n: 1, pk: "b" });
});

test("bad requests are refused", async () => {
  const store = memory();
  assert.equal((await route(req("GET", "/items/missing"), store)).statusCode, 404);
  assert.equal((await route(req("GET", "/items/../etc"), store)).statusCode, 404);
  assert.equal((await route(req("GET", "/nothing"), store)).statusCode, 404);
  assert.equal((await route(req("PUT", "/items/x", "not json"), store)).statusCode, 400);
  assert.equal((await route(req("PUT", "/items/x", "[1,2]"), store)).statusCode, 400);
  assert.equal((await route(req("PUT", "/items/x", "x".repeat(70000)), store)).statusCode, 413);
  assert.equal((await route(req("DELETE", "/items/x"), store)).statusCode, 405);
  assert.equal(store.items.size, 0);
});
