// The same answer as the C hello worker (text/plain "Hello from wws"), with the Rust kit.
use wasm_workers_rs::{
    http::{Request, Response},
    worker, Content, Error,
};

#[worker]
fn hello(_req: Request<String>) -> Result<Response<Content>, Error> {
    Response::builder()
        .header("content-type", "text/plain")
        .body("Hello from wws".into())
        .map_err(|e| Error::new(e.to_string()))
}
