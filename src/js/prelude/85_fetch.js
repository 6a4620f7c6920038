// 85_fetch.js: the global fetch(), on the runtime's blocking native (P.native.fetch). The
// runtime checks the worker's [features.http_requests] permissions (hosts, http, methods) on
// every hop, redirects included, and refuses with "[Not allowed] ..." and similar messages.
(() => {
  'use strict';
  const P = globalThis.__wws_prelude;
  const { Request } = globalThis;  // captured: worker code may replace the globals
  const nativeFetch = P.native.fetch;

  // The native call blocks the thread until the exchange ends (as a wasm worker's http call
  // does), so it runs here, before fetch() returns; the Promise only carries the outcome.
  const send = (input, init) => {
    const request = new Request(input, init);
    if (request.redirect !== 'follow') {
      throw new TypeError(`fetch: redirect mode '${request.redirect}' is not supported; wws always follows redirects`);
    }
    if (request.signal.aborted) throw request.signal.reason;
    const method = request.method.toUpperCase();
    const source = P.consume(P.requestBodyState(request), 'fetch');
    const body = source === null ? null : P.sourceBytes(source);
    let out;
    try {
      out = nativeFetch(method, request.url, P.headerPairs(request.headers), body);
    } catch (error) {
      const message = error !== null && typeof error === 'object' && 'message' in error ? `${error.message}` : `${error}`;
      throw new TypeError(message, { cause: error });
    }
    return P.makeFetchedResponse({
      status: out.status, headers: out.headers, body: out.body, url: out.url, redirected: out.redirected,
      nullBody: method === 'HEAD',
    });
  };

  P.defineGlobal('fetch', function fetch(input, init = undefined) {
    if (arguments.length === 0) return Promise.reject(new TypeError('fetch: 1 argument required, but only 0 present'));
    try {
      return Promise.resolve(send(input, init));
    } catch (error) {
      return Promise.reject(error);
    }
  });
})();
