// /other/...: a nested catch-all
addEventListener("fetch", (event) => {
  event.respondWith(new Response(`other catch-all: ${event.request.params.slug ?? ""}`));
});
