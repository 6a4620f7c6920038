// Tests Headers, including the original kit's bugs being fixed: case-sensitive names,
// append() overwriting, and no iteration / has().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPrelude, throwsNamed } from './harness.mjs';

const { g } = loadPrelude();
const pairs = (h) => [...h].map(([k, v]) => [k, v]);

test('names are case-insensitive (kit bug: get("Content-Type") missed "content-type")', () => {
  const h = new g.Headers({ 'content-type': 'text/html' });
  assert.equal(h.get('Content-Type'), 'text/html');
  assert.equal(h.get('CONTENT-TYPE'), 'text/html');
  assert.equal(h.has('Content-type'), true);
  h.set('X-Custom', 'a');
  assert.equal(h.get('x-custom'), 'a');
  h.delete('X-CUSTOM');
  assert.equal(h.has('x-custom'), false);
  assert.equal(h.get('missing'), null);
});

test('append combines values with ", " (kit bug: append overwrote)', () => {
  const h = new g.Headers();
  h.append('Accept', 'text/html');
  h.append('accept', 'application/json');
  assert.equal(h.get('ACCEPT'), 'text/html, application/json');
  h.set('accept', 'x');
  assert.equal(h.get('accept'), 'x');
});

test('iterates sorted, lower-case, combined (kit bug: no iteration)', () => {
  const h = new g.Headers([['B', '2'], ['a', '1'], ['C', '3'], ['b', '4']]);
  assert.deepEqual(pairs(h), [['a', '1'], ['b', '2, 4'], ['c', '3']]);
  assert.deepEqual(pairs(h.entries()), pairs(h));
  assert.deepEqual([...h.keys()], ['a', 'b', 'c']);
  assert.deepEqual([...h.values()], ['1', '2, 4', '3']);
  const seen = [];
  h.forEach(function (value, name, self) { seen.push([name, value, self === h, this.tag]); }, { tag: 't' });
  assert.deepEqual(seen, [['a', '1', true, 't'], ['b', '2, 4', true, 't'], ['c', '3', true, 't']]);
  assert.equal(Object.prototype.toString.call(h), '[object Headers]');
});

test('Set-Cookie values stay separate', () => {
  const h = new g.Headers();
  h.append('Set-Cookie', 'a=1; Path=/');
  h.append('set-cookie', 'b=2, with comma');
  h.append('X', 'y');
  assert.deepEqual([...h.getSetCookie()], ['a=1; Path=/', 'b=2, with comma']);
  assert.equal(h.get('set-cookie'), 'a=1; Path=/, b=2, with comma');
  assert.deepEqual(pairs(h), [['set-cookie', 'a=1; Path=/'], ['set-cookie', 'b=2, with comma'], ['x', 'y']]);
  assert.deepEqual([...new g.Headers().getSetCookie()], []);
  assert.deepEqual([...new g.Headers(h).getSetCookie()], ['a=1; Path=/', 'b=2, with comma'], 'copies keep them apart');
});

test('constructs from Headers, pairs, records and iterables; the copy is independent', () => {
  const a = new g.Headers({ A: '1', b: 2 });
  const b = new g.Headers(a);
  b.set('a', 'changed');
  assert.equal(a.get('a'), '1');
  assert.equal(b.get('b'), '2');
  assert.deepEqual(pairs(new g.Headers(new Map([['M', 'n']]))), [['m', 'n']]);
  assert.deepEqual(pairs(new g.Headers(undefined)), []);
  assert.deepEqual(pairs(new g.Headers(null)), []);
  throwsNamed(assert, () => new g.Headers([['a']]), 'TypeError');
  throwsNamed(assert, () => new g.Headers([['a', 'b', 'c']]), 'TypeError');
  throwsNamed(assert, () => new g.Headers(['ab']), 'TypeError');
  throwsNamed(assert, () => new g.Headers('a: b'), 'TypeError');
});

test('validates names and values, trims whitespace', () => {
  const h = new g.Headers();
  for (const bad of ['', 'a b', 'a:b', 'é', 'a\n', '(x)']) throwsNamed(assert, () => h.set(bad, 'v'), 'TypeError');
  for (const bad of ['a\nb', 'a\rb', 'a\0b', '€']) throwsNamed(assert, () => h.set('x', bad), 'TypeError');
  h.set('x', '  \t padded \t ');
  assert.equal(h.get('x'), 'padded');
  h.set('latin', 'café');
  assert.equal(h.get('latin'), 'café');
  h.set('empty', '');
  assert.equal(h.get('empty'), '');
  assert.equal(h.has('empty'), true);
  throwsNamed(assert, () => h.get('bad name'), 'TypeError');
});

test('matches Node\'s Headers on a mixed sequence of operations', () => {
  const ops = (H) => {
    const h = new H([['Content-Type', 'a'], ['X-B', ' 1 ']]);
    h.append('x-b', '2');
    h.append('Set-Cookie', 's=1');
    h.append('set-cookie', 's=2');
    h.append('Vary', 'Accept');
    h.set('vary', 'Origin');
    h.delete('content-type');
    return { list: [...h].map(([k, v]) => `${k}=${v}`), cookies: [...h.getSetCookie()], xb: h.get('X-B') };
  };
  assert.deepEqual(ops(g.Headers), ops(Headers));
});
