// js-params: /<id> -> the dynamic segment arrives in request.params.id
addEventListener("fetch", (event) => {
  event.respondWith(new Response(`id: ${event.request.params.id}`));
});
