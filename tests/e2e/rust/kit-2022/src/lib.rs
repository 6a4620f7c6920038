//! The 2022 kit's protocol, for tests (see Cargo.toml).
pub use http;
pub use worker::handler;

pub mod cache {
    pub type Cache = std::collections::HashMap<String, String>;
}
pub use cache::Cache; // the attribute macro names it for handlers without a cache

#[doc(hidden)]
pub mod __private {
    use crate::cache::Cache;
    use serde::{Deserialize, Serialize};
    use std::collections::HashMap;

    #[derive(Deserialize)]
    struct Input {
        url: String,
        method: String,
        headers: HashMap<String, String>,
        body: String,
        kv: HashMap<String, String>,
    }

    // The 0.5 response document: every field required, the body under "body".
    #[derive(Serialize)]
    struct Output {
        body: String,
        headers: HashMap<String, String>,
        status: u16,
        kv: HashMap<String, String>,
    }

    pub fn run<F, E>(handler: F)
    where
        F: FnOnce(http::Request<String>, &HashMap<String, String>, &mut Cache) -> Result<http::Response<String>, E>,
    {
        let input: Input = serde_json::from_reader(std::io::stdin()).expect("request JSON");
        let mut request = http::Request::builder().uri(input.url.as_str()).method(input.method.as_str());
        for (k, v) in &input.headers {
            request = request.header(k, v);
        }
        let mut cache = input.kv.clone();
        let params = HashMap::new();
        let output = match handler(request.body(input.body.clone()).unwrap(), &params, &mut cache) {
            Ok(response) => Output {
                headers: response
                    .headers()
                    .iter()
                    .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap().to_string()))
                    .collect(),
                status: response.status().as_u16(),
                body: response.into_body(),
                kv: cache,
            },
            Err(_) => Output {
                body: "There was an error running the handler".into(),
                headers: HashMap::new(),
                status: 500,
                kv: HashMap::new(),
            },
        };
        println!("{}", serde_json::to_string(&output).unwrap());
    }
}
