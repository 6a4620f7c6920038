// Tests TextEncoder, TextDecoder, atob and btoa, checked against Node's own implementations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPrelude, throwsNamed } from './harness.mjs';

const { g, run } = loadPrelude();
const samples = ['', 'hello', 'héllo wörld', '€ 𝄞 😀', '\uD800 lone', 'tail \uDC00', 'a\u0000b', '\uFEFFbom'];

test('TextEncoder.encode matches UTF-8, lone surrogates become U+FFFD', () => {
  const enc = new g.TextEncoder();
  assert.equal(enc.encoding, 'utf-8');
  for (const s of samples) assert.deepEqual([...enc.encode(s)], [...new TextEncoder().encode(s)], s);
  assert.deepEqual([...enc.encode()], []);
  assert.equal(run('new TextEncoder().encode("x") instanceof Uint8Array'), true);
});

test('TextEncoder.encodeInto writes whole sequences only and reports UTF-16 units read', () => {
  const enc = new g.TextEncoder();
  for (const s of samples.concat(['abc€def', '😀😀'])) {
    for (const size of [0, 1, 2, 3, 4, 5, 7, 20]) {
      const ours = run(`new Uint8Array(${size})`);
      const theirs = new Uint8Array(size);
      const a = enc.encodeInto(s, ours);
      const b = new TextEncoder().encodeInto(s, theirs);
      assert.deepEqual({ read: a.read, written: a.written }, b, `${JSON.stringify(s)} into ${size}`);
      assert.deepEqual([...ours], [...theirs]);
    }
  }
  throwsNamed(assert, () => enc.encodeInto('x', []), 'TypeError');
});

test('TextDecoder decodes ArrayBuffers and views, strips the BOM unless ignoreBOM', () => {
  const bytes = new TextEncoder().encode('\uFEFFhé😀');
  const dec = new g.TextDecoder();
  assert.equal(dec.decode(bytes), 'hé😀');
  assert.equal(dec.decode(bytes.buffer), 'hé😀');
  assert.equal(dec.decode(new DataView(bytes.buffer, 3)), 'hé😀');
  assert.equal(dec.decode(new Uint16Array(new Uint8Array([0x68, 0x69]).buffer)), 'hi');
  assert.equal(new g.TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), '\uFEFFhé😀');
  assert.equal(dec.decode(), '');
  assert.equal(dec.encoding, 'utf-8');
  assert.equal(new g.TextDecoder(' UTF8 ').encoding, 'utf-8');
  throwsNamed(assert, () => new g.TextDecoder('latin1'), 'RangeError');
  throwsNamed(assert, () => dec.decode('string'), 'TypeError');
});

test('TextDecoder replaces invalid input, or throws TypeError when fatal', () => {
  const bad = new Uint8Array([0x61, 0xFF, 0x62, 0xC3]);
  assert.equal(new g.TextDecoder().decode(bad), 'a\uFFFDb\uFFFD');
  const fatal = new g.TextDecoder('utf-8', { fatal: true });
  assert.equal(fatal.fatal, true);
  throwsNamed(assert, () => fatal.decode(bad), 'TypeError');
});

test('TextDecoder streaming joins sequences split across chunks', () => {
  const bytes = new TextEncoder().encode('a€😀b');
  for (let cut = 0; cut <= bytes.length; cut++) {
    const dec = new g.TextDecoder();
    const text = dec.decode(bytes.subarray(0, cut), { stream: true }) + dec.decode(bytes.subarray(cut));
    assert.equal(text, 'a€😀b', `cut at ${cut}`);
  }
  const dec = new g.TextDecoder();
  assert.equal(dec.decode(new Uint8Array([0xE2, 0x82]), { stream: true }), '');
  assert.equal(dec.decode(), '\uFFFD', 'an unfinished sequence at the end of the stream');
});

test('btoa and atob match the HTML spec (checked against Node)', () => {
  const strings = ['', 'a', 'ab', 'abc', 'abcd', 'hello world', '\u0000\u00ff\u0080', String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i))];
  for (const s of strings) {
    assert.equal(g.btoa(s), btoa(s));
    assert.equal(g.atob(g.btoa(s)), s);
  }
  for (const s of ['YQ', 'YQ=', 'YQ==', 'YWI', ' Y W\tI=\n', 'YWJj', 'YQ===', 'Y', '====', 'a+/b', 'YR==', '']) {
    let expected;
    try { expected = atob(s); } catch (e) { expected = e.name; }
    let actual;
    try { actual = g.atob(s); } catch (e) { actual = e.name; }
    assert.equal(actual, expected, JSON.stringify(s));
  }
  assert.equal(g.btoa(null), btoa(null));
  assert.equal(g.atob('undefined'.slice(0, 8)), atob('undefined'.slice(0, 8)));
});

test('btoa and atob throw InvalidCharacterError DOMExceptions', () => {
  throwsNamed(assert, () => g.btoa('€'), 'InvalidCharacterError');
  throwsNamed(assert, () => g.atob('abc$'), 'InvalidCharacterError');
  throwsNamed(assert, () => g.atob('a'), 'InvalidCharacterError');
  try { g.atob('!'); } catch (e) { assert.equal(e instanceof g.DOMException, true); assert.equal(e.code, 5); }
  throwsNamed(assert, () => g.atob(), 'TypeError');
});
