// A minimal stand-in for the real JS prelude (src/js/prelude/*.js), so the runtime's tests do not
// depend on its Web API details: just enough of Request/Response and the __wws_internal contract.
#pragma once
#include "js/prelude.h"

namespace wws::js::testing {

inline const PreludeFile kTestPrelude[] = {{"00_test.js", R"JS((() => {
  const native = globalThis.__wws_native;
  const listeners = [];
  class Request {
    constructor(url, method, headers, body, params) {
      this.url = url; this.method = method; this.headerList = headers; this.bodyBuffer = body;
      this.params = params;
      this.headers = { get: (n) => { const h = headers.find(([k]) => k === n.toLowerCase()); return h ? h[1] : null; } };
    }
    async text() { return this.bodyBuffer ? native.utf8Decode(new Uint8Array(this.bodyBuffer), false) : ""; }
    async arrayBuffer() { return this.bodyBuffer || new ArrayBuffer(0); }
  }
  class Response {
    constructor(body, init = {}) {
      this.body = body ?? null; this.status = init.status ?? 200; this.headers = init.headers || {};
    }
    static redirect(url, status = 307) { return new Response("", { status, headers: { location: url } }); }
  }
  globalThis.Request = Request;
  globalThis.Response = Response;
  globalThis.console = {
    log: (...a) => native.log("log", a.join(" ")), error: (...a) => native.log("error", a.join(" ")),
  };
  globalThis.addEventListener = (type, fn) => { if (type === "fetch") listeners.push(fn); };
  const internal = {
    makeRequest: (url, method, headers, body, params) => new Request(url, method, headers, body, params),
    makeContext: () => ({ waitUntil() {}, passThroughOnException() {} }),
    hasFetchListener: () => listeners.length > 0,
    dispatchFetch(request) {
      return new Promise((resolve, reject) => {
        let responded = false;
        const event = { request, respondWith(r) { responded = true; resolve(r); }, waitUntil(p) { native.waitUntil(p); } };
        for (const l of listeners) l(event);
        if (!responded) reject(new Error("no fetch listener called respondWith"));
      });
    },
    async readResponse(value) {
      if (!(value instanceof Response)) throw new TypeError("the handler did not return a Response");
      let body = value.body;
      if (typeof body === "string") body = native.utf8Encode(body);
      else if (body instanceof ArrayBuffer) body = new Uint8Array(body);
      else if (body === null) body = new Uint8Array(0);
      return { status: value.status, statusText: "", headers: Object.entries(value.headers), body };
    },
  };
  Object.defineProperty(globalThis, "__wws_internal", { value: internal, configurable: true, enumerable: false });
})();)JS"}};

}  // namespace wws::js::testing
