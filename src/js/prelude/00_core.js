// 00_core.js: the prelude's shared internals, DOMException and structuredClone.
// It captures the runtime's natives (globalThis.__wws_native) and removes them from the global,
// then publishes the helpers the later prelude files share as `__wws_prelude` (deleted again by
// 99_seal.js, so worker code sees neither).
(() => {
  'use strict';
  const native = globalThis.__wws_native;
  if (native === null || typeof native !== 'object') {
    throw new Error('wws prelude: the runtime did not provide __wws_native');
  }
  delete globalThis.__wws_native;

  // Web globals are writable, configurable and not enumerable, like in browsers.
  const defineGlobal = (name, value) => {
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
  };

  const setToStringTag = (cls, tag) => {
    Object.defineProperty(cls.prototype, Symbol.toStringTag, { value: tag, configurable: true });
  };

  // Lone surrogates become U+FFFD (WebIDL USVString conversion).
  const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
  const anySurrogate = /[\uD800-\uDFFF]/;
  const toUSVString = (value) => {
    const s = typeof value === 'string' ? value : `${value}`;
    return anySurrogate.test(s) ? s.replace(loneSurrogate, '\uFFFD') : s;
  };

  // A Uint8Array view of a BufferSource (no copy), or null if `value` is not one.
  // The brand checks of these getters also recognise buffers from other realms.
  const arrayBufferByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get;
  const sharedByteLength = typeof SharedArrayBuffer === 'function'
    ? Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength').get : null;
  const hasBrand = (getter, value) => {
    if (getter === null) return false;
    try { getter.call(value); return true; } catch { return false; }
  };
  const bytesView = (value) => {
    if (value instanceof Uint8Array) return value;
    if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    if (value === null || typeof value !== 'object') return null;
    if (value instanceof ArrayBuffer || hasBrand(arrayBufferByteLength, value) || hasBrand(sharedByteLength, value)) {
      return new Uint8Array(value);
    }
    return null;
  };
  const isBufferSource = (value) => bytesView(value) !== null;
  const copyBytes = (view) => new Uint8Array(view);  // a fresh, exact-size copy

  const concatBytes = (chunks) => {
    let total = 0;
    for (const c of chunks) total += c.byteLength;
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) { out.set(c, at); at += c.byteLength; }
    return out;
  };

  // An ArrayBuffer holding exactly these bytes (a copy unless the view already spans its buffer).
  const toArrayBuffer = (u8) => {
    if (u8.byteOffset === 0 && u8.byteLength === u8.buffer.byteLength && u8.buffer instanceof ArrayBuffer) return u8.buffer;
    return u8.slice().buffer;
  };

  // Bytes to a string of code units 0-255 (for ASCII searches in binary data).
  const bytesToLatin1 = (u8) => {
    let s = '';
    for (let i = 0; i < u8.length; i += 8192) s += String.fromCharCode.apply(null, u8.subarray(i, i + 8192));
    return s;
  };

  const utf8Encode = (s) => native.utf8Encode(s);
  // The native keeps a leading BOM; callers that must drop it (TextDecoder, body.text()) do so.
  const utf8Decode = (u8, fatal = false) => native.utf8Decode(u8, fatal);

  const legacyCodes = {
    IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
    NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
    SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
    TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
    QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
  };

  class DOMException extends Error {
    #name;
    #message;
    constructor(message = '', options = 'Error') {
      super();
      this.#message = `${message}`;
      if (options !== null && typeof options === 'object') {
        this.#name = 'name' in options ? `${options.name}` : 'Error';
        if ('cause' in options) {
          Object.defineProperty(this, 'cause', { value: options.cause, writable: true, configurable: true });
        }
      } else {
        this.#name = `${options}`;
      }
      // The stack's first line was built before the fields were set; rebuild it with the real name.
      if (typeof Error.captureStackTrace === 'function') Error.captureStackTrace(this, DOMException);
    }
    get name() { return #name in this ? this.#name : 'Error'; }
    get message() { return #message in this ? this.#message : ''; }
    get code() { return #name in this ? (legacyCodes[this.#name] ?? 0) : 0; }
  }
  setToStringTag(DOMException, 'DOMException');
  for (const [name, code] of Object.entries(legacyCodes)) {
    const constant = name.replace(/([a-z])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').toUpperCase().replace(/_ERROR$/, '_ERR');
    Object.defineProperty(DOMException, constant, { value: code, enumerable: true });
    Object.defineProperty(DOMException.prototype, constant, { value: code, enumerable: true });
  }
  defineGlobal('DOMException', DOMException);

  defineGlobal('structuredClone', function structuredClone(value, options = undefined) {
    if (arguments.length === 0) throw new TypeError("structuredClone: 1 argument required, but only 0 present");
    if (options != null && options.transfer !== undefined && [...options.transfer].length > 0) {
      throw new DOMException('structuredClone: transfer lists are not supported', 'DataCloneError');
    }
    try {
      return native.structuredClone(value);
    } catch (error) {
      throw new DOMException(error && error.message ? error.message : `${error}`, 'DataCloneError');
    }
  });

  // Brand check shared by the classes whose methods must reject foreign receivers.
  const illegalInvocation = () => new TypeError('Illegal invocation');

  const prelude = {
    native, defineGlobal, setToStringTag, toUSVString, bytesView, isBufferSource, copyBytes, concatBytes,
    toArrayBuffer, bytesToLatin1, utf8Encode, utf8Decode, DOMException, illegalInvocation,
    // Classes return a plain object from this method for console.log to show (their state is private).
    inspect: Symbol('wws.inspect'),
  };
  Object.defineProperty(globalThis, '__wws_prelude', { value: prelude, configurable: true, enumerable: false });
})();
