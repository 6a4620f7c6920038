// A wasi:http component for the e2e tests and the benchmarks (built by build.sh with
// componentize-js). The query picks what it does:
//   (none)        "hello <METHOD> <path>?<query>" with an x-wws header
//   ?echo         the request body back, with the request's content-type
//   ?fetch=URL    fetches URL (outgoing wasi:http requests, following redirects itself, as guests
//                 do) and answers with what came back
//   ?chunks=N     a streamed body of N chunks
//   ?loop / ?throw / ?grow   never answers / throws / allocates without end
addEventListener("fetch", (event) => event.respondWith(handle(event.request)));

async function handle(request) {
  const url = new URL(request.url);
  const q = url.searchParams;
  if (q.has("echo")) {
    const body = await request.text();
    return new Response(body, { headers: { "content-type": request.headers.get("content-type") ?? "text/plain" } });
  }
  if (q.has("fetch")) {
    try {
      let target = q.get("fetch");
      let upstream;
      for (let hop = 0; hop < 5; hop++) {
        upstream = await fetch(target, { redirect: "manual" });
        const location = upstream.headers.get("location");
        if (upstream.status < 300 || upstream.status >= 400 || !location) break;
        target = new URL(location, target).toString();
      }
      return new Response(`fetched ${upstream.status} ${await upstream.text()}`);
    } catch (e) {
      return new Response(`refused: ${e}`, { status: 502 });
    }
  }
  if (q.has("chunks")) {
    const n = Number(q.get("chunks"));
    const encoder = new TextEncoder();
    let i = 0;
    const stream = new ReadableStream({
      pull(controller) {
        if (i >= n) return controller.close();
        controller.enqueue(encoder.encode(`chunk${i++};`));
      },
    });
    return new Response(stream, { headers: { "content-type": "text/plain" } });
  }
  if (q.has("loop")) for (;;) {}
  if (q.has("throw")) throw new Error("boom");
  if (q.has("grow")) {
    const keep = [];
    for (;;) keep.push(new Array(1 << 20).fill(keep.length));
  }
  return new Response(`hello ${request.method} ${url.pathname}${url.search}`, {
    headers: { "content-type": "text/plain", "x-wws": "component" },
  });
}
