// Tests the worker entry points (addEventListener("fetch"), FetchEvent) and __wws_internal,
// the functions the C++ runtime calls (contract: src/js/prelude/README.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPrelude, throwsNamed, rejectsNamed } from './harness.mjs';

const fresh = () => {
  const p = loadPrelude();
  return { ...p, I: p.g.__wws_internal };
};
const bytes = (s) => new TextEncoder().encode(s);
const text = (u8) => new TextDecoder().decode(u8);

test('makeRequest builds a Request with params, headers and body', async () => {
  const { g, I } = fresh();
  const body = bytes('{"x":1}').buffer;
  const r = I.makeRequest('http://localhost:8080/users/42?q=1', 'POST',
    [['content-type', 'application/json'], ['x-multi', 'a'], ['x-multi', 'b']], body, { id: '42' });
  assert.equal(r instanceof g.Request, true);
  assert.equal(r.url, 'http://localhost:8080/users/42?q=1');
  assert.equal(r.method, 'POST');
  assert.equal(r.headers.get('Content-Type'), 'application/json');
  assert.equal(r.headers.get('x-multi'), 'a, b');
  assert.equal(r.params.id, '42');
  assert.equal(r.params, r.params, 'the same object every time');
  assert.equal((await r.json()).x, 1);
  assert.equal(r.bodyUsed, true);

  const get = I.makeRequest('http://h/', 'GET', [], null, undefined);
  assert.equal(get.body, null);
  assert.equal(await get.text(), '');
  assert.deepEqual(Object.keys(get.params), []);
  assert.equal(I.makeRequest('http://h/', 'GET', [], null, [['a', 'b']]).params.a, 'b', 'params as pairs');
  assert.equal(I.makeRequest('http://h/', 'POST', [], new ArrayBuffer(0), {}).body, null, 'an empty body is no body');
});

test('makeRequest keeps canonical URLs as given and normalises the others when read', () => {
  const { I } = fresh();
  const same = ['http://localhost:8080/a/b?c=d&e=%20#f', 'https://example.com/', 'http://127.0.0.1:3000/x.y/z', 'http://h/a/..b/.c/%2f'];
  for (const url of same) assert.equal(I.makeRequest(url, 'GET', [], null, {}).url, url);
  const normalised = [
    ['http://Host:80/a/../b', 'http://host/b'], ['http://h/a b', 'http://h/a%20b'], ['http://h', 'http://h/'],
    ['http://h/./x', 'http://h/x'], ['http://h/%2e%2e/x', 'http://h/x'], ['https://h:443/', 'https://h/'],
    ['http://0x7f.1/', 'http://127.0.0.1/'], ['http://h:080/', 'http://h/'], ["http://h/?a='b'", 'http://h/?a=%27b%27'],
    ['http://h/{x}', 'http://h/%7Bx%7D'], ['http://h/a\\b', 'http://h/a/b'], ['http://h:8080/é', 'http://h:8080/%C3%A9'],
  ];
  for (const [input, expected] of normalised) assert.equal(new URL(input).href, expected, `the oracle agrees on ${input}`);
  for (const [input, expected] of normalised) assert.equal(I.makeRequest(input, 'GET', [], null, {}).url, expected, input);
});

test('dispatchFetch runs fetch listeners and resolves with what respondWith got (value or promise)', async () => {
  const { g, run, I } = fresh();
  assert.equal(I.hasFetchListener(), false);
  run(`addEventListener('fetch', (event) => {
    event.respondWith((async () => new Response('hello ' + event.request.params.name + ' ' + event.request.method))());
  });`);
  assert.equal(I.hasFetchListener(), true);
  const response = await I.dispatchFetch(I.makeRequest('http://h/', 'GET', [], null, { name: 'wws' }));
  assert.equal(response instanceof g.Response, true);
  const out = await I.readResponse(response);
  assert.equal(out.status, 200);
  assert.equal(text(out.body), 'hello wws GET');
});

test('self is the global object, so self.addEventListener works', async () => {
  const { run, I } = fresh();
  assert.equal(run('self === globalThis'), true);
  run("self.addEventListener('fetch', (e) => e.respondWith(new Response('via self')))");
  assert.equal(I.hasFetchListener(), true);
  run("removeEventListener('fetch', () => {})");
  assert.equal(I.hasFetchListener(), true, 'removing another function leaves the listener');
});

test('listeners may be objects with handleEvent; only the first respondWith counts', async () => {
  const { run, I } = fresh();
  run(`
    addEventListener('other', () => { throw new Error('never called for fetch'); });
    addEventListener('fetch', { handleEvent(event) { event.respondWith(new Response('first')); } });
    addEventListener('fetch', (event) => event.respondWith(new Response('second')));
  `);
  const out = await I.readResponse(await I.dispatchFetch(I.makeRequest('http://h/', 'GET', [], null, {})));
  assert.equal(text(out.body), 'first', 'respondWith stops the later listeners');
});

test('respondWith twice throws InvalidStateError', async () => {
  const { run, I } = fresh();
  run(`addEventListener('fetch', (event) => {
    event.respondWith(new Response('a'));
    try { event.respondWith(new Response('b')); } catch (e) { globalThis.secondError = e.name; }
  });`);
  await I.dispatchFetch(I.makeRequest('http://h/', 'GET', [], null, {}));
  assert.equal(run('secondError'), 'InvalidStateError');
});

test('dispatchFetch rejects when no listener responds, or a listener throws', async () => {
  const { run, I } = fresh();
  await rejectsNamed(assert, I.dispatchFetch(I.makeRequest('http://h/', 'GET', [], null, {})), 'TypeError',
    /No fetch handler called respondWith\(\)/);
  run("addEventListener('fetch', () => {});");
  await rejectsNamed(assert, I.dispatchFetch(I.makeRequest('http://h/', 'GET', [], null, {})), 'TypeError', /respondWith/);
  const other = fresh();
  other.run("addEventListener('fetch', () => { throw new RangeError('handler broke'); });");
  await rejectsNamed(assert, other.I.dispatchFetch(other.I.makeRequest('http://h/', 'GET', [], null, {})), 'RangeError', /handler broke/);
  const rejecting = fresh();
  rejecting.run("addEventListener('fetch', (e) => e.respondWith(Promise.reject(new Error('async broke'))));");
  await rejectsNamed(assert, rejecting.I.dispatchFetch(rejecting.I.makeRequest('http://h/', 'GET', [], null, {})), 'Error', /async broke/);
});

test('respondWith outside dispatch throws; FetchEvent needs a request', () => {
  const { g, I } = fresh();
  const event = new g.FetchEvent('fetch', { request: I.makeRequest('http://h/', 'GET', [], null, {}) });
  throwsNamed(assert, () => event.respondWith(new g.Response('x')), 'InvalidStateError');
  throwsNamed(assert, () => new g.FetchEvent('fetch', {}), 'TypeError');
  event.passThroughOnException();
});

test('waitUntil promises (event and module context) are awaited by settleWaitUntil', async () => {
  const { run, I, logs } = fresh();
  run(`globalThis.done = [];
    addEventListener('fetch', (event) => {
      event.waitUntil(new Promise((resolve) => Promise.resolve().then(() => { done.push('event'); resolve(); })));
      event.waitUntil(Promise.reject(new Error('background failed')));
      event.respondWith(new Response('ok'));
    });`);
  await I.dispatchFetch(I.makeRequest('http://h/', 'GET', [], null, {}));
  const ctx = I.makeContext();
  ctx.waitUntil(Promise.resolve().then(() => run("done.push('ctx')")));
  ctx.passThroughOnException();
  await I.settleWaitUntil();
  assert.deepEqual([...run('done')].sort(), ['ctx', 'event']);
  assert.ok(logs.some(([level, message]) => level === 'error' && /background failed/.test(message)));
  await I.settleWaitUntil();  // nothing left: resolves at once
});

test('readResponse: status, headers as pairs with Set-Cookie apart, bytes of every body type', async () => {
  const { g, run, I } = fresh();
  const r = new g.Response('héllo', { status: 201, statusText: 'Created', headers: [['X-A', '1'], ['x-a', '2']] });
  r.headers.append('Set-Cookie', 'a=1');
  r.headers.append('Set-Cookie', 'b=2');
  const out = await I.readResponse(r);
  assert.equal(out.status, 201);
  assert.equal(out.statusText, 'Created');
  assert.deepEqual(Array.from(out.headers, (p) => [...p]),
    [['x-a', '1, 2'], ['content-type', 'text/plain;charset=UTF-8'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2']]);
  assert.equal(text(out.body), 'héllo');
  assert.equal(Object.prototype.toString.call(out.body), '[object Uint8Array]');

  const empty = await I.readResponse(new g.Response(null, { status: 204 }));
  assert.equal(empty.status, 204);
  assert.equal(empty.body.length, 0);
  assert.equal(empty.headers.length, 0);

  const binary = await I.readResponse(new g.Response(run('new Uint8Array([0, 255, 7])')));
  assert.deepEqual([...binary.body], [0, 255, 7]);
  const json = await I.readResponse(g.Response.json({ ok: true }));
  assert.equal(text(json.body), '{"ok":true}');
  const redirect = await I.readResponse(g.Response.redirect('http://x/y', 301));
  assert.equal(redirect.status, 301);
  assert.deepEqual(Array.from(redirect.headers, (p) => [...p]), [['location', 'http://x/y']]);
  const viaPromise = await I.readResponse(Promise.resolve(new g.Response('later')));
  assert.equal(text(viaPromise.body), 'later');
});

test('readResponse rejects what is not a usable Response with a clear TypeError', async () => {
  const { g, I } = fresh();
  await rejectsNamed(assert, I.readResponse('text'), 'TypeError', /must return a Response, got string/);
  await rejectsNamed(assert, I.readResponse(undefined), 'TypeError', /got undefined/);
  await rejectsNamed(assert, I.readResponse(null), 'TypeError', /got null/);
  await rejectsNamed(assert, I.readResponse({ status: 200, body: 'x' }), 'TypeError', /got an object/);
  await rejectsNamed(assert, I.readResponse(new g.Request('http://h/')), 'TypeError', /got a Request/);
  await rejectsNamed(assert, I.readResponse(g.Response.error()), 'TypeError', /Response.error/);
  const used = new g.Response('x');
  await used.text();
  await rejectsNamed(assert, I.readResponse(used), 'TypeError', /already used/);
});

test('ES module style: a fetch(request, env, ctx) handler can use makeRequest/makeContext/readResponse', async () => {
  const { run, I } = fresh();
  const handler = run(`({ async fetch(request, env, ctx) {
    ctx.waitUntil(Promise.resolve());
    const body = await request.text();
    return new Response(env.GREETING + ' ' + body + ' ' + new URL(request.url).searchParams.get('n'));
  } })`);
  const response = handler.fetch(I.makeRequest('http://h/?n=7', 'PUT', [], bytes('body').buffer, {}), { GREETING: 'hi' }, I.makeContext());
  const out = await I.readResponse(response);
  assert.equal(text(out.body), 'hi body 7');
});

test('worker code replacing Web API globals does not break the runtime path', async () => {
  const { run, I } = fresh();
  run(`globalThis.Headers = class Fake {}; globalThis.Request = null; globalThis.Event = null; globalThis.URLSearchParams = null;
    addEventListener('fetch', (e) => e.respondWith(new Response('ok', { headers: { a: 'b' } })));`);
  const response = await I.dispatchFetch(I.makeRequest('http://h/', 'GET', [['x', 'y']], null, {}));
  assert.equal(response.headers.constructor.name, 'Headers');
  const out = await I.readResponse(response);
  assert.equal(out.status, 200);
  assert.equal(text(out.body), 'ok');
});
