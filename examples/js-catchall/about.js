// /about: a fixed route beats the catch-all
addEventListener("fetch", (event) => event.respondWith(new Response("about")));
