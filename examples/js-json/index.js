// js-json: a JSON response using the [vars] MESSAGE from index.toml (a global constant, as in
// the original kit, and also `env.MESSAGE` for module workers). public/robots.txt is served as is.
addEventListener("fetch", (event) => {
  const body = { message: MESSAGE, path: new URL(event.request.url).pathname, generated_at: new Date().toISOString() };
  event.respondWith(new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } }));
});
