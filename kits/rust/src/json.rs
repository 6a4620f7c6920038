//! The little JSON the worker protocol needs: a parser for the request document and string
//! escaping for the response. Kept in the kit so a worker pulls in no JSON library.
use std::borrow::Cow;

#[derive(Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number,
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

impl Value {
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            // The last duplicate wins, as in most JSON parsers.
            Value::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

const MAX_DEPTH: usize = 128;

pub fn parse(text: &[u8]) -> Result<Value, String> {
    let mut p = Parser { text, at: 0 };
    let value = p.value(0)?;
    p.whitespace();
    if p.at != text.len() {
        return Err(p.error("content after the JSON document"));
    }
    Ok(value)
}

/// The fields of the request document, read straight from the text (no value tree: this runs
/// on every request). Unknown fields are skipped; non-string map values are ignored.
#[derive(Default)]
pub struct RequestFields {
    pub url: String,
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub base64: bool,
    pub kv: Vec<(String, String)>,
    pub params: Vec<(String, String)>,
}

pub fn parse_request(text: &[u8]) -> Result<RequestFields, String> {
    let mut p = Parser { text, at: 0 };
    let mut out = RequestFields::default();
    p.whitespace();
    if p.peek() != Some(b'{') {
        return Err("the request is not a JSON object".to_string());
    }
    p.object(|p, key| {
        match &*key {
            "url" => out.url = p.string_or_null()?,
            "method" => out.method = p.string_or_null()?,
            "body" => out.body = p.string_or_null()?,
            "base64" => out.base64 = p.value(1)? == Value::Bool(true),
            "headers" => out.headers = p.string_map("headers")?,
            "kv" => out.kv = p.string_map("kv")?,
            "params" => out.params = p.string_map("params")?,
            _ => {
                p.value(1)?;
            }
        }
        Ok(())
    })?;
    p.whitespace();
    if p.at != text.len() {
        return Err(p.error("content after the JSON document"));
    }
    Ok(out)
}

struct Parser<'a> {
    text: &'a [u8],
    at: usize,
}

impl<'a> Parser<'a> {
    fn error(&self, what: &str) -> String {
        format!("{} at byte {}", what, self.at)
    }

    fn whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.text.get(self.at) {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, String> {
        if self.text[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("unexpected token"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(self.error("JSON nested too deeply"));
        }
        self.whitespace();
        match self.peek() {
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b'{') => {
                let mut members = Vec::new();
                self.object(|p, key| {
                    let value = p.value(depth + 1)?;
                    members.push((key.into_owned(), value));
                    Ok(())
                })?;
                Ok(Value::Object(members))
            }
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                self.whitespace();
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Ok(Value::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.whitespace();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b']') => {
                            self.at += 1;
                            return Ok(Value::Array(items));
                        }
                        _ => return Err(self.error("expected ',' or ']'")),
                    }
                }
            }
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => {
                let start = self.at;
                while let Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') = self.peek() {
                    self.at += 1;
                }
                std::str::from_utf8(&self.text[start..self.at])
                    .ok()
                    .and_then(|s| s.parse::<f64>().ok())
                    .map(|_| Value::Number)
                    .ok_or_else(|| self.error("bad number"))
            }
            _ => Err(self.error("unexpected character")),
        }
    }

    /// An object key: borrowed from the text when it has no escapes (the protocol's never do).
    fn key(&mut self) -> Result<Cow<'a, str>, String> {
        if self.peek() == Some(b'"') {
            let text = self.text;
            let start = self.at + 1;
            let mut end = start;
            while let Some(&c) = text.get(end) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                end += 1;
            }
            if text.get(end) == Some(&b'"') {
                if let Ok(key) = std::str::from_utf8(&text[start..end]) {
                    self.at = end + 1;
                    return Ok(Cow::Borrowed(key));
                }
            }
        }
        self.string().map(Cow::Owned)
    }

    fn string_or_null(&mut self) -> Result<String, String> {
        if self.peek() == Some(b'n') {
            self.literal("null", Value::Null)?;
            return Ok(String::new());
        }
        self.string()
    }

    /// {"k": "v", ...} (or null); values that are not strings are skipped.
    fn string_map(&mut self, field: &str) -> Result<Vec<(String, String)>, String> {
        let mut out = Vec::new();
        match self.peek() {
            Some(b'n') => {
                self.literal("null", Value::Null)?;
                return Ok(out);
            }
            Some(b'{') => {}
            _ => return Err(format!("the request's \"{}\" is not an object", field)),
        }
        self.object(|p, key| {
            if p.peek() == Some(b'"') {
                out.push((key.into_owned(), p.string()?));
            } else {
                p.value(1)?;
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Reads the object at the current '{', calling `member` with the parser on each member's
    /// value (whitespace skipped) and its key; `member` must consume the value.
    fn object(&mut self, mut member: impl FnMut(&mut Self, Cow<'a, str>) -> Result<(), String>) -> Result<(), String> {
        self.at += 1; // '{'
        self.whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(());
        }
        loop {
            self.whitespace();
            let key = self.key()?;
            self.whitespace();
            if self.peek() != Some(b':') {
                return Err(self.error("expected ':'"));
            }
            self.at += 1;
            self.whitespace();
            member(self, key)?;
            self.whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(());
                }
                _ => return Err(self.error("expected ',' or '}'")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let digits = self.text.get(self.at..self.at + 4).ok_or_else(|| self.error("truncated \\u escape"))?;
        let text = std::str::from_utf8(digits).map_err(|_| self.error("bad \\u escape"))?;
        let v = u32::from_str_radix(text, 16).map_err(|_| self.error("bad \\u escape"))?;
        self.at += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String, String> {
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a string"));
        }
        self.at += 1;
        // Fast path: no escape before the closing quote, one copy.
        let start = self.at;
        let mut end = start;
        while let Some(&c) = self.text.get(end) {
            if c == b'"' || c == b'\\' || c < 0x20 {
                break;
            }
            end += 1;
        }
        if self.text.get(end) == Some(&b'"') {
            self.at = end + 1;
            return std::str::from_utf8(&self.text[start..end])
                .map(str::to_string)
                .map_err(|_| self.error("string is not valid UTF-8"));
        }
        let mut out: Vec<u8> = Vec::new();
        loop {
            let start = self.at;
            while let Some(&c) = self.text.get(self.at) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.at += 1;
            }
            out.extend_from_slice(&self.text[start..self.at]);
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return String::from_utf8(out).map_err(|_| self.error("string is not valid UTF-8"));
                }
                Some(b'\\') => {
                    self.at += 1;
                    let escape = self.peek().ok_or_else(|| self.error("unterminated escape"))?;
                    self.at += 1;
                    let c = match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let mut cp = self.hex4()?;
                            if (0xD800..0xDC00).contains(&cp) {
                                if !self.text[self.at..].starts_with(b"\\u") {
                                    return Err(self.error("lone high surrogate"));
                                }
                                self.at += 2;
                                let low = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&low) {
                                    return Err(self.error("bad low surrogate"));
                                }
                                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                            }
                            char::from_u32(cp).ok_or_else(|| self.error("lone low surrogate"))?
                        }
                        _ => return Err(self.error("unknown escape")),
                    };
                    let mut utf8 = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                }
                Some(_) => return Err(self.error("control character in a string")),
                None => return Err(self.error("unterminated string")),
            }
        }
    }
}

/// Appends `s` as a quoted JSON string.
pub fn push_string(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut run = 0;
    for (i, &c) in bytes.iter().enumerate() {
        let escape: Option<&str> = match c {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0..=0x1f | 0x7f => None,
            _ => continue,
        };
        out.push_str(&s[run..i]);
        match escape {
            Some(e) => out.push_str(e),
            None => out.push_str(&format!("\\u{:04x}", c)),
        }
        run = i + 1;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_request_shapes() {
        let v = parse(br#" {"a":"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00","n":[1,-2.5e3,true,false,null],"o":{"k":"v"},"a":"last"} "#)
            .unwrap();
        assert_eq!(v.get("a").unwrap().as_str(), Some("last"));
        assert_eq!(v.get("o").unwrap().get("k").unwrap().as_str(), Some("v"));
        match parse(br#""x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#).unwrap() {
            Value::String(s) => assert_eq!(s, "x\"\\/\u{8}\u{c}\n\r\t\u{e9}\u{1f600}"),
            other => panic!("{:?}", other),
        }
    }

    #[test]
    fn rejects_malformed_documents() {
        for bad in [&b"{"[..], b"{\"a\":}", b"{\"a\":\"\\ud800\"}", b"\"\\udc00\"", b"[1,]", b"{} x", b"\"\x01\"", b"tru"] {
            assert!(parse(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
        let deep = "[".repeat(1000);
        assert!(parse(deep.as_bytes()).is_err());
    }

    #[test]
    fn reads_the_request_fields() {
        let r = parse_request(
            br#"{"url":"http://h/p","method":"POST","headers":{"a":"1","n":2},"body":"\u0000x","base64":true,"kv":{"k":"v"},"params":null,"extra":[{"x":1}]}"#,
        )
        .unwrap();
        assert_eq!((r.url.as_str(), r.method.as_str(), r.body.as_str(), r.base64), ("http://h/p", "POST", "\u{0}x", true));
        assert_eq!(r.headers, vec![("a".to_string(), "1".to_string())]);
        assert_eq!(r.kv, vec![("k".to_string(), "v".to_string())]);
        assert!(r.params.is_empty());
        assert!(parse_request(b"[1]").is_err());
        assert!(parse_request(br#"{"headers":[]}"#).is_err());
        assert!(parse_request(br#"{"url":"x"} {}"#).is_err());
    }

    #[test]
    fn escapes_strings() {
        let mut out = String::new();
        push_string(&mut out, "a\"b\\c\nd\u{1}\u{7f}é");
        assert_eq!(out, "\"a\\\"b\\\\c\\nd\\u0001\\u007fé\"");
    }
}
