// A small Hono app: routing, params, JSON, headers, K/V through the wws Cache global, and a
// request body, exercising the Web APIs the bundle relies on (URL, Headers, Request, Response).
import { Hono } from "hono";

const app = new Hono();

app.get("/", (c) => c.text("Hello from Hono"));
app.get("/users/:id", (c) => c.json({ id: c.req.param("id"), q: c.req.query("q") ?? null }));
app.post("/echo", async (c) => {
  const body = await c.req.json();
  return c.json({ got: body, type: c.req.header("Content-Type") }, 201);
});
app.get("/count", (c) => {
  const n = Number(Cache.get("n") ?? "0") + 1;
  Cache.set("n", String(n));
  c.header("X-Count", String(n));
  return c.text(`count ${n}`);
});
app.notFound((c) => c.text("no such page", 404));

export default app;
