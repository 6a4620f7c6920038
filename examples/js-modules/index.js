// js-modules: an ES module worker (`export default { fetch }`) importing local modules.
// Modules under `_lib/` are not workers themselves. Run: wws examples/js-modules
import { page } from "./_lib/page.js";
import { greeting } from "./_lib/greeting.js";

export default {
  async fetch(request, env, ctx) {
    const name = new URL(request.url).searchParams.get("name") ?? "module";
    return new Response(page(greeting(name)), { headers: { "content-type": "text/html; charset=utf-8" } });
  },
};
