// Tests the prelude's set-up: which globals exist, that the natives are hidden, DOMException
// and structuredClone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPrelude, throwsNamed } from './harness.mjs';

const { g, run } = loadPrelude();

test('defines the Web API globals, not enumerable', () => {
  for (const name of ['Headers', 'Request', 'Response', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'atob', 'btoa',
    'crypto', 'console', 'structuredClone', 'FormData', 'Blob', 'File', 'AbortController', 'AbortSignal', 'Event',
    'EventTarget', 'addEventListener', 'DOMException', 'FetchEvent', 'self']) {
    assert.equal(run(`typeof ${name}`) !== 'undefined', true, name);
    assert.equal(Object.getOwnPropertyDescriptor(g, name).enumerable, false, name);
  }
  assert.equal(run('Object.keys(globalThis).length'), 0);
});

test('hides the natives and the shared internals from worker code', () => {
  assert.equal(run('typeof __wws_native'), 'undefined');
  assert.equal(run('typeof __wws_prelude'), 'undefined');
  assert.equal(run("'__wws_native' in globalThis"), false);
  const desc = Object.getOwnPropertyDescriptor(g, '__wws_internal');
  assert.equal(desc.enumerable, false);
  assert.equal(desc.configurable, true, 'the runtime must be able to delete it');
  for (const fn of ['makeRequest', 'makeContext', 'dispatchFetch', 'hasFetchListener', 'readResponse']) {
    assert.equal(typeof g.__wws_internal[fn], 'function', fn);
  }
});

test('a prelude without natives fails loudly', async () => {
  const vm = await import('node:vm');
  const fs = await import('node:fs');
  const { preludeDir } = await import('./harness.mjs');
  const ctx = vm.createContext({});
  assert.throws(() => vm.runInContext(fs.readFileSync(`${preludeDir}/00_core.js`, 'utf8'), ctx), /__wws_native/);
});

test('DOMException has name, message, code and is an Error', () => {
  const e = new g.DOMException('boom', 'InvalidStateError');
  assert.equal(e.name, 'InvalidStateError');
  assert.equal(e.message, 'boom');
  assert.equal(e.code, 11);
  assert.equal(e instanceof run('Error'), true);
  assert.match(e.stack, /^InvalidStateError: boom/);
  assert.equal(String(e), 'InvalidStateError: boom');
  assert.equal(new g.DOMException('x').name, 'Error');
  assert.equal(new g.DOMException('x', 'Custom').code, 0);
  assert.equal(g.DOMException.INVALID_STATE_ERR, 11);
  assert.equal(g.DOMException.URL_MISMATCH_ERR, 21);
  assert.equal(g.DOMException.QUOTA_EXCEEDED_ERR, 22);
  assert.equal(new g.DOMException('m', { name: 'AbortError', cause: 1 }).cause, 1);
  assert.equal(run("Object.prototype.toString.call(new DOMException('x'))"), '[object DOMException]');
});

test('structuredClone copies deeply and rejects uncloneable values with DataCloneError', () => {
  const src = run('({ a: [1, { b: 2 }], d: new Date(0), m: new Map([[1, 2]]) })');
  const copy = g.structuredClone(src);
  assert.notEqual(copy, src);
  assert.notEqual(copy.a, src.a);
  assert.deepEqual(JSON.parse(JSON.stringify(copy.a)), [1, { b: 2 }]);
  assert.equal(copy.m.get(1), 2);
  throwsNamed(assert, () => run('structuredClone(() => 1)'), 'DataCloneError');
  throwsNamed(assert, () => run('structuredClone()'), 'TypeError');
});
