// Tests the global fetch() of src/js/prelude/85_fetch.js against the harness's stand-in of the
// native (the real network side is tested in tests/unit/js_fetch_test.cpp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPrelude, rejectsNamed } from './harness.mjs';

const echo = (call) => ({
  status: 200,
  headers: [['content-type', 'application/json'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2']],
  body: JSON.stringify({ method: call.method, url: call.url, headers: call.headers, body: call.body?.toString('latin1') ?? null }),
});

test('fetch(url) sends a GET and resolves with a Response', async () => {
  const { g, run, fetches } = loadPrelude({ fetch: echo });
  const response = await run(`fetch('https://api.example.com/x?y=1')`);
  assert.equal(response instanceof g.Response, true);
  assert.equal(response.status, 200);
  assert.equal(response.ok, true);
  assert.equal(response.url, 'https://api.example.com/x?y=1');
  assert.equal(response.redirected, false);
  assert.equal(response.headers.get('Content-Type'), 'application/json');
  assert.deepEqual([...response.headers.getSetCookie()], ['a=1', 'b=2']);
  const sent = await response.json();
  assert.equal(sent.method, 'GET');
  assert.equal(sent.body, null);
  assert.equal(fetches.length, 1);
  assert.equal(typeof g.fetch, 'function');
  assert.equal(Object.keys(g).includes('fetch'), false, 'not enumerable, like the other Web globals');
});

test('init: any method (upper-cased), headers as Headers, record or pairs, bodies of every kind', async () => {
  const { run, fetches } = loadPrelude({ fetch: echo });
  await run(`fetch('https://h/a', { method: 'patch', headers: { 'X-One': '1' }, body: 'text' })`);
  await run(`fetch('https://h/b', { method: 'PUT', headers: [['x-two', '2'], ['x-two', '3']], body: new Uint8Array([0, 255, 10]) })`);
  await run(`fetch('https://h/c', { method: 'DELETE', headers: new Headers({ 'x-three': '3' }) })`);
  await run(`fetch('https://h/d', { method: 'POST', body: new URLSearchParams({ q: 'a b' }) })`);
  await run(`fetch('https://h/e', { method: 'purge' })`);
  assert.deepEqual(fetches.map((f) => f.method), ['PATCH', 'PUT', 'DELETE', 'POST', 'PURGE']);
  assert.deepEqual(fetches[0].headers, [['x-one', '1'], ['content-type', 'text/plain;charset=UTF-8']]);
  assert.equal(fetches[0].body.toString(), 'text');
  assert.deepEqual(fetches[1].headers, [['x-two', '2, 3']]);
  assert.deepEqual([...fetches[1].body], [0, 255, 10]);
  assert.deepEqual(fetches[2].headers, [['x-three', '3']]);
  assert.equal(fetches[2].body, null);
  assert.equal(fetches[3].body.toString(), 'q=a+b');
  assert.deepEqual(fetches[3].headers, [['content-type', 'application/x-www-form-urlencoded;charset=UTF-8']]);
});

test('input may be a URL or a Request (its method, headers and body are used, init overrides)', async () => {
  const { run, fetches } = loadPrelude({ fetch: echo });
  await run(`fetch(new URL('/p?q', 'https://h.example'))`);
  await run(`fetch(new Request('https://h/r', { method: 'POST', headers: { 'x-a': 'b' }, body: 'req' }))`);
  await run(`fetch(new Request('https://h/r', { method: 'POST', body: 'req' }), { method: 'PUT', body: 'init' })`);
  assert.equal(fetches[0].url, 'https://h.example/p?q');
  assert.equal(fetches[1].method, 'POST');
  assert.deepEqual(fetches[1].headers, [['x-a', 'b'], ['content-type', 'text/plain;charset=UTF-8']]);
  assert.equal(fetches[1].body.toString(), 'req');
  assert.equal(fetches[2].method, 'PUT');
  assert.equal(fetches[2].body.toString(), 'init');
});

test('binary bodies come back byte for byte; redirects and the final URL are reported', async () => {
  const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
  const { run } = loadPrelude({ fetch: () => ({ status: 201, body: bytes, url: 'https://other/final', redirected: true }) });
  const response = await run(`fetch('https://h/start')`);
  assert.equal(response.status, 201);
  assert.equal(response.url, 'https://other/final');
  assert.equal(response.redirected, true);
  assert.deepEqual([...new Uint8Array(await response.arrayBuffer())], [...bytes]);
  assert.equal(response.bodyUsed, true);
});

test('204 and HEAD responses have a null body; headers are immutable; clone works', async () => {
  const { run } = loadPrelude({ fetch: (call) => ({ status: call.method === 'HEAD' ? 200 : 204, headers: [['x', '1']] }) });
  const none = await run(`fetch('https://h/', { method: 'DELETE' })`);
  assert.equal(none.status, 204);
  assert.equal(none.body, null);
  assert.throws(() => none.headers.set('x', '2'), (e) => e.name === 'TypeError');
  const head = await run(`fetch('https://h/', { method: 'HEAD' })`);
  assert.equal(head.body, null);
  const copy = head.clone();
  assert.equal(copy.headers.get('x'), '1');
});

test('a refusal of the runtime rejects with a TypeError keeping its message', async () => {
  const { run } = loadPrelude();
  await rejectsNamed(assert, run(`fetch('https://evil.example/')`), 'TypeError',
    /^\[Not allowed\] The host 'evil\.example' is not allowed for this worker\. Please, update the worker configuration\.$/);
  const { run: run2 } = loadPrelude({ fetch: (call, realm) => { throw new realm.Error('[Timeout] the request timed out'); } });
  const error = await run2(`fetch('https://h/').catch((e) => e)`);
  assert.equal(error.name, 'TypeError');
  assert.equal(error.message, '[Timeout] the request timed out');
  assert.equal(error.cause.message, '[Timeout] the request timed out');
});

test('bad input rejects (never throws synchronously) and never reaches the network', async () => {
  const { run, fetches } = loadPrelude({ fetch: echo });
  await rejectsNamed(assert, run(`fetch()`), 'TypeError', /1 argument required/);
  await rejectsNamed(assert, run(`fetch('/relative')`), 'TypeError', /invalid URL/);
  await rejectsNamed(assert, run(`fetch('https://h/', { body: 'x' })`), 'TypeError', /GET request cannot have a body/);
  await rejectsNamed(assert, run(`fetch('https://h/', { method: 'bad method' })`), 'TypeError', /invalid method/);
  await rejectsNamed(assert, run(`fetch('https://h/', { headers: { 'x': 'a\\nb' } })`), 'TypeError');
  await rejectsNamed(assert, run(`fetch('https://h/', { redirect: 'manual' })`), 'TypeError', /always follows redirects/);
  await rejectsNamed(assert, run(`(() => { const c = new AbortController(); c.abort(); return fetch('https://h/', { signal: c.signal }); })()`), 'AbortError');
  await rejectsNamed(assert, run(`(() => { const r = new Request('https://h/', { method: 'POST', body: 'x' }); r.text(); return fetch(r); })()`), 'TypeError');
  assert.equal(fetches.length, 0);
});

test('a body used by fetch counts as used', async () => {
  const { run } = loadPrelude({ fetch: echo });
  const used = await run(`(async () => { const r = new Request('https://h/', { method: 'POST', body: 'x' }); await fetch(r); return r.bodyUsed; })()`);
  assert.equal(used, true);
});
