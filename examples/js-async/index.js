// js-async: an async handler that awaits timers and promises before answering.
// Run: wws examples/js-async, then GET /?delay=50
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function reply(request) {
  const delay = Math.min(Number(new URL(request.url).searchParams.get("delay") ?? 10) || 0, 1000);
  const started = Date.now();
  await sleep(delay);
  const [a, b] = await Promise.all([Promise.resolve("first"), sleep(1).then(() => "second")]);
  return new Response(JSON.stringify({ waited_ms: Date.now() - started, requested_ms: delay, results: [a, b] }), {
    headers: { "content-type": "application/json" },
  });
}

addEventListener("fetch", (event) => event.respondWith(reply(event.request)));
