//! Outgoing wasi:http requests of components: each request the guest sends (and so each hop of
//! a redirect it follows) is checked against the worker's [features.http_requests] by the C++
//! side's rules before it leaves; a refused one gets `HTTP-request-denied`.

use crate::ffi::Callbacks;
use http_body_util::BodyExt;
use std::future::Future;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

pub struct Hooks {
    pub callbacks: Callbacks,
}

type SendFuture = Box<
    dyn Future<Output = Result<(http::Response<WasiBody>, Box<dyn Future<Output = Result<(), Error>> + Send>), Error>>
        + Send,
>;

impl WasiHttpHooks for Hooks {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> SendFuture {
        _ = fut;
        let url = request.uri().to_string();
        if let Err(why) = self.callbacks.allow(request.method().as_str(), &url) {
            self.callbacks.stderr(format!("wasi:http request to {url} refused: {why}\n").as_bytes());
            return Box::new(async { Err(Error::HttpRequestDenied) });
        }
        Box::new(async move {
            let (res, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            Ok((res.map(BodyExt::boxed_unsync), Box::new(io) as Box<dyn Future<Output = _> + Send>))
        })
    }
}
