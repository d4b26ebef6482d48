//! Every operation of the API, each declared once with `operation!`: its parameters (one
//! struct whose fields say where each goes on the wire and how the JavaScript face names it),
//! its method and path, and its answer (the serde model for Rust, the validator's kind for
//! JavaScript). From that one declaration come the request plan both faces run, the argument
//! checks, the JavaScript method with its options reader and its TypeScript parameter type, and
//! the Rust builder method with its setters. Nothing here does I/O.
//!
//! Adding a field to an operation is one line in its declaration; adding a simple operation is
//! one declaration (plus a validator in `js/runtime.js` if its answer is a new model).

pub mod files;
pub mod folders;
pub mod info;
pub mod params;
pub mod trash;
pub mod uploads;

#[cfg(test)]
mod plans;

use crate::cursor::{Cursor, Listing};
use crate::error::{Error, RequestInfo};
use crate::redact::REDACTED;
use crate::url::{self, Seg};
use serde::de::DeserializeOwned;

/// An HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method's name.
    ///
    /// ```
    /// use ctct_mylibrary::ops::Method;
    /// assert_eq!(Method::Delete.as_str(), "DELETE");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
    /// Whether a request may be repeated safely. Folder creation and upload (POST) never are.
    ///
    /// ```
    /// use ctct_mylibrary::ops::Method;
    /// assert!(Method::Put.is_idempotent());
    /// assert!(!Method::Post.is_idempotent());
    /// ```
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post)
    }
}

/// What an answer is, for the JavaScript face's validator (its name in `js/runtime.js`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `LibraryInfo`
    Info,
    /// `Folder`
    Folder,
    /// `LibraryFile`
    File,
    /// A page of folders.
    FolderPage,
    /// A page of files.
    FilePage,
    /// `UploadStatus[]`
    UploadStatuses,
    /// `MoveResult[]`
    MoveResults,
    /// The OAuth2 token endpoint's answer (`AccessToken`).
    Token,
    /// The OAuth2 token information endpoint's answer (`TokenInfo`).
    TokenInfo,
    /// A forwarded request's answer: the response itself, whatever its status.
    #[cfg(feature = "edge")]
    Raw,
    /// No answer is read (204, or a body the caller did not ask for).
    Nothing,
}

impl Kind {
    /// The validator's name.
    ///
    /// ```
    /// use ctct_mylibrary::ops::Kind;
    /// assert_eq!(Kind::FilePage.as_str(), "filePage");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Info => "info",
            Kind::Folder => "folder",
            Kind::File => "file",
            Kind::FolderPage => "folderPage",
            Kind::FilePage => "filePage",
            Kind::UploadStatuses => "uploadStatuses",
            Kind::MoveResults => "moveResults",
            Kind::Token => "token",
            Kind::TokenInfo => "tokenInfo",
            #[cfg(feature = "edge")]
            Kind::Raw => "raw",
            Kind::Nothing => "nothing",
        }
    }
}

/// Where calls go and with which key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Base URL without a trailing slash, e.g. `https://api.constantcontact.com/v2`.
    pub base: String,
    /// The api key, sent as the `api_key` query parameter.
    pub api_key: Option<String>,
}

/// A request body, already serialised.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// JSON (the API's bodies).
    Json(String),
    /// `application/x-www-form-urlencoded` (the OAuth2 server's).
    Form(String),
    /// A forwarded request's body: its Content-Type (empty when it had none) and its bytes, read
    /// once and sent again at each attempt (`forward`, on wasm32).
    #[cfg(all(feature = "edge", target_arch = "wasm32"))]
    Raw(String, wasm_bindgen::JsValue),
}

impl Body {
    /// Its `Content-Type`.
    ///
    /// ```
    /// use ctct_mylibrary::ops::Body;
    /// assert_eq!(Body::Json("{}".into()).content_type(), "application/json");
    /// assert_eq!(Body::Form("a=1".into()).content_type(), "application/x-www-form-urlencoded");
    /// ```
    pub fn content_type(&self) -> &str {
        match self {
            Body::Json(_) => "application/json",
            Body::Form(_) => "application/x-www-form-urlencoded",
            #[cfg(all(feature = "edge", target_arch = "wasm32"))]
            Body::Raw(t, _) => t,
        }
    }
    /// Its text (none for a forwarded body).
    ///
    /// ```
    /// use ctct_mylibrary::ops::Body;
    /// assert_eq!(Body::Json(r#"{"name":"Spring"}"#.into()).text(), r#"{"name":"Spring"}"#);
    /// ```
    pub fn text(&self) -> &str {
        match self {
            Body::Json(t) | Body::Form(t) => t,
            #[cfg(all(feature = "edge", target_arch = "wasm32"))]
            Body::Raw(..) => "",
        }
    }
}

/// One planned HTTP request.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpCall {
    /// The method.
    pub method: Method,
    /// The full URL (with `api_key` when the client has one).
    pub url: String,
    /// The body, already serialised.
    pub body: Option<Body>,
    /// How the answer is read.
    pub kind: Kind,
    /// For a page: the listing its `next` continues.
    pub listing: Option<Listing>,
}

impl HttpCall {
    /// The call as an error reports it: the `api_key` parameter's value replaced by
    /// `[REDACTED]` (the URL builder puts it last).
    ///
    /// ```
    /// use ctct_mylibrary::ops::{HttpCall, Kind, Method};
    /// let call = HttpCall {
    ///     method: Method::Get,
    ///     url: "https://api.constantcontact.com/v2/library/info?api_key=my-api-key".into(),
    ///     body: None,
    ///     kind: Kind::Info,
    ///     listing: None,
    /// };
    /// let info = call.info();
    /// assert_eq!((info.method, info.url.as_str()), ("GET", "https://api.constantcontact.com/v2/library/info?api_key=[REDACTED]"));
    /// ```
    pub fn info(&self) -> RequestInfo {
        RequestInfo {
            method: self.method.as_str(),
            url: redact_key(&self.url),
        }
    }
}

/// A URL as an error reports it: the `api_key` parameter's value (put last by the URL builder)
/// replaced by `[REDACTED]`.
///
/// ```
/// use ctct_mylibrary::ops::redact_key;
/// assert_eq!(redact_key("https://h/v2/library/files?limit=9&api_key=k"), "https://h/v2/library/files?limit=9&api_key=[REDACTED]");
/// assert_eq!(redact_key("https://h/v2/library/files"), "https://h/v2/library/files");
/// ```
pub fn redact_key(u: &str) -> String {
    match url::find_str(u, "api_key=") {
        Some(at) => format!("{}api_key={REDACTED}", &u[..at]),
        None => u.to_string(),
    }
}

/// The calls of one operation, in order, and how their answers combine.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The requests (none for an empty list of ids).
    pub calls: Vec<HttpCall>,
    /// How the answers are read.
    pub kind: Kind,
    /// The answers are arrays, joined into one (a long list of ids split over several calls).
    pub join: bool,
}

impl Plan {
    /// The same requests, their answers left unread (an update without its payload).
    ///
    /// ```
    /// use ctct_mylibrary::ops::folders::UpdateFolder;
    /// use ctct_mylibrary::ops::{Face, Kind, Operation, Target};
    /// let target = Target { base: "https://api.constantcontact.com/v2".into(), api_key: Some("k".into()) };
    /// let mut update = UpdateFolder::default();
    /// update.folder_id = "-1".into();
    /// update.name = Some("Spring".into());
    /// let plan = update.plan(&target, Face::Rust)?.without_answer();
    /// assert_eq!((plan.kind, plan.calls[0].kind), (Kind::Nothing, Kind::Nothing));
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    pub fn without_answer(mut self) -> Plan {
        self.kind = Kind::Nothing;
        for c in &mut self.calls {
            c.kind = Kind::Nothing;
        }
        self
    }
}

/// Which face is calling: errors name operations and arguments as that face spells them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Face {
    /// `getFile`, `fileId`, `params.limit`.
    Js,
    /// `files().get`, `file_id`, `limit`.
    Rust,
}

/// An argument that broke its rule: the field and what is wrong.
pub type Refusal = (&'static str, String);

/// The wire side of an operation: its checks, path, query and body. Object-safe, so that
/// planning ([`plan`]) is compiled once for every operation. Implemented by `operation!`.
pub trait Wire {
    /// Checks every argument before anything is sent.
    ///
    /// ```
    /// use ctct_mylibrary::ops::Wire;
    /// use ctct_mylibrary::ops::folders::CreateFolder;
    /// let mut create = CreateFolder::default();
    /// assert_eq!(create.check().unwrap_err().0, "name");
    /// create.name = "Spring".into();
    /// assert!(create.check().is_ok());
    /// ```
    fn check(&self) -> Result<(), Refusal>;
    /// The path under `/library` for one group of ids (`ids` is empty unless the operation
    /// splits a list of ids).
    ///
    /// ```
    /// use ctct_mylibrary::ops::Wire;
    /// use ctct_mylibrary::ops::files::DeleteFiles;
    /// use ctct_mylibrary::url::Seg;
    /// let delete = DeleteFiles::default();
    /// let path = delete.path(&["1234", "1235"]);
    /// assert!(matches!(path[..], [Seg::Lit("files"), Seg::Ids(["1234", "1235"])]));
    /// ```
    fn path<'a>(&'a self, ids: &'a [&'a str]) -> Vec<Seg<'a>>;
    /// The query parameters.
    ///
    /// ```
    /// use ctct_mylibrary::ops::Wire;
    /// use ctct_mylibrary::ops::files::ListFiles;
    /// let mut list = ListFiles::default();
    /// list.limit = Some(9.into());
    /// let mut query = Vec::new();
    /// list.query(&mut query);
    /// assert_eq!(query, [("limit", "9".to_string())]);
    /// ```
    fn query(&self, q: &mut Vec<(&'static str, String)>);
    /// The body's fields (a JSON object's, or an upload form's).
    ///
    /// ```
    /// use ctct_mylibrary::ops::Wire;
    /// use ctct_mylibrary::ops::folders::CreateFolder;
    /// let mut create = CreateFolder::default();
    /// create.name = "Spring".into();
    /// let mut fields = Vec::new();
    /// create.form(&mut fields);
    /// assert_eq!(fields, [("name", "Spring".to_string())]);
    /// ```
    fn form(&self, fields: &mut Vec<(&'static str, String)>);
    /// The JSON body for one group of ids: by default the object of [`Wire::form`], or none
    /// when it is empty.
    ///
    /// ```
    /// use ctct_mylibrary::ops::Wire;
    /// use ctct_mylibrary::ops::folders::CreateFolder;
    /// use ctct_mylibrary::ops::files::GetFile;
    /// let mut create = CreateFolder::default();
    /// create.name = "Spring".into();
    /// assert_eq!(create.body(&[]).as_deref(), Some(r#"{"name":"Spring"}"#));
    /// assert_eq!(GetFile::default().body(&[]), None);
    /// ```
    fn body(&self, ids: &[&str]) -> Option<String>;
    /// The list of ids this operation splits over several calls, if it has one.
    ///
    /// ```
    /// use ctct_mylibrary::ops::Wire;
    /// use ctct_mylibrary::ops::files::{DeleteFiles, GetFile};
    /// let mut delete = DeleteFiles::default();
    /// delete.file_ids = ["1234", "1235"].into();
    /// assert_eq!(delete.ids().map(|ids| ids.0.len()), Some(2));
    /// assert!(GetFile::default().ids().is_none());
    /// ```
    fn ids(&self) -> Option<&params::Ids>;
    /// The listing a page answer belongs to.
    ///
    /// ```
    /// use ctct_mylibrary::cursor::Listing;
    /// use ctct_mylibrary::ops::Wire;
    /// use ctct_mylibrary::ops::files::{GetFile, ListFiles};
    /// let mut list = ListFiles::default();
    /// assert_eq!(list.listing(), Some(Listing::Files));
    /// list.folder = Some("-1".into());
    /// assert_eq!(list.listing(), Some(Listing::FolderFiles("-1".into())));
    /// assert_eq!(GetFile::default().listing(), None);
    /// ```
    fn listing(&self) -> Option<Listing>;
    /// The id the operation is about, for messages.
    ///
    /// ```
    /// use ctct_mylibrary::ops::Wire;
    /// use ctct_mylibrary::ops::files::GetFile;
    /// let mut get = GetFile::default();
    /// get.file_id = "1234".into();
    /// assert_eq!(get.subject().as_deref(), Some("1234"));
    /// ```
    fn subject(&self) -> Option<String>;
    /// The name a face gives a field (`limit` in Rust; `params.limit` in JavaScript).
    ///
    /// ```
    /// use ctct_mylibrary::ops::{Face, Wire};
    /// use ctct_mylibrary::ops::files::{GetFile, ListFiles};
    /// assert_eq!(ListFiles::default().blame(Face::Js, "limit"), "params.limit");
    /// assert_eq!(ListFiles::default().blame(Face::Rust, "limit"), "limit");
    /// assert_eq!(GetFile::default().blame(Face::Js, "file_id"), "fileId");
    /// ```
    fn blame(&self, face: Face, field: &str) -> String;
}

/// One operation of the API. Implemented by `operation!`.
pub trait Operation: Wire + Default {
    /// The JavaScript method (`getFile`).
    const JS_NAME: &'static str;
    /// The Rust method (`Files::get`).
    const RUST_NAME: &'static str;
    /// The HTTP method.
    const METHOD: Method;
    /// How the answer is read.
    const KIND: Kind;
    /// The answer, as serde decodes it for the Rust face.
    type Answer: DeserializeOwned;

    /// The operation's name as `face` spells it.
    ///
    /// ```
    /// use ctct_mylibrary::ops::files::GetFile;
    /// use ctct_mylibrary::ops::{Face, Operation};
    /// assert_eq!(GetFile::name(Face::Js), "getFile");
    /// assert_eq!(GetFile::name(Face::Rust), "Files::get");
    /// ```
    fn name(face: Face) -> &'static str {
        match face {
            Face::Js => Self::JS_NAME,
            Face::Rust => Self::RUST_NAME,
        }
    }

    /// Checks the arguments and plans the requests.
    ///
    /// ```
    /// use ctct_mylibrary::ops::files::DeleteFiles;
    /// use ctct_mylibrary::ops::{Face, Operation, Target};
    /// let target = Target { base: "http://127.0.0.1:8080/v2".into(), api_key: None };
    /// let mut delete = DeleteFiles::default();
    /// delete.file_ids = ["1234", "1235"].into();
    /// let plan = delete.plan(&target, Face::Rust)?;
    /// assert_eq!(plan.calls[0].url, "http://127.0.0.1:8080/v2/library/files/1234,1235");
    /// # Ok::<(), ctct_mylibrary::Error>(())
    /// ```
    fn plan(&self, t: &Target, face: Face) -> Result<Plan, Error> {
        plan(self, Self::METHOD, Self::KIND, t, face)
    }
}

/// Checks an operation's arguments and plans its requests: one call, or one per group of ids
/// (none for an empty list).
///
/// ```
/// use ctct_mylibrary::ops::files::GetFile;
/// use ctct_mylibrary::ops::{Face, Operation, Target, plan};
/// let target = Target { base: "https://api.constantcontact.com/v2".into(), api_key: Some("k".into()) };
/// let mut get = GetFile::default();
/// get.file_id = "1234".into();
/// let p = plan(&get, GetFile::METHOD, GetFile::KIND, &target, Face::Rust)?;
/// assert_eq!(p.calls[0].url, "https://api.constantcontact.com/v2/library/files/1234?api_key=k");
/// get.file_id = "".into();
/// let err = plan(&get, GetFile::METHOD, GetFile::KIND, &target, Face::Js).unwrap_err();
/// assert_eq!(err.message(), "fileId must not be empty");
/// # Ok::<(), ctct_mylibrary::Error>(())
/// ```
pub fn plan(
    op: &dyn Wire,
    method: Method,
    kind: Kind,
    t: &Target,
    face: Face,
) -> Result<Plan, Error> {
    op.check()
        .map_err(|(field, what)| Error::bad_argument(&op.blame(face, field), what))?;
    let listing = op.listing();
    let mut query = Vec::new();
    op.query(&mut query);
    let one = |ids: &[&str]| HttpCall {
        method,
        url: url::build(&t.base, &op.path(ids), &query, t.api_key.as_deref()),
        body: op.body(ids).map(Body::Json),
        kind,
        listing: listing.clone(),
    };
    let (calls, join) = match op.ids() {
        None => (vec![one(&[])], false),
        Some(ids) => {
            let refs: Vec<&str> = ids.0.iter().map(String::as_str).collect();
            let groups = url::chunk_ids(&refs, ID_CHARS_PER_URL, IDS_PER_REQUEST);
            (groups.iter().map(|g| one(g)).collect(), true)
        }
    };
    Ok(Plan { calls, kind, join })
}

/// A cursor must continue the listing an operation lists.
pub(crate) fn continues(next: Option<&Cursor>, listing: &Listing) -> Result<(), Refusal> {
    match next {
        Some(c) if c.listing() != listing => Err((
            "next",
            format!(
                "continues the listing \"{}\", not \"{}\"; pass it to the method that listed it",
                c.listing().path(),
                listing.path()
            ),
        )),
        _ => Ok(()),
    }
}

/// A cursor carries its listing's options, and the API takes it alone: with `next`, none of
/// `options` (field, given) may be given.
pub(crate) fn alone(next: bool, options: &[(&'static str, bool)]) -> Result<(), Refusal> {
    match options.iter().find(|(_, given)| next && *given) {
        Some(&(field, _)) => Err((
            field,
            "cannot be given with `next`: the cursor carries its listing's options; pass `next` alone".into(),
        )),
        None => Ok(()),
    }
}

/// Ids per request for lists of ids (delete, upload status, move).
pub const IDS_PER_REQUEST: usize = 100;
/// Characters of ids per URL, so that no URL grows past what servers accept.
pub const ID_CHARS_PER_URL: usize = 1500;

/// A JSON string literal, escaped as `JSON.stringify` does.
///
/// ```
/// use ctct_mylibrary::ops::json_string;
/// assert_eq!(json_string("Spring \"24\"\n"), r#""Spring \"24\"\n""#);
/// ```
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(char::from_digit(c as u32 >> 4, 16).unwrap_or('0'));
                out.push(char::from_digit(c as u32 & 15, 16).unwrap_or('0'));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The JSON object of an operation's body fields (`{"name":"x","parent_id":"-4"}`), or none.
pub(crate) fn json_object(op: &dyn Wire) -> Option<String> {
    let mut fields = Vec::new();
    op.form(&mut fields);
    if fields.is_empty() {
        return None;
    }
    let mut out = String::new();
    for (k, v) in fields {
        out.push(if out.is_empty() { '{' } else { ',' });
        out.push_str(&json_string(k));
        out.push(':');
        out.push_str(&json_string(&v));
    }
    Some(out + "}")
}

/// A JSON array of strings.
pub(crate) fn json_array(items: &[&str]) -> String {
    let mut out = String::from("[");
    for (n, s) in items.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&json_string(s));
    }
    out.push(']');
    out
}

/// Declares one operation. See the module's documentation, and any file of this module for
/// examples. The grammar:
///
/// ```text
/// operation! {
///     /// Doc of the operation (its struct, its JavaScript method, its Rust method).
///     Name: METHOD -> AnswerType, Kind;
///     params jsName: "TsInterface" optional|required;        (optional: the parameter object)
///     js jsName(field as jsArg: "TS type", ...) -> "TS return", fn rust_fn_name | hand;
///     /// Example lines of the Rust method (optional).
///     rust Handler::method(field: Type = sample, ...) => binding;  (optional; `=> binding` too)
///     fields {
///         /// Doc of the field.
///         req|opt field: Type = arg|none => path|ids, example sample;
///         req|opt field: Type = param "jsName": "TS type" => query "wire"|body "wire"|path, example sample;
///     }
///     rules(op) { /* cross-field rules: Err((field, what)) */ }        (optional)
///     listing(op) { /* the Listing a page answer continues */ }       (optional)
///     path(op, ids) { /* vec![Seg...] */ }
///     body(op, ids) { /* Option<String> */ }                          (optional)
/// }
/// ```
///
/// `req` fields are plain, `opt` fields are `Option`s. `arg` fields are positional arguments in
/// JavaScript (named in the `js` line), `param` fields live in the parameter object, `none`
/// fields are set by the faces' own code. `fn name` generates the JavaScript method; `hand`
/// means the JavaScript face writes it itself (an operation of several steps).
///
/// The Rust method and its setters get their doc examples from the declaration: each argument
/// of the `rust` line has a sample value, and so has each `opt` field (`example`, required: a
/// setter without one does not compile). A setter's example sends the call with that option
/// set (`let binding = client.files().list().limit(9).send().await?;`, the binding the `rust`
/// line names); a `none` field's, which the faces set themselves, shows the parameter. The
/// method's example is the same line without a setter, or, when doc lines stand above the
/// `rust` line, those lines. Every example is the body of an `async fn` given `client` (a
/// [`Client`](crate::Client)), `bytes` (a `Vec<u8>`) and `cursor` (a [`Cursor`]), returning
/// `Result<(), Error>`, with the models in scope; doctests compile them with the feature
/// `native`.
macro_rules! operation {
    (
        $(#[doc = $doc:literal])*
        $name:ident : $method:ident -> $answer:ty, $kind:ident;
        $(params $pobj:ident : $pts:literal $popt:ident;)?
        js $jsname:ident ( $($a:ident as $ajs:ident : $ats:literal),* ) -> $ret:literal, $how:ident $($jsfn:ident)?;
        $($(#[doc = $rdoc:literal])* rust $handler:ident :: $rfn:ident ( $($ra:ident : $rty:ty = $rex:expr),* ) $(=> $bind:ident)?;)?
        fields {
            $(
                $(#[doc = $fd:literal])*
                $req:ident $f:ident : $fty:ty = $loc:ident $($fjs:literal : $fts:literal)? => $wire:ident $($wname:literal)? $(, example $fex:expr)?;
            )*
        }
        $(rules($rop:ident) $rules:block)?
        $(listing($lop:ident) $listing:block)?
        path($pop:ident, $pids:ident) $path:block
        $(body($bop:ident, $bids:ident) $body:block)?
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Debug, Default, PartialEq)]
        #[non_exhaustive]
        pub struct $name {
            $( $(#[doc = $fd])* pub $f: $crate::ops::field_ty!($req $fty), )*
        }

        impl $crate::ops::Operation for $name {
            const JS_NAME: &'static str = stringify!($jsname);
            const RUST_NAME: &'static str = $crate::ops::first!($(concat!(stringify!($handler), "::", stringify!($rfn)),)? stringify!($name));
            const METHOD: $crate::ops::Method = $crate::ops::method!($method);
            const KIND: $crate::ops::Kind = $crate::ops::Kind::$kind;
            type Answer = $answer;
        }

        impl $crate::ops::Wire for $name {
            fn check(&self) -> Result<(), $crate::ops::Refusal> {
                $( $crate::ops::check_field!($req self.$f, stringify!($f)); )*
                $( let rules: Result<(), $crate::ops::Refusal> = { let $rop = self; $rules }; rules?; )?
                Ok(())
            }
            fn path<'a>(&'a self, $pids: &'a [&'a str]) -> Vec<$crate::url::Seg<'a>> {
                let $pop = self;
                $path
            }
            #[allow(unused_variables)]
            fn query(&self, q: &mut Vec<(&'static str, String)>) {
                $( $crate::ops::query_field!($wire $($wname)?, $req self.$f, q); )*
            }
            #[allow(unused_variables)]
            fn form(&self, b: &mut Vec<(&'static str, String)>) {
                $( $crate::ops::body_field!($wire $($wname)?, $req self.$f, b); )*
            }
            #[allow(unused_variables)]
            fn body(&self, ids: &[&str]) -> Option<String> {
                $crate::ops::first_block!(
                    $({ let ($bop, $bids) = (self, ids); $body })?
                    { $crate::ops::json_object(self) }
                )
            }
            #[allow(unused_mut, unused_assignments)]
            fn ids(&self) -> Option<&$crate::ops::params::Ids> {
                let mut ids = None;
                $( $crate::ops::ids_field!($wire, self.$f, ids); )*
                ids
            }
            fn listing(&self) -> Option<$crate::cursor::Listing> {
                $crate::ops::first_block!($({ let $lop = self; Some($listing) })? { None })
            }
            #[allow(unused_mut)]
            fn subject(&self) -> Option<String> {
                let mut s: Option<String> = None;
                $( $crate::ops::subject_field!($loc $req self.$f, s); )*
                s
            }
            #[allow(unused_variables)]
            fn blame(&self, face: $crate::ops::Face, field: &str) -> String {
                if face == $crate::ops::Face::Js {
                    let pobj: &str = $crate::ops::first!($(stringify!($pobj),)? "params");
                    $( if field == stringify!($a) { return stringify!($ajs).to_string(); } )*
                    $( $crate::ops::js_blame!($loc $($fjs)?, field, stringify!($f), pobj); )*
                }
                field.to_string()
            }
        }

        $crate::ops::if_some!([$($pts)?] {
            #[cfg(feature = "js")]
            const _: () = {
                #[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
                const TS: &'static str = concat!(
                    "/** The parameters of `", stringify!($jsname), "`. */\n",
                    "export interface ", $($pts,)? " {\n",
                    $( $crate::ops::ts_field!($loc $req $($fjs : $fts)?, [$($fd)*]), )*
                    "}\n"
                );
            };
        });

        #[cfg(feature = "js")]
        impl $crate::js::options::ReadParams for $name {
            fn keys(&self) -> &'static [&'static str] {
                &[$( $crate::ops::first!($($fjs,)? ""), )*]
            }
            #[allow(unused_variables)]
            fn read_params(&mut self, a: &$crate::js::options::Args) -> Result<(), $crate::error::Error> {
                $( $crate::ops::read_field!($loc $req self.$f, a $(, $fjs)?); )*
                Ok(())
            }
        }

        $crate::ops::js_method!($how $($jsfn)?, $name, [$($doc)*], $jsname, [$($a $ajs $ats),*], [$($pobj $pts $popt)?], $ret);
        $crate::ops::rust_run!($how, $name);

        $crate::ops::rust_method!(
            [$($doc)*], $name,
            [$([$($rdoc)*] $handler $rfn [$($ra: $rty),*] ($($rex),*) [$($bind)?])?]
        );

        $crate::ops::setters!(
            $name,
            [$($handler $rfn ($($rex),*) [$($bind)?])?],
            $( [$req $loc $f : $fty, [$($fd)*], [$($fex)?]] )*
        );
    };
}
pub(crate) use operation;

/// The generated JavaScript method of an operation (nothing for `hand`): its positional
/// arguments, then its parameter object if it has one, then the call options.
#[allow(unused_macros)]
macro_rules! js_method {
    (hand, $($rest:tt)*) => {};
    (fn $jsfn:ident, $name:ident, $docs:tt, $jsname:ident, [$($a:ident $ajs:ident $ats:literal),*], [], $ret:literal) => {
        $crate::ops::js_method!(@emit $jsfn, $name, $docs, $jsname, $ret,
            [$( #[wasm_bindgen(js_name = $ajs, unchecked_param_type = $ats)] $a: JsValue, )*],
            |op: &mut $name| {
                let _ = &op;
                $( op.$a = $crate::js::options::FromJs::from_js(&$a, stringify!($ajs))?; )*
                Ok(())
            });
    };
    (fn $jsfn:ident, $name:ident, $docs:tt, $jsname:ident, [$($a:ident $ajs:ident $ats:literal),*], [$pobj:ident $pts:literal optional], $ret:literal) => {
        $crate::ops::js_method!(@emit $jsfn, $name, $docs, $jsname, $ret,
            [$( #[wasm_bindgen(js_name = $ajs, unchecked_param_type = $ats)] $a: JsValue, )*
             #[wasm_bindgen(unchecked_optional_param_type = $pts)] $pobj: Option<JsValue>,],
            |op: &mut $name| {
                $( op.$a = $crate::js::options::FromJs::from_js(&$a, stringify!($ajs))?; )*
                $crate::js::options::read_params(op, $pobj.as_ref(), stringify!($pobj), false)
            });
    };
    (fn $jsfn:ident, $name:ident, $docs:tt, $jsname:ident, [$($a:ident $ajs:ident $ats:literal),*], [$pobj:ident $pts:literal required], $ret:literal) => {
        $crate::ops::js_method!(@emit $jsfn, $name, $docs, $jsname, $ret,
            [$( #[wasm_bindgen(js_name = $ajs, unchecked_param_type = $ats)] $a: JsValue, )*
             #[wasm_bindgen(unchecked_param_type = $pts)] $pobj: JsValue,],
            |op: &mut $name| {
                $( op.$a = $crate::js::options::FromJs::from_js(&$a, stringify!($ajs))?; )*
                $crate::js::options::read_params(op, Some(&$pobj), stringify!($pobj), true)
            });
    };
    (@emit $jsfn:ident, $name:ident, [$($doc:literal)*], $jsname:ident, $ret:literal, [$($params:tt)*], $read:expr) => {
        #[cfg(feature = "js")]
        const _: () = {
            use wasm_bindgen::prelude::*;
            use $crate::js::MyLibraryClient;
            #[wasm_bindgen]
            impl MyLibraryClient {
                $(#[doc = $doc])*
                #[wasm_bindgen(js_name = $jsname, unchecked_return_type = $ret)]
                pub fn $jsfn(
                    &self,
                    $($params)*
                    #[wasm_bindgen(unchecked_optional_param_type = "CallOptions")] options: Option<JsValue>,
                ) -> js_sys::Promise {
                    self.start::<$name>(options, $read)
                }
            }
        };
    };
}
#[allow(unused_imports)]
pub(crate) use js_method;

/// How a one-step operation runs in the Rust face (a `hand` operation writes its own).
macro_rules! rust_run {
    (hand, $name:ident) => {};
    (fn, $name:ident) => {
        #[cfg(any(target_arch = "wasm32", feature = "native"))]
        impl $crate::client::Run for $name {
            type Output =
                <<$name as $crate::ops::Operation>::Answer as $crate::client::Output>::Out;
            fn run(
                call: $crate::client::Call<'_, Self>,
            ) -> impl std::future::Future<Output = Result<Self::Output, $crate::error::Error>> {
                $crate::client::one_step(call)
            }
        }
    };
}
pub(crate) use rust_run;

/// The generated Rust builder method of an operation (nothing without a `rust` line), with its
/// example: the doc lines of the `rust` line, or a line that sends the call with the samples.
macro_rules! rust_method {
    ([$($doc:literal)*], $name:ident, []) => {};
    ([$($doc:literal)*], $name:ident, [[] $handler:ident $rfn:ident $params:tt $args:tt $bind:tt]) => {
        $crate::ops::rust_method!(@emit [$($doc)*], $name, $handler $rfn $params, [concat!(
            " ", $crate::ops::binding!($bind), $crate::ops::call_expr!($handler $rfn $args), ".send().await?;"
        )]);
    };
    ([$($doc:literal)*], $name:ident, [[$($ex:literal)+] $handler:ident $rfn:ident $params:tt $args:tt $bind:tt]) => {
        $crate::ops::rust_method!(@emit [$($doc)*], $name, $handler $rfn $params, [$($ex),+]);
    };
    (@emit [$($doc:literal)*], $name:ident, $handler:ident $rfn:ident [$($ra:ident : $rty:ty),*], [$($ex:expr),+]) => {
        #[cfg(any(target_arch = "wasm32", feature = "native"))]
        impl<'c> $crate::client::$handler<'c> {
            $(#[doc = $doc])*
            #[doc = ""]
            #[doc = $crate::ops::example_head!()]
            $(#[doc = $ex])+
            #[doc = $crate::ops::example_tail!()]
            pub fn $rfn(&self, $( $ra: impl Into<$rty> ),*) -> $crate::client::Call<'c, $name> {
                #[allow(unused_mut)]
                let mut op = $name::default();
                $( op.$ra = $ra.into(); )*
                $crate::client::Call::new(self.client, op)
            }
        }
    };
}
pub(crate) use rust_method;

macro_rules! field_ty {
    (req $t:ty) => { $t };
    (opt $t:ty) => { Option<$t> };
}
pub(crate) use field_ty;

macro_rules! method {
    (GET) => {
        $crate::ops::Method::Get
    };
    (POST) => {
        $crate::ops::Method::Post
    };
    (PUT) => {
        $crate::ops::Method::Put
    };
    (DELETE) => {
        $crate::ops::Method::Delete
    };
}
pub(crate) use method;

/// The first of its arguments.
macro_rules! first {
    ($e:expr $(, $rest:expr)* $(,)?) => {
        $e
    };
}
pub(crate) use first;

macro_rules! first_block {
    ($b:block $($rest:block)*) => {
        $b
    };
}
pub(crate) use first_block;

macro_rules! if_some {
    ([] $($t:tt)*) => {};
    ([$($x:tt)+] { $($t:tt)* }) => { $($t)* };
}
pub(crate) use if_some;

macro_rules! check_field {
    (req $v:expr, $name:expr) => {
        $crate::ops::params::Param::check(&$v).map_err(|what| ($name, what))?
    };
    (opt $v:expr, $name:expr) => {
        if let Some(v) = &$v {
            $crate::ops::params::Param::check(v).map_err(|what| ($name, what))?
        }
    };
}
pub(crate) use check_field;

macro_rules! slot {
    (req $v:expr) => {
        Some(&$v)
    };
    (opt $v:expr) => {
        $v.as_ref()
    };
}
pub(crate) use slot;

macro_rules! query_field {
    (query $wname:literal, $req:ident $v:expr, $q:ident) => {
        if let Some(v) = $crate::ops::slot!($req $v) {
            $q.push(($wname, $crate::ops::params::Param::wire(v).into_owned()));
        }
    };
    ($other:ident $($wname:literal)?, $req:ident $v:expr, $q:ident) => {};
}
pub(crate) use query_field;

macro_rules! body_field {
    (body $wname:literal, $req:ident $v:expr, $b:ident) => {
        if let Some(v) = $crate::ops::slot!($req $v) {
            $b.push(($wname, $crate::ops::params::Param::wire(v).into_owned()));
        }
    };
    ($other:ident $($wname:literal)?, $req:ident $v:expr, $o:ident) => {};
}
pub(crate) use body_field;

macro_rules! ids_field {
    (ids, $v:expr, $ids:ident) => {
        $ids = Some(&$v);
    };
    ($other:ident, $v:expr, $ids:ident) => {};
}
pub(crate) use ids_field;

macro_rules! subject_field {
    (arg $req:ident $v:expr, $s:ident) => {
        if $s.is_none() {
            $s = $crate::ops::slot!($req $v)
                .map(|v| $crate::ops::params::Param::wire(v).into_owned())
                .filter(|s| !s.is_empty());
        }
    };
    ($other:ident $req:ident $v:expr, $s:ident) => {};
}
pub(crate) use subject_field;

macro_rules! js_blame {
    (param $fjs:literal, $field:ident, $f:expr, $pobj:expr) => {
        if $field == $f {
            return format!("{}.{}", $pobj, $fjs);
        }
    };
    ($other:ident $($fjs:literal)?, $field:ident, $f:expr, $pobj:expr) => {};
}
pub(crate) use js_blame;

#[allow(unused_macros)]
macro_rules! ts_field {
    (param $req:ident $fjs:literal : $fts:literal, [$($fd:literal)*]) => {
        concat!("  /**", $($fd,)* " */\n  ", $fjs, $crate::ops::ts_optional!($req), ": ", $fts, $crate::ops::ts_nullable!($req), ";\n")
    };
    ($other:ident $req:ident $($fjs:literal : $fts:literal)?, [$($fd:literal)*]) => { "" };
}
#[allow(unused_imports)]
pub(crate) use ts_field;

#[allow(unused_macros)]
macro_rules! ts_optional {
    (req) => {
        ""
    };
    (opt) => {
        "?"
    };
}
#[allow(unused_imports)]
pub(crate) use ts_optional;

/// An optional parameter may also be `null`, which means the same as leaving it out.
#[allow(unused_macros)]
macro_rules! ts_nullable {
    (req) => {
        ""
    };
    (opt) => {
        " | null | undefined"
    };
}
#[allow(unused_imports)]
pub(crate) use ts_nullable;

#[allow(unused_macros)]
macro_rules! read_field {
    (param req $v:expr, $a:ident, $fjs:literal) => {
        $v = $a.required($fjs)?;
    };
    (param opt $v:expr, $a:ident, $fjs:literal) => {
        $v = $a.optional($fjs)?;
    };
    ($other:ident $req:ident $v:expr, $a:ident $(, $fjs:literal)?) => {};
}
#[allow(unused_imports)]
pub(crate) use read_field;

/// The setters of an operation's call in the Rust face: one per `opt` field.
macro_rules! setters {
    ($name:ident, $rust:tt, $($field:tt)*) => {
        #[cfg(any(target_arch = "wasm32", feature = "native"))]
        impl<'c> $crate::client::Call<'c, $name> {
            $( $crate::ops::setter!($rust $field); )*
        }
    };
}
pub(crate) use setters;

/// The setter of an `opt` field, with its example: the call sent with the field's sample, or
/// for a field the faces set themselves (`none`), the parameter it sets.
#[allow(unused_macros)]
macro_rules! setter {
    ([$handler:ident $rfn:ident $args:tt $bind:tt] [opt none $f:ident : $fty:ty, [$($fd:literal)*], [$ex:expr]]) => {
        $crate::ops::setter!(@emit $f : $fty, [$($fd)*], concat!(
            " let call = ", $crate::ops::call_expr!($handler $rfn $args), ".", stringify!($f), "(", stringify!($ex), ");\n",
            " assert_eq!(call.params().", stringify!($f), ", Some(", stringify!($ex), "));"
        ));
    };
    ([$handler:ident $rfn:ident $args:tt $bind:tt] [opt $loc:ident $f:ident : $fty:ty, [$($fd:literal)*], [$ex:expr]]) => {
        $crate::ops::setter!(@emit $f : $fty, [$($fd)*], concat!(
            " ", $crate::ops::binding!($bind), $crate::ops::call_expr!($handler $rfn $args),
            ".", stringify!($f), "(", stringify!($ex), ").send().await?;"
        ));
    };
    ($rust:tt [req $($field:tt)*]) => {};
    (@emit $f:ident : $fty:ty, [$($fd:literal)*], $ex:expr) => {
        $(#[doc = $fd])*
        #[doc = ""]
        #[doc = $crate::ops::example_head!()]
        #[doc = $ex]
        #[doc = $crate::ops::example_tail!()]
        pub fn $f(mut self, value: impl Into<$fty>) -> Self {
            self.params.$f = Some(value.into());
            self
        }
    };
}
#[allow(unused_imports)]
pub(crate) use setter;

/// The opening lines of a generated example (hidden in the documentation): an `async fn` given
/// `client`, `bytes` and `cursor`, with the models in scope. `no_run`: it needs the API.
macro_rules! example_head {
    () => {
        concat!(
            " ```no_run\n",
            " # use ctct_mylibrary::models::*;\n",
            " # async fn example(\n",
            " #     client: ctct_mylibrary::Client,\n",
            " #     bytes: Vec<u8>,\n",
            " #     cursor: ctct_mylibrary::Cursor,\n",
            " # ) -> Result<(), ctct_mylibrary::Error> {",
        )
    };
}
pub(crate) use example_head;

/// The closing lines of a generated example.
macro_rules! example_tail {
    () => {
        " # Ok(())\n # }\n ```"
    };
}
pub(crate) use example_tail;

/// A call of the Rust face in an example: `client.files().get("1234")`.
macro_rules! call_expr {
    ($handler:ident $rfn:ident $args:tt) => {
        concat!(
            "client.",
            $crate::ops::handler_name!($handler),
            "().",
            stringify!($rfn),
            stringify!($args)
        )
    };
}
pub(crate) use call_expr;

/// The `Client` method that gives a handler: `Files` → `files`.
macro_rules! handler_name {
    (Files) => {
        "files"
    };
    (Folders) => {
        "folders"
    };
    (Trash) => {
        "trash"
    };
}
pub(crate) use handler_name;

/// `let binding = ` in an example, or nothing (a call that answers nothing).
macro_rules! binding {
    ([]) => {
        ""
    };
    ([$b:ident]) => {
        concat!("let ", stringify!($b), " = ")
    };
}
pub(crate) use binding;

#[cfg(test)]
pub(crate) fn test_target() -> Target {
    Target {
        base: "http://h/v2".into(),
        api_key: Some("k".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_match_json_stringify() {
        assert_eq!(
            json_string("a\"b\\c\nd\u{1}é😀"),
            r#""a\"b\\c\nd\u0001é😀""#
        );
        let parsed: String =
            serde_json::from_str(&json_string("tab\there \u{7f} </script>\u{1f}")).unwrap();
        assert_eq!(parsed, "tab\there \u{7f} </script>\u{1f}");
        assert_eq!(json_array(&["1", "a\"b"]), r#"["1","a\"b"]"#);
    }

    #[test]
    fn request_info_hides_the_key() {
        let c = HttpCall {
            method: Method::Get,
            url: "http://h/v2/library/info?api_key=k%2By".into(),
            body: None,
            kind: Kind::Info,
            listing: None,
        };
        assert_eq!(c.info().url, "http://h/v2/library/info?api_key=[REDACTED]");
    }
}
