// Tests crypto.getRandomValues, crypto.randomUUID and crypto.subtle.digest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import nodeCrypto from 'node:crypto';
import { loadPrelude, throwsNamed, rejectsNamed } from './harness.mjs';

const { g, run } = loadPrelude();

test('getRandomValues fills integer typed arrays in place and returns them', () => {
  for (const type of ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
    'Uint32Array', 'BigInt64Array', 'BigUint64Array']) {
    const array = run(`new ${type}(64)`);
    assert.equal(g.crypto.getRandomValues(array), array, type);
    assert.ok([...array].some((x) => x != 0), `${type} got random data`);
  }
  const big = run('new Uint8Array(65536)');
  g.crypto.getRandomValues(big);
  const view = run('const b = new Uint8Array(8); [b, b.subarray(2, 4)]');
  g.crypto.getRandomValues(view[1]);
  assert.equal(view[0][0], 0, 'only the view is filled');
  assert.equal(view[0][7], 0);
});

test('getRandomValues rejects float arrays (TypeMismatchError) and more than 65536 bytes (QuotaExceededError)', () => {
  throwsNamed(assert, () => g.crypto.getRandomValues(run('new Float32Array(4)')), 'TypeMismatchError');
  throwsNamed(assert, () => g.crypto.getRandomValues(run('new Float64Array(4)')), 'TypeMismatchError');
  throwsNamed(assert, () => g.crypto.getRandomValues([1, 2]), 'TypeMismatchError');
  throwsNamed(assert, () => g.crypto.getRandomValues(run('new DataView(new ArrayBuffer(4))')), 'TypeMismatchError');
  throwsNamed(assert, () => g.crypto.getRandomValues(run('new Uint8Array(65537)')), 'QuotaExceededError');
  throwsNamed(assert, () => g.crypto.getRandomValues(run('new Uint32Array(16385)')), 'QuotaExceededError');
});

test('randomUUID returns distinct version 4 UUIDs', () => {
  const seen = new Set();
  for (let i = 0; i < 200; i++) {
    const id = g.crypto.randomUUID();
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    seen.add(id);
  }
  assert.equal(seen.size, 200);
});

test('subtle.digest computes SHA digests of buffers and views', async () => {
  const data = 'hello wws';
  for (const [alg, node] of [['SHA-1', 'sha1'], ['SHA-256', 'sha256'], ['SHA-384', 'sha384'], ['SHA-512', 'sha512']]) {
    const expected = nodeCrypto.createHash(node).update(data).digest('hex');
    const hexOf = (ab) => Buffer.from(new Uint8Array(ab)).toString('hex');
    assert.equal(hexOf(await g.crypto.subtle.digest(alg, new g.TextEncoder().encode(data))), expected, alg);
    assert.equal(hexOf(await g.crypto.subtle.digest({ name: alg.toLowerCase() }, new g.TextEncoder().encode(data).buffer)), expected);
  }
  const digest = await g.crypto.subtle.digest('SHA-256', run('new DataView(new Uint8Array([1,2,3]).buffer, 1)'));
  assert.equal(Buffer.from(new Uint8Array(digest)).toString('hex'), nodeCrypto.createHash('sha256').update(Buffer.from([2, 3])).digest('hex'));
  assert.equal(Object.prototype.toString.call(digest), '[object ArrayBuffer]');
});

test('subtle.digest rejects unknown algorithms and bad data; other subtle methods reject clearly', async () => {
  await rejectsNamed(assert, g.crypto.subtle.digest('MD5', new Uint8Array(1)), 'NotSupportedError');
  await rejectsNamed(assert, g.crypto.subtle.digest('SHA-256', 'string'), 'TypeError');
  await rejectsNamed(assert, g.crypto.subtle.digest(undefined, new Uint8Array(1)), 'TypeError');
  await rejectsNamed(assert, g.crypto.subtle.importKey('raw', new Uint8Array(1), 'HMAC', false, ['sign']), 'NotSupportedError', /importKey/);
  throwsNamed(assert, () => new g.Crypto(), 'TypeError');
  throwsNamed(assert, () => new g.SubtleCrypto(), 'TypeError');
});
