// Tests console.*: levels, format specifiers and the inspection of objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import util from 'node:util';
import { loadPrelude } from './harness.mjs';

const { run, logs } = loadPrelude();
const logged = (code) => {
  logs.length = 0;
  run(code);
  return logs.map(([level, message]) => `${level}|${message}`);
};
const line = (code) => {
  const out = logged(code);
  assert.equal(out.length, 1, `one line from ${code}`);
  return out[0].slice(out[0].indexOf('|') + 1);
};

test('each method logs one line at its level', () => {
  assert.deepEqual(logged("console.log('a'); console.info('b'); console.debug('c'); console.warn('d'); console.error('e')"),
    ['log|a', 'info|b', 'debug|c', 'warn|d', 'error|e']);
  const trace = line("console.trace('here', 1)");
  assert.match(trace, /^Trace: here 1\n/);
  assert.deepEqual(logged('console.assert(true, "no")'), []);
  assert.deepEqual(logged('console.assert(false, "yes %d", 1)'), ['error|Assertion failed: yes 1']);
  assert.deepEqual(logged("console.count(); console.count(); console.count('x')"), ['info|default: 1', 'info|default: 2', 'info|x: 1']);
  assert.deepEqual(logged("console.group('g'); console.log('in\\nside'); console.groupEnd(); console.log('out')"),
    ['log|g', 'log|  in\n  side', 'log|out']);
  assert.match(line("console.time('t'); console.timeEnd('t')"), /^t: \d+\.\d{3}ms$/);
});

test('strings print as is, other values like Node', () => {
  const values = ["'str'", '42', '-0', '1n', 'true', 'null', 'undefined', 'Symbol("s")', '[1, "a", [2, [3, [4, [5]]]]]',
    '({ a: 1, "b-c": "x", nested: { d: { e: { f: 1 } } } })', 'new Map([["k", { v: 1 }]])', 'new Set([1, "two"])',
    '[]', '({})', 'Object.create(null)', 'new (class Foo { constructor() { this.x = 1; } })()', 'function named() {}',
    '() => {}', 'class K {}', 'async function af() {}', 'new Uint8Array([1, 2, 3])', '[1, , 3]', 'new Date(0)', '/re/g',
    '"it\'s"', '({ s: "it\'s" })', '({ [Symbol("k")]: 1 })', '({ get g() { return 1; } })', 'new String("boxed")',
'({ long: "' + 'x'.repeat(80) + '", other: 1 })'];
  for (const v of values) {
    const expected = util.format(run(`(${v})`));
    assert.equal(line(`console.log(${v})`), expected, v);
  }
});

test('format specifiers %s %d %i %f %j %o %O %c %%', () => {
  const cases = [
    ["'%s and %s', 'a', 2"], ["'%d', '42'"], ["'%d', 1.5"], ["'%i', 1.9"], ["'%f', '2.5x'"], ["'%j', { a: [1] }"],
    ["'%O', { a: 1 }"], ["'100%% sure %s', 'yes'"], ["'%c styled', 'color: red'"], ["'%s', null"], ["'%d', 10n"],
    ["'missing %s %s', 'one'"], ["'%x %s', 'y'"], ["'extra', 1, 'two', { three: 3 }"], ["1, 2"], ["'%s', { o: { p: { q: 1 } } }"],
  ];
  for (const [args] of cases) {
    assert.equal(line(`console.log(${args})`), util.format(...run(`[${args}]`)), args);
  }
  assert.equal(line("const c = {}; c.c = c; console.log('%j', c)"), '[Circular]');
});

test('circular references, depth limit, errors and wws classes', () => {
  assert.equal(line('const a = { n: 1 }; a.self = a; console.log(a)'), '{ n: 1, self: [Circular] }');
  assert.equal(line('const l = [1]; l.push(l); console.log(l)'), '[ 1, [Circular] ]');
  assert.equal(line('console.log({ a: { b: { c: { d: {} } } } })'), '{ a: { b: { c: [Object] } } }');
  const error = line("console.log(new TypeError('bad thing'))");
  assert.match(error, /^TypeError: bad thing\n {4}at /);
  assert.match(line("console.log({ e: new Error('inner') })"), /^\{\n  e: Error: inner\n/);
  const long = line('console.log(new Array(120).fill(7))');
  assert.match(long, /^\[\n  7, 7, 7/);
  assert.match(long, /\.\.\. 20 more items\n\]$/);
  assert.ok(long.split('\n').length < 10, 'short items share lines');
  assert.equal(line("console.log(new Headers({ 'X-A': '1' }))"), "Headers { 'x-a': '1' }");
  assert.match(line("console.log(new Response('x', { status: 201 }))"), /^Response \{\n {2}status: 201,/);
  assert.match(line("console.log(new URL('http://a/b'))"), /href: 'http:\/\/a\/b'/);
  assert.equal(line("console.log(new URLSearchParams('a=1'))"), "URLSearchParams { a: '1' }");
  assert.equal(line('console.log(new Uint8Array([1,2]).buffer)'), 'ArrayBuffer { [Uint8Contents]: <01 02>, byteLength: 2 }');
  assert.equal(line('console.log(Promise.resolve(1))'), 'Promise { <unknown> }');
});

test('a throwing getter or toString does not break console.log of other values', () => {
  assert.equal(line("console.log({ get boom() { throw new Error('x'); } })"), '{ boom: [Getter] }');
  assert.equal(line("console.log('%s', Object.create(null))"), '[Object: null prototype] {}');
});
