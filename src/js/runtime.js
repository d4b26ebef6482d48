// The JavaScript half of ctct-mylibrary, imported by the wasm module.
//
// Rule for every function here: it never throws into wasm. A JS exception unwinding through
// wasm frames would leave Rust state half-updated, and wasm-bindgen 0.2.130 leaks a table slot
// each time a `catch` import throws. Failures come back as values instead.

/** Every rejection of the client is a MyLibraryError. */
export class MyLibraryError extends Error {
  constructor(code, message, status = 0, errors = [], retryAfterMs = undefined, cause = undefined) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "MyLibraryError";
    this.code = code;
    this.status = status;
    this.errors = errors;
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
  toJSON() {
    const out = { name: this.name, code: this.code, status: this.status, message: this.message, errors: this.errors };
    if (this.retryAfterMs !== undefined) out.retryAfterMs = this.retryAfterMs;
    return out;
  }
}

function redactText(text, secrets) {
  let out = String(text);
  for (const s of secrets) {
    if (!s) continue;
    for (const form of [s, encodeURIComponent(s)]) {
      if (out.includes(form)) out = out.split(form).join("[REDACTED]");
    }
  }
  return out;
}

function safeString(v) {
  try {
    return String(v);
  } catch {
    return "";
  }
}

/** The cause as given, or a copy with the secrets taken out of its message and stack. */
function safeCause(e, secrets) {
  if (e === undefined || e === null) return undefined;
  let text;
  if (typeof e === "object" || typeof e === "function") {
    let message = "";
    let stack = "";
    try { message = safeString(e.message ?? ""); stack = safeString(e.stack ?? ""); } catch { /* a hostile getter */ }
    text = message + "\n" + stack;
    if (redactText(text, secrets) === text) return e;
    const copy = new Error(redactText(message, secrets));
    try { copy.name = safeString(e.name ?? "Error"); } catch { /* keep Error */ }
    copy.stack = `${copy.name}: ${copy.message}`;
    return copy;
  }
  text = safeString(e);
  return redactText(text, secrets) === text ? e : redactText(text, secrets);
}

/** Builds the error; `flatErrors` is [key, message, key, message, ...]. */
export function makeError(code, message, status, flatErrors, retryAfterMs, cause, secrets) {
  const errors = [];
  for (let i = 0; i + 1 < flatErrors.length; i += 2) errors.push({ error_key: flatErrors[i], error_message: flatErrors[i + 1] });
  return new MyLibraryError(code, message, status, errors, retryAfterMs, safeCause(cause, secrets));
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
    return String(e);
  } catch {
    return "an unprintable value";
  }
}

// ---------------------------------------------------------------- cancellation and time

/**
 * One call's cancellation: an internal AbortController driven by the caller's signal and by
 * the call's time budget. The caller's signal is never handed to fetch (whatever its reason, an
 * abort reaches fetch as a plain AbortError), and `why` says who stopped the call.
 */
export class AbortScope {
  constructor(signal, timeoutMs) {
    this.controller = new AbortController();
    this.why = 0; // 0 running, 1 the caller aborted, 2 the time budget ran out
    this.waiters = new Set();
    this.signalRef = null;
    this.timer = undefined;
    try {
      if (signal && typeof signal === "object" && typeof signal.addEventListener === "function") {
        if (signal.aborted) {
          this.stop(1);
        } else {
          this.onAbort = () => this.stop(1);
          signal.addEventListener("abort", this.onAbort, { once: true });
          this.signalRef = signal;
        }
      }
    } catch { /* a foreign object; treat as no signal */ }
    if (timeoutMs > 0 && this.why === 0) this.timer = setTimeout(() => this.stop(2), timeoutMs);
  }
  stop(why) {
    if (this.why !== 0) return;
    this.why = why;
    this.controller.abort();
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
    if (this.why !== 0) return Promise.reject(new DOMException("The call was stopped", "AbortError"));
    return new Promise((resolve, reject) => {
      const stop = () => reject(new DOMException("The call was stopped", "AbortError"));
      this.waiters.add(stop);
      promise.then(
        (v) => { this.waiters.delete(stop); resolve(v); },
        (e) => { this.waiters.delete(stop); reject(e); },
      );
    });
  }
  dispose() {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.signalRef) {
      try { this.signalRef.removeEventListener("abort", this.onAbort); } catch { /* ignore */ }
    }
    this.signalRef = null;
    this.waiters.clear();
  }
}

/** Resolves after `ms`, or as soon as the scope stops. */
export function sleep(ms, scope) {
  return new Promise((resolve) => {
    if (scope && scope.why !== 0) return resolve();
    let done;
    const timer = setTimeout(() => done(), Math.max(0, ms));
    done = () => {
      clearTimeout(timer);
      if (scope) scope.waiters.delete(done);
      resolve();
    };
    if (scope) scope.waiters.add(done);
  });
}

export function now() {
  return typeof performance !== "undefined" && performance.now ? performance.now() : Date.now();
}

export function random() {
  return Math.random();
}

// ---------------------------------------------------------------- fetch

/**
 * Builds the Request and calls `fetchFn` (or the global fetch) with it, within `scope`; a
 * synchronous throw becomes a rejection. `headers` is [name, value, ...].
 */
export function callFetch(fetchFn, url, method, headers, body, scope) {
  try {
    const f = typeof fetchFn === "function" ? fetchFn : globalThis.fetch;
    if (typeof f !== "function") return Promise.reject(new TypeError("no fetch function is available in this runtime"));
    const h = new Headers();
    for (let i = 0; i + 1 < headers.length; i += 2) h.set(headers[i], headers[i + 1]);
    const init = { method, headers: h, signal: scope.signal };
    if (body !== undefined) init.body = body;
    const request = new Request(url, init);
    return scope.guard(Promise.resolve(f(request)).then((r) => {
      if (!r || typeof r !== "object" || typeof r.status !== "number") throw new TypeError("fetch resolved with something that is not a Response");
      return r;
    }));
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Reads a response: `{ kind: 0, status, value, location, id, retryAfter }` where value is the
 * parsed JSON (undefined for an empty body); kind 1 when the body could not be read (the
 * connection failed part-way, or `scope` stopped), kind 2 when it is not JSON. Never rejects.
 */
export async function readResponse(r, scope) {
  let status = 0, location, id, retryAfter;
  try {
    status = r.status;
    location = r.headers.get("location") ?? undefined;
    id = r.headers.get("id") ?? undefined;
    retryAfter = r.headers.get("retry-after") ?? undefined;
  } catch { /* a foreign Response */ }
  let text;
  try {
    text = await scope.guard(r.text());
  } catch (error) {
    return { kind: 1, status, error, location, id, retryAfter };
  }
  if (text.length === 0 || /^\s*$/.test(text)) return { kind: 0, status, value: undefined, location, id, retryAfter };
  try {
    return { kind: 0, status, value: JSON.parse(text), location, id, retryAfter };
  } catch (error) {
    return { kind: 2, status, error, snippet: text.slice(0, 120), location, id, retryAfter };
  }
}

/** Seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(value) {
  if (value === undefined || value === null || value === "") return undefined;
  const s = Number(value);
  if (Number.isFinite(s) && s >= 0) return Math.round(s * 1000);
  const t = Date.parse(value);
  return Number.isFinite(t) ? Math.max(0, t - Date.now()) : undefined;
}

/** The v2 error array in a body as [key, message, ...], or [] when it is not one. */
export function flattenErrors(value) {
  const out = [];
  if (!Array.isArray(value)) return out;
  for (const e of value) {
    if (e && typeof e === "object" && (typeof e.error_key === "string" || typeof e.error_message === "string")) {
      out.push(String(e.error_key ?? ""), String(e.error_message ?? ""));
    }
  }
  return out;
}

// ---------------------------------------------------------------- uploads

/** The upload's bytes as a Blob of `type`, or undefined when `data` is none of Blob, ArrayBuffer, a typed array or a DataView. */
export function toBlob(data, type) {
  try {
    if (typeof Blob !== "undefined" && data instanceof Blob) return data;
    if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return new Blob([data], { type });
  } catch { /* fall through */ }
  return undefined;
}

export function blobType(data) {
  try { return typeof Blob !== "undefined" && data instanceof Blob ? data.type : ""; } catch { return ""; }
}

export function blobSize(blob) {
  return blob.size;
}

export function makeForm(fields, blob, fileName) {
  const form = new FormData();
  for (let i = 0; i + 1 < fields.length; i += 2) form.append(fields[i], fields[i + 1]);
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

/** An upload through XMLHttpRequest, for real progress events in browsers. Resolves like readResponse. */
export function xhrUpload(url, headers, form, onProgress, scope) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    let settled = false;
    const finish = (v) => { if (!settled) { settled = true; scope.waiters.delete(abort); resolve(v); } };
    const abort = () => { try { xhr.abort(); } catch { /* ignore */ } finish({ kind: 1, status: 0, error: new DOMException("The upload was aborted", "AbortError") }); };
    xhr.open("POST", url);
    for (let i = 0; i + 1 < headers.length; i += 2) xhr.setRequestHeader(headers[i], headers[i + 1]);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) progress(onProgress, e.loaded, e.total); };
    xhr.onerror = () => finish({ kind: 1, status: 0, error: new TypeError("Network error during the upload") });
    xhr.onload = () => {
      const text = xhr.responseText ?? "";
      const h = (n) => xhr.getResponseHeader(n) ?? undefined;
      let value;
      if (text.trim().length > 0) {
        try { value = JSON.parse(text); } catch (error) { return finish({ kind: 2, status: xhr.status, error, snippet: text.slice(0, 120) }); }
      }
      finish({ kind: 0, status: xhr.status, value, location: h("location"), id: h("id"), retryAfter: h("retry-after") });
    };
    if (scope.why !== 0) return abort();
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

/** The cursor in a next_link, or null. Same rules as `models::next_token` in Rust. */
export function nextToken(link) {
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

function page(v, item, p) {
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
    const t = nextToken(link);
    if (t === null) bad(`${p}.meta.pagination.next_link`, "a link with a next parameter");
    out.next = t;
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

const KINDS = {
  info: (v) => info(v, "$"),
  folder: (v) => folder(v, "$"),
  file: (v) => file(v, "$"),
  folderPage: (v) => page(v, folder, "$"),
  filePage: (v) => page(v, file, "$"),
  uploadStatuses: (v) => list(v, uploadStatus, "$"),
  moveResults: (v) => list(v, moveResult, "$"),
};

/**
 * Validates and normalises a parsed response of the given kind. Returns `{ ok: value }` or
 * `{ error: "path: expected ..." }`.
 */
export function validate(kind, value) {
  try {
    return { ok: KINDS[kind](value) };
  } catch (e) {
    if (e instanceof Bad) return { error: `${e.path}: expected ${e.what}` };
    return { error: `$: ${describe(e)}` };
  }
}

// ---------------------------------------------------------------- pagination

/**
 * Every item of every page, as an async iterable. `pager.page(cursor)` fetches one page.
 * Async generators queue concurrent `next()` calls, so no page is ever fetched twice; a cursor
 * the server already handed out ends the walk with DECODE after the items already yielded.
 */
export function paginate(pager) {
  async function* items() {
    const seen = new Set();
    let cursor;
    try {
      for (;;) {
        const p = await pager.page(cursor);
        for (const item of p.results) yield item;
        if (p.next === undefined) return;
        if (seen.has(p.next)) {
          throw new MyLibraryError("DECODE", `Unexpected response from the MyLibrary API: the server repeated the page cursor ${JSON.stringify(p.next)}; stopping instead of looping`);
        }
        seen.add(p.next);
        cursor = p.next;
      }
    } finally {
      pager.free();
    }
  }
  return items();
}
