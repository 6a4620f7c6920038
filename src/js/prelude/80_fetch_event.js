// 80_fetch_event.js: the worker-facing entry points (global addEventListener("fetch"),
// FetchEvent) and the runtime-facing `__wws_internal` (see README.md).
(() => {
  'use strict';
  const P = globalThis.__wws_prelude;
  const { DOMException } = P;
  const { Event, EventTarget, Request } = globalThis;  // captured: worker code may replace the globals

  // waitUntil() promises not yet handed to the runtime (see settleWaitUntil).
  let pendingWaitUntil = [];
  const addWaitUntil = (promise) => {
    pendingWaitUntil.push(Promise.resolve(promise));
  };

  let fetchEventState;  // friend accessor: { responded, response }

  class FetchEvent extends Event {
    #request;
    #responded = false;
    #response = null;

    constructor(type, init = undefined) {
      if (arguments.length < 2 || init === null || typeof init !== 'object' || !(init.request instanceof Request)) {
        throw new TypeError("FetchEvent: 'init.request' must be a Request");
      }
      super(type, init);
      this.#request = init.request;
    }

    static {
      fetchEventState = (event) => ({ responded: event.#responded, response: event.#response });
    }

    get request() { return this.#request; }

    respondWith(response) {
      if (this.eventPhase === Event.NONE) {
        throw new DOMException('FetchEvent.respondWith: must be called while the event is being dispatched', 'InvalidStateError');
      }
      if (this.#responded) {
        throw new DOMException('FetchEvent.respondWith: a response was already given', 'InvalidStateError');
      }
      this.#responded = true;
      this.#response = Promise.resolve(response);
      this.stopImmediatePropagation();
    }

    waitUntil(promise) { addWaitUntil(promise); }

    // There is no origin to fall back to, so an exception still produces an error response.
    passThroughOnException() {}

    [P.inspect]() { return { type: this.type, request: this.#request }; }
  }
  P.setToStringTag(FetchEvent, 'FetchEvent');

  // The global object is not an EventTarget; this one receives its listeners.
  const globalTarget = new EventTarget();
  const addEventListener = (type, listener, options = undefined) => globalTarget.addEventListener(type, listener, options);
  const removeEventListener = (type, listener, options = undefined) => globalTarget.removeEventListener(type, listener, options);
  const dispatchEvent = (event) => globalTarget.dispatchEvent(event);

  const describe = (value) => {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'an array';
    if (typeof value === 'object') {
      let name = null;
      try { name = value.constructor && value.constructor.name; } catch { name = null; }
      return name && name !== 'Object' ? `a ${name}` : 'an object';
    }
    return typeof value;
  };

  const internal = {
    makeRequest: (url, method, headers, body, params) => P.makeRequest(url, method, headers, body, params),

    makeContext: () => ({
      waitUntil(promise) { addWaitUntil(promise); },
      passThroughOnException() {},
    }),

    dispatchFetch(request) {
      return new Promise((resolve, reject) => {
        const event = new FetchEvent('fetch', { request });
        let thrown = null;
        P.dispatchEvent(globalTarget, event, (error) => { if (thrown === null) thrown = { error }; });
        const { responded, response } = fetchEventState(event);
        if (thrown !== null) reject(thrown.error);
        else if (!responded) reject(new TypeError('No fetch handler called respondWith()'));
        else resolve(response);
      });
    },

    hasFetchListener: () => P.listenersOf(globalTarget, 'fetch').length > 0,

    async readResponse(value) {
      const response = await value;
      if (!P.isResponse(response)) {
        throw new TypeError(`the fetch handler must return a Response, got ${describe(response)}`);
      }
      const parts = P.responseParts(response);
      if (parts.type === 'error') throw new TypeError('the fetch handler returned Response.error()');
      if (parts.body.used) throw new TypeError('the fetch handler returned a Response whose body was already used');
      const source = parts.body.source;
      const body = source === null ? new Uint8Array(0) : typeof source === 'string' ? P.utf8Encode(source) : source;
      return { status: parts.status, statusText: parts.statusText, headers: P.headerPairs(parts.headers), body };
    },

    // Resolves when every waitUntil() promise given so far has settled (rejections are logged).
    async settleWaitUntil() {
      while (pendingWaitUntil.length > 0) {
        const batch = pendingWaitUntil;
        pendingWaitUntil = [];
        const results = await Promise.allSettled(batch);
        for (const r of results) if (r.status === 'rejected') globalThis.console.error('Uncaught (in waitUntil)', r.reason);
      }
    },
  };

  P.defineGlobal('self', globalThis);  // service-worker code often writes self.addEventListener(...)
  P.defineGlobal('FetchEvent', FetchEvent);
  P.defineGlobal('addEventListener', addEventListener);
  P.defineGlobal('removeEventListener', removeEventListener);
  P.defineGlobal('dispatchEvent', dispatchEvent);
  Object.defineProperty(globalThis, '__wws_internal', { value: Object.freeze(internal), configurable: true, enumerable: false });
})();
