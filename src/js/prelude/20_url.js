// 20_url.js: URL and URLSearchParams, following the WHATWG URL standard's state machine.
// Known simplification: international domain names are lower-cased, NFC-normalised and
// punycoded, without the full UTS #46 mapping tables.
(() => {
  'use strict';
  const P = globalThis.__wws_prelude;
  const FAILURE = Symbol('failure');

  const specialPorts = { 'ftp': 21, 'file': null, 'http': 80, 'https': 443, 'ws': 80, 'wss': 443 };
  const specialSchemes = new Set(Object.keys(specialPorts));
  const isSpecialScheme = (scheme) => specialSchemes.has(scheme);

  // ---- percent-encoding ----------------------------------------------------------------------
  const inC0 = (c) => c < 0x20 || c > 0x7E;
  const inFragment = (c) => inC0(c) || c === 0x20 || c === 0x22 || c === 0x3C || c === 0x3E || c === 0x60;
  const inQuery = (c) => inC0(c) || c === 0x20 || c === 0x22 || c === 0x23 || c === 0x3C || c === 0x3E;
  const inSpecialQuery = (c) => inQuery(c) || c === 0x27;
  const inPath = (c) => inQuery(c) || c === 0x3F || c === 0x60 || c === 0x7B || c === 0x7D;
  const inUserinfo = (c) => inPath(c) || c === 0x2F || c === 0x3A || c === 0x3B || c === 0x3D || c === 0x40 ||
    (c >= 0x5B && c <= 0x5E) || c === 0x7C;

  const hex = (b) => '%' + (b < 16 ? '0' : '') + b.toString(16).toUpperCase();

  // UTF-8 bytes of one code point (lone surrogates as U+FFFD).
  const codePointBytes = (cp) => {
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
    if (cp < 0x80) return [cp];
    if (cp < 0x800) return [0xC0 | (cp >> 6), 0x80 | (cp & 63)];
    if (cp < 0x10000) return [0xE0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
    return [0xF0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
  };

  const encodeCodePoint = (ch, inSet) => {
    const cp = ch.length === 1 ? ch.charCodeAt(0) : ch.codePointAt(0);
    if (!inSet(cp)) return ch;
    let out = '';
    for (const b of codePointBytes(cp)) out += hex(b);
    return out;
  };

  const encodeString = (s, inSet) => {
    let clean = true;
    for (let i = 0; i < s.length && clean; i++) clean = !inSet(s.charCodeAt(i));
    if (clean) return s;
    let out = '';
    for (const ch of s) out += encodeCodePoint(ch, inSet);
    return out;
  };

  const hexValue = (c) => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 55 : c >= 0x61 && c <= 0x66 ? c - 87 : -1);

  // Percent-decodes a byte sequence.
  const percentDecodeBytes = (bytes) => {
    const out = new Uint8Array(bytes.length);
    let n = 0;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 0x25 && i + 2 < bytes.length) {
        const hi = hexValue(bytes[i + 1]);
        const lo = hexValue(bytes[i + 2]);
        if (hi >= 0 && lo >= 0) { out[n++] = hi * 16 + lo; i += 2; continue; }
      }
      out[n++] = b;
    }
    return out.subarray(0, n);
  };

  const percentDecodeString = (s) => (s.indexOf('%') < 0 ? s : P.utf8Decode(percentDecodeBytes(P.utf8Encode(s))));

  // ---- hosts ---------------------------------------------------------------------------------
  const forbiddenHost = /[\u0000\u0009\u000A\u000D #/:<>?@[\\\]^|]/;
  const forbiddenDomain = /[\u0000-\u001F #%/:<>?@[\\\]^|\u007F]/;

  const parseIPv4Number = (s) => {
    if (s === '') return FAILURE;
    let radix = 10;
    if (s.length >= 2 && (s.startsWith('0x') || s.startsWith('0X'))) { s = s.slice(2); radix = 16; }
    else if (s.length >= 2 && s[0] === '0') { s = s.slice(1); radix = 8; }
    if (s === '') return 0;
    const valid = radix === 16 ? /^[0-9A-Fa-f]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
    if (!valid.test(s)) return FAILURE;
    return parseInt(s, radix);
  };

  const endsInANumber = (input) => {
    const parts = input.split('.');
    if (parts[parts.length - 1] === '') {
      if (parts.length === 1) return false;
      parts.pop();
    }
    const last = parts[parts.length - 1];
    if (last !== '' && /^[0-9]+$/.test(last)) return true;
    return parseIPv4Number(last) !== FAILURE;
  };

  const parseIPv4 = (input) => {
    const parts = input.split('.');
    if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
    if (parts.length > 4) return FAILURE;
    const numbers = [];
    for (const part of parts) {
      const n = parseIPv4Number(part);
      if (n === FAILURE) return FAILURE;
      numbers.push(n);
    }
    for (let i = 0; i < numbers.length - 1; i++) if (numbers[i] > 255) return FAILURE;
    if (numbers[numbers.length - 1] >= 256 ** (5 - numbers.length)) return FAILURE;
    let ipv4 = numbers[numbers.length - 1];
    for (let i = 0; i < numbers.length - 1; i++) ipv4 += numbers[i] * 256 ** (3 - i);
    const out = [];
    for (let i = 0; i < 4; i++) { out.unshift(String(ipv4 % 256)); ipv4 = Math.floor(ipv4 / 256); }
    return out.join('.');
  };

  const parseIPv6 = (input) => {
    const address = [0, 0, 0, 0, 0, 0, 0, 0];
    let pieceIndex = 0;
    let compress = null;
    let p = 0;
    const at = (i) => (i < input.length ? input.charCodeAt(i) : NaN);
    const isDigit = (c) => c >= 0x30 && c <= 0x39;
    if (at(p) === 0x3A) {
      if (at(p + 1) !== 0x3A) return FAILURE;
      p += 2;
      compress = ++pieceIndex;
    }
    while (p < input.length) {
      if (pieceIndex === 8) return FAILURE;
      if (at(p) === 0x3A) {
        if (compress !== null) return FAILURE;
        p++;
        compress = ++pieceIndex;
        continue;
      }
      let value = 0;
      let length = 0;
      while (length < 4 && hexValue(at(p)) >= 0) { value = value * 16 + hexValue(at(p)); p++; length++; }
      if (at(p) === 0x2E) {
        if (length === 0) return FAILURE;
        p -= length;
        if (pieceIndex > 6) return FAILURE;
        let numbersSeen = 0;
        while (p < input.length) {
          let piece = null;
          if (numbersSeen > 0) {
            if (at(p) === 0x2E && numbersSeen < 4) p++;
            else return FAILURE;
          }
          if (!isDigit(at(p))) return FAILURE;
          while (isDigit(at(p))) {
            const n = at(p) - 0x30;
            if (piece === null) piece = n;
            else if (piece === 0) return FAILURE;
            else piece = piece * 10 + n;
            if (piece > 255) return FAILURE;
            p++;
          }
          address[pieceIndex] = address[pieceIndex] * 0x100 + piece;
          numbersSeen++;
          if (numbersSeen === 2 || numbersSeen === 4) pieceIndex++;
        }
        if (numbersSeen !== 4) return FAILURE;
        break;
      } else if (at(p) === 0x3A) {
        p++;
        if (p >= input.length) return FAILURE;
      } else if (p < input.length) {
        return FAILURE;
      }
      address[pieceIndex++] = value;
    }
    if (compress !== null) {
      let swaps = pieceIndex - compress;
      pieceIndex = 7;
      while (pieceIndex !== 0 && swaps > 0) {
        const tmp = address[compress + swaps - 1];
        address[compress + swaps - 1] = address[pieceIndex];
        address[pieceIndex] = tmp;
        pieceIndex--;
        swaps--;
      }
    } else if (pieceIndex !== 8) {
      return FAILURE;
    }
    return address;
  };

  const serializeIPv6 = (address) => {
    let bestStart = -1;
    let bestLength = 1;
    for (let i = 0; i < 8;) {
      if (address[i] !== 0) { i++; continue; }
      let j = i;
      while (j < 8 && address[j] === 0) j++;
      if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
      i = j;
    }
    let out = '';
    let ignore0 = false;
    for (let i = 0; i < 8; i++) {
      if (ignore0 && address[i] === 0) continue;
      ignore0 = false;
      if (i === bestStart) { out += i === 0 ? '::' : ':'; ignore0 = true; continue; }
      out += address[i].toString(16);
      if (i !== 7) out += ':';
    }
    return out;
  };

  // RFC 3492 punycode encoding of one label.
  const punycode = (label) => {
    const base = 36; const tMin = 1; const tMax = 26; const skew = 38; const damp = 700;
    const cps = Array.from(label, (ch) => ch.codePointAt(0));
    let out = cps.filter((c) => c < 0x80).map((c) => String.fromCharCode(c)).join('');
    const basicLength = out.length;
    let handled = basicLength;
    if (basicLength > 0) out += '-';
    const digit = (d) => String.fromCharCode(d + 22 + 75 * (d < 26));
    const adapt = (delta, points, first) => {
      delta = first ? Math.floor(delta / damp) : delta >> 1;
      delta += Math.floor(delta / points);
      let k = 0;
      while (delta > ((base - tMin) * tMax) >> 1) { delta = Math.floor(delta / (base - tMin)); k += base; }
      return k + Math.floor(((base - tMin + 1) * delta) / (delta + skew));
    };
    let n = 128; let delta = 0; let bias = 72;
    while (handled < cps.length) {
      const m = Math.min(...cps.filter((c) => c >= n));
      delta += (m - n) * (handled + 1);
      n = m;
      for (const c of cps) {
        if (c < n) delta++;
        if (c === n) {
          let q = delta;
          for (let k = base; ; k += base) {
            const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
            if (q < t) break;
            out += digit(t + ((q - t) % (base - t)));
            q = Math.floor((q - t) / (base - t));
          }
          out += digit(q);
          bias = adapt(delta, handled + 1, handled === basicLength);
          delta = 0;
          handled++;
        }
      }
      delta++;
      n++;
    }
    return out;
  };

  const domainToASCII = (domain) => {
    // The UTS #46 map step removes soft hyphens and the like; lower-casing and NFC cover the common cases.
    const mapped = domain.normalize('NFC').toLowerCase().replace(/[\u00AD\u200B\u2060\uFEFF]/g, '').replace(/[\u3002\uFF0E\uFF61]/g, '.');
    if (/^[\x00-\x7F]*$/.test(mapped)) return mapped === '' ? FAILURE : mapped;
    const labels = mapped.split('.').map((label) => (/^[\x00-\x7F]*$/.test(label) ? label : 'xn--' + punycode(label)));
    return labels.join('.');
  };

  const plainDomain = /^[a-z0-9\-.]+$/;  // already ASCII, lower-case and valid: the common case

  const parseHost = (input, isOpaque) => {
    if (!isOpaque && plainDomain.test(input)) return endsInANumber(input) ? parseIPv4(input) : input;
    if (input.startsWith('[')) {
      if (!input.endsWith(']')) return FAILURE;
      const address = parseIPv6(input.slice(1, -1));
      return address === FAILURE ? FAILURE : `[${serializeIPv6(address)}]`;
    }
    if (isOpaque) {
      if (forbiddenHost.test(input)) return FAILURE;
      return encodeString(input, inC0);
    }
    const domain = P.utf8Decode(percentDecodeBytes(P.utf8Encode(input)));
    const ascii = domainToASCII(domain);
    if (ascii === FAILURE || ascii === '' || forbiddenDomain.test(ascii)) return FAILURE;
    if (endsInANumber(ascii)) return parseIPv4(ascii);
    return ascii;
  };

  // ---- the basic URL parser ------------------------------------------------------------------
  const isAlpha = (c) => {
    if (c === undefined || c.length !== 1) return false;
    const code = c.charCodeAt(0) | 0x20;
    return code >= 0x61 && code <= 0x7A;
  };
  const isSchemeChar = (c) => {
    if (c === undefined || c.length !== 1) return false;
    const code = c.charCodeAt(0);
    return isAlpha(c) || (code >= 0x30 && code <= 0x39) || code === 0x2B || code === 0x2D || code === 0x2E;
  };
  const isWindowsDriveLetter = (s) => s.length === 2 && isAlpha(s[0]) && (s[1] === ':' || s[1] === '|');
  const isNormalizedWindowsDriveLetter = (s) => s.length === 2 && isAlpha(s[0]) && s[1] === ':';
  const startsWithWindowsDriveLetter = (cps, p) => cps.length - p >= 2 && isWindowsDriveLetter(cps[p] + cps[p + 1]) &&
    (cps.length - p === 2 || ['/', '\\', '?', '#'].includes(cps[p + 2]));
  const isSingleDot = (s) => s === '.' || s.toLowerCase() === '%2e';
  const isDoubleDot = (s) => { const l = s.toLowerCase(); return l === '..' || l === '.%2e' || l === '%2e.' || l === '%2e%2e'; };

  const newRecord = () => ({ scheme: '', username: '', password: '', host: null, port: null, path: [], opaque: false, query: null, fragment: null });
  const includesCredentials = (r) => r.username !== '' || r.password !== '';

  const shortenPath = (r) => {
    if (r.scheme === 'file' && r.path.length === 1 && isNormalizedWindowsDriveLetter(r.path[0])) return;
    r.path.pop();
  };

  function basicParse(input, base, url, stateOverride) {
    if (!url) {
      url = newRecord();
      input = input.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
    }
    input = input.replace(/[\t\n\r]/g, '');
    const cps = Array.from(input);
    let state = stateOverride || 'scheme start';
    let buffer = '';
    let atSignSeen = false;
    let insideBrackets = false;
    let passwordTokenSeen = false;
    const special = () => isSpecialScheme(url.scheme);

    for (let p = 0; ; p++) {
      const c = cps[p];  // undefined is the end of input
      const EOF = c === undefined;
      switch (state) {
        case 'scheme start':
          if (isAlpha(c)) { buffer += c.toLowerCase(); state = 'scheme'; }
          else if (!stateOverride) { state = 'no scheme'; p--; }
          else return FAILURE;
          break;

        case 'scheme':
          if (isSchemeChar(c)) {
            buffer += c.toLowerCase();
          } else if (c === ':') {
            if (stateOverride) {
              if (isSpecialScheme(url.scheme) !== isSpecialScheme(buffer)) return url;
              if ((includesCredentials(url) || url.port !== null) && buffer === 'file') return url;
              if (url.scheme === 'file' && url.host === '') return url;
            }
            url.scheme = buffer;
            if (stateOverride) {
              if (url.port === specialPorts[url.scheme]) url.port = null;
              return url;
            }
            buffer = '';
            if (url.scheme === 'file') {
              state = 'file';
            } else if (special() && base && base.scheme === url.scheme) {
              state = 'special relative or authority';
            } else if (special()) {
              state = 'special authority slashes';
            } else if (cps[p + 1] === '/') {
              state = 'path or authority';
              p++;
            } else {
              url.path = '';
              url.opaque = true;
              state = 'opaque path';
            }
          } else if (!stateOverride) {
            buffer = '';
            state = 'no scheme';
            p = -1;
          } else {
            return FAILURE;
          }
          break;

        case 'no scheme':
          if (!base || (base.opaque && c !== '#')) return FAILURE;
          if (base.opaque && c === '#') {
            url.scheme = base.scheme;
            url.path = base.path;
            url.opaque = true;
            url.query = base.query;
            url.fragment = '';
            state = 'fragment';
          } else if (base.scheme !== 'file') {
            state = 'relative';
            p--;
          } else {
            state = 'file';
            p--;
          }
          break;

        case 'special relative or authority':
          if (c === '/' && cps[p + 1] === '/') { state = 'special authority ignore slashes'; p++; }
          else { state = 'relative'; p--; }
          break;

        case 'path or authority':
          if (c === '/') state = 'authority';
          else { state = 'path'; p--; }
          break;

        case 'relative':
          url.scheme = base.scheme;
          if (c === '/' || (special() && c === '\\')) {
            state = 'relative slash';
          } else {
            url.username = base.username;
            url.password = base.password;
            url.host = base.host;
            url.port = base.port;
            url.path = base.path.slice();
            url.query = base.query;
            if (c === '?') { url.query = ''; state = 'query'; }
            else if (c === '#') { url.fragment = ''; state = 'fragment'; }
            else if (!EOF) { url.query = null; shortenPath(url); state = 'path'; p--; }
          }
          break;

        case 'relative slash':
          if (special() && (c === '/' || c === '\\')) {
            state = 'special authority ignore slashes';
          } else if (c === '/') {
            state = 'authority';
          } else {
            url.username = base.username;
            url.password = base.password;
            url.host = base.host;
            url.port = base.port;
            state = 'path';
            p--;
          }
          break;

        case 'special authority slashes':
          if (c === '/' && cps[p + 1] === '/') { state = 'special authority ignore slashes'; p++; }
          else { state = 'special authority ignore slashes'; p--; }
          break;

        case 'special authority ignore slashes':
          if (c !== '/' && c !== '\\') { state = 'authority'; p--; }
          break;

        case 'authority':
          if (c === '@') {
            if (atSignSeen) buffer = '%40' + buffer;
            atSignSeen = true;
            for (const ch of buffer) {
              if (ch === ':' && !passwordTokenSeen) { passwordTokenSeen = true; continue; }
              const encoded = encodeCodePoint(ch, inUserinfo);
              if (passwordTokenSeen) url.password += encoded;
              else url.username += encoded;
            }
            buffer = '';
          } else if (EOF || c === '/' || c === '?' || c === '#' || (special() && c === '\\')) {
            if (atSignSeen && buffer === '') return FAILURE;
            p -= Array.from(buffer).length + 1;
            buffer = '';
            state = 'host';
          } else {
            buffer += c;
          }
          break;

        case 'host':
        case 'hostname':
          if (stateOverride && url.scheme === 'file') {
            p--;
            state = 'file host';
          } else if (c === ':' && !insideBrackets) {
            if (buffer === '') return FAILURE;
            if (stateOverride === 'hostname') return FAILURE;
            const host = parseHost(buffer, !special());
            if (host === FAILURE) return FAILURE;
            url.host = host;
            buffer = '';
            state = 'port';
          } else if (EOF || c === '/' || c === '?' || c === '#' || (special() && c === '\\')) {
            p--;
            if (special() && buffer === '') return FAILURE;
            if (stateOverride && buffer === '' && (includesCredentials(url) || url.port !== null)) return FAILURE;
            const host = parseHost(buffer, !special());
            if (host === FAILURE) return FAILURE;
            url.host = host;
            buffer = '';
            state = 'path start';
            if (stateOverride) return url;
          } else {
            if (c === '[') insideBrackets = true;
            if (c === ']') insideBrackets = false;
            buffer += c;
          }
          break;

        case 'port':
          if (!EOF && c >= '0' && c <= '9') {
            buffer += c;
          } else if (EOF || c === '/' || c === '?' || c === '#' || (special() && c === '\\') || stateOverride) {
            if (buffer !== '') {
              const port = parseInt(buffer, 10);
              if (port > 65535) return FAILURE;
              url.port = specialPorts[url.scheme] === port ? null : port;
              buffer = '';
            } else if (stateOverride) {
              return FAILURE;
            }
            if (stateOverride) return url;
            state = 'path start';
            p--;
          } else {
            return FAILURE;
          }
          break;

        case 'file':
          url.scheme = 'file';
          url.host = '';
          if (c === '/' || c === '\\') {
            state = 'file slash';
          } else if (base && base.scheme === 'file') {
            url.host = base.host;
            url.path = base.path.slice();
            url.query = base.query;
            if (c === '?') { url.query = ''; state = 'query'; }
            else if (c === '#') { url.fragment = ''; state = 'fragment'; }
            else if (!EOF) {
              url.query = null;
              if (!startsWithWindowsDriveLetter(cps, p)) shortenPath(url);
              else url.path = [];
              state = 'path';
              p--;
            }
          } else {
            state = 'path';
            p--;
          }
          break;

        case 'file slash':
          if (c === '/' || c === '\\') {
            state = 'file host';
          } else {
            if (base && base.scheme === 'file') {
              url.host = base.host;
              if (!startsWithWindowsDriveLetter(cps, p) && base.path.length > 0 && isNormalizedWindowsDriveLetter(base.path[0])) {
                url.path.push(base.path[0]);
              }
            }
            state = 'path';
            p--;
          }
          break;

        case 'file host':
          if (EOF || c === '/' || c === '\\' || c === '?' || c === '#') {
            p--;
            if (!stateOverride && isWindowsDriveLetter(buffer)) {
              state = 'path';  // the drive letter stays in buffer, for the path state
            } else if (buffer === '') {
              url.host = '';
              if (stateOverride) return url;
              state = 'path start';
            } else {
              let host = parseHost(buffer, !special());
              if (host === FAILURE) return FAILURE;
              if (host === 'localhost') host = '';
              url.host = host;
              if (stateOverride) return url;
              buffer = '';
              state = 'path start';
            }
          } else {
            buffer += c;
          }
          break;

        case 'path start':
          if (special()) {
            state = 'path';
            if (c !== '/' && c !== '\\') p--;
          } else if (!stateOverride && c === '?') {
            url.query = '';
            state = 'query';
          } else if (!stateOverride && c === '#') {
            url.fragment = '';
            state = 'fragment';
          } else if (!EOF) {
            state = 'path';
            if (c !== '/') p--;
          } else if (stateOverride && url.host === null) {
            url.path.push('');
          }
          break;

        case 'path': {
          const slash = c === '/' || (special() && c === '\\');
          if (EOF || slash || (!stateOverride && (c === '?' || c === '#'))) {
            if (isDoubleDot(buffer)) {
              shortenPath(url);
              if (!slash) url.path.push('');
            } else if (isSingleDot(buffer) && !slash) {
              url.path.push('');
            } else if (!isSingleDot(buffer)) {
              if (url.scheme === 'file' && url.path.length === 0 && isWindowsDriveLetter(buffer)) buffer = buffer[0] + ':';
              url.path.push(buffer);
            }
            buffer = '';
            if (c === '?') { url.query = ''; state = 'query'; }
            if (c === '#') { url.fragment = ''; state = 'fragment'; }
          } else {
            buffer += encodeCodePoint(c, inPath);
          }
          break;
        }

        case 'opaque path':
          if (c === '?') { url.query = ''; state = 'query'; }
          else if (c === '#') { url.fragment = ''; state = 'fragment'; }
          else if (!EOF) url.path += encodeCodePoint(c, inC0);
          break;

        case 'query':
          if ((!stateOverride && c === '#') || EOF) {
            url.query += encodeString(buffer, special() ? inSpecialQuery : inQuery);
            buffer = '';
            if (c === '#') { url.fragment = ''; state = 'fragment'; }
          } else {
            buffer += c;
          }
          break;

        case 'fragment':
          if (!EOF) url.fragment += encodeCodePoint(c, inFragment);
          break;

        default:
          throw new Error(`URL parser: unknown state ${state}`);
      }
      if (p >= cps.length) break;
    }
    return url;
  }

  const serializePath = (r) => (r.opaque ? r.path : r.path.map((segment) => '/' + segment).join(''));

  const serialize = (r, excludeFragment = false) => {
    let out = r.scheme + ':';
    if (r.host !== null) {
      out += '//';
      if (includesCredentials(r)) {
        out += r.username;
        if (r.password !== '') out += ':' + r.password;
        out += '@';
      }
      out += r.host;
      if (r.port !== null) out += ':' + r.port;
    } else if (!r.opaque && r.path.length > 1 && r.path[0] === '') {
      out += '/.';
    }
    out += serializePath(r);
    if (r.query !== null) out += '?' + r.query;
    if (!excludeFragment && r.fragment !== null) out += '#' + r.fragment;
    return out;
  };

  const parseAbsolute = (input, base) => {
    let baseRecord = null;
    if (base !== undefined) {
      baseRecord = basicParse(P.toUSVString(base), null);
      if (baseRecord === FAILURE) return FAILURE;
    }
    return basicParse(P.toUSVString(input), baseRecord);
  };

  // ---- application/x-www-form-urlencoded -----------------------------------------------------
  const formSafe = /^[*\-.0-9A-Z_a-z]*$/;
  const formEncode = (s) => {
    if (formSafe.test(s)) return s;
    let out = '';
    for (const ch of s) {
      const cp = ch.codePointAt(0);
      if (cp === 0x20) out += '+';
      else if (cp < 0x80 && /[*\-.0-9A-Z_a-z]/.test(ch)) out += ch;
      else for (const b of codePointBytes(cp)) out += hex(b);
    }
    return out;
  };
  const formDecode = (s) => {
    if (s.indexOf('%') < 0 && s.indexOf('+') < 0) return s;
    return percentDecodeString(s.replace(/\+/g, ' '));
  };
  const parseForm = (input) => {
    const list = [];
    for (const sequence of input.split('&')) {
      if (sequence === '') continue;
      const eq = sequence.indexOf('=');
      const name = eq < 0 ? sequence : sequence.slice(0, eq);
      const value = eq < 0 ? '' : sequence.slice(eq + 1);
      list.push([formDecode(name), formDecode(value)]);
    }
    return list;
  };
  const serializeForm = (list) => list.map(([n, v]) => formEncode(n) + '=' + formEncode(v)).join('&');

  // ---- URLSearchParams -----------------------------------------------------------------------
  let attachParams;  // (params, url) — links a URL's searchParams to it

  class URLSearchParams {
    #list = [];
    #url = null;  // the URL whose query this object mirrors

    constructor(init = '') {
      if (init !== null && (typeof init === 'object' || typeof init === 'function')) {
        if (typeof init[Symbol.iterator] === 'function') {
          for (const pair of init) {
            const items = typeof pair === 'string' ? null : pair && typeof pair[Symbol.iterator] === 'function' ? [...pair] : null;
            if (items === null || items.length !== 2) {
              throw new TypeError("URLSearchParams: each init pair must be a sequence of exactly two items");
            }
            this.#list.push([P.toUSVString(items[0]), P.toUSVString(items[1])]);
          }
        } else {
          for (const key of Reflect.ownKeys(init)) {
            const desc = Reflect.getOwnPropertyDescriptor(init, key);
            if (desc === undefined || !desc.enumerable) continue;
            if (typeof key === 'symbol') throw new TypeError('URLSearchParams: record keys must be strings');
            this.#list.push([P.toUSVString(key), P.toUSVString(init[key])]);
          }
        }
      } else {
        let s = P.toUSVString(init);
        if (s.startsWith('?')) s = s.slice(1);
        this.#list = parseForm(s);
      }
    }

    static {
      attachParams = (params, url, query) => {
        params.#url = url;
        params.#list = query ? parseForm(query) : [];
      };
      P.formParamsList = (params) => params.#list;
      P.parseForm = parseForm;
      P.serializeForm = serializeForm;
    }

    #update() {
      if (this.#url === null) return;
      const serialized = serializeForm(this.#list);
      setQueryFromParams(this.#url, serialized === '' ? null : serialized);
    }

    get size() { return this.#list.length; }

    append(name, value) {
      this.#list.push([P.toUSVString(name), P.toUSVString(value)]);
      this.#update();
    }

    delete(name, value = undefined) {
      const n = P.toUSVString(name);
      const v = value === undefined ? undefined : P.toUSVString(value);
      this.#list = this.#list.filter(([k, val]) => !(k === n && (v === undefined || val === v)));
      this.#update();
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

    has(name, value = undefined) {
      const n = P.toUSVString(name);
      const v = value === undefined ? undefined : P.toUSVString(value);
      return this.#list.some(([k, val]) => k === n && (v === undefined || val === v));
    }

    set(name, value) {
      const n = P.toUSVString(name);
      const v = P.toUSVString(value);
      const index = this.#list.findIndex(([k]) => k === n);
      if (index < 0) {
        this.#list.push([n, v]);
      } else {
        this.#list[index][1] = v;
        this.#list = this.#list.filter(([k], i) => i <= index || k !== n);
      }
      this.#update();
    }

    // Stable, by UTF-16 code units, as the spec says.
    sort() {
      this.#list = this.#list
        .map((pair, index) => ({ pair, index }))
        .sort((a, b) => (a.pair[0] < b.pair[0] ? -1 : a.pair[0] > b.pair[0] ? 1 : a.index - b.index))
        .map(({ pair }) => pair);
      this.#update();
    }

    forEach(callback, thisArg = undefined) {
      if (typeof callback !== 'function') throw new TypeError("URLSearchParams.forEach: 'callback' must be a function");
      for (let i = 0; i < this.#list.length; i++) {
        const [k, v] = this.#list[i];
        callback.call(thisArg, v, k, this);
      }
    }

    * entries() { for (let i = 0; i < this.#list.length; i++) yield [this.#list[i][0], this.#list[i][1]]; }
    * keys() { for (let i = 0; i < this.#list.length; i++) yield this.#list[i][0]; }
    * values() { for (let i = 0; i < this.#list.length; i++) yield this.#list[i][1]; }
    [Symbol.iterator]() { return this.entries(); }

    toString() { return serializeForm(this.#list); }

    [P.inspect]() { return Object.fromEntries(this.#list); }
  }
  P.setToStringTag(URLSearchParams, 'URLSearchParams');

  // ---- URL -----------------------------------------------------------------------------------
  let setQueryFromParams;

  class URL {
    #r;
    #params = null;

    constructor(url, base = undefined) {
      if (arguments.length === 0) throw new TypeError('URL: 1 argument required, but only 0 present');
      let baseRecord = null;
      if (base !== undefined) {
        baseRecord = basicParse(P.toUSVString(base), null);
        if (baseRecord === FAILURE) throw new TypeError(`Invalid base URL: ${base}`);
      }
      const record = basicParse(P.toUSVString(url), baseRecord);
      if (record === FAILURE) throw new TypeError(`Invalid URL: ${url}`);
      this.#r = record;
    }

    static canParse(url, base = undefined) {
      return parseAbsolute(url, base) !== FAILURE;
    }

    static parse(url, base = undefined) {
      try { return new URL(url, base); } catch { return null; }
    }

    static {
      setQueryFromParams = (url, query) => { url.#r.query = query; };
    }

    // As the standard says, a setter's parse edits the URL in place and a failure part-way
    // (e.g. a bad port after a good host) keeps what was already set.
    #apply(input, stateOverride, prepare) {
      if (prepare) prepare(this.#r);
      basicParse(input, null, this.#r, stateOverride);
    }

    #refreshParams() {
      if (this.#params !== null) attachParams(this.#params, this, this.#r.query);
    }

    get href() { return serialize(this.#r); }
    set href(value) {
      const record = basicParse(P.toUSVString(value), null);
      if (record === FAILURE) throw new TypeError(`Invalid URL: ${value}`);
      this.#r = record;
      this.#refreshParams();
    }

    get origin() {
      const r = this.#r;
      if (r.scheme === 'blob') {
        const inner = basicParse(serializePath(r), null);
        if (inner !== FAILURE && (inner.scheme === 'http' || inner.scheme === 'https')) {
          return inner.scheme + '://' + inner.host + (inner.port !== null ? ':' + inner.port : '');
        }
        return 'null';
      }
      if (['ftp', 'http', 'https', 'ws', 'wss'].includes(r.scheme)) {
        return r.scheme + '://' + r.host + (r.port !== null ? ':' + r.port : '');
      }
      return 'null';
    }

    get protocol() { return this.#r.scheme + ':'; }
    set protocol(value) { this.#apply(P.toUSVString(value) + ':', 'scheme start'); }

    get username() { return this.#r.username; }
    set username(value) {
      const r = this.#r;
      if (r.host === null || r.host === '' || r.scheme === 'file') return;
      r.username = encodeString(P.toUSVString(value), inUserinfo);
    }

    get password() { return this.#r.password; }
    set password(value) {
      const r = this.#r;
      if (r.host === null || r.host === '' || r.scheme === 'file') return;
      r.password = encodeString(P.toUSVString(value), inUserinfo);
    }

    get host() {
      const r = this.#r;
      if (r.host === null) return '';
      return r.port === null ? r.host : r.host + ':' + r.port;
    }
    set host(value) {
      if (this.#r.opaque) return;
      this.#apply(P.toUSVString(value), 'host');
    }

    get hostname() { return this.#r.host ?? ''; }
    set hostname(value) {
      if (this.#r.opaque) return;
      this.#apply(P.toUSVString(value), 'hostname');
    }

    get port() { return this.#r.port === null ? '' : String(this.#r.port); }
    set port(value) {
      const r = this.#r;
      if (r.host === null || r.host === '' || r.scheme === 'file') return;
      const s = P.toUSVString(value);
      if (s === '') r.port = null;
      else this.#apply(s, 'port');
    }

    get pathname() { return serializePath(this.#r); }
    set pathname(value) {
      if (this.#r.opaque) return;
      this.#apply(P.toUSVString(value), 'path start', (draft) => { draft.path = []; });
    }

    get search() { const q = this.#r.query; return q === null || q === '' ? '' : '?' + q; }
    set search(value) {
      let s = P.toUSVString(value);
      if (s === '') {
        this.#r.query = null;
      } else {
        if (s.startsWith('?')) s = s.slice(1);
        this.#apply(s, 'query', (draft) => { draft.query = ''; });
      }
      this.#refreshParams();
    }

    get searchParams() {
      if (this.#params === null) {
        this.#params = new URLSearchParams();
        attachParams(this.#params, this, this.#r.query);
      }
      return this.#params;
    }

    get hash() { const f = this.#r.fragment; return f === null || f === '' ? '' : '#' + f; }
    set hash(value) {
      let s = P.toUSVString(value);
      if (s === '') { this.#r.fragment = null; return; }
      if (s.startsWith('#')) s = s.slice(1);
      this.#apply(s, 'fragment', (draft) => { draft.fragment = ''; });
    }

    toString() { return this.href; }
    toJSON() { return this.href; }

    [P.inspect]() {
      return {
        href: this.href, origin: this.origin, protocol: this.protocol, username: this.username,
        password: this.password, host: this.host, hostname: this.hostname, port: this.port,
        pathname: this.pathname, search: this.search, searchParams: this.searchParams, hash: this.hash,
      };
    }
  }
  P.setToStringTag(URL, 'URL');

  // The serialized form of an absolute URL string, or null if it does not parse.
  P.parseURL = (input, base = undefined) => {
    const r = parseAbsolute(input, base);
    return r === FAILURE ? null : { href: serialize(r), hasCredentials: includesCredentials(r), record: r };
  };

  P.defineGlobal('URL', URL);
  P.defineGlobal('URLSearchParams', URLSearchParams);
})();
