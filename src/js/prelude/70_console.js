// 70_console.js: console.*, formatting its arguments roughly like Node (format specifiers,
// and a small inspect for objects), one line per call to the runtime's log native.
(() => {
  'use strict';
  const P = globalThis.__wws_prelude;
  const { native } = P;

  const MAX_DEPTH = 2;           // like Node: deeper objects print as [Object]
  const MAX_ITEMS = 100;         // array / map / set entries shown
  const MAX_STRING = 10000;      // characters of a nested string shown
  const BREAK_LENGTH = 72;       // one-line limit before entries go on their own lines

  const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

  const quote = (s) => {
    const q = !s.includes("'") ? "'" : !s.includes('"') ? '"' : !s.includes('`') ? '`' : "'";
    let body = s.length > MAX_STRING ? s.slice(0, MAX_STRING) : s;
    body = body.replace(/[\\\n\r\t\b\f\v\0]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\0': '\\x00' })[c]);
    if (q === "'") body = body.replace(/'/g, "\\'");
    const more = s.length > MAX_STRING ? `... ${s.length - MAX_STRING} more characters` : '';
    return q + body + q + more;
  };

  const formatKey = (key) => {
    if (typeof key === 'symbol') return `[${key.toString()}]`;
    return identifier.test(key) ? key : quote(key);
  };

  const constructorName = (value) => {
    let proto = Object.getPrototypeOf(value);
    while (proto !== null) {
      const desc = Object.getOwnPropertyDescriptor(proto, 'constructor');
      if (desc && typeof desc.value === 'function' && desc.value.name) return desc.value.name;
      proto = Object.getPrototypeOf(proto);
    }
    return null;
  };

  const formatFunction = (fn) => {
    const source = Function.prototype.toString.call(fn);
    if (/^class[\s{]/.test(source)) return `[class ${fn.name || '(anonymous)'}]`;
    const kind = fn.constructor && fn.constructor.name && fn.constructor.name !== 'Function' ? fn.constructor.name : 'Function';
    return fn.name ? `[${kind}: ${fn.name}]` : `[${kind} (anonymous)]`;
  };

  const formatError = (err) => {
    let stack = typeof err.stack === 'string' && err.stack ? err.stack : Error.prototype.toString.call(err);
    if (err.cause !== undefined && !stack.includes('[cause]')) stack += ` { [cause]: ${inspect(err.cause, 1, new Set())} }`;
    return stack;
  };

  const wrap = (prefix, entries, open, close, indent) => {
    if (entries.length === 0) return `${prefix}${open}${close}`;
    const oneLine = `${prefix}${open} ${entries.join(', ')} ${close}`;
    if (oneLine.length <= BREAK_LENGTH && !entries.some((e) => e.includes('\n'))) return oneLine;
    const pad = '  '.repeat(indent + 1);
    if (open === '[' && entries.length > 6 && entries.every((e) => (e.length <= 16 || e.startsWith('... ')) && !e.includes('\n'))) {
      // Many short items (e.g. numbers): several per line, as Node does.
      const lines = [];
      let current = '';
      for (const e of entries) {
        if (current !== '' && current.length + e.length + 2 > BREAK_LENGTH) { lines.push(current); current = ''; }
        current += (current === '' ? '' : ', ') + e;
      }
      lines.push(current);
      return `${prefix}${open}\n${lines.map((l) => pad + l).join(',\n')}\n${'  '.repeat(indent)}${close}`;
    }
    return `${prefix}${open}\n${entries.map((e) => pad + e.replace(/\n/g, '\n  ')).join(',\n')}\n${'  '.repeat(indent)}${close}`;
  };

  const ownEntries = (value, depth, seen, indent) => {
    const out = [];
    for (const key of Reflect.ownKeys(value)) {
      const desc = Reflect.getOwnPropertyDescriptor(value, key);
      if (!desc || !desc.enumerable) continue;
      let shown;
      if (desc.get && desc.set) shown = '[Getter/Setter]';
      else if (desc.get) shown = '[Getter]';
      else if (desc.set) shown = '[Setter]';
      else shown = inspect(desc.value, depth + 1, seen, indent + 1);
      out.push(`${formatKey(key)}: ${shown}`);
    }
    return out;
  };

  function inspect(value, depth = 0, seen = new Set(), indent = 0) {
    switch (typeof value) {
      case 'string': return quote(value);
      case 'number': return Object.is(value, -0) ? '-0' : String(value);
      case 'bigint': return `${value}n`;
      case 'boolean': return String(value);
      case 'undefined': return 'undefined';
      case 'symbol': return value.toString();
      case 'function': if (seen.has(value)) return '[Circular]'; break;
      default: if (value === null) return 'null';
    }
    if (typeof value === 'function' && Reflect.ownKeys(value).every((k) => ['length', 'name', 'prototype', 'arguments', 'caller'].includes(k))) {
      return formatFunction(value);
    }
    if (seen.has(value)) return '[Circular]';
    try {
      seen.add(value);
      return inspectObject(value, depth, seen, indent);
    } finally {
      seen.delete(value);
    }
  }

  function inspectObject(value, depth, seen, indent) {
    const name = constructorName(value);
    const tooDeep = depth > MAX_DEPTH;
    if (value instanceof Error || Object.prototype.toString.call(value) === '[object Error]') return formatError(value);
    if (typeof value === 'function') {
      return wrap(`${formatFunction(value)} `, ownEntries(value, depth, seen, indent).slice(0, MAX_ITEMS), '{', '}', indent);
    }
    if (typeof value[P.inspect] === 'function') {
      if (tooDeep) return `[${name}]`;
      const shown = value[P.inspect]();
      return wrap(`${name} `, ownEntries(shown, depth, seen, indent), '{', '}', indent);
    }
    if (Array.isArray(value)) {
      if (tooDeep) return '[Array]';
      const items = [];
      let holes = 0;
      const flushHoles = () => { if (holes) { items.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`); holes = 0; } };
      const shownLength = Math.min(value.length, MAX_ITEMS);
      for (let i = 0; i < shownLength; i++) {
        if (!Object.prototype.hasOwnProperty.call(value, i)) { holes++; continue; }
        flushHoles();
        items.push(inspect(value[i], depth + 1, seen, indent + 1));
      }
      flushHoles();
      if (value.length > MAX_ITEMS) items.push(`... ${value.length - MAX_ITEMS} more item${value.length - MAX_ITEMS > 1 ? 's' : ''}`);
      for (const key of Reflect.ownKeys(value)) {
        if (key === 'length' || (typeof key === 'string' && /^(0|[1-9][0-9]*)$/.test(key))) continue;
        const desc = Reflect.getOwnPropertyDescriptor(value, key);
        if (desc.enumerable) items.push(`${formatKey(key)}: ${inspect(value[key], depth + 1, seen, indent + 1)}`);
      }
      const prefix = name && name !== 'Array' ? `${name}(${value.length}) ` : '';
      return wrap(prefix, items, '[', ']', indent);
    }
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      if (tooDeep) return `[${name}]`;
      const items = Array.from(value.subarray(0, MAX_ITEMS), (x) => (typeof x === 'bigint' ? `${x}n` : Object.is(x, -0) ? '-0' : String(x)));
      if (value.length > MAX_ITEMS) items.push(`... ${value.length - MAX_ITEMS} more items`);
      return wrap(`${name}(${value.length}) `, items, '[', ']', indent);
    }
    if (value instanceof ArrayBuffer) {
      const bytes = new Uint8Array(value, 0, Math.min(value.byteLength, 50));
      const hexBytes = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
      const more = value.byteLength > 50 ? ` ... ${value.byteLength - 50} more bytes` : '';
      return `ArrayBuffer { [Uint8Contents]: <${hexBytes}${more}>, byteLength: ${value.byteLength} }`;
    }
    if (value instanceof Map) {
      if (tooDeep) return '[Map]';
      const items = [];
      for (const [k, v] of value) {
        if (items.length >= MAX_ITEMS) { items.push(`... ${value.size - MAX_ITEMS} more items`); break; }
        items.push(`${inspect(k, depth + 1, seen, indent + 1)} => ${inspect(v, depth + 1, seen, indent + 1)}`);
      }
      return wrap(`${name || 'Map'}(${value.size}) `, items, '{', '}', indent);
    }
    if (value instanceof Set) {
      if (tooDeep) return '[Set]';
      const items = [];
      for (const v of value) {
        if (items.length >= MAX_ITEMS) { items.push(`... ${value.size - MAX_ITEMS} more items`); break; }
        items.push(inspect(v, depth + 1, seen, indent + 1));
      }
      return wrap(`${name || 'Set'}(${value.size}) `, items, '{', '}', indent);
    }
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    if (value instanceof RegExp) return RegExp.prototype.toString.call(value);
    if (value instanceof Promise) return 'Promise { <unknown> }';
    if (value instanceof WeakMap) return 'WeakMap { <items unknown> }';
    if (value instanceof WeakSet) return 'WeakSet { <items unknown> }';
    for (const [Box, label] of [[String, 'String'], [Number, 'Number'], [Boolean, 'Boolean']]) {
      if (value instanceof Box) return `[${label}: ${inspect(Box.prototype.valueOf.call(value))}]`;
    }
    const proto = Object.getPrototypeOf(value);
    let prefix;
    if (proto === null) prefix = '[Object: null prototype] ';
    else if (name === 'Object' || name === null) prefix = '';
    else prefix = `${name} `;
    if (tooDeep) return `[${name && name !== 'Object' ? name : 'Object'}]`;
    const tag = value[Symbol.toStringTag];
    if (typeof tag === 'string' && tag !== '' && tag !== name) prefix = `${prefix || 'Object '}[${tag}] `;
    return wrap(prefix, ownEntries(value, depth, seen, indent), '{', '}', indent);
  }

  const formatNumber = (value, parse) => {
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value === 'symbol') return 'NaN';
    const n = parse(value);
    return Object.is(n, -0) ? '-0' : String(n);
  };

  const safeJSON = (value) => {
    try { return JSON.stringify(value); } catch (e) {
      if (/circular/i.test(String(e && e.message))) return '[Circular]';
      throw e;
    }
  };

  // Node's util.format: specifiers in a first string argument, then the rest space-separated.
  const format = (args) => {
    let out = '';
    let next = 0;
    if (typeof args[0] === 'string') {
      const first = args[0];
      next = 1;
      let last = 0;
      for (let i = 0; i < first.length - 1; i++) {
        if (first[i] !== '%') continue;
        const spec = first[i + 1];
        let piece;
        if (spec === '%') { piece = '%'; }
        else if (next >= args.length) { continue; }
        else if (spec === 's') {
          const v = args[next++];
          piece = typeof v === 'string' ? v : typeof v === 'bigint' ? `${v}n` :
            v !== null && typeof v === 'object' && !(v instanceof Error) ? inspect(v, MAX_DEPTH) : typeof v === 'symbol' ? v.toString() :
              v instanceof Error ? formatError(v) : String(v);
        }
        else if (spec === 'd') piece = formatNumber(args[next++], (v) => (typeof v === 'object' && v !== null ? NaN : Number(v)));
        else if (spec === 'i') piece = formatNumber(args[next++], (v) => parseInt(v, 10));
        else if (spec === 'f') piece = formatNumber(args[next++], (v) => parseFloat(v));
        else if (spec === 'j') piece = safeJSON(args[next++]);
        else if (spec === 'o' || spec === 'O') piece = inspect(args[next++]);
        else if (spec === 'c') { next++; piece = ''; }
        else continue;
        out += first.slice(last, i) + piece;
        last = i + 2;
        i++;
      }
      out += first.slice(last);
    }
    for (; next < args.length; next++) {
      const v = args[next];
      if (out !== '' || next > 0) out += ' ';
      out += typeof v === 'string' ? v : inspect(v);
    }
    return out;
  };

  let groupIndent = '';
  const emit = (level, args) => {
    let message = format(args);
    if (groupIndent) message = groupIndent + message.replace(/\n/g, '\n' + groupIndent);
    native.log(level, message);
  };

  const counts = new Map();
  const timers = new Map();
  const now = () => (typeof performance === 'object' && performance && typeof performance.now === 'function' ? performance.now() : Date.now());

  const console = {
    log(...args) { emit('log', args); },
    info(...args) { emit('info', args); },
    debug(...args) { emit('debug', args); },
    warn(...args) { emit('warn', args); },
    error(...args) { emit('error', args); },
    trace(...args) {
      const stack = (new Error().stack || '').split('\n').slice(2).join('\n');
      emit('log', [`Trace${args.length ? ': ' + format(args) : ''}\n${stack}`]);
    },
    assert(condition, ...args) {
      if (!condition) emit('error', args.length ? [`Assertion failed: ${format(args)}`] : ['Assertion failed']);
    },
    dir(value) { emit('log', [inspect(value)]); },
    table(...args) { emit('log', args); },
    count(label = 'default') {
      const key = `${label}`;
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      emit('info', [`${key}: ${n}`]);
    },
    countReset(label = 'default') { counts.delete(`${label}`); },
    time(label = 'default') { timers.set(`${label}`, now()); },
    timeLog(label = 'default', ...args) {
      const start = timers.get(`${label}`);
      if (start === undefined) { emit('warn', [`No such label '${label}' for console.timeLog()`]); return; }
      emit('info', [`${label}: ${(now() - start).toFixed(3)}ms`, ...args]);
    },
    timeEnd(label = 'default') {
      const start = timers.get(`${label}`);
      if (start === undefined) { emit('warn', [`No such label '${label}' for console.timeEnd()`]); return; }
      timers.delete(`${label}`);
      emit('info', [`${label}: ${(now() - start).toFixed(3)}ms`]);
    },
    group(...args) { if (args.length) emit('log', args); groupIndent += '  '; },
    groupCollapsed(...args) { if (args.length) emit('log', args); groupIndent += '  '; },
    groupEnd() { groupIndent = groupIndent.slice(2); },
  };

  P.inspectValue = inspect;
  P.format = format;
  P.defineGlobal('console', console);
})();
