// js-basic: echoes the request (service-worker style). Run: wws examples/js-basic
// Only GET is allowed: other methods get 405, as in the original example.
const reply = (request) => {
  if (request.method !== "GET") {
    return new Response("Method not allowed", { status: 405, headers: { "allow": "GET" } });
  }
  const body = [
    "Hello from a JavaScript worker!",
    `url: ${request.url}`,
    `method: ${request.method}`,
    `user-agent: ${request.headers.get("user-agent") ?? ""}`,
  ].join("\n");
  return new Response(body, { headers: { "content-type": "text/plain; charset=utf-8", "x-generated-by": "wasm-workers-server" } });
};

addEventListener("fetch", (event) => {
  event.respondWith(reply(event.request));
});
