//! Attribute macros of the wws Rust kit.
//!
//! `#[worker]` on a handler function generates the program's `main`, which reads the request,
//! calls the handler and writes the response (see `wasm_workers_rs::__private::run`). The
//! attribute's arguments choose what the handler receives after the request, always in the
//! order request, params, cache:
//!
//! ```ignore
//! #[worker]                fn h(req: Request<String>) -> Result<Response<Content>>
//! #[worker(params)]        fn h(req: Request<String>, params: &HashMap<String, String>) -> ...
//! #[worker(cache)]         fn h(req: Request<String>, cache: &mut Cache) -> ...
//! #[worker(params, cache)] fn h(req: Request<String>, params: &HashMap<String, String>, cache: &mut Cache) -> ...
//! ```
//!
//! `#[handler]` is the same macro under the name the 2022 releases used.
use proc_macro::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};

#[proc_macro_attribute]
pub fn worker(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand(attr, item)
}

#[proc_macro_attribute]
pub fn handler(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand(attr, item)
}

fn expand(attr: TokenStream, item: TokenStream) -> TokenStream {
    let (params, cache) = match parse_args(attr) {
        Ok(flags) => flags,
        Err((message, span)) => return compile_error(&message, span, item),
    };
    let name = match handler_name(&item) {
        Some(name) => name,
        None => {
            return compile_error(
                "#[worker] must be placed on a function: #[worker] fn handler(req: Request<String>) -> Result<Response<Content>>",
                Span::call_site(),
                item,
            )
        }
    };
    let mut call_args = vec!["__wws_request"];
    if params {
        call_args.push("__wws_params");
    }
    if cache {
        call_args.push("__wws_cache");
    }
    // With `cache`, the handler's parameter type decides what it gets (`&mut Cache`, key by
    // key, or `&mut HashMap<String, String>`); without, the never-touched `Cache` reads nothing.
    let cache_param = if cache { "__wws_cache" } else { "__wws_cache: &mut ::wasm_workers_rs::Cache" };
    let main = format!(
        "fn main() {{ ::wasm_workers_rs::__private::run(|__wws_request, __wws_params, {}| {{ \
           let _ = (&__wws_params, &__wws_cache); {}({}) }}) }}",
        cache_param,
        name,
        call_args.join(", ")
    );
    let mut out = item;
    out.extend(main.parse::<TokenStream>().expect("the generated main parses"));
    out
}

/// `params`, `cache`, both (any order), or nothing.
fn parse_args(attr: TokenStream) -> Result<(bool, bool), (String, Span)> {
    let (mut params, mut cache) = (false, false);
    let mut expect_ident = true;
    for token in attr {
        match (&token, expect_ident) {
            (TokenTree::Ident(ident), true) => {
                match ident.to_string().as_str() {
                    "params" => params = true,
                    "cache" => cache = true,
                    other => {
                        return Err((
                            format!("unknown #[worker] argument `{}`: expected `params` and/or `cache`", other),
                            ident.span(),
                        ))
                    }
                }
                expect_ident = false;
            }
            (TokenTree::Punct(p), false) if p.as_char() == ',' => expect_ident = true,
            _ => {
                return Err((
                    "#[worker] takes a comma-separated list of `params` and `cache`".to_string(),
                    token.span(),
                ))
            }
        }
    }
    Ok((params, cache))
}

/// The identifier after the `fn` keyword (attributes, `pub`, `unsafe`... may come before it).
fn handler_name(item: &TokenStream) -> Option<Ident> {
    let mut tokens = item.clone().into_iter();
    while let Some(token) = tokens.next() {
        if let TokenTree::Ident(ident) = &token {
            if ident.to_string() == "fn" {
                return match tokens.next() {
                    Some(TokenTree::Ident(name)) => Some(name),
                    _ => None,
                };
            }
        }
    }
    None
}

/// `compile_error!("...")` at `span`, keeping the item so other errors still show.
fn compile_error(message: &str, span: Span, item: TokenStream) -> TokenStream {
    let mut error: TokenStream = format!("compile_error!({:?});", message).parse().unwrap();
    error = error
        .into_iter()
        .map(|mut t| {
            t.set_span(span);
            if let TokenTree::Group(g) = &t {
                let mut inner = Group::new(Delimiter::Parenthesis, g.stream());
                inner.set_span(span);
                return TokenTree::Group(inner);
            }
            t
        })
        .collect();
    error.extend(item);
    error
}
