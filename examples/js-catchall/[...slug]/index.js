// js-catchall: everything not matched by a more specific route lands here, with the rest of the
// path in request.params.slug.
addEventListener("fetch", (event) => {
  event.respondWith(new Response(`catch-all: ${event.request.params.slug ?? ""}`));
});
