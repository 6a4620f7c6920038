// 15_events.js: Event, EventTarget, AbortController and AbortSignal.
// There is no DOM tree, so dispatch only ever reaches the target itself (AT_TARGET phase).
(() => {
  'use strict';
  const P = globalThis.__wws_prelude;
  const { DOMException } = P;

  const NONE = 0;
  const AT_TARGET = 2;
  let setDispatchState;  // (event, target, dispatching) — friend of Event, set in its static block
  let stopFlags;          // event -> { propagation, immediate }

  class Event {
    #type;
    #bubbles;
    #cancelable;
    #composed;
    #canceled = false;
    #stopPropagation = false;
    #stopImmediate = false;
    #target = null;
    #dispatching = false;
    #timeStamp = Date.now();

    constructor(type, init = undefined) {
      if (arguments.length === 0) throw new TypeError('Event: 1 argument required, but only 0 present');
      this.#type = `${type}`;
      const opts = init ?? {};
      this.#bubbles = Boolean(opts.bubbles);
      this.#cancelable = Boolean(opts.cancelable);
      this.#composed = Boolean(opts.composed);
    }

    static {
      setDispatchState = (event, target, dispatching) => {
        event.#target = target;
        event.#dispatching = dispatching;
        if (!dispatching) { event.#stopPropagation = false; event.#stopImmediate = false; }
      };
      stopFlags = (event) => ({ propagation: event.#stopPropagation, immediate: event.#stopImmediate });
    }

    get type() { return this.#type; }
    get target() { return this.#target; }
    get srcElement() { return this.#target; }
    get currentTarget() { return this.#dispatching ? this.#target : null; }
    get eventPhase() { return this.#dispatching ? AT_TARGET : NONE; }
    get bubbles() { return this.#bubbles; }
    get cancelable() { return this.#cancelable; }
    get composed() { return this.#composed; }
    get defaultPrevented() { return this.#canceled; }
    get returnValue() { return !this.#canceled; }
    set returnValue(value) { if (!value) this.preventDefault(); }
    get cancelBubble() { return this.#stopPropagation; }
    set cancelBubble(value) { if (value) this.#stopPropagation = true; }
    get isTrusted() { return false; }
    get timeStamp() { return this.#timeStamp; }
    composedPath() { return this.#dispatching ? [this.#target] : []; }
    preventDefault() { if (this.#cancelable) this.#canceled = true; }
    stopPropagation() { this.#stopPropagation = true; }
    stopImmediatePropagation() { this.#stopPropagation = true; this.#stopImmediate = true; }
    [P.inspect]() { return { type: this.type, defaultPrevented: this.defaultPrevented, cancelable: this.cancelable }; }
  }
  for (const [name, value] of [['NONE', 0], ['CAPTURING_PHASE', 1], ['AT_TARGET', 2], ['BUBBLING_PHASE', 3]]) {
    Object.defineProperty(Event, name, { value, enumerable: true });
    Object.defineProperty(Event.prototype, name, { value, enumerable: true });
  }
  P.setToStringTag(Event, 'Event');

  const flattenCapture = (options) => (typeof options === 'boolean' ? options : Boolean(options && options.capture));

  let listenersOf;  // friend accessor for the fetch event dispatch

  class EventTarget {
    #listeners = new Map();  // type -> [{ callback, capture, once, removed }]

    static {
      listenersOf = (target, type) => (target.#listeners.get(type) ?? []).filter((l) => !l.removed);
    }

    addEventListener(type, callback, options = undefined) {
      if (callback === null || callback === undefined) return;
      if (typeof callback !== 'function' && typeof callback !== 'object') {
        throw new TypeError("EventTarget.addEventListener: 'callback' must be a function or an object with handleEvent");
      }
      const capture = flattenCapture(options);
      const once = Boolean(options && typeof options === 'object' && options.once);
      const signal = options && typeof options === 'object' ? options.signal : undefined;
      if (signal !== undefined && !(signal instanceof AbortSignal)) {
        throw new TypeError("EventTarget.addEventListener: 'signal' must be an AbortSignal");
      }
      if (signal && signal.aborted) return;
      const key = `${type}`;
      let list = this.#listeners.get(key);
      if (!list) { list = []; this.#listeners.set(key, list); }
      if (list.some((l) => l.callback === callback && l.capture === capture && !l.removed)) return;
      const listener = { callback, capture, once, removed: false };
      list.push(listener);
      if (signal) signal.addEventListener('abort', () => this.removeEventListener(key, callback, { capture }));
    }

    removeEventListener(type, callback, options = undefined) {
      const key = `${type}`;
      const list = this.#listeners.get(key);
      if (!list) return;
      const capture = flattenCapture(options);
      const index = list.findIndex((l) => l.callback === callback && l.capture === capture && !l.removed);
      if (index < 0) return;
      list[index].removed = true;
      list.splice(index, 1);
    }

    dispatchEvent(event) {
      if (!(event instanceof Event)) throw new TypeError("EventTarget.dispatchEvent: 'event' must be an Event");
      if (event.eventPhase !== NONE) {
        throw new DOMException('EventTarget.dispatchEvent: the event is already being dispatched', 'InvalidStateError');
      }
      dispatch(this, event, reportError);
      return !event.defaultPrevented;
    }
  }
  P.setToStringTag(EventTarget, 'EventTarget');

  // Like a browser: a listener's exception is reported and does not stop the other listeners.
  function reportError(error) {
    const c = globalThis.console;
    if (c && typeof c.error === 'function') c.error('Uncaught', error);
  }

  // Runs the listeners registered when dispatch starts; `onError` gets every exception they throw.
  function dispatch(target, event, onError) {
    const listeners = listenersOf(target, event.type);
    setDispatchState(event, target, true);
    try {
      for (const listener of listeners) {
        if (listener.removed) continue;
        if (listener.once) target.removeEventListener(event.type, listener.callback, { capture: listener.capture });
        try {
          if (typeof listener.callback === 'function') {
            listener.callback.call(target, event);
          } else {
            const handleEvent = listener.callback.handleEvent;
            if (typeof handleEvent !== 'function') throw new TypeError("the event listener has no 'handleEvent' method");
            handleEvent.call(listener.callback, event);
          }
        } catch (error) {
          onError(error);
        }
        if (stopFlags(event).immediate) break;
      }
    } finally {
      setDispatchState(event, target, false);
    }
  }

  const constructing = Symbol('AbortSignal internal');

  class AbortSignal extends EventTarget {
    #aborted = false;
    #reason = undefined;
    #onabort = null;

    constructor(token) {
      if (token !== constructing) throw new TypeError('Illegal constructor');
      super();
    }

    static abort(reason = undefined) {
      const signal = new AbortSignal(constructing);
      signal.#markAborted(reason);
      return signal;
    }

    static timeout(milliseconds) {
      const ms = Number(milliseconds);
      if (!Number.isFinite(ms) || ms < 0) throw new TypeError("AbortSignal.timeout: 'milliseconds' must be a non-negative number");
      if (typeof globalThis.setTimeout !== 'function') throw new TypeError('AbortSignal.timeout: timers are not available');
      const signal = new AbortSignal(constructing);
      globalThis.setTimeout(() => signal.#signalAbort(new DOMException('The operation timed out.', 'TimeoutError')), ms);
      return signal;
    }

    static any(signals) {
      const list = [...signals];
      const result = new AbortSignal(constructing);
      const already = list.find((s) => s.aborted);
      if (already) { result.#markAborted(already.reason); return result; }
      for (const s of list) s.addEventListener('abort', () => result.#signalAbort(s.reason), { once: true });
      return result;
    }

    get aborted() { return this.#aborted; }
    get reason() { return this.#reason; }
    throwIfAborted() { if (this.#aborted) throw this.#reason; }

    get onabort() { return this.#onabort; }
    set onabort(handler) {
      const first = this.#onabort === null;
      this.#onabort = typeof handler === 'function' || (handler && typeof handler === 'object') ? handler : null;
      // Like an event handler attribute: registered once, in order, and always calls the current value.
      if (first && this.#onabort !== null) {
        this.addEventListener('abort', (event) => {
          const h = this.#onabort;
          if (typeof h === 'function') h.call(this, event);
        });
      }
    }

    #markAborted(reason) {
      this.#aborted = true;
      this.#reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    }

    #signalAbort(reason) {
      if (this.#aborted) return;
      this.#markAborted(reason);
      this.dispatchEvent(new Event('abort'));
    }

    static {
      P.abortSignal = (signal, reason) => signal.#signalAbort(reason);
      P.newAbortSignal = () => new AbortSignal(constructing);
    }

    [P.inspect]() { return { aborted: this.aborted }; }
  }
  P.setToStringTag(AbortSignal, 'AbortSignal');

  class AbortController {
    #signal = P.newAbortSignal();
    get signal() { return this.#signal; }
    abort(reason = undefined) { P.abortSignal(this.#signal, reason); }
    [P.inspect]() { return { signal: this.#signal }; }
  }
  P.setToStringTag(AbortController, 'AbortController');

  P.dispatchEvent = dispatch;
  P.listenersOf = listenersOf;
  P.defineGlobal('Event', Event);
  P.defineGlobal('EventTarget', EventTarget);
  P.defineGlobal('AbortSignal', AbortSignal);
  P.defineGlobal('AbortController', AbortController);
})();
