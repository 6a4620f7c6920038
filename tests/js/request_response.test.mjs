// Tests Request, Response and their bodies, including the original kit's bugs being fixed:
// null bodies (204), ArrayBuffer and typed-array bodies, missing json()/arrayBuffer()/clone(),
// and Response.redirect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPrelude, throwsNamed, rejectsNamed } from './harness.mjs';

const { g, run } = loadPrelude();
const bytesOf = (buffer) => [...new Uint8Array(buffer)];

test('Response: string body, defaults and text/plain content type', async () => {
  const r = new g.Response('héllo');
  assert.equal(r.status, 200);
  assert.equal(r.statusText, '');
  assert.equal(r.ok, true);
  assert.equal(r.type, 'default');
  assert.equal(r.url, '');
  assert.equal(r.redirected, false);
  assert.equal(r.headers.get('content-type'), 'text/plain;charset=UTF-8');
  assert.equal(r.bodyUsed, false);
  assert.equal(await r.text(), 'héllo');
  assert.equal(r.bodyUsed, true);
  await rejectsNamed(assert, r.text(), 'TypeError', /already been used/);
  await rejectsNamed(assert, r.arrayBuffer(), 'TypeError');
  assert.equal(new g.Response('x', { headers: { 'Content-Type': 'text/html' } }).headers.get('content-type'), 'text/html');
});

test('Response: null and undefined bodies, including 204 (kit bug: gave a 500)', async () => {
  for (const body of [null, undefined]) {
    const r = new g.Response(body, { status: 204 });
    assert.equal(r.status, 204);
    assert.equal(r.body, null);
    assert.equal(await r.text(), '');
    assert.equal(r.bodyUsed, false, 'a null body is never "used"');
    assert.equal(r.headers.has('content-type'), false);
  }
  assert.equal(new g.Response().status, 200);
  throwsNamed(assert, () => new g.Response('x', { status: 204 }), 'TypeError', /cannot have a body/);
  throwsNamed(assert, () => new g.Response('', { status: 304 }), 'TypeError');
});

test('Response: ArrayBuffer, typed-array, DataView, Blob bodies (kit bug: gave a 500)', async () => {
  const bytes = [0, 1, 2, 250, 255];
  const ab = run(`new Uint8Array(${JSON.stringify(bytes)}).buffer`);
  assert.deepEqual(bytesOf(await new g.Response(ab).arrayBuffer()), bytes);
  assert.deepEqual(bytesOf(await new g.Response(run(`new Uint8Array(${JSON.stringify(bytes)})`)).arrayBuffer()), bytes);
  assert.deepEqual(bytesOf(await new g.Response(run('new Uint16Array([0x0201, 0x0403]).subarray(1)')).arrayBuffer()), [3, 4]);
  assert.deepEqual(bytesOf(await new g.Response(run('new DataView(new Uint8Array([9, 8, 7]).buffer, 1, 1)')).arrayBuffer()), [8]);
  assert.equal(new g.Response(ab).headers.has('content-type'), false);
  // The body is a copy: changing the source afterwards does not change it.
  const source = run('new Uint8Array([1, 2, 3])');
  const r = new g.Response(source);
  source[0] = 99;
  assert.deepEqual(bytesOf(await r.arrayBuffer()), [1, 2, 3]);
  const blob = new g.Blob(['ab', run('new Uint8Array([99])')], { type: 'Text/Plain' });
  const fromBlob = new g.Response(blob);
  assert.equal(fromBlob.headers.get('content-type'), 'text/plain');
  assert.equal(await fromBlob.text(), 'abc');
});

test('Response: URLSearchParams and FormData bodies set their content types', async () => {
  const r = new g.Response(new g.URLSearchParams({ a: '1 2', b: '€' }));
  assert.equal(r.headers.get('content-type'), 'application/x-www-form-urlencoded;charset=UTF-8');
  assert.equal(await r.clone().text(), 'a=1+2&b=%E2%82%AC');
  const form = await r.formData();
  assert.equal(form.get('a'), '1 2');
  assert.equal(form.get('b'), '€');

  const fd = new g.FormData();
  fd.append('field', 'va"lue\nline');
  fd.append('file', new g.Blob(['file body'], { type: 'text/x-test' }), 'name.txt');
  const m = new g.Response(fd);
  const type = m.headers.get('content-type');
  assert.match(type, /^multipart\/form-data; boundary=/);
  const text = await m.clone().text();
  assert.match(text, /Content-Disposition: form-data; name="field"\r\n\r\nva"lue\r\nline\r\n/);
  assert.match(text, /name="file"; filename="name.txt"\r\nContent-Type: text\/x-test\r\n\r\nfile body\r\n/);
  const back = await m.formData();
  assert.equal(back.get('field'), 'va"lue\r\nline');
  const file = back.get('file');
  assert.equal(file.name, 'name.txt');
  assert.equal(file.type, 'text/x-test');
  assert.equal(await file.text(), 'file body');
});

test('formData() parses multipart bodies from other clients and rejects malformed ones', async () => {
  const body = '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n' +
    '--XyZ\r\nContent-Disposition: form-data; name="up"; filename="r\\"x.bin"\r\nContent-Type: application/octet-stream\r\n\r\n' +
    '\u00ff\u0000\r\n--XyZ--\r\n';
  const bytes = Uint8Array.from(body, (c) => c.charCodeAt(0));
  const r = new g.Response(run(`new Uint8Array(${JSON.stringify([...bytes])})`), { headers: { 'content-type': 'multipart/form-data; boundary="XyZ"' } });
  const fd = await r.formData();
  assert.equal(fd.get('a'), '1');
  const file = fd.get('up');
  assert.equal(file.name, 'r"x.bin');
  assert.deepEqual([...new Uint8Array(await file.arrayBuffer())], [0xff, 0]);
  const malformed = ['garbage', '--XyZ\r\nno blank line', '--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--'];
  for (const text of malformed) {
    const bad = new g.Response(text, { headers: { 'content-type': 'multipart/form-data; boundary=XyZ' } });
    await rejectsNamed(assert, bad.formData(), 'TypeError');
  }
  await rejectsNamed(assert, new g.Response('x', { headers: { 'content-type': 'multipart/form-data' } }).formData(), 'TypeError', /boundary/);
});

test('Response: other values become strings, json() parses, blob() keeps the type', async () => {
  assert.equal(await new g.Response(42).text(), '42');
  assert.equal(await new g.Response({}).text(), '[object Object]');
  const j = new g.Response('{"a":[1,2]}');
  assert.deepEqual(JSON.parse(JSON.stringify(await j.json())), { a: [1, 2] });
  await rejectsNamed(assert, new g.Response('{bad').json(), 'SyntaxError');
  const b = await new g.Response('xyz', { headers: { 'content-type': 'text/csv' } }).blob();
  assert.equal(b.type, 'text/csv');
  assert.equal(b.size, 3);
  assert.deepEqual([...await new g.Response('ab').bytes()], [97, 98]);
  await rejectsNamed(assert, new g.Response('x').formData(), 'TypeError', /Content-Type/);
  assert.equal(await new g.Response(run('new Uint8Array([0xEF, 0xBB, 0xBF, 0x68, 0x69])')).text(), 'hi', 'text() drops a BOM');
});

test('Response: status, statusText and init validation', () => {
  for (const status of [199, 600, 0, 1.5, 'abc']) throwsNamed(assert, () => new g.Response(null, { status }), 'RangeError');
  for (const status of [200, 299, 300, 404, 599, '201']) assert.equal(new g.Response(null, { status }).status, Number(status));
  assert.equal(new g.Response(null, { status: 404 }).ok, false);
  assert.equal(new g.Response(null, { status: 299 }).ok, true);
  assert.equal(new g.Response(null, { statusText: 'Fine' }).statusText, 'Fine');
  throwsNamed(assert, () => new g.Response(null, { statusText: 'a\nb' }), 'TypeError');
  throwsNamed(assert, () => new g.Response(null, { headers: [['bad name', 'x']] }), 'TypeError');
});

test('Response.json sets application/json and keeps the init', async () => {
  const r = g.Response.json({ a: 1 }, { status: 201, headers: { 'X-A': 'b' } });
  assert.equal(r.status, 201);
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.equal(r.headers.get('x-a'), 'b');
  assert.equal(await r.text(), '{"a":1}');
  assert.equal(g.Response.json([], { headers: { 'content-type': 'application/vnd.x+json' } }).headers.get('content-type'),
    'application/vnd.x+json');
  throwsNamed(assert, () => g.Response.json(undefined), 'TypeError');
  throwsNamed(assert, () => g.Response.json(1n), 'TypeError');
});

test('Response.redirect: 302 by default, Location header, status checked, immutable headers', () => {
  const r = g.Response.redirect('https://example.com/a b');
  assert.equal(r.status, 302);
  assert.equal(r.headers.get('location'), 'https://example.com/a%20b');
  assert.equal(r.body, null);
  for (const status of [301, 302, 303, 307, 308]) assert.equal(g.Response.redirect('http://x/', status).status, status);
  for (const status of [200, 300, 304, 400]) throwsNamed(assert, () => g.Response.redirect('http://x/', status), 'RangeError');
  throwsNamed(assert, () => r.headers.set('x', 'y'), 'TypeError', /immutable/);
  assert.equal(g.Response.redirect('/login?next=/a', 303).headers.get('location'), '/login?next=/a', 'relative paths are kept');
  throwsNamed(assert, () => g.Response.redirect('http://bad host/'), 'TypeError');
  throwsNamed(assert, () => g.Response.redirect('//evil.example'), 'TypeError');
});

test('Response.error and clone', async () => {
  const e = g.Response.error();
  assert.equal(e.type, 'error');
  assert.equal(e.status, 0);
  assert.equal(e.ok, false);
  assert.equal(e.body, null);
  throwsNamed(assert, () => e.headers.set('a', 'b'), 'TypeError');

  const r = new g.Response('body', { status: 201, statusText: 'Made', headers: { a: 'b' } });
  const c = r.clone();
  assert.equal(c.status, 201);
  assert.equal(c.statusText, 'Made');
  assert.equal(c.headers.get('a'), 'b');
  c.headers.set('a', 'changed');
  assert.equal(r.headers.get('a'), 'b', 'the clone has its own headers');
  assert.equal(await c.text(), 'body');
  assert.equal(await r.text(), 'body', 'both bodies can be read');
  throwsNamed(assert, () => r.clone(), 'TypeError');
});

test('body: a stream-like object whose reader returns the whole body once', async () => {
  const r = new g.Response('abc');
  const body = r.body;
  assert.notEqual(body, null);
  assert.equal(r.body, body, 'the same object every time');
  const reader = body.getReader();
  assert.equal(body.locked, true);
  throwsNamed(assert, () => body.getReader(), 'TypeError');
  const first = await reader.read();
  assert.equal(first.done, false);
  assert.deepEqual([...first.value], [97, 98, 99]);
  assert.equal((await reader.read()).done, true);
  assert.equal(r.bodyUsed, true);
  await rejectsNamed(assert, r.text(), 'TypeError');

  const chunks = [];
  for await (const chunk of new g.Response('xy').body) chunks.push([...chunk]);
  assert.deepEqual(chunks, [[120, 121]]);

  // A body can be passed on as another Response's body.
  const source = new g.Response('pass me on');
  const relay = new g.Response(source.body, { headers: { 'content-type': 'text/plain' } });
  assert.equal(source.bodyUsed, true);
  assert.equal(await relay.text(), 'pass me on');

  const read = new g.Response('z');
  await read.text();
  assert.equal((await read.body.getReader().read()).done, true, 'a used body reads as empty');
});

test('Request: absolute URL, normalised method, headers and body', async () => {
  const r = new g.Request('HTTP://Example.COM/a/../b c', { method: 'post', headers: { 'X-A': '1' }, body: 'hi' });
  assert.equal(r.url, 'http://example.com/b%20c');
  assert.equal(r.method, 'POST');
  assert.equal(r.headers.get('x-a'), '1');
  assert.equal(r.headers.get('content-type'), 'text/plain;charset=UTF-8');
  assert.equal(await r.text(), 'hi');
  assert.equal(r.bodyUsed, true);
  assert.equal(new g.Request('http://a/', { method: 'patch' }).method, 'patch', 'only the six standard methods are upper-cased');
  assert.equal(new g.Request('http://a/', { method: 'Delete' }).method, 'DELETE');
  assert.equal(new g.Request(new g.URL('http://a/x')).url, 'http://a/x');
  const plain = new g.Request('http://a/');
  assert.equal(plain.method, 'GET');
  assert.equal(plain.body, null);
  assert.equal(plain.signal.aborted, false);
  assert.equal(plain.redirect, 'follow');
  assert.deepEqual({ ...plain.params }, {});
});

test('Request: rejects relative URLs, credentials, bad methods and GET bodies', () => {
  throwsNamed(assert, () => new g.Request('/relative'), 'TypeError', /absolute/);
  throwsNamed(assert, () => new g.Request('http://u:p@a/'), 'TypeError', /credentials/);
  throwsNamed(assert, () => new g.Request('http://a/', { method: 'bad method' }), 'TypeError');
  throwsNamed(assert, () => new g.Request('http://a/', { method: 'CONNECT' }), 'TypeError');
  throwsNamed(assert, () => new g.Request('http://a/', { body: 'x' }), 'TypeError', /GET/);
  throwsNamed(assert, () => new g.Request('http://a/', { method: 'HEAD', body: 'x' }), 'TypeError');
  throwsNamed(assert, () => new g.Request('http://a/', { signal: {} }), 'TypeError');
  throwsNamed(assert, () => new g.Request(), 'TypeError');
});

test('Request: from another Request takes its body over; clone copies everything', async () => {
  const a = new g.Request('http://a/x', { method: 'PUT', body: run('new Uint8Array([1, 2])'), headers: { k: 'v' } });
  const b = new g.Request(a, { headers: { other: '1' } });
  assert.equal(b.method, 'PUT');
  assert.equal(b.url, 'http://a/x');
  assert.equal(b.headers.get('k'), null, 'init headers replace the input headers');
  assert.equal(a.bodyUsed, true);
  assert.deepEqual(bytesOf(await b.arrayBuffer()), [1, 2]);
  throwsNamed(assert, () => new g.Request(a), 'TypeError', /already been used/);

  const controller = new g.AbortController();
  const c = new g.Request('http://a/y', { method: 'POST', body: 'z', signal: controller.signal });
  const d = c.clone();
  assert.equal(d.url, c.url);
  assert.equal(d.method, 'POST');
  assert.equal(d.signal, controller.signal);
  assert.equal(await d.text(), 'z');
  assert.equal(await c.text(), 'z');
  throwsNamed(assert, () => c.clone(), 'TypeError');
  const formRequest = new g.Request('http://a/', { method: 'POST', body: 'a=1&b=%20' , headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal((await formRequest.formData()).get('b'), ' ');
});

test('methods reject foreign receivers', async () => {
  await rejectsNamed(assert, g.Response.prototype.text.call({}), 'TypeError');
  throwsNamed(assert, () => Object.getOwnPropertyDescriptor(g.Request.prototype, 'bodyUsed').get.call({}), 'TypeError');
});

test('Blob and File', async () => {
  const b = new g.Blob(['héllo ', run('new Uint8Array([119])'), new g.Blob(['orld'])], { type: 'TEXT/plain' });
  assert.equal(b.size, 12);
  assert.equal(b.type, 'text/plain');
  assert.equal(await b.text(), 'héllo world');
  assert.equal(await b.slice(-5).text(), 'world');
  assert.equal(await b.slice(7, 9).text(), 'wo');
  assert.equal(b.slice(5, 2).size, 0);
  assert.equal(b.slice(0, 1, 'x/y').type, 'x/y');
  assert.deepEqual(bytesOf(await b.slice(0, 2).arrayBuffer()), [104, 195]);
  assert.equal(new g.Blob(['a'], { type: 'é' }).type, '', 'non-ASCII types are dropped');
  const reader = b.stream().getReader();
  assert.equal((await reader.read()).value.length, 12);
  const f = new g.File(['x'], 'f.txt', { type: 'text/plain', lastModified: 5 });
  assert.equal(f.name, 'f.txt');
  assert.equal(f.lastModified, 5);
  assert.equal(f instanceof g.Blob, true);
  throwsNamed(assert, () => new g.Blob('not a sequence'), 'TypeError');
});

test('FormData methods', () => {
  const fd = new g.FormData();
  fd.append('a', '1');
  fd.append('a', '2');
  fd.append('b', new g.Blob(['x']));
  assert.equal(fd.get('a'), '1');
  assert.deepEqual([...fd.getAll('a')], ['1', '2']);
  assert.equal(fd.get('b').name, 'blob');
  assert.equal(fd.get('b') instanceof g.File, true);
  fd.set('a', '3');
  assert.deepEqual([...fd.keys()], ['a', 'b']);
  assert.equal(fd.get('a'), '3');
  fd.delete('b');
  assert.equal(fd.has('b'), false);
  assert.deepEqual([...fd].map(([k, v]) => `${k}=${v}`), ['a=3']);
  fd.set('f', new g.File(['y'], 'orig.txt'), 'renamed.txt');
  assert.equal(fd.get('f').name, 'renamed.txt');
  throwsNamed(assert, () => new g.FormData({}), 'TypeError');
});
