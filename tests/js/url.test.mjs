// Tests URL and URLSearchParams. Node's own (WHATWG-conformant) URL is the oracle for parsing,
// relative resolution and setters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPrelude, throwsNamed } from './harness.mjs';

const { g } = loadPrelude();
const fields = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname', 'port', 'pathname', 'search', 'hash'];
const describeUrl = (make) => {
  try {
    const u = make();
    return Object.fromEntries(fields.map((k) => [k, u[k]]));
  } catch (e) {
    return `throws ${e.name}`;
  }
};

const cases = [
  ['http://EXAMPLE.com:80/a/./b/../c d?x y#z w'], ['https://user:pa ss@host:443/'], ['/foo/../bar?q', 'http://a.com/x/y'],
  ['../../x', 'http://a/b/c/d'], ['//other/p', 'https://a/b'], ['?q=1', 'http://a/b?x#y'], ['#frag', 'http://a/b?x'],
  ['', 'http://a/b?x#y'], ['g;x?y#s', 'http://a/b/c/d;p?q'], ['../../../g', 'http://a/b/c/d;p?q'],
  ['http://[::1]:8080/'], ['http://[2001:db8:0:0:1:0:0:1]/'], ['http://[::ffff:192.168.0.1]/'], ['http://[1::]/'], ['http://[::]/'],
  ['http://[1:2:3:4:5:6:7:8]/'], ['http://[1:0:0:2::3:0]/'], ['http://[::1'], ['http://[:1]/'], ['http://[1:2:3:4:5:6:7:8:9]/'],
  ['http://0x7f.1/'], ['http://192.168.0.257/'], ['http://1.2.3.4.5/'], ['http://1.2.3/'], ['http://0/'], ['http://999999999/'],
  ['http://4294967296/'], ['http://a.b.c.09/'], ['http://foo.0x/'], ['http://0300.0250.0.1/'], ['http://1.2.3.4./'],
  ['file:///C:/x/../y'], ['file://localhost/etc/passwd'], ['file:///tmp/a b'], ['file:c:\\x\\y'], ['x', 'file:///a/b'],
  ['mailto:foo@bar.com'], ['data:text/plain,hello world'], ['javascript:alert(1)'], ['sc://host/path'], ['sc:/a b '],
  ['sc://ho st/'], ['sc://h%20st/'], ['non-spec:/.//p'], ['sc:opaque#f', undefined], ['#x', 'sc:opaque'], ['y', 'sc:opaque'],
  ['http://münchen.de/ü?ü=ü#ü'], ['http://xn--mnchen-3ya.de/'], ['https://ÖBB.at/'], ['http://日本.jp/'],
  ['http://a/%2e%2E/b'], ['http://a/b/c/..'], ['http://a/b/c/.'], ['http://a/b/%2e'], ['http:\\\\a\\b\\c'], ['HTTP://A.B/'],
  ['ws://x:80/'], ['wss://x:443/a'], ['ftp://x:21/'], ['http://a:65535/'], ['http://a:65536/'], ['http://a:b/'], ['http://a:/'],
  ['http://a b/'], ['http://a<b/'], ['http://%41.com/'], ['http://%zz/'], ['http://'], ['http:'], ['not a url'], ['//a/b'],
  ['  http://trim.me/  '], ['http://a/b\tc\nd'], ['blob:https://a.com/uuid'], ['blob:foo'], ["http://a.com/?a='b'"],
  ["sc://a/?a='b'"], ['http://a@b@c/'], ['http://:p@h/'], ['http://u:@h/'], ['http://@h/'], ['http://a/{}|`^"<>'],
  ['http://a/?{}|`^"<>#{}|`^"<>'], ['http://a/\u0000\u001f\u007f'], ['http://a/😀?😀#😀'], ['http:/a/b'], ['http:a'],
  ['http:a', 'http://base/x'], ['https:a', 'http://base/x'], ['HTTP://a/', undefined],
];

test('parses like the WHATWG URL standard (Node as the oracle)', () => {
  for (const [input, base] of cases) {
    const label = JSON.stringify([input, base]);
    assert.deepEqual(describeUrl(() => new g.URL(input, base)), describeUrl(() => new URL(input, base)), label);
    assert.equal(g.URL.canParse(input, base), URL.canParse(input, base), label);
  }
});

test('throws TypeError on invalid input or base', () => {
  throwsNamed(assert, () => new g.URL('nope'), 'TypeError', /Invalid URL/);
  throwsNamed(assert, () => new g.URL('/x', 'nope'), 'TypeError', /Invalid base URL/);
  throwsNamed(assert, () => new g.URL(), 'TypeError');
  assert.equal(g.URL.parse('nope'), null);
  assert.equal(g.URL.parse('/a', 'http://x/').href, 'http://x/a');
});

test('setters behave like the standard (Node as the oracle)', () => {
  const bases = ['http://u:p@example.com:8080/a/b?q=1#h', 'file:///c/d', 'sc://host/p', 'mailto:x@y', 'https://h/'];
  const values = {
    protocol: ['https', 'ftp:', 'file', 'sc', 'ws', '1bad', 'http:x'],
    username: ['me', 'a b@c', ''],
    password: ['s3cr:t', ''],
    host: ['other.org:99', 'other.org', '[::1]:81', 'bad host', 'h:99999', ''],
    hostname: ['x.y', 'x:1', '', 'EXAMPLE.ORG'],
    port: ['443', '80', '1234abc', '', '99999', 'x'],
    pathname: ['/new path', 'rel', '/a/../b', ''],
    search: ['?a=b c', 'x=1', '', '?'],
    hash: ['#frag ment', 'x', '', '#'],
    href: ['http://z/'],
  };
  for (const base of bases) {
    for (const [field, list] of Object.entries(values)) {
      for (const value of list) {
        const label = `${base} .${field} = ${JSON.stringify(value)}`;
        const ours = describeUrl(() => { const u = new g.URL(base); u[field] = value; return u; });
        const theirs = describeUrl(() => { const u = new URL(base); u[field] = value; return u; });
        assert.deepEqual(ours, theirs, label);
      }
    }
  }
  throwsNamed(assert, () => { new g.URL('http://a/').href = 'nope'; }, 'TypeError');
});

test('searchParams is live-linked to the URL', () => {
  const u = new g.URL('http://a/p?x=1&y=2#h');
  const sp = u.searchParams;
  assert.equal(sp, u.searchParams, 'the same object every time');
  assert.equal(sp.get('x'), '1');
  sp.append('z', 'a b&c');
  assert.equal(u.href, 'http://a/p?x=1&y=2&z=a+b%26c#h');
  sp.delete('x');
  sp.delete('y');
  sp.delete('z');
  assert.equal(u.href, 'http://a/p#h', 'an empty list removes the query');
  u.search = '?k=v';
  assert.equal(sp.get('k'), 'v', 'setting search updates the params');
  u.href = 'http://b/?n=m';
  assert.equal(sp.get('n'), 'm', 'setting href updates the params');
  assert.equal(u.toString(), 'http://b/?n=m');
  assert.equal(u.toJSON(), 'http://b/?n=m');
  assert.equal(JSON.stringify({ u }), '{"u":"http://b/?n=m"}');
});

test('URLSearchParams parses and serialises like the standard (Node as the oracle)', () => {
  const inputs = ['', '?a=1&b=2', 'a=1&a=2&b', '&&a=&=b&', 'a+b=c+d', 'x=%E2%82%AC%20%zz%4', 'q=%F0%9F%98%80', 'bad=%FF',
    'k=v=w', '?', '??a=1', 'a%3Db=c'];
  for (const input of inputs) {
    const ours = new g.URLSearchParams(input);
    const theirs = new URLSearchParams(input);
    assert.deepEqual([...ours].map((p) => [...p]), [...theirs], input);
    assert.equal(ours.toString(), theirs.toString(), input);
    assert.equal(ours.size, theirs.size);
  }
  const special = [['a b', 'c&d=e'], ['€', '😀'], ['*-._', '~!\'()'], ['x\uD800', 'y'], ['+', '%']];
  assert.equal(new g.URLSearchParams(special).toString(), new URLSearchParams(special).toString());
});

test('URLSearchParams from records, pairs and other params; bad pairs throw', () => {
  assert.equal(new g.URLSearchParams({ a: '1', b: 2 }).toString(), 'a=1&b=2');
  assert.equal(new g.URLSearchParams([['a', '1'], ['a', '2']]).getAll('a').join(), '1,2');
  const copy = new g.URLSearchParams(new g.URLSearchParams('x=1&y=2'));
  assert.equal(copy.toString(), 'x=1&y=2');
  assert.equal(new g.URLSearchParams(new Map([['m', 'n']])).get('m'), 'n');
  throwsNamed(assert, () => new g.URLSearchParams([['a']]), 'TypeError');
  throwsNamed(assert, () => new g.URLSearchParams([['a', 'b', 'c']]), 'TypeError');
  throwsNamed(assert, () => new g.URLSearchParams(['ab']), 'TypeError');
});

test('URLSearchParams methods', () => {
  const sp = new g.URLSearchParams('b=2&a=1&b=3&c=4');
  assert.equal(sp.get('b'), '2');
  assert.equal(sp.get('none'), null);
  assert.deepEqual([...sp.getAll('b')], ['2', '3']);
  assert.equal(sp.has('a'), true);
  assert.equal(sp.has('b', '3'), true);
  assert.equal(sp.has('b', '4'), false);
  sp.set('b', '9');
  assert.equal(sp.toString(), 'b=9&a=1&c=4', 'set replaces the first and removes the others in place');
  sp.append('a', '0');
  sp.sort();
  assert.equal(sp.toString(), 'a=1&a=0&b=9&c=4', 'sort is stable');
  sp.delete('a', '0');
  assert.equal(sp.toString(), 'a=1&b=9&c=4');
  const seen = [];
  sp.forEach((v, k, self) => { seen.push(`${k}:${v}`); assert.equal(self, sp); });
  assert.deepEqual(seen, ['a:1', 'b:9', 'c:4']);
  assert.deepEqual([...sp.keys()], ['a', 'b', 'c']);
  assert.deepEqual([...sp.values()], ['1', '9', '4']);
  assert.deepEqual([...sp.entries()].map((e) => e.join('=')), ['a=1', 'b=9', 'c=4']);
  assert.equal(sp.size, 3);
  const byCodeUnit = new g.URLSearchParams([['\uFFFD', 'x'], ['😀', 'y']]);
  byCodeUnit.sort();
  assert.deepEqual([...byCodeUnit.keys()], ['😀', '\uFFFD'], 'sorted by UTF-16 code units');
});
