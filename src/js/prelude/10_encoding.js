// 10_encoding.js: TextEncoder, TextDecoder (UTF-8 only), atob and btoa.
(() => {
  'use strict';
  const P = globalThis.__wws_prelude;
  const { DOMException } = P;

  class TextEncoder {
    get encoding() { return 'utf-8'; }

    encode(input = '') {
      return P.utf8Encode(`${input}`);
    }

    // Writes only whole UTF-8 sequences; `read` counts UTF-16 code units, as the spec says.
    encodeInto(source, destination) {
      if (!(destination instanceof Uint8Array)) {
        throw new TypeError("TextEncoder.encodeInto: 'destination' must be a Uint8Array");
      }
      const s = `${source}`;
      const room = destination.length;
      let read = 0;
      let written = 0;
      for (let i = 0; i < s.length; i++) {
        let c = s.charCodeAt(i);
        let units = 1;
        if (c >= 0xD800 && c <= 0xDFFF) {
          const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
          if (c <= 0xDBFF && next >= 0xDC00 && next <= 0xDFFF) {
            c = 0x10000 + ((c - 0xD800) << 10) + (next - 0xDC00);
            units = 2;
          } else {
            c = 0xFFFD;
          }
        }
        if (c < 0x80) {
          if (written + 1 > room) break;
          destination[written++] = c;
        } else if (c < 0x800) {
          if (written + 2 > room) break;
          destination[written++] = 0xC0 | (c >> 6);
          destination[written++] = 0x80 | (c & 0x3F);
        } else if (c < 0x10000) {
          if (written + 3 > room) break;
          destination[written++] = 0xE0 | (c >> 12);
          destination[written++] = 0x80 | ((c >> 6) & 0x3F);
          destination[written++] = 0x80 | (c & 0x3F);
        } else {
          if (written + 4 > room) break;
          destination[written++] = 0xF0 | (c >> 18);
          destination[written++] = 0x80 | ((c >> 12) & 0x3F);
          destination[written++] = 0x80 | ((c >> 6) & 0x3F);
          destination[written++] = 0x80 | (c & 0x3F);
        }
        read += units;
        i += units - 1;
      }
      return { read, written };
    }
  }
  P.setToStringTag(TextEncoder, 'TextEncoder');

  const utf8Labels = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'x-unicode20utf8']);

  // How many bytes at the end of `u8` start a UTF-8 sequence that is not complete yet.
  const incompleteTail = (u8) => {
    const n = u8.length;
    for (let back = 1; back <= 3 && back <= n; back++) {
      const b = u8[n - back];
      if ((b & 0xC0) === 0x80) continue;  // continuation byte: keep looking for the lead
      const need = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 1;
      return need > back ? back : 0;
    }
    return 0;
  };

  class TextDecoder {
    #fatal;
    #ignoreBOM;
    #pending = null;  // bytes held back by a streaming decode
    #bomChecked = false;

    constructor(label = 'utf-8', options = {}) {
      const name = `${label}`.trim().toLowerCase();
      if (!utf8Labels.has(name)) {
        throw new RangeError(`TextDecoder: the encoding '${label}' is not supported (only utf-8 is)`);
      }
      const opts = options ?? {};
      this.#fatal = Boolean(opts.fatal);
      this.#ignoreBOM = Boolean(opts.ignoreBOM);
    }

    get encoding() { return 'utf-8'; }
    get fatal() { return this.#fatal; }
    get ignoreBOM() { return this.#ignoreBOM; }

    decode(input = undefined, options = {}) {
      let bytes;
      if (input === undefined || input === null) {
        bytes = new Uint8Array(0);
      } else {
        bytes = P.bytesView(input);
        if (bytes === null) {
          throw new TypeError("TextDecoder.decode: 'input' must be an ArrayBuffer or an ArrayBufferView");
        }
      }
      const stream = Boolean(options && options.stream);
      if (this.#pending !== null) {
        bytes = P.concatBytes([this.#pending, bytes]);
        this.#pending = null;
      }
      if (stream) {
        const tail = incompleteTail(bytes);
        if (tail > 0) {
          this.#pending = bytes.slice(bytes.length - tail);
          bytes = bytes.subarray(0, bytes.length - tail);
        }
      }
      let text = bytes.length === 0 ? '' : P.utf8Decode(bytes, this.#fatal);
      if (!this.#bomChecked && text.length > 0) {
        this.#bomChecked = true;
        if (!this.#ignoreBOM && text.charCodeAt(0) === 0xFEFF) text = text.slice(1);
      }
      if (!stream) {
        this.#bomChecked = false;  // the next decode() starts a new stream
      }
      return text;
    }
  }
  P.setToStringTag(TextDecoder, 'TextDecoder');

  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const alphabetIndex = new Int16Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) alphabetIndex[alphabet.charCodeAt(i)] = i;

  function btoa(data) {
    if (arguments.length === 0) throw new TypeError('btoa: 1 argument required, but only 0 present');
    const s = `${data}`;
    let out = '';
    for (let i = 0; i < s.length; i += 3) {
      const a = s.charCodeAt(i);
      const b = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      const c = i + 2 < s.length ? s.charCodeAt(i + 2) : 0;
      if (a > 0xFF || b > 0xFF || c > 0xFF) {
        throw new DOMException('btoa: the string contains characters outside of the Latin1 range', 'InvalidCharacterError');
      }
      const triple = (a << 16) | (b << 8) | c;
      out += alphabet[triple >> 18] + alphabet[(triple >> 12) & 63] +
        (i + 1 < s.length ? alphabet[(triple >> 6) & 63] : '=') +
        (i + 2 < s.length ? alphabet[triple & 63] : '=');
    }
    return out;
  }

  // The "forgiving-base64 decode" algorithm of the HTML spec.
  function atob(data) {
    if (arguments.length === 0) throw new TypeError('atob: 1 argument required, but only 0 present');
    let s = `${data}`.replace(/[\t\n\f\r ]/g, '');
    if (s.length % 4 === 0) s = s.replace(/==?$/, '');
    const invalid = () => new DOMException('atob: the string to be decoded is not correctly encoded', 'InvalidCharacterError');
    if (s.length % 4 === 1) throw invalid();
    let out = '';
    let buffer = 0;
    let bits = 0;
    for (let i = 0; i < s.length; i++) {
      const code = s.charCodeAt(i);
      const value = code < 128 ? alphabetIndex[code] : -1;
      if (value < 0) throw invalid();
      buffer = (buffer << 6) | value;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += String.fromCharCode((buffer >> bits) & 0xFF);
      }
    }
    return out;
  }

  P.defineGlobal('TextEncoder', TextEncoder);
  P.defineGlobal('TextDecoder', TextDecoder);
  P.defineGlobal('btoa', btoa);
  P.defineGlobal('atob', atob);
})();
