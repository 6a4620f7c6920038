// 60_crypto.js: crypto.getRandomValues, crypto.randomUUID and crypto.subtle.digest, on the
// runtime's natives. The other SubtleCrypto methods exist only to reject with a clear error.
(() => {
  'use strict';
  const P = globalThis.__wws_prelude;
  const { DOMException, native } = P;

  const integerArrays = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
    BigInt64Array, BigUint64Array];
  const digestNames = new Map([['sha-1', 'SHA-1'], ['sha-256', 'SHA-256'], ['sha-384', 'SHA-384'], ['sha-512', 'SHA-512']]);
  const constructing = Symbol('crypto internal');

  class SubtleCrypto {
    constructor(token) {
      if (token !== constructing) throw new TypeError('Illegal constructor');
    }

    async digest(algorithm, data) {
      const name = typeof algorithm === 'string' ? algorithm : algorithm && algorithm.name !== undefined ? `${algorithm.name}` : null;
      if (name === null) throw new TypeError("crypto.subtle.digest: 'algorithm' must be a string or an object with a name");
      const canonical = digestNames.get(name.toLowerCase());
      if (canonical === undefined) throw new DOMException(`crypto.subtle.digest: unsupported algorithm ${name}`, 'NotSupportedError');
      const bytes = P.bytesView(data);
      if (bytes === null) throw new TypeError("crypto.subtle.digest: 'data' must be an ArrayBuffer or an ArrayBufferView");
      return native.digest(canonical, P.copyBytes(bytes));
    }
  }
  for (const method of ['encrypt', 'decrypt', 'sign', 'verify', 'generateKey', 'deriveKey', 'deriveBits', 'importKey',
    'exportKey', 'wrapKey', 'unwrapKey']) {
    Object.defineProperty(SubtleCrypto.prototype, method, {
      value: async function () {
        throw new DOMException(`crypto.subtle.${method} is not supported by wws (only digest is)`, 'NotSupportedError');
      },
      writable: true, configurable: true,
    });
  }
  P.setToStringTag(SubtleCrypto, 'SubtleCrypto');

  const subtle = new SubtleCrypto(constructing);

  class Crypto {
    constructor(token) {
      if (token !== constructing) throw new TypeError('Illegal constructor');
    }

    get subtle() { return subtle; }

    getRandomValues(array) {
      if (!integerArrays.some((type) => array instanceof type)) {
        throw new DOMException('crypto.getRandomValues: the argument must be an integer typed array', 'TypeMismatchError');
      }
      if (array.byteLength > 65536) {
        throw new DOMException(`crypto.getRandomValues: ${array.byteLength} bytes requested, the limit is 65536`, 'QuotaExceededError');
      }
      native.randomFill(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      return array;
    }

    randomUUID() {
      const b = new Uint8Array(16);
      native.randomFill(b);
      b[6] = (b[6] & 0x0F) | 0x40;  // version 4
      b[8] = (b[8] & 0x3F) | 0x80;  // RFC 4122 variant
      const h = Array.from(b, (x) => (x < 16 ? '0' : '') + x.toString(16));
      return `${h[0]}${h[1]}${h[2]}${h[3]}-${h[4]}${h[5]}-${h[6]}${h[7]}-${h[8]}${h[9]}-${h[10]}${h[11]}${h[12]}${h[13]}${h[14]}${h[15]}`;
    }
  }
  P.setToStringTag(Crypto, 'Crypto');

  P.defineGlobal('Crypto', Crypto);
  P.defineGlobal('SubtleCrypto', SubtleCrypto);
  P.defineGlobal('crypto', new Crypto(constructing));
})();
