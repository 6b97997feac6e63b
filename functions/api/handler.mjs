// The API's logic, free of the AWS SDK so that it can be tested anywhere:
// GET /health, and GET or PUT /items/{id} against a store with get and put.
const ID = /^\/items\/([A-Za-z0-9_-]{1,128})$/;
const MAX_BODY = 64 * 1024;

export function json(statusCode, body) {
  return {
    statusCode,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}

export async function route(event, store) {
  const method = event?.requestContext?.http?.method ?? "GET";
  const path = event?.rawPath ?? "/";
  if (path === "/health") {
    return json(200, { ok: true });
  }
  const match = ID.exec(path);
  if (!match) {
    return json(404, { error: "not found" });
  }
  const id = match[1];
  if (method === "GET") {
    const item = await store.get(id);
    return item ? json(200, item) : json(404, { error: "no such item" });
  }
  if (method === "PUT") {
    let body = event.body ?? "";
    if (event.isBase64Encoded) {
      body = Buffer.from(body, "base64").toString("utf8");
    }
    if (body.length > MAX_BODY) {
      return json(413, { error: "item too large" });
    }
    let fields;
    try {
      fields = JSON.parse(body);
    } catch {
      return json(400, { error: "body must be a JSON object" });
    }
    if (fields === null || typeof fields !== "object" || Array.isArray(fields)) {
      return json(400, { error: "body must be a JSON object" });
    }
    const item = { ...fields, pk: id };
    await store.put(item);
    return json(200, item);
  }
  return json(405, { error: "method not allowed" });
}
