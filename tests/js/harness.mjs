// tests/js/harness.mjs: loads the JS prelude (src/js/prelude/*.js) into a bare V8 context, the
// way the C++ runtime does, so the prelude can be tested with Node's test runner.
//
// `__wws_native` below is a TEST DOUBLE of the runtime's natives, written with Node's crypto and
// Buffer. The real natives are C++ (src/js); the contract is src/js/prelude/README.md.
import vm from 'node:vm';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const preludeDir = path.resolve(here, '../../src/js/prelude');

export function preludeFiles() {
  return fs.readdirSync(preludeDir).filter((f) => f.endsWith('.js')).sort();
}

// Returns { g: the context's global object, run(code), logs: [[level, message]...],
// fetches: [{method, url, headers, body}...] }. `options.fetch(call, realm)` stands in for the
// network: it returns {status, headers, body (bytes or string), url?, redirected?} or throws;
// without it every fetch is refused as the runtime does when no host is allowed.
export function loadPrelude(options = {}) {
  const ctx = vm.createContext({});
  const realm = vm.runInContext('({ Uint8Array, ArrayBuffer, TypeError, Error })', ctx);
  const logs = [];
  const fetches = [];
  const toRealmBytes = (buffer) => {
    const out = new realm.Uint8Array(buffer.length);
    out.set(buffer);
    return out;
  };
  // TEST DOUBLE of the C++ natives.
  ctx.__wws_native = {
    log(level, message) { logs.push([level, message]); },
    randomFill(u8) {
      if (u8.byteLength > 65536) throw new realm.TypeError('randomFill: more than 65536 bytes');
      crypto.randomFillSync(u8);
    },
    digest(algorithm, u8) {
      const names = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
      if (!names[algorithm]) throw new realm.TypeError(`digest: unknown algorithm ${algorithm}`);
      return toRealmBytes(crypto.createHash(names[algorithm]).update(u8).digest()).buffer;
    },
    utf8Encode(s) { return toRealmBytes(Buffer.from(String(s), 'utf8')); },
    utf8Decode(u8, fatal) {
      try {
        return new TextDecoder('utf-8', { fatal: Boolean(fatal), ignoreBOM: true }).decode(u8);
      } catch (e) {
        throw new realm.TypeError(e.message);
      }
    },
    structuredClone(value) { return structuredClone(value); },
    // The real one is C++ (src/js/fetch_native.cpp) on the blocking outbound client.
    fetch(method, url, headers, body) {
      if (typeof method !== 'string' || typeof url !== 'string') throw new realm.TypeError('fetch: expected (method, url, headerPairs, body)');
      const call = { method, url, headers: Array.from(headers, ([k, v]) => [k, v]), body: body === null ? null : Buffer.from(body) };
      fetches.push(call);
      if (!options.fetch) {
        const host = new URL(url).hostname;
        throw new realm.Error(`[Not allowed] The host '${host}' is not allowed for this worker. Please, update the worker configuration.`);
      }
      const out = options.fetch(call, realm);
      return {
        status: out.status, headers: out.headers ?? [], body: toRealmBytes(Buffer.from(out.body ?? '')),
        url: out.url ?? url, redirected: out.redirected ?? false,
      };
    },
  };
  for (const file of preludeFiles()) {
    const source = fs.readFileSync(path.join(preludeDir, file), 'utf8');
    vm.runInContext(source, ctx, { filename: file });
  }
  return { g: ctx, run: (code) => vm.runInContext(code, ctx), logs, fetches };
}

// Asserts that `fn` throws (or `promise` rejects with) an error whose name is `name`;
// errors come from another realm, so `instanceof` would not work.
export function throwsNamed(assert, fn, name, messagePart) {
  assert.throws(fn, (e) => {
    assert.equal(e.name, name, `expected ${name}, got ${e && e.name}: ${e && e.message}`);
    if (messagePart) assert.match(e.message, messagePart);
    return true;
  });
}

export async function rejectsNamed(assert, promise, name, messagePart) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.name, name, `expected ${name}, got ${e && e.name}: ${e && e.message}`);
    if (messagePart) assert.match(e.message, messagePart);
    return true;
  });
}
