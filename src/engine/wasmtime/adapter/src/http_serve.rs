//! Serving one request with a `wasi:http/incoming-handler` component, as `wasmtime serve` does:
//! the request becomes an incoming-request resource, the guest's handle() runs in a task, and the
//! response it sets is streamed to the sink (head first, then each body frame as it arrives)
//! while the guest may still be writing it. The time limit covers the whole exchange.

use crate::component::{block_on, new_store, record_error, Kind, WwsComponent};
use crate::ffi::*;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use std::convert::Infallible;
use std::time::Duration;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::WasiHttpView;

fn build_request(req: &WwsHttpRequest) -> Result<hyper::Request<http_body_util::combinators::UnsyncBoxBody<Bytes, wasmtime_wasi_http::Error>>, String> {
    let (method, scheme, authority, path) =
        unsafe { (req.method.lossy(), req.scheme.lossy(), req.authority.lossy(), req.path_with_query.lossy()) };
    let uri = http::Uri::builder()
        .scheme(scheme.as_str())
        .authority(authority.as_str())
        .path_and_query(if path.is_empty() { "/" } else { path.as_str() })
        .build()
        .map_err(|e| format!("the request target cannot be handed to the component: {e}"))?;
    let mut builder = hyper::Request::builder().method(method.as_str()).uri(uri);
    for h in unsafe { pairs(req.headers, req.headers_len) } {
        builder = builder.header(unsafe { h.name.bytes() }, unsafe { h.value.bytes() });
    }
    let body = Full::new(Bytes::copy_from_slice(unsafe { req.body.bytes() }))
        .map_err(|never: Infallible| match never {})
        .boxed_unsync();
    builder.body(body).map_err(|e| format!("invalid request: {e}"))
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn wws_component_serve_http(
    component: *const WwsComponent,
    options: *const WwsRunOptions,
    request: *const WwsHttpRequest,
    sink: *const WwsHttpSink,
    end: *mut WwsRunEnd,
) {
    let (component, options, request, sink, end) =
        unsafe { (&*component, &*options, &*request, &*sink, &mut *end) };
    let Kind::Http(pre) = &component.kind else {
        end.fail("the component does not export wasi:http/incoming-handler".into());
        return;
    };
    let hyper_request = match build_request(request) {
        Ok(r) => r,
        Err(e) => return end.fail(e),
    };
    let stdout = MemoryOutputPipe::new(1 << 20);
    let stderr = MemoryOutputPipe::new(1 << 20);
    let mut store = match new_store(options, None, &stdout, &stderr) {
        Ok(s) => s,
        Err(e) => return end.fail(e),
    };
    let callbacks = store.data().hooks.callbacks;
    let timeout = Duration::from_millis(options.timeout_ms);

    enum Ended {
        Answered,                        // head sent, body ended
        Failed(bool, wasmtime::Error),   // (instantiated, why)
        Refused(String),                 // the guest answered with an error code or a bad body
    }
    let deadline = tokio::time::Instant::now() + timeout;
    let (ended, limits_hit) = block_on(async move {
        let proxy = match pre.instantiate_async(&mut store).await {
            Ok(p) => p,
            Err(e) => {
                let hit = store.data().limits.hit;
                return (Ended::Failed(false, e), hit);
            }
        };
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let setup = (|| -> wasmtime::Result<_> {
            let req = store.data_mut().http().new_incoming_request(Scheme::Http, hyper_request)?;
            let out = store.data_mut().http().new_response_outparam(sender)?;
            Ok((req, out))
        })();
        let (req, out) = match setup {
            Ok(v) => v,
            Err(e) => return (Ended::Failed(true, e), false),
        };
        // The guest runs as a task of this thread's runtime, so the body can be read while it writes.
        let task = tokio::task::spawn(async move {
            let r = proxy.wasi_http_incoming_handler().call_handle(&mut store, req, out).await;
            let hit = store.data().limits.hit;
            (r, hit)
        });
        let exchange = async {
            let response = match receiver.await {
                Ok(Ok(resp)) => resp,
                Ok(Err(code)) => return Err(format!("the component answered with the error {code:?}")),
                Err(_) => return Err(String::new()), // never set: the task says why
            };
            let (parts, mut body) = response.into_parts();
            let names: Vec<(String, Vec<u8>)> =
                parts.headers.iter().map(|(k, v)| (k.as_str().to_string(), v.as_bytes().to_vec())).collect();
            let pairs: Vec<WwsPair> = names
                .iter()
                .map(|(k, v)| WwsPair { name: WwsStr::from(k), value: WwsStr { data: v.as_ptr().cast(), len: v.len() } })
                .collect();
            if let Some(head) = sink.head {
                unsafe { head(sink.ctx, parts.status.as_u16(), pairs.as_ptr(), pairs.len()) };
            }
            while let Some(frame) = body.frame().await {
                match frame {
                    Ok(frame) => {
                        if let (Some(data), Some(f)) = (frame.data_ref(), sink.body) {
                            unsafe { f(sink.ctx, data.as_ptr(), data.len()) };
                        }
                    }
                    Err(e) => return Err(format!("the response body failed: {e:?}")),
                }
            }
            Ok(())
        };
        let answered = match tokio::time::timeout_at(deadline, exchange).await {
            Ok(r) => r,
            Err(_) => {
                task.abort();
                return (Ended::Failed(true, wasmtime::Trap::Interrupt.into()), false);
            }
        };
        let (result, hit) = match tokio::time::timeout_at(deadline, task).await {
            Ok(Ok(v)) => v,
            Ok(Err(e)) => return (Ended::Refused(format!("the component's task failed: {e}")), false),
            Err(_) => return (Ended::Failed(true, wasmtime::Trap::Interrupt.into()), false),
        };
        let ended = match (answered, result) {
            (_, Err(e)) => Ended::Failed(true, e),
            (Ok(()), Ok(())) => Ended::Answered,
            (Err(why), Ok(())) if why.is_empty() => Ended::Refused("the component returned without setting a response".into()),
            (Err(why), Ok(())) => Ended::Refused(why),
        };
        (ended, hit)
    });
    match ended {
        Ended::Answered => {
            end.instantiated = true;
            end.completed = true;
        }
        Ended::Failed(instantiated, e) => {
            end.instantiated = instantiated;
            record_error(end, e, limits_hit);
        }
        Ended::Refused(why) => {
            end.instantiated = true;
            end.fail(why);
        }
    }
    callbacks.stderr(&stdout.contents());
    callbacks.stderr(&stderr.contents());
}
