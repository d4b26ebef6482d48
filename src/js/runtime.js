// The JavaScript half of ctct-mylibrary, imported by the wasm module.
//
// Rule for every function Rust calls: it never throws into wasm. A JS exception unwinding through
// wasm frames would leave Rust state half-updated, and wasm-bindgen 0.2.130 leaks a table slot
// each time a `catch` import throws. Failures come back as values instead (a Reply's outcome).

// ---------------------------------------------------------------- errors

/** Every rejection of the client is a MyLibraryError. */
export class MyLibraryError extends Error {
  /**
   * @param {string} message
   * @param {{ code: string, status?: number, errors?: {error_key: string, error_message: string}[],
   *   retryAfterMs?: number, request?: { method: string, url: string }, argument?: string,
   *   cause?: unknown }} options
   */
  constructor(message, options) {
    const o = options ?? {};
    super(message, "cause" in o && o.cause !== undefined ? { cause: o.cause } : undefined);
    this.name = "MyLibraryError";
    this.code = o.code ?? "INVALID_ARGUMENT";
    this.status = o.status ?? 0;
    this.errors = o.errors ?? [];
    if (o.retryAfterMs !== undefined) this.retryAfterMs = o.retryAfterMs;
    if (o.request !== undefined) this.request = o.request;
    if (o.argument !== undefined) this.argument = o.argument;
  }
  static {
    // The class keeps its name when the package is minified.
    Object.defineProperty(this, "name", { value: "MyLibraryError" });
  }
  toJSON() {
    const out = { name: this.name, code: this.code, status: this.status, message: this.message, errors: this.errors };
    if (this.retryAfterMs !== undefined) out.retryAfterMs = this.retryAfterMs;
    if (this.request !== undefined) out.request = this.request;
    if (this.argument !== undefined) out.argument = this.argument;
    return out;
  }
}

export function redactText(text, forms) {
  let out = String(text);
  for (const f of forms) if (f && out.includes(f)) out = out.split(f).join("[REDACTED]");
  return out;
}

function safeString(v) {
  try {
    return String(v);
  } catch {
    return "";
  }
}

/**
 * The cause as given, or a copy with the secrets taken out: its message, its stack, its other
 * own string properties and its own cause, down the chain (what `util.inspect` and a console
 * print).
 */
export function safeCause(e, forms, depth = 0) {
  if (e === undefined || e === null || forms.length === 0) return e;
  if (typeof e !== "object" && typeof e !== "function") {
    const text = safeString(e);
    return redactText(text, forms) === text ? e : redactText(text, forms);
  }
  if (depth > 4) return undefined;
  let strings;
  let inner;
  try {
    strings = Object.entries(Object.getOwnPropertyDescriptors(e))
      .filter(([, d]) => "value" in d && typeof d.value === "string")
      .map(([k, d]) => [k, d.value]);
    for (const k of ["message", "stack", "name"]) {
      if (!strings.some(([n]) => n === k)) strings.push([k, safeString(e[k] ?? "")]);
    }
    inner = e.cause;
  } catch {
    return undefined; // a hostile getter: leave it out
  }
  const safeInner = safeCause(inner, forms, depth + 1);
  if (strings.every(([, v]) => redactText(v, forms) === v) && safeInner === inner) return e;
  const copy = new Error(redactText(safeString(e.message ?? ""), forms));
  for (const [k, v] of strings) {
    if (k !== "message") copy[k] = redactText(v, forms);
  }
  if (safeInner !== undefined) copy.cause = safeInner;
  return copy;
}

/**
 * Builds the error Rust describes (its texts already redacted); `forms` are the secrets to take
 * out of the cause. Keys and messages of the API's error list come as two arrays.
 */
export function makeError(code, message, status, keys, messages, retryAfterMs, method, url, argument, cause, forms) {
  const errors = keys.map((k, i) => ({ error_key: k, error_message: messages[i] ?? "" }));
  return new MyLibraryError(message, {
    code, status, errors,
    retryAfterMs,
    request: method === undefined ? undefined : { method, url },
    argument,
    cause: safeCause(cause, forms),
  });
}

/** Name and message of any thrown value, for messages. */
export function describe(e) {
  if (e === undefined) return "undefined";
  if (e === null) return "null";
  try {
    if (typeof e === "object" && "message" in e) {
      const name = e.name ? String(e.name) : "Error";
      const cause = e.cause && typeof e.cause === "object" && "message" in e.cause ? ` (${e.cause.code ?? ""} ${e.cause.message})` : "";
      return `${name}: ${e.message}${cause}`;
    }
    if (typeof e === "string") return JSON.stringify(e.length > 60 ? e.slice(0, 60) + "…" : e);
    if (typeof e === "function") return "a function";
    if (Array.isArray(e)) return "an array";
    if (typeof e === "object") return "an object";
    return String(e);
  } catch {
    return "an unprintable value";
  }
}

// ---------------------------------------------------------------- cancellation and time

/**
 * One call's cancellation: an internal AbortController driven by the caller's signal and by
 * the call's time budget. The caller's signal is never handed to fetch, and the internal one
 * only ever aborts with an Error (gloo-net treats any other rejection of fetch as a bug).
 * `state` says who stopped the call: "running", "aborted" (the caller) or "timeout".
 */
export class Scope {
  constructor(signal, timeoutMs) {
    this.controller = new AbortController();
    this.state = "running";
    this.reason = undefined;
    this.waiters = new Set();
    this.signalRef = null;
    this.timer = undefined;
    try {
      if (signal && typeof signal === "object" && typeof signal.addEventListener === "function") {
        if (signal.aborted) {
          this.callerAborted(signal);
        } else {
          this.onAbort = () => this.callerAborted(signal);
          signal.addEventListener("abort", this.onAbort, { once: true });
          this.signalRef = signal;
        }
      }
    } catch { /* a foreign object; treat as no signal */ }
    // A budget longer than a timer can count (about 24.8 days) is no budget.
    if (timeoutMs > 0 && timeoutMs <= MAX_TIMER && this.state === "running") this.timer = setTimeout(() => this.stop("timeout"), timeoutMs);
  }
  callerAborted(signal) {
    let reason;
    try { reason = signal.reason; } catch { /* a hostile getter */ }
    this.reason = reason;
    // AbortSignal.timeout() aborts with a TimeoutError: the caller's time ran out.
    const timedOut = reason !== null && typeof reason === "object" && reason.name === "TimeoutError";
    this.stop(timedOut ? "timeout" : "aborted");
  }
  stop(state) {
    if (this.state !== "running") return;
    this.state = state;
    // Why is `state`; the executor reads it there, and words it in the call's error.
    this.controller.abort(abortError());
    for (const w of this.waiters) w();
    this.waiters.clear();
  }
  get signal() {
    return this.controller.signal;
  }
  /**
   * `promise`, or an AbortError as soon as the scope stops. fetch is also given `signal`, but a
   * call must not depend on the runtime honouring it: Node's fetch drops a Request's link to its
   * signal after a garbage collection (nodejs/node#55428, nodejs/undici#4068), and the request
   * then runs to its end.
   */
  guard(promise) {
    if (this.state !== "running") return Promise.reject(abortError());
    return new Promise((resolve, reject) => {
      const stop = () => reject(abortError());
      this.waiters.add(stop);
      promise.then(
        (v) => { this.waiters.delete(stop); resolve(v); },
        (e) => { this.waiters.delete(stop); reject(e); },
      );
    });
  }
  /** Resolves (with nothing) once the scope stops. */
  stopped() {
    return new Promise((resolve) => {
      if (this.state !== "running") resolve();
      else this.waiters.add(resolve);
    });
  }
  /** The call's future was dropped: stop its request (the connection closes) and let go. */
  cancel() {
    this.stop("dropped");
    this.dispose();
  }
  /**
   * The call is over: let go of the timer and the caller's signal, and settle every waiter
   * (the call's own are settled already; a `stopped()` the call raced against is not, and the
   * wasm side frees its callback only once it runs).
   */
  dispose() {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.signalRef) {
      try { this.signalRef.removeEventListener("abort", this.onAbort); } catch { /* ignore */ }
    }
    this.signalRef = null;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w();
  }
}

/** The Error a stopped call's fetch rejects with (gloo-net must only ever see an Error). */
function abortError() {
  const e = new Error("The call was stopped");
  e.name = "AbortError";
  return e;
}

/** The longest delay setTimeout takes. */
const MAX_TIMER = 2147483647;

/** Resolves after `ms`, or as soon as the scope stops. */
export function sleep(ms, scope) {
  return new Promise((resolve) => {
    if (scope && scope.state !== "running") return resolve();
    let done;
    const timer = setTimeout(() => done(), Math.min(Math.max(0, ms), MAX_TIMER));
    done = () => {
      clearTimeout(timer);
      if (scope) scope.waiters.delete(done);
      resolve();
    };
    if (scope) scope.waiters.add(done);
  });
}

/** A monotonic clock in milliseconds. */
export function now() {
  return typeof performance !== "undefined" && performance.now ? performance.now() : Date.now();
}

/** The wall clock (ms since 1970), for an HTTP-date `Retry-After`. */
export function wallClock() {
  return Date.now();
}

export function random() {
  return Math.random();
}

const pendingTokens = new WeakMap();

/**
 * Calls a caller's `getAccessToken`; resolves with a non-empty string or rejects. Calls that
 * ask while one is pending share it, so a burst of 401s refreshes the token once.
 */
export function callTokenSource(fn) {
  const pending = pendingTokens.get(fn);
  if (pending) return pending;
  let p;
  try {
    p = Promise.resolve(fn()).then((t) => {
      if (typeof t !== "string" || t.length === 0) throw new TypeError(`getAccessToken resolved with ${describe(t)}, not a non-empty string`);
      return t;
    });
  } catch (e) {
    p = Promise.reject(e);
  }
  const shared = p.finally(() => pendingTokens.delete(fn));
  pendingTokens.set(fn, shared);
  return shared;
}

// ---------------------------------------------------------------- fetch and answers

/** Calls a caller's fetch function with a Request, within `scope` (a throw becomes a rejection). */
export function callFetch(fetchFn, request, scope) {
  try {
    return scope.guard(Promise.resolve(fetchFn(request)).then((r) => {
      if (!r || typeof r !== "object" || typeof r.status !== "number") throw new TypeError("fetch resolved with something that is not a Response");
      return r;
    }));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** What became of a request, read once: Rust reads it through these getters. */
export class Reply {
  constructor(outcome, status, headers) {
    /** "answer", "failed" (no answer, or the body broke off), "notJson", "invalid" (a 2xx body of the wrong shape). */
    this.outcome = outcome;
    this.status = status;
    this.retryAfter = headers?.retryAfter;
    this.location = headers?.location;
    this.id = headers?.id;
    this.value = undefined;
    this.text = undefined;
    this.problem = undefined;
    this.cause = undefined;
    this.next = undefined;
    this.errors = [];
  }
  get errorCount() { return this.errors.length; }
  errorKey(i) { return this.errors[i]?.error_key ?? ""; }
  errorMessage(i) { return this.errors[i]?.error_message ?? ""; }
}

function headersOf(r) {
  try {
    const h = (n) => r.headers.get(n) ?? undefined;
    return { retryAfter: h("retry-after"), location: h("location"), id: h("id") };
  } catch {
    return undefined; // a foreign Response
  }
}

/**
 * The errors of a parsed error body: the API's `[{ error_key, error_message }]`, or the OAuth2
 * server's `{ error, error_description }` as one such entry.
 */
function errorList(value) {
  const out = [];
  if (typeof value?.error === "string") value = [{ error_key: value.error, error_message: value.error_description }];
  if (!Array.isArray(value)) return out;
  for (const e of value) {
    if (e && typeof e === "object" && (typeof e.error_key === "string" || typeof e.error_message === "string")) {
      out.push({ error_key: String(e.error_key ?? ""), error_message: String(e.error_message ?? "") });
    }
  }
  return out;
}

/** The Reply of a body's text: parsed, then checked as `kind` when the status is 2xx. */
function replyOf(status, headers, text, kind, listing) {
  const ok = status >= 200 && status < 300;
  if (kind === "text" && ok) {
    const reply = new Reply("answer", status, headers);
    reply.text = text;
    return reply;
  }
  // A success whose body is not read (an upload: a proxy's text or HTML must not turn a stored
  // file into an error, which a retry would store twice).
  if (kind === "nothing" && ok) return new Reply("answer", status, headers);
  let value;
  if (text.trim().length > 0) {
    try {
      value = JSON.parse(text);
    } catch (error) {
      const reply = new Reply("notJson", status, headers);
      reply.cause = error;
      reply.problem = text.slice(0, 120);
      return reply;
    }
  }
  if (!ok) {
    const reply = new Reply("answer", status, headers);
    reply.errors = errorList(value);
    return reply;
  }
  const checked = validate(kind, value, listing);
  if (checked.error !== undefined) {
    const reply = new Reply("invalid", status, headers);
    reply.problem = checked.error;
    return reply;
  }
  const reply = new Reply("answer", status, headers);
  reply.value = checked.ok;
  reply.next = checked.ok?.next;
  return reply;
}

/**
 * Reads a response once: status, the headers the client uses, the body parsed and checked as
 * `kind` ("text": the body's text only). Never rejects: failures are the Reply's outcome.
 */
export async function readResponse(r, kind, listing, scope) {
  const status = typeof r?.status === "number" ? r.status : 0;
  const headers = headersOf(r);
  let text;
  try {
    text = await scope.guard(r.text());
  } catch (error) {
    const reply = new Reply("failed", status, headers);
    reply.cause = error;
    return reply;
  }
  return replyOf(status, headers, text, kind, listing);
}

/** The Reply of a fetch that rejected. */
export function failedReply(error) {
  const reply = new Reply("failed", 0, undefined);
  reply.cause = error;
  return reply;
}

/** Concatenates the arrays of several answers (a long list of ids sent in parts). */
export function concat(parts) {
  return [].concat(...parts);
}

// ---------------------------------------------------------------- uploads

/** The upload's bytes as a Blob, or undefined when `data` is none of Blob, ArrayBuffer, a typed array or a DataView. */
export function toBlob(data) {
  try {
    if (typeof Blob !== "undefined" && data instanceof Blob) return data;
    if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return new Blob([data]);
  } catch { /* fall through */ }
  return undefined;
}

export function blobType(blob) {
  try { return typeof blob.type === "string" ? blob.type : ""; } catch { return ""; }
}

export function blobSize(blob) {
  try { return blob.size; } catch { return 0; }
}

export function makeForm(names, values, blob, fileName) {
  const form = new FormData();
  names.forEach((n, i) => form.append(n, values[i]));
  form.append("data", blob, fileName);
  return form;
}

export function hasXhr() {
  return typeof XMLHttpRequest === "function";
}

/** Reports progress safely: a throwing callback must not break the upload. */
export function progress(cb, sent, total) {
  if (typeof cb !== "function") return;
  try { cb(sent, total); } catch (e) { setTimeout(() => { throw e; }); }
}

/** An upload through XMLHttpRequest, for real progress events in browsers. Resolves with a Reply. */
export function xhrUpload(url, token, form, onProgress, scope) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    let settled = false;
    const finish = (v) => { if (!settled) { settled = true; scope.waiters.delete(abort); resolve(v); } };
    const abort = () => {
      try { xhr.abort(); } catch { /* ignore */ }
      finish(failedReply(abortError()));
    };
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", "application/json");
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) progress(onProgress, e.loaded, e.total); };
    xhr.onerror = () => finish(failedReply(new TypeError("Network error during the upload")));
    xhr.onload = () => {
      const h = (n) => xhr.getResponseHeader(n) ?? undefined;
      finish(replyOf(xhr.status, { retryAfter: h("retry-after"), location: h("location"), id: h("id") }, xhr.responseText ?? "", "nothing", undefined));
    };
    if (scope.state !== "running") return abort();
    scope.waiters.add(abort);
    xhr.send(form);
  });
}

// ---------------------------------------------------------------- validation
//
// These mirror the Rust decoder (src/models) rule for rule: they check the object that
// JSON.parse built, fix up the recorded variants in place, and return it — or return a string
// naming the first field that is wrong. A property test checks that both accept and refuse the
// same inputs and produce the same values.

const isObj = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
const isCount = (v) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

class Bad {
  constructor(path, what) { this.path = path; this.what = what; }
}
const bad = (path, what) => { throw new Bad(path, what); };

function reqString(o, k, p) {
  if (typeof o[k] !== "string") bad(`${p}.${k}`, "a string");
}
function reqCount(o, k, p) {
  if (!isCount(o[k])) bad(`${p}.${k}`, "a non-negative integer");
}
/** Optional string: missing or null is absent. */
function optString(o, k, p) {
  const v = o[k];
  if (v === null) delete o[k];
  else if (v !== undefined && typeof v !== "string") bad(`${p}.${k}`, "a string or null");
}

function thumbnail(t, p) {
  if (!isObj(t)) bad(p, "an object");
  reqString(t, "url", p);
  reqCount(t, "width", p);
  reqCount(t, "height", p);
}

function file(f, p) {
  if (!isObj(f)) bad(p, "a file object");
  reqString(f, "id", p);
  reqString(f, "name", p);
  optString(f, "description", p);
  optString(f, "folder", p);
  if (f.folder_id === undefined) f.folder_id = null;
  else if (f.folder_id !== null && typeof f.folder_id !== "string") bad(`${p}.folder_id`, "a string or null");
  reqCount(f, "height", p);
  reqCount(f, "width", p);
  reqCount(f, "size", p);
  reqString(f, "url", p);
  optString(f, "source", p);
  reqString(f, "status", p);
  if (f.thumbnail === null) delete f.thumbnail;
  else if (f.thumbnail !== undefined) thumbnail(f.thumbnail, `${p}.thumbnail`);
  reqString(f, "created_date", p);
  reqString(f, "modified_date", p);
  if (typeof f.is_image !== "boolean") bad(`${p}.is_image`, "a boolean");
  const alias = f.type;
  if (alias !== undefined && alias !== null && typeof alias !== "string") bad(`${p}.type`, "a string");
  if (f.file_type === undefined || f.file_type === null) {
    if (typeof alias !== "string") bad(`${p}.file_type`, "a string");
    f.file_type = alias;
  } else if (typeof f.file_type !== "string") bad(`${p}.file_type`, "a string");
  if (alias !== undefined) delete f.type;
  return f;
}

function folder(f, p) {
  if (!isObj(f)) bad(p, "a folder object");
  reqString(f, "id", p);
  reqString(f, "name", p);
  reqCount(f, "level", p);
  if (f.children === undefined) f.children = [];
  else if (!Array.isArray(f.children)) bad(`${p}.children`, "an array");
  else for (let i = 0; i < f.children.length; i++) folder(f.children[i], `${p}.children[${i}]`);
  reqCount(f, "item_count", p);
  const parent = f.parent_id;
  if (parent === undefined || parent === null || parent === "") f.parent_id = "0";
  else if (typeof parent !== "string") bad(`${p}.parent_id`, "a string or null");
  reqString(f, "modified_date", p);
  reqString(f, "created_date", p);
  return f;
}

function decodeComponent(s) {
  try { return decodeURIComponent(s); } catch { return null; }
}

/** The token of a next_link's `next` parameter, or null (the rules of `cursor::next_token`). */
function linkToken(link) {
  const q = link.indexOf("?");
  if (q < 0) return null;
  let query = link.slice(q + 1);
  const h = query.indexOf("#");
  if (h >= 0) query = query.slice(0, h);
  for (const part of query.split("&")) {
    if (part.startsWith("next=")) {
      const t = decodeComponent(part.slice(5));
      return t ? t : null;
    }
  }
  return null;
}

/** A page: `{ results, next? }`, where next is the cursor `<listing>?next=<token>`. */
function page(v, item, p, listing) {
  if (!isObj(v)) bad(p, "a page object");
  const meta = v.meta;
  let link = null;
  if (meta !== undefined && meta !== null) {
    if (!isObj(meta)) bad(`${p}.meta`, "an object");
    const pg = meta.pagination;
    if (pg !== undefined && pg !== null) {
      if (!isObj(pg)) bad(`${p}.meta.pagination`, "an object");
      const l = pg.next_link;
      if (l !== undefined && l !== null) {
        if (typeof l !== "string") bad(`${p}.meta.pagination.next_link`, "a string");
        link = l;
      }
    }
  }
  if (!Array.isArray(v.results)) bad(`${p}.results`, "an array");
  for (let i = 0; i < v.results.length; i++) item(v.results[i], `${p}.results[${i}]`);
  const out = { results: v.results };
  if (link !== null) {
    const t = linkToken(link);
    if (t === null) bad(`${p}.meta.pagination.next_link`, "a link with a next parameter");
    out.next = listing === undefined ? t : `${listing}?next=${encodeURIComponent(t)}`;
  }
  return out;
}

function info(v, p) {
  if (Array.isArray(v)) {
    if (v.length !== 1) bad(p, "the info object (or a one-element array of it)");
    v = v[0];
    p = `${p}[0]`;
  }
  if (!isObj(v)) bad(p, "the info object");
  reqString(v, "image_root", p);
  reqCount(v, "max_free_file_num", p);
  reqCount(v, "max_premium_space_limit", p);
  reqCount(v, "max_upload_size_limit", p);
  const u = v.usage_summary;
  if (!isObj(u)) bad(`${p}.usage_summary`, "an object");
  for (const k of ["folder_count", "file_count", "image_count", "document_count", "total_bytes_used", "image_bytes_used", "document_bytes_used", "total_bytes_remaining", "free_files_remaining"]) {
    reqCount(u, k, `${p}.usage_summary`);
  }
  return v;
}

function list(v, item, p) {
  if (!Array.isArray(v)) bad(p, "an array");
  for (let i = 0; i < v.length; i++) item(v[i], `${p}[${i}]`);
  return v;
}

function uploadStatus(s, p) {
  if (!isObj(s)) bad(p, "an object");
  if (typeof s.file_id === "number" && Number.isSafeInteger(s.file_id)) s.file_id = String(s.file_id);
  else reqString(s, "file_id", p);
  reqString(s, "status", p);
  optString(s, "description", p);
}

function moveResult(m, p) {
  if (!isObj(m)) bad(p, "an object");
  reqString(m, "id", p);
  reqString(m, "uri", p);
}

/** One validator per `Kind` of src/ops (its `as_str`). */
const KINDS = {
  info: (v) => info(v, "$"),
  folder: (v) => folder(v, "$"),
  file: (v) => file(v, "$"),
  folderPage: (v, l) => page(v, folder, "$", l),
  filePage: (v, l) => page(v, file, "$", l),
  uploadStatuses: (v) => list(v, uploadStatus, "$"),
  moveResults: (v) => list(v, moveResult, "$"),
};

/**
 * Validates and normalises a parsed response of the given kind. Returns `{ ok: value }` or
 * `{ error: "path: expected ..." }`. A page's `next` is prefixed with `listing` when given.
 */
export function validate(kind, value, listing) {
  try {
    return { ok: KINDS[kind](value, listing) };
  } catch (e) {
    if (e instanceof Bad) return { error: `${e.path}: expected ${e.what}` };
    return { error: `$: ${describe(e)}` };
  }
}

// ---------------------------------------------------------------- pagination

/**
 * The pages of a listing, as an async iterator. `pager.page()` fetches the next page (Rust
 * keeps the cursor and the guard against a server that repeats one) and resolves with
 * `{ results, next }`, or with undefined after the last. Async generators queue concurrent
 * `next()` calls, so no page is ever fetched twice.
 */
export function paginate(pager) {
  async function* walk() {
    try {
      for (;;) {
        const p = await pager.page();
        if (p === undefined) return;
        yield p;
      }
    } finally {
      pager.free();
    }
  }
  return walk();
}

/** The items of an iterator of pages. */
async function* itemsOf(pages) {
  for await (const p of pages) yield* p.results;
}

// ---------------------------------------------------------------- the public class

/** Our own frames in a stack: this runtime, the glue, the package's entry, the wasm. */
const packageRoot = (() => {
  try { return new URL("../../../../", import.meta.url).href; } catch { return undefined; }
})();
/** True when this file is not where the package put it (a bundle: the root would be the app's). */
const bundled = packageRoot === undefined || !import.meta.url.includes("/snippets/");
function ours(line) {
  return packageRoot !== undefined && line.includes(packageRoot);
}

/**
 * The caller's frames at the start of a call: those below `entry` (our public function), where
 * the runtime can say so (V8: Node, Deno, workerd, Chromium), which holds in a bundle too;
 * elsewhere the whole stack, our own frames told apart by their URL.
 */
export function callSite(entry) {
  const limit = Error.stackTraceLimit;
  try {
    if (typeof limit === "number") Error.stackTraceLimit = limit + 30;
    const site = new Error();
    if (typeof Error.captureStackTrace === "function" && typeof entry === "function") {
      Error.captureStackTrace(site, entry);
    }
    return site;
  } finally {
    if (typeof limit === "number") Error.stackTraceLimit = limit;
  }
}

/** Gives a MyLibraryError the frames of the call site instead of the runtime's own. */
export function withCallerFrames(e, site) {
  if (!(e instanceof MyLibraryError) || typeof site?.stack !== "string") return e;
  try {
    // Our URL tells our frames apart, unless a bundle put the package in the app's own file;
    // then only the frames above our entry are left out (where the runtime can say which).
    const mine = (l) => l.includes("wasm://") || l.includes("wasm-function") || (!bundled && ours(l));
    const frames = site.stack.split("\n").slice(1).filter((l) => /^\s+at |@/.test(l) && !mine(l));
    e.stack = `${e.name}: ${e.message}\n${frames.join("\n")}`;
  } catch { /* keep the stack */ }
  return e;
}

const freedError = (name) => new MyLibraryError(`${name}: this MyLibraryClient was freed (free() or \`using\`); create a new client`, { code: "INVALID_ARGUMENT", argument: "this" });
const unboundError = (name) => new MyLibraryError(`${name}: called without its client (bind it, or call it as client.${name}(...))`, { code: "INVALID_ARGUMENT", argument: "this" });

/** An async iterator that rejects at once. */
async function* rejecting(e) {
  throw e;
}

/** The item iterators: each walks the pages of a list method. */
const ITEMS = { files: "listFiles", folders: "listFolders", trash: "listTrash" };

function define(proto, name, value) {
  Object.defineProperty(proto, name, { configurable: true, writable: true, value });
}

/**
 * The public class: the generated one, with every call's errors carrying the caller's frames;
 * calls on a freed client or without their client rejecting with a MyLibraryError instead of
 * throwing; `free()` (and `Symbol.dispose`) safe to call twice; and the item iterators, made
 * of `pages()`.
 */
export function wrapClient(Generated, loadFit) {
  // The client's own maxUploadBytes, which the fit option prefers to the account's limit.
  const configured = new WeakMap();
  class MyLibraryClient extends Generated {
    constructor(options) {
      super(options);
      const limit = options?.maxUploadBytes;
      if (Number.isInteger(limit) && limit > 0) configured.set(this, limit);
    }
  }
  const proto = MyLibraryClient.prototype;
  const usable = (self, name) => {
    if (!(self instanceof Generated)) return unboundError(name);
    if (self.__wbg_ptr === 0) return freedError(name);
    return undefined;
  };
  for (const name of Object.getOwnPropertyNames(Generated.prototype)) {
    const method = Generated.prototype[name];
    if (name === "constructor" || name === "free" || name.startsWith("__") || typeof method !== "function") continue;
    const iterates = name === "pages";
    const entry = {
      [name](...args) {
        const refused = usable(this, name);
        if (refused) {
          const e = withCallerFrames(refused, callSite(entry));
          if (iterates) return rejecting(e);
          if (name === "setAccessToken") throw e;
          return Promise.reject(e);
        }
        const site = callSite(entry);
        let out;
        try {
          out = method.apply(this, args);
        } catch (e) {
          throw withCallerFrames(e, site);
        }
        if (iterates) {
          const next = out.next.bind(out);
          out.next = function next_(...a) {
            const at = callSite(next_);
            return next(...a).catch((e) => { throw withCallerFrames(e, at); });
          };
          return out;
        }
        if (out instanceof Promise) return out.catch((e) => { throw withCallerFrames(e, site); });
        return out;
      },
    }[name];
    define(proto, name, entry);
  }
  for (const [name, list] of Object.entries(ITEMS)) {
    const entry = {
      [name](params, options) {
        const refused = usable(this, name);
        if (refused) return rejecting(withCallerFrames(refused, callSite(entry)));
        return itemsOf(this.pages(list, params, options));
      },
    }[name];
    define(proto, name, entry);
  }
  // uploadFile with `fit`: the package's fit-upload.js (loadFit, when first used) fits the image,
  // then uploads. The entries pass loadFit; the runtime itself imports nothing.
  const upload = proto.uploadFile;
  const learned = new WeakMap();
  const uploadEntry = {
    uploadFile(params, options) {
      if (options === null || typeof options !== "object" || !("fit" in options)) return upload.call(this, params, options);
      if (options.fit == null) {
        const { fit: _, ...rest } = options;
        return upload.call(this, params, rest);
      }
      const refused = usable(this, "uploadFile");
      const site = callSite(uploadEntry);
      if (refused) return Promise.reject(withCallerFrames(refused, site));
      const state = { upload, configured: configured.get(this), learned };
      const load = loadFit ?? (() => Promise.reject(new MyLibraryError("options.fit: this build has no fit", { argument: "options.fit" })));
      return load()
        .then((m) => m.fitted(this, params, options, state))
        .catch((e) => { throw withCallerFrames(e, site); });
    },
  }.uploadFile;
  define(proto, "uploadFile", uploadEntry);
  define(proto, "free", function free() {
    if (this instanceof Generated && this.__wbg_ptr !== 0) Generated.prototype.free.call(this);
  });
  if (Symbol.dispose) define(proto, Symbol.dispose, function dispose() { this.free(); });
  Object.defineProperty(MyLibraryClient, "name", { value: "MyLibraryClient" });
  return MyLibraryClient;
}
