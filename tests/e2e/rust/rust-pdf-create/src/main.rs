// Mirrors the original's examples/rust-pdf-create (printpdf, a Vec<u8> body sent as base64):
// a one-page PDF with the request body as its text.
use anyhow::Result;
use printpdf::*;
use std::io::BufWriter;
use wasm_workers_rs::{
    http::{self, Request, Response},
    worker, Content,
};

#[worker]
fn handler(req: Request<String>) -> Result<Response<Content>> {
    let (doc, page, layer) = PdfDocument::new("wws test", Mm(210.0), Mm(297.0), "main");
    let font = doc.add_builtin_font(BuiltinFont::Helvetica).unwrap();
    doc.get_page(page).get_layer(layer).use_text(req.body(), 14.0, Mm(20.0), Mm(270.0), &font);
    let mut out = BufWriter::new(Vec::new());
    doc.save(&mut out)?;
    let bytes = out.into_inner()?;
    Ok(http::Response::builder()
        .status(200)
        .header("Content-Type", "application/pdf")
        .header("x-generated-by", "wasm-workers-server")
        .body(bytes.into())?)
}
