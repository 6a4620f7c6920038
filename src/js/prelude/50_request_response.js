// 50_request_response.js: Request and Response, per the Fetch standard, with in-memory bodies
// (see 40_body.js). Requests made by the runtime (P.makeRequest) are lazy: the URL is only
// normalised and the Headers object only built when the worker reads them.
(() => {
  'use strict';
  const P = globalThis.__wws_prelude;
  const { Headers, AbortSignal } = globalThis;  // captured: worker code may replace the globals

  const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const normalizedMethods = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
  const forbiddenMethods = new Set(['CONNECT', 'TRACE', 'TRACK']);

  const normalizeMethod = (method) => {
    const m = `${method}`;
    if (!tokenPattern.test(m)) throw new TypeError(`Request: invalid method ${JSON.stringify(m)}`);
    const upper = m.toUpperCase();
    if (forbiddenMethods.has(upper)) throw new TypeError(`Request: the method ${m} is forbidden`);
    return normalizedMethods.has(upper) ? upper : m;
  };

  // A URL the runtime built is used as is when it is already in canonical form (the common
  // case); anything the URL parser would change goes through it.
  const simpleHttpUrl = /^(https?):\/\/([a-z0-9.\-]+)(?::([0-9]+))?(\/[\x21-\x7E]*)$/;
  const changedByParser = /["'<>`{}\\]|%2e|\/\.\.?(?:[/?#]|$)/i;
  const numericLabel = /(?:^|\.)(?:0x|[0-9])[^.]*\.?$/i;
  const dottedQuad = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;
  const isCanonicalHttpUrl = (url) => {
    const m = simpleHttpUrl.exec(url);
    if (m === null) return false;
    const [, scheme, host, port, rest] = m;
    if (port !== undefined && (!/^[1-9][0-9]{0,4}$/.test(port) || Number(port) > 65535 ||
      Number(port) === (scheme === 'http' ? 80 : 443))) return false;
    if (numericLabel.test(host) && !dottedQuad.test(host)) return false;
    const pathEnd = rest.search(/[?#]/);
    return !changedByParser.test(pathEnd < 0 ? rest : rest.slice(0, pathEnd)) && !/["'<>`\\]/.test(rest);
  };
  const normalizeTrustedUrl = (url) => {
    if (isCanonicalHttpUrl(url)) return url;
    const parsed = P.parseURL(url);
    return parsed === null ? url : parsed.href;
  };

  const paramsObject = (raw) => {
    const out = {};
    if (raw === null || raw === undefined) return out;
    const pairs = Array.isArray(raw) ? raw : raw instanceof Map ? raw.entries() : Object.entries(raw);
    for (const [k, v] of pairs) out[k] = `${v}`;
    return out;
  };

  const internal = Symbol('wws internal');

  // ---- Request -------------------------------------------------------------------------------
  class Request {
    #url;              // as given by the runtime until #urlReady
    #urlReady;
    #method;
    #headers = null;   // Headers, built on first access from #rawHeaders
    #rawHeaders = null;
    #body;
    #signal = null;
    #redirect = 'follow';
    #params = null;
    #rawParams = null;

    constructor(input, init = undefined) {
      if (input === internal) {
        // Built by P.makeRequest: init = { url, method, headers, body, params }
        this.#url = init.url;
        this.#urlReady = false;
        this.#method = init.method;
        this.#rawHeaders = init.headers;
        this.#rawParams = init.params;
        const source = init.body === null || init.body === undefined ? null : P.bytesView(init.body);
        this.#body = P.newBodyState(source === null || source.byteLength === 0 ? null : source, () => this.headers.get('content-type'));
        return;
      }
      if (arguments.length === 0) throw new TypeError('Request: 1 argument required, but only 0 present');
      const opts = init ?? {};
      if (typeof opts !== 'object') throw new TypeError("Request: 'init' must be an object");

      let inputBody = null;
      if (input instanceof Request) {
        this.#url = input.url;
        this.#method = input.#method;
        this.#headers = new Headers(input.headers);
        this.#redirect = input.#redirect;
        this.#rawParams = input.params;
        this.#signal = input.#signal;
        inputBody = input.#body;
      } else {
        const parsed = P.parseURL(input);
        if (parsed === null) throw new TypeError(`Request: invalid URL ${JSON.stringify(`${input}`)} (it must be absolute)`);
        if (parsed.hasCredentials) throw new TypeError('Request: the URL must not include credentials');
        this.#url = parsed.href;
        this.#method = 'GET';
        this.#headers = new Headers();
      }
      this.#urlReady = true;

      if (opts.method !== undefined) this.#method = normalizeMethod(opts.method);
      if (opts.redirect !== undefined) {
        const r = `${opts.redirect}`;
        if (!['follow', 'error', 'manual'].includes(r)) throw new TypeError(`Request: invalid redirect mode ${r}`);
        this.#redirect = r;
      }
      if (opts.signal !== undefined && opts.signal !== null) {
        if (!(opts.signal instanceof AbortSignal)) throw new TypeError("Request: 'signal' must be an AbortSignal");
        this.#signal = opts.signal;
      }
      if (opts.headers !== undefined) this.#headers = new Headers(opts.headers);

      const hasInitBody = opts.body !== undefined && opts.body !== null;
      if ((hasInitBody || (inputBody !== null && inputBody.source !== null)) && (this.#method === 'GET' || this.#method === 'HEAD')) {
        throw new TypeError(`Request: a ${this.#method} request cannot have a body`);
      }
      let source = null;
      if (hasInitBody) {
        const extracted = P.extractBody(opts.body);
        source = extracted.source;
        if (extracted.type !== null && !this.#headers.has('content-type')) this.#headers.set('content-type', extracted.type);
      } else if (inputBody !== null && inputBody.source !== null) {
        // The new request takes the body over, so the input counts as used.
        source = P.consume(inputBody, 'Request');
      }
      this.#body = P.newBodyState(source, () => this.headers.get('content-type'));
    }

    static {
      P.makeRequest = (url, method, headers, body, params) =>
        new Request(internal, { url: `${url}`, method: `${method}`, headers: headers ?? [], body: body ?? null, params });
      P.requestBodyState = (request) => {
        if (!(#body in request)) throw P.illegalInvocation();
        return request.#body;
      };
    }

    get url() {
      if (!this.#urlReady) { this.#url = normalizeTrustedUrl(this.#url); this.#urlReady = true; }
      return this.#url;
    }
    get method() { return this.#method; }
    get headers() {
      if (this.#headers === null) this.#headers = P.headersFromTrustedPairs(this.#rawHeaders);
      return this.#headers;
    }
    get params() {
      if (this.#params === null) this.#params = paramsObject(this.#rawParams);
      return this.#params;
    }
    get signal() {
      if (this.#signal === null) this.#signal = P.newAbortSignal();
      return this.#signal;
    }
    get redirect() { return this.#redirect; }
    get destination() { return ''; }
    get referrer() { return 'about:client'; }
    get referrerPolicy() { return ''; }
    get mode() { return 'cors'; }
    get credentials() { return 'same-origin'; }
    get cache() { return 'default'; }
    get integrity() { return ''; }
    get keepalive() { return false; }
    get duplex() { return 'half'; }

    clone() {
      if (this.#body.used) throw new TypeError('Request.clone(): the body has already been used');
      const copy = new Request(internal, {
        url: this.url, method: this.#method, headers: [], body: null, params: this.params,
      });
      copy.#urlReady = true;
      copy.#headers = new Headers(this.headers);
      copy.#redirect = this.#redirect;
      copy.#signal = this.#signal;
      copy.#body = P.newBodyState(this.#body.source, () => copy.headers.get('content-type'));
      return copy;
    }

    [P.inspect]() {
      return { method: this.method, url: this.url, headers: this.headers, bodyUsed: this.bodyUsed, params: this.params };
    }
  }
  P.installBodyMixin(Request.prototype, P.requestBodyState, 'Request');
  P.setToStringTag(Request, 'Request');

  // ---- Response ------------------------------------------------------------------------------
  const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);
  const redirectStatuses = new Set([301, 302, 303, 307, 308]);
  const reasonPhrase = /^[\t\u0020-\u007E\u0080-\u00FF]*$/;

  class Response {
    #status = 200;
    #statusText = '';
    #headers;
    #body;
    #type = 'default';
    #url = '';
    #redirected = false;

    constructor(body = null, init = undefined) {
      const opts = init ?? {};
      if (typeof opts !== 'object') throw new TypeError("Response: 'init' must be an object");
      if (opts.status !== undefined) {
        const status = Number(opts.status);
        if (!Number.isInteger(status) || status < 200 || status > 599) {
          throw new RangeError(`Response: status ${opts.status} is not in the range 200 to 599`);
        }
        this.#status = status;
      }
      if (opts.statusText !== undefined) {
        const text = `${opts.statusText}`;
        if (!reasonPhrase.test(text)) throw new TypeError(`Response: invalid statusText ${JSON.stringify(text)}`);
        this.#statusText = text;
      }
      this.#headers = new Headers(opts.headers);
      let source = null;
      if (body !== null && body !== undefined) {
        if (nullBodyStatuses.has(this.#status)) {
          throw new TypeError(`Response: a response with status ${this.#status} cannot have a body (use null)`);
        }
        const extracted = P.extractBody(body);
        source = extracted.source;
        if (extracted.type !== null && !this.#headers.has('content-type')) this.#headers.set('content-type', extracted.type);
      }
      this.#body = P.newBodyState(source, () => this.#headers.get('content-type'));
    }

    static json(data, init = undefined) {
      const text = JSON.stringify(data);
      if (text === undefined) throw new TypeError('Response.json: the data cannot be serialised to JSON');
      const opts = init ?? {};
      const headers = new Headers(opts.headers);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      return new Response(text, { status: opts.status, statusText: opts.statusText, headers });
    }

    // A relative Location ("/login") is kept as given rather than rejected: the worker has no
    // base URL to resolve it against, and HTTP allows relative Location values.
    static redirect(url, status = 302) {
      const s = Number(status);
      if (!redirectStatuses.has(s)) throw new RangeError(`Response.redirect: invalid redirect status ${status}`);
      const input = `${url}`;
      const parsed = P.parseURL(input);
      let location;
      if (parsed !== null) location = parsed.href;
      else if (/^\/(?!\/)[\x21-\x7E]*$/.test(input) || input === '/') location = input;
      else throw new TypeError(`Response.redirect: invalid URL ${JSON.stringify(input)}`);
      const response = new Response(null, { status: s, headers: { location } });
      P.setHeadersGuard(response.#headers, 'immutable');
      return response;
    }

    static error() {
      const response = new Response(null);
      response.#status = 0;
      response.#type = 'error';
      P.setHeadersGuard(response.#headers, 'immutable');
      return response;
    }

    static {
      P.responseBodyState = (response) => {
        if (!(#body in response)) throw P.illegalInvocation();
        return response.#body;
      };
      P.isResponse = (value) => value !== null && typeof value === 'object' && #body in value;
      // For fetch(): a response from the network, with the fields a constructed one cannot set.
      P.makeFetchedResponse = ({ status, headers, body, url, redirected, nullBody }) => {
        const response = new Response(null);
        response.#status = status;
        response.#type = 'basic';
        response.#url = url;
        response.#redirected = redirected;
        response.#headers = P.headersFromTrustedPairs(headers);
        P.setHeadersGuard(response.#headers, 'immutable');
        const source = nullBody || nullBodyStatuses.has(status) ? null : body;
        response.#body = P.newBodyState(source, () => response.#headers.get('content-type'));
        return response;
      };
      P.responseParts = (response) => ({
        status: response.#status, statusText: response.#statusText, type: response.#type,
        headers: response.#headers, body: response.#body,
      });
    }

    get status() { return this.#status; }
    get statusText() { return this.#statusText; }
    get ok() { return this.#status >= 200 && this.#status <= 299; }
    get headers() { return this.#headers; }
    get type() { return this.#type; }
    get url() { return this.#url; }
    get redirected() { return this.#redirected; }

    clone() {
      if (this.#body.used) throw new TypeError('Response.clone(): the body has already been used');
      const copy = new Response(null);
      copy.#status = this.#status;
      copy.#statusText = this.#statusText;
      copy.#type = this.#type;
      copy.#url = this.#url;
      copy.#redirected = this.#redirected;
      copy.#headers = new Headers(this.#headers);
      if (this.#type === 'error') P.setHeadersGuard(copy.#headers, 'immutable');
      copy.#body = P.newBodyState(this.#body.source, () => copy.#headers.get('content-type'));
      return copy;
    }

    [P.inspect]() {
      return {
        status: this.status, statusText: this.statusText, ok: this.ok, headers: this.headers,
        bodyUsed: this.bodyUsed, type: this.type, url: this.url, redirected: this.redirected,
      };
    }
  }
  P.installBodyMixin(Response.prototype, P.responseBodyState, 'Response');
  P.setToStringTag(Response, 'Response');

  P.defineGlobal('Request', Request);
  P.defineGlobal('Response', Response);
})();
