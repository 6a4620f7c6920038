// /<id>/fixed: a fixed segment under a dynamic one
addEventListener("fetch", (event) => {
  event.respondWith(new Response(`fixed under id: ${event.request.params.id}`));
});
