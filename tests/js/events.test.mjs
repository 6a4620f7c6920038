// Tests Event, EventTarget, AbortController and AbortSignal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPrelude, throwsNamed } from './harness.mjs';

const { g, run, logs } = loadPrelude();

test('Event has its init flags and cancelation', () => {
  const e = new g.Event('ping', { cancelable: true, bubbles: true });
  assert.equal(e.type, 'ping');
  assert.equal(e.bubbles, true);
  assert.equal(e.cancelable, true);
  assert.equal(e.defaultPrevented, false);
  assert.equal(e.eventPhase, g.Event.NONE);
  e.preventDefault();
  assert.equal(e.defaultPrevented, true);
  const notCancelable = new g.Event('x');
  notCancelable.preventDefault();
  assert.equal(notCancelable.defaultPrevented, false);
  throwsNamed(assert, () => new g.Event(), 'TypeError');
});

test('EventTarget runs listeners in order, once, handleEvent objects, and removal', () => {
  const t = new g.EventTarget();
  const calls = [];
  const a = (e) => calls.push(['a', e.target === t, e.currentTarget === t, e.eventPhase]);
  t.addEventListener('x', a);
  t.addEventListener('x', a);  // duplicates are ignored
  t.addEventListener('x', () => calls.push('once'), { once: true });
  t.addEventListener('x', { handleEvent(e) { calls.push(['object', this !== t, e.type]); } });
  t.addEventListener('other', () => calls.push('other'));
  assert.equal(t.dispatchEvent(new g.Event('x')), true);
  t.dispatchEvent(new g.Event('x'));
  assert.deepEqual(calls, [['a', true, true, 2], 'once', ['object', true, 'x'], ['a', true, true, 2], ['object', true, 'x']]);
  t.removeEventListener('x', a);
  calls.length = 0;
  t.dispatchEvent(new g.Event('x'));
  assert.deepEqual(calls, [['object', true, 'x']]);
  throwsNamed(assert, () => t.dispatchEvent({ type: 'x' }), 'TypeError');
});

test('dispatchEvent reports listener errors and keeps going; stopImmediatePropagation stops; preventDefault is returned', () => {
  const t = new g.EventTarget();
  const calls = [];
  t.addEventListener('x', () => { throw new Error('listener failed'); });
  t.addEventListener('x', (e) => { calls.push(1); e.preventDefault(); e.stopImmediatePropagation(); });
  t.addEventListener('x', () => calls.push(2));
  logs.length = 0;
  assert.equal(t.dispatchEvent(new g.Event('x', { cancelable: true })), false);
  assert.deepEqual(calls, [1]);
  assert.equal(logs.length, 1);
  assert.equal(logs[0][0], 'error');
  assert.match(logs[0][1], /listener failed/);
});

test('a listener added with an aborted or later-aborted signal is removed', () => {
  const t = new g.EventTarget();
  const c = new g.AbortController();
  let n = 0;
  t.addEventListener('x', () => n++, { signal: c.signal });
  t.dispatchEvent(new g.Event('x'));
  c.abort();
  t.dispatchEvent(new g.Event('x'));
  assert.equal(n, 1);
  t.addEventListener('x', () => n++, { signal: g.AbortSignal.abort() });
  t.dispatchEvent(new g.Event('x'));
  assert.equal(n, 1);
});

test('AbortController aborts its signal once, with a reason, firing onabort and listeners', () => {
  const c = new g.AbortController();
  const s = c.signal;
  assert.equal(s.aborted, false);
  assert.equal(s.reason, undefined);
  s.throwIfAborted();
  const seen = [];
  s.onabort = (e) => seen.push(['onabort', e.type]);
  s.addEventListener('abort', () => seen.push('listener'));
  c.abort('why');
  c.abort('again');
  assert.equal(s.aborted, true);
  assert.equal(s.reason, 'why');
  assert.deepEqual(seen, [['onabort', 'abort'], 'listener']);
  assert.throws(() => s.throwIfAborted(), (e) => e === 'why');

  const d = new g.AbortController();
  d.abort();
  assert.equal(d.signal.reason.name, 'AbortError');
  assert.equal(d.signal.reason instanceof g.DOMException, true);
});

test('AbortSignal.abort, AbortSignal.any and the constructor guard', () => {
  const s = g.AbortSignal.abort();
  assert.equal(s.aborted, true);
  assert.equal(s.reason.name, 'AbortError');
  assert.equal(g.AbortSignal.abort(42).reason, 42);
  throwsNamed(assert, () => new g.AbortSignal(), 'TypeError');
  const c = new g.AbortController();
  const any = g.AbortSignal.any([new g.AbortController().signal, c.signal]);
  assert.equal(any.aborted, false);
  c.abort('r');
  assert.equal(any.aborted, true);
  assert.equal(any.reason, 'r');
  assert.equal(g.AbortSignal.any([g.AbortSignal.abort('x')]).reason, 'x');
});

test('AbortSignal.timeout uses the runtime timers, with a TimeoutError', async () => {
  throwsNamed(assert, () => g.AbortSignal.timeout(1), 'TypeError', /timers/);
  g.setTimeout = (fn, ms) => setTimeout(fn, ms);  // the runtime defines setTimeout
  const s = g.AbortSignal.timeout(5);
  assert.equal(s.aborted, false);
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(s.aborted, true);
  assert.equal(s.reason.name, 'TimeoutError');
  delete g.setTimeout;
  throwsNamed(assert, () => run('AbortSignal.timeout(-1)'), 'TypeError');
});
