// 40_body.js: Blob, File, FormData, and the body mixin Request and Response share
// (extracting a body from BodyInit, and text/json/arrayBuffer/bytes/blob/formData).
//
// Bodies are held whole in memory: either a string (kept as is, so text() and the response
// writer need no round trip) or bytes. `body` is not a full ReadableStream: it is a small
// WwsBodyStream whose reader returns the whole body as one Uint8Array chunk, then done.
(() => {
  'use strict';
  const P = globalThis.__wws_prelude;
  const { URLSearchParams } = globalThis;  // captured: worker code may replace the globals

  const stripBOM = (s) => (s.charCodeAt(0) === 0xFEFF ? s.slice(1) : s);

  // ---- Blob and File -------------------------------------------------------------------------
  const normalizeType = (type) => {
    const s = `${type}`;
    return /^[\u0020-\u007E]*$/.test(s) ? s.toLowerCase() : '';
  };

  let blobBytes;  // friend accessor: the Blob's bytes, not copied

  class Blob {
    #bytes;
    #type;

    constructor(blobParts = undefined, options = undefined) {
      const chunks = [];
      if (blobParts !== undefined) {
        if (blobParts === null || typeof blobParts !== 'object' || typeof blobParts[Symbol.iterator] !== 'function') {
          throw new TypeError("Blob: 'blobParts' must be a sequence");
        }
        const nativeEndings = options && options.endings === 'native';
        for (const part of blobParts) {
          if (part instanceof Blob) chunks.push(part.#bytes);
          else if (P.isBufferSource(part)) chunks.push(P.copyBytes(P.bytesView(part)));
          else {
            let s = P.toUSVString(part);
            if (nativeEndings) s = s.replace(/\r\n|\r/g, '\n');
            chunks.push(P.utf8Encode(s));
          }
        }
      }
      this.#bytes = chunks.length === 1 ? chunks[0] : P.concatBytes(chunks);
      this.#type = options && options.type !== undefined ? normalizeType(options.type) : '';
    }

    static {
      blobBytes = (blob) => blob.#bytes;
      P.blobFromBytes = (bytes, type) => {
        const blob = new Blob();
        blob.#bytes = bytes;
        blob.#type = normalizeType(type);
        return blob;
      };
    }

    get size() { return this.#bytes.byteLength; }
    get type() { return this.#type; }

    slice(start = 0, end = undefined, contentType = '') {
      const size = this.#bytes.byteLength;
      const clamp = (n) => {
        const i = Math.trunc(Number(n)) || 0;
        return i < 0 ? Math.max(size + i, 0) : Math.min(i, size);
      };
      const from = clamp(start);
      const to = end === undefined ? size : clamp(end);
      return P.blobFromBytes(this.#bytes.slice(from, Math.max(from, to)), contentType);
    }

    async arrayBuffer() { return this.#bytes.slice().buffer; }
    async bytes() { return this.#bytes.slice(); }
    async text() { return stripBOM(P.utf8Decode(this.#bytes)); }
    stream() {
      let bytes = this.#bytes;
      return new WwsBodyStream(() => { const b = bytes; bytes = null; return b; });
    }

    [P.inspect]() { return { size: this.size, type: this.type }; }
  }
  P.setToStringTag(Blob, 'Blob');

  class File extends Blob {
    #name;
    #lastModified;

    constructor(fileBits, fileName, options = undefined) {
      if (arguments.length < 2) throw new TypeError('File: 2 arguments required');
      super(fileBits, options);
      this.#name = P.toUSVString(fileName);
      this.#lastModified = options && options.lastModified !== undefined ? Number(options.lastModified) : Date.now();
    }

    get name() { return this.#name; }
    get lastModified() { return this.#lastModified; }
    get webkitRelativePath() { return ''; }

    [P.inspect]() { return { name: this.name, size: this.size, type: this.type, lastModified: this.lastModified }; }
  }
  P.setToStringTag(File, 'File');

  // ---- FormData ------------------------------------------------------------------------------
  // An entry's value is a string or a File; Blobs become Files named "blob".
  const toEntryValue = (value, filename) => {
    if (value instanceof Blob) {
      if (!(value instanceof File) || filename !== undefined) {
        const name = filename !== undefined ? P.toUSVString(filename) : value instanceof File ? value.name : 'blob';
        return new File([value], name, { type: value.type, lastModified: value instanceof File ? value.lastModified : undefined });
      }
      return value;
    }
    return P.toUSVString(value);
  };

  class FormData {
    #list = [];

    constructor(form = undefined) {
      if (form !== undefined) throw new TypeError('FormData: there are no HTML forms in a worker; construct it empty');
    }

    append(name, value, filename = undefined) {
      this.#list.push([P.toUSVString(name), toEntryValue(value, filename)]);
    }

    delete(name) {
      const n = P.toUSVString(name);
      this.#list = this.#list.filter(([k]) => k !== n);
    }

    get(name) {
      const n = P.toUSVString(name);
      const found = this.#list.find(([k]) => k === n);
      return found ? found[1] : null;
    }

    getAll(name) {
      const n = P.toUSVString(name);
      return this.#list.filter(([k]) => k === n).map(([, v]) => v);
    }

    has(name) {
      const n = P.toUSVString(name);
      return this.#list.some(([k]) => k === n);
    }

    set(name, value, filename = undefined) {
      const n = P.toUSVString(name);
      const entry = [n, toEntryValue(value, filename)];
      const index = this.#list.findIndex(([k]) => k === n);
      if (index < 0) this.#list.push(entry);
      else this.#list = this.#list.filter(([k], i) => i <= index || k !== n).map((e, i) => (i === index ? entry : e));
    }

    forEach(callback, thisArg = undefined) {
      if (typeof callback !== 'function') throw new TypeError("FormData.forEach: 'callback' must be a function");
      for (let i = 0; i < this.#list.length; i++) callback.call(thisArg, this.#list[i][1], this.#list[i][0], this);
    }

    * entries() { for (let i = 0; i < this.#list.length; i++) yield [this.#list[i][0], this.#list[i][1]]; }
    * keys() { for (let i = 0; i < this.#list.length; i++) yield this.#list[i][0]; }
    * values() { for (let i = 0; i < this.#list.length; i++) yield this.#list[i][1]; }
    [Symbol.iterator]() { return this.entries(); }

    static {
      P.formDataList = (fd) => fd.#list;
    }

    [P.inspect]() { return Object.fromEntries(this.#list); }
  }
  P.setToStringTag(FormData, 'FormData');

  // ---- multipart/form-data -------------------------------------------------------------------
  const escapeMultipartName = (s) => s.replace(/\n/g, '%0A').replace(/\r/g, '%0D').replace(/"/g, '%22');

  const randomBoundary = () => {
    const bytes = new Uint8Array(12);
    P.native.randomFill(bytes);
    return '----WwsFormBoundary' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  };

  const encodeMultipart = (formData) => {
    const boundary = randomBoundary();
    const chunks = [];
    for (const [name, value] of P.formDataList(formData)) {
      let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeMultipartName(name)}"`;
      if (typeof value === 'string') {
        chunks.push(P.utf8Encode(`${head}\r\n\r\n${value.replace(/\r(?!\n)|(?<!\r)\n/g, '\r\n')}\r\n`));
      } else {
        head += `; filename="${escapeMultipartName(value.name)}"\r\nContent-Type: ${value.type || 'application/octet-stream'}\r\n\r\n`;
        chunks.push(P.utf8Encode(head), blobBytes(value), P.utf8Encode('\r\n'));
      }
    }
    chunks.push(P.utf8Encode(`--${boundary}--\r\n`));
    return { bytes: P.concatBytes(chunks), type: `multipart/form-data; boundary=${boundary}` };
  };

  // A parameter of a header value like `form-data; name="a"; filename="b"`.
  const headerParameter = (value, param) => {
    const re = new RegExp(`(?:^|;)\\s*${param}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i');
    const m = re.exec(value);
    if (!m) return null;
    return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
  };

  const decodeMultipart = (bytes, contentType) => {
    const boundary = headerParameter(contentType, 'boundary');
    if (!boundary) throw new TypeError('body.formData(): the multipart/form-data body has no boundary');
    const text = P.bytesToLatin1(bytes);  // one char per byte, for searching
    const delimiter = `--${boundary}`;
    const form = new FormData();
    let at = text.indexOf(delimiter);
    if (at < 0) throw new TypeError('body.formData(): malformed multipart/form-data body');
    for (;;) {
      at += delimiter.length;
      if (text.startsWith('--', at)) break;  // the closing delimiter
      if (text.startsWith('\r\n', at)) at += 2;
      const headersEnd = text.indexOf('\r\n\r\n', at);
      const next = text.indexOf(`\r\n${delimiter}`, at);
      if (headersEnd < 0 || next < 0 || headersEnd > next) throw new TypeError('body.formData(): malformed multipart/form-data body');
      const headers = {};
      for (const line of P.utf8Decode(bytes.subarray(at, headersEnd)).split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const disposition = headers['content-disposition'] || '';
      const name = headerParameter(disposition, 'name');
      if (name === null) throw new TypeError('body.formData(): a multipart part has no name');
      const content = bytes.subarray(headersEnd + 4, next);
      const filename = headerParameter(disposition, 'filename');
      if (filename !== null) {
        form.append(name, new File([content], filename, { type: headers['content-type'] || '' }));
      } else {
        form.append(name, P.utf8Decode(content));
      }
      at = next + 2;
    }
    return form;
  };

  // ---- extracting a body ---------------------------------------------------------------------
  // -> { source: string | Uint8Array | null, type: string | null }
  const extractBody = (init) => {
    if (init === null || init === undefined) return { source: null, type: null };
    if (typeof init === 'string') return { source: init, type: 'text/plain;charset=UTF-8' };
    if (init instanceof URLSearchParams) return { source: init.toString(), type: 'application/x-www-form-urlencoded;charset=UTF-8' };
    if (P.isBufferSource(init)) return { source: P.copyBytes(P.bytesView(init)), type: null };
    if (init instanceof Blob) return { source: blobBytes(init), type: init.type === '' ? null : init.type };
    if (init instanceof FormData) {
      const { bytes, type } = encodeMultipart(init);
      return { source: bytes, type };
    }
    if (init instanceof WwsBodyStream) return { source: init.takeAll(), type: null };
    return { source: P.toUSVString(init), type: 'text/plain;charset=UTF-8' };
  };

  // ---- the body "stream" ---------------------------------------------------------------------
  // Not a full ReadableStream: a reader that yields the whole body as one chunk.
  // `take` returns the bytes once (marking the source used), then null.
  class WwsBodyStream {
    #take;
    #locked = false;

    constructor(take) {
      this.#take = take;
    }

    get locked() { return this.#locked; }

    takeAll() {
      const bytes = this.#locked ? null : this.#take();
      if (bytes === null) throw new TypeError('the body stream is locked or already read');
      return bytes;
    }

    getReader(options = undefined) {
      if (options && options.mode === 'byob') throw new TypeError('the wws body stream has no BYOB reader');
      if (this.#locked) throw new TypeError('the body stream is already locked to a reader');
      this.#locked = true;
      const stream = this;
      let released = false;
      return {
        read: async () => {
          if (released) throw new TypeError('the reader was released');
          const bytes = stream.#take();
          return bytes === null || bytes.byteLength === 0 ? { value: undefined, done: true } : { value: bytes.slice(), done: false };
        },
        releaseLock: () => { released = true; stream.#locked = false; },
        cancel: async () => { stream.#take(); },
        closed: Promise.resolve(undefined),
      };
    }

    async cancel() {
      if (this.#locked) throw new TypeError('the body stream is locked to a reader');
      this.#take();
    }

    async * [Symbol.asyncIterator]() {
      const reader = this.getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          yield value;
        }
      } finally {
        reader.releaseLock();
      }
    }
  }
  P.setToStringTag(WwsBodyStream, 'ReadableStream');

  // ---- the body mixin ------------------------------------------------------------------------
  // Per-object state: { source, used, stream, contentType() }.
  const newBodyState = (source, contentType) => ({ source, used: false, stream: null, contentType });

  const sourceBytes = (source) => (typeof source === 'string' ? P.utf8Encode(source) : source);

  // Marks the body used and returns its source (null for no body); throws if already used.
  const consume = (state, method) => {
    if (state.used) throw new TypeError(`${method}: the body has already been used`);
    if (state.stream !== null && state.stream.locked) throw new TypeError(`${method}: the body stream is locked`);
    const source = state.source;
    if (source !== null) state.used = true;
    return source;
  };

  const installBodyMixin = (proto, stateOf, className) => {
    const methods = {
      get body() {
        const state = stateOf(this);
        if (state.source === null) return null;
        if (state.stream === null) {
          state.stream = new WwsBodyStream(() => {
            if (state.used) return null;
            state.used = true;
            return sourceBytes(state.source);
          });
        }
        return state.stream;
      },
      get bodyUsed() { return stateOf(this).used; },
      async arrayBuffer() {
        const source = consume(stateOf(this), `${className}.arrayBuffer()`);
        if (source === null) return new ArrayBuffer(0);
        return typeof source === 'string' ? P.toArrayBuffer(P.utf8Encode(source)) : source.slice().buffer;
      },
      async bytes() {
        const source = consume(stateOf(this), `${className}.bytes()`);
        if (source === null) return new Uint8Array(0);
        return typeof source === 'string' ? P.utf8Encode(source) : source.slice();
      },
      async text() {
        const source = consume(stateOf(this), `${className}.text()`);
        if (source === null) return '';
        return typeof source === 'string' ? source : stripBOM(P.utf8Decode(source));
      },
      async json() {
        const source = consume(stateOf(this), `${className}.json()`);
        const text = source === null ? '' : typeof source === 'string' ? source : stripBOM(P.utf8Decode(source));
        return JSON.parse(text);
      },
      async blob() {
        const state = stateOf(this);
        const source = consume(state, `${className}.blob()`);
        const bytes = source === null ? new Uint8Array(0) : sourceBytes(source);
        return P.blobFromBytes(bytes, state.contentType() ?? '');
      },
      async formData() {
        const state = stateOf(this);
        const contentType = state.contentType() ?? '';
        const mime = contentType.split(';')[0].trim().toLowerCase();
        if (mime !== 'multipart/form-data' && mime !== 'application/x-www-form-urlencoded') {
          throw new TypeError(`${className}.formData(): unsupported Content-Type ${JSON.stringify(contentType)}`);
        }
        const source = consume(state, `${className}.formData()`);
        if (mime === 'multipart/form-data') return decodeMultipart(source === null ? new Uint8Array(0) : sourceBytes(source), contentType);
        const text = source === null ? '' : typeof source === 'string' ? source : P.utf8Decode(source);
        const form = new FormData();
        for (const [name, value] of P.parseForm(text)) form.append(name, value);
        return form;
      },
    };
    for (const key of Reflect.ownKeys(methods)) {
      const desc = Reflect.getOwnPropertyDescriptor(methods, key);
      desc.enumerable = true;
      Object.defineProperty(proto, key, desc);
    }
  };

  Object.assign(P, { extractBody, newBodyState, consume, installBodyMixin, WwsBodyStream, sourceBytes });
  P.defineGlobal('Blob', Blob);
  P.defineGlobal('File', File);
  P.defineGlobal('FormData', FormData);
})();
