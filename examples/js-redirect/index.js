// js-redirect: a permanent redirect with Response.redirect(url, 301).
addEventListener("fetch", (event) => {
  event.respondWith(Response.redirect("https://workers.wasmlabs.dev/", 301));
});
