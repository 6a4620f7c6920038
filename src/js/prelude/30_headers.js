// 30_headers.js: Headers, per the Fetch standard. Unlike the original wws kit, names are
// case-insensitive, append() combines values, and the object is iterable (sorted, lower-case).
// Set-Cookie values are kept apart, as getSetCookie() and the response writer need them.
(() => {
  'use strict';
  const P = globalThis.__wws_prelude;

  const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const httpWhitespace = /^[\t\n\r ]+|[\t\n\r ]+$/g;
  const badValue = /[\0\r\n]|[^\u0000-\u00FF]/;

  const validName = (name) => {
    const s = `${name}`;
    if (!tokenPattern.test(s)) throw new TypeError(`Headers: invalid header name ${JSON.stringify(s)}`);
    return s.toLowerCase();
  };
  const normalizedValue = (value) => {
    const s = `${value}`.replace(httpWhitespace, '');
    if (badValue.test(s)) throw new TypeError(`Headers: invalid header value ${JSON.stringify(s)}`);
    return s;
  };

  const constructing = Symbol('Headers internal');

  class Headers {
    #map = new Map();  // lower-case name -> array of values, in insertion order
    #guard = 'none';   // 'immutable' for Response.error() and Response.redirect()

    constructor(init = undefined) {
      if (init === constructing) return;
      if (init === undefined || init === null) return;
      if (typeof init !== 'object' && typeof init !== 'function') {
        throw new TypeError("Headers: 'init' must be a Headers, an array of [name, value] pairs or an object");
      }
      if (init instanceof Headers) {
        for (const [name, values] of init.#map) this.#map.set(name, values.slice());
      } else if (typeof init[Symbol.iterator] === 'function') {
        for (const pair of init) {
          const items = pair !== null && typeof pair === 'object' && typeof pair[Symbol.iterator] === 'function' ? [...pair] : null;
          if (items === null || items.length !== 2) {
            throw new TypeError('Headers: each header pair must be a sequence of exactly two items, [name, value]');
          }
          this.append(items[0], items[1]);
        }
      } else {
        for (const key of Reflect.ownKeys(init)) {
          const desc = Reflect.getOwnPropertyDescriptor(init, key);
          if (desc === undefined || !desc.enumerable) continue;
          if (typeof key === 'symbol') throw new TypeError('Headers: record keys must be strings');
          this.append(key, init[key]);
        }
      }
    }

    static {
      // From the runtime: names already lower-case and valid, so skip validation (hot path).
      P.headersFromTrustedPairs = (pairs) => {
        const h = new Headers(constructing);
        for (const [name, value] of pairs) {
          const values = h.#map.get(name);
          if (values) values.push(value);
          else h.#map.set(name, [value]);
        }
        return h;
      };
      P.setHeadersGuard = (h, guard) => { h.#guard = guard; };
      P.headerValue = (h, name) => h.get(name);
      // The list the runtime writes: insertion order, one pair per name, Set-Cookie values apart.
      P.headerPairs = (h) => {
        const out = [];
        for (const [name, values] of h.#map) {
          if (name === 'set-cookie') for (const v of values) out.push([name, v]);
          else out.push([name, values.join(', ')]);
        }
        return out;
      };
    }

    #checkMutable() {
      if (this.#guard === 'immutable') throw new TypeError('Headers: these headers are immutable');
    }

    append(name, value) {
      const n = validName(name);
      const v = normalizedValue(value);
      this.#checkMutable();
      const values = this.#map.get(n);
      if (values) values.push(v);
      else this.#map.set(n, [v]);
    }

    set(name, value) {
      const n = validName(name);
      const v = normalizedValue(value);
      this.#checkMutable();
      this.#map.set(n, [v]);
    }

    delete(name) {
      const n = validName(name);
      this.#checkMutable();
      this.#map.delete(n);
    }

    get(name) {
      const values = this.#map.get(validName(name));
      return values === undefined ? null : values.join(', ');
    }

    has(name) {
      return this.#map.has(validName(name));
    }

    getSetCookie() {
      const values = this.#map.get('set-cookie');
      return values === undefined ? [] : values.slice();
    }

    // Sorted by name, values combined, except Set-Cookie which yields one pair per cookie.
    #sortedPairs() {
      const names = [...this.#map.keys()].sort();
      const out = [];
      for (const name of names) {
        const values = this.#map.get(name);
        if (name === 'set-cookie') for (const v of values) out.push([name, v]);
        else out.push([name, values.join(', ')]);
      }
      return out;
    }

    forEach(callback, thisArg = undefined) {
      if (typeof callback !== 'function') throw new TypeError("Headers.forEach: 'callback' must be a function");
      for (const [name, value] of this.#sortedPairs()) callback.call(thisArg, value, name, this);
    }

    * entries() { yield* this.#sortedPairs(); }
    * keys() { for (const [name] of this.#sortedPairs()) yield name; }
    * values() { for (const [, value] of this.#sortedPairs()) yield value; }
    [Symbol.iterator]() { return this.entries(); }

    [P.inspect]() { return Object.fromEntries(this.#sortedPairs()); }
  }
  P.setToStringTag(Headers, 'Headers');
  P.defineGlobal('Headers', Headers);
})();
