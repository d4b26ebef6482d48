//! What an edge proxy needs (feature `edge`): `Client::forward`, which passes a request through
//! the client's policy, and `ClientBuilder::limiter`, a limiter shared between clients.

use super::{Client, ClientBuilder};
use crate::error::Error;
use crate::exec::Ctx;
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};

impl ClientBuilder {
    /// A limiter shared with other clients (an edge proxy's Durable Object): awaited before
    /// every attempt with the call's `AbortSignal`; the release it may give is called once the
    /// attempt's answer has arrived. With a limiter, `requests_per_second` defaults to 0 (the
    /// client's own limiter off).
    ///
    /// ```ignore
    /// // wasm32 with the feature `edge` only, so not compiled by the doctests (they run natively).
    /// # fn example() -> Result<(), ctct_mylibrary::Error> {
    /// use ctct_mylibrary::Client;
    /// let client = Client::builder()
    ///     .api_key("my-api-key")
    ///     .access_token("my-access-token")
    ///     .limiter(|signal: web_sys::AbortSignal| async move {
    ///         // Wait for a turn of the limiter shared by every client of the key (a Durable
    ///         // Object), giving up when `signal` aborts; then say how to give the turn back.
    ///         let release: Box<dyn FnOnce()> = Box::new(|| { /* tell the limiter */ });
    ///         Ok(Some(release))
    ///     })
    ///     .build()?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn limiter<F, Fut>(mut self, acquire: F) -> Self
    where
        F: Fn(web_sys::AbortSignal) -> Fut + 'static,
        Fut: Future<Output = Result<Option<Box<dyn FnOnce()>>, Error>> + 'static,
    {
        self.limiter = Some(Rc::new(move |signal: wasm_bindgen::JsValue| {
            Box::pin(acquire(signal.unchecked_into()))
        }));
        self
    }
}

impl Client {
    /// Forwards a request as an edge proxy does: its method, its path below the base URL's
    /// path, its query (without credentials) and its body go to the base URL with this client's
    /// api key and token, through its policy (limiters, retries of GET, PUT and DELETE, the time
    /// budget). The upstream's response, whatever its status; an error only when there was no
    /// answer or the request is not one to forward.
    ///
    /// ```ignore
    /// // wasm32 with the feature `edge` only, so not compiled by the doctests (they run natively).
    /// # async fn example(client: ctct_mylibrary::Client, request: web_sys::Request) -> Result<web_sys::Response, ctct_mylibrary::Error> {
    /// // In a Worker's fetch handler: `/v2/library/files?limit=9` goes to the API with this
    /// // client's api key and token, and its answer comes back as it is.
    /// let response = client.forward(&request).await?;
    /// # Ok(response)
    /// # }
    /// ```
    pub async fn forward(&self, request: &web_sys::Request) -> Result<web_sys::Response, Error> {
        let out = async {
            let url = web_sys::Url::new(&request.url())
                .map_err(|_| Error::bad_argument("request.url", "must be an absolute URL"))?;
            let query = url
                .search()
                .trim_start_matches('?')
                .split('&')
                .filter(|p| {
                    let key = p.split('=').next().unwrap_or(p).replace('+', " ");
                    let key = crate::url::percent_decode(&key).unwrap_or_default();
                    !p.is_empty() && key != "api_key" && key != "access_token"
                })
                .collect::<Vec<_>>()
                .join("&");
            let method = request.method();
            let body = match method.as_str() {
                "GET" | "DELETE" => None,
                _ => {
                    let read = request
                        .array_buffer()
                        .map(wasm_bindgen_futures::JsFuture::from);
                    let bytes = match read {
                        Ok(f) => f.await,
                        Err(e) => Err(e),
                    }
                    .map_err(|e| {
                        Error::bad_argument(
                            "request",
                            "has a body that cannot be read (used already?)",
                        )
                        .with_cause(e)
                    })?;
                    let content_type = request.headers().get("content-type").ok().flatten();
                    Some((content_type.unwrap_or_default(), bytes))
                }
            };
            let call = forwarded(&self.core.target, &method, &url.pathname(), &query, body)?;
            let ctx = Ctx {
                signal: JsValue::UNDEFINED,
                timeout_ms: None,
            };
            let reply = self
                .core
                .call(&call, crate::transport::ReadAs::Checked, &ctx)
                .await?;
            Ok(reply.value().unchecked_into())
        }
        .await;
        out.map_err(|e| self.core.finish(e, "forward", None))
    }
}

/// The planned request of a forwarded one (both faces): `method`, `path` (below the base URL's
/// path) and `query` (its credentials taken out) as the request had them, its body if any.
pub(crate) fn forwarded(
    target: &crate::ops::Target,
    method: &str,
    path: &str,
    query: &str,
    body: Option<(String, JsValue)>,
) -> Result<crate::ops::HttpCall, Error> {
    use crate::ops::Method;
    let method = match method {
        "GET" => Method::Get,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "DELETE" => Method::Delete,
        other => {
            return Err(Error::bad_argument(
                "request",
                format_args!(
                    "must be a GET, POST, PUT or DELETE (the API's methods), not {}",
                    crate::error::quoted(other)
                ),
            ));
        }
    };
    let url = crate::url::forward_url(&target.base, target.api_key.as_deref(), path, query)
        .map_err(|what| Error::bad_argument("request.url", what))?;
    Ok(crate::ops::HttpCall {
        method,
        url,
        body: body.map(|(t, b)| crate::ops::Body::Raw(t, b)),
        kind: crate::ops::Kind::Raw,
        listing: None,
    })
}
