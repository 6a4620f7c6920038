// /fixed: a fixed route wins over the dynamic [id]
addEventListener("fetch", (event) => event.respondWith(new Response("fixed")));
