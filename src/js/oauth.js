// Sign-in for the JavaScript face, the entry `ctct-mylibrary/oauth`: Constant Contact's v2 OAuth2
// flows (../shared/api/oauth2-v2.md). The rules are those of the Rust face (src/oauth), rule for
// rule; a wasm test runs both on the same callbacks and compares what they give. Plain JavaScript,
// with no wasm to load: a sign-in page stays small, and the core package's size does not change.
//
// Every failure is a MyLibraryError (the core's class): thrown by authorizationUrl and
// parseCallback, which answer at once; a rejection of exchangeCode and tokenInfo, which send one
// request each. No error holds the client secret, a code or a token.

import { MyLibraryError, Scope, callFetch, describe, safeCause, redactText, callSite, withCallerFrames } from "./runtime.js";

/** The v2 OAuth2 server. */
export const DEFAULT_OAUTH_BASE_URL = "https://oauth2.constantcontact.com/oauth2";
const AUTHORIZE_PATH = "/oauth/siteowner/authorize";
const TOKEN_PATH = "/oauth/token";
const TOKEN_INFO_PATH = "/tokeninfo.htm";
const DEFAULT_TIMEOUT_MS = 30000;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Secrets shorter than this are not searched for (as in the core: src/redact.rs). */
const MIN_SECRET_LEN = 8;
/** The parameters an OAuth2 answer may carry: each at most once (RFC 6749 §3.1). */
const OAUTH_KEYS = ["code", "username", "state", "error", "error_description", "access_token", "token_type", "expires_in"];

// ---------------------------------------------------------------- arguments

const argument = (name, what) => new MyLibraryError(`${name} ${what}`, { code: "INVALID_ARGUMENT", argument: name });
const present = (v) => v !== undefined && v !== null;

function isPlain(v) {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v);
  return p === null || Object.getPrototypeOf(p) === null;
}

/** The options object (`{}` when it may be left out), its keys checked. */
function options(v, known, required) {
  if (!present(v)) {
    if (required) throw argument("options", `is required: ${required}`);
    return {};
  }
  if (!isPlain(v)) throw argument("options", `must be a plain object, not ${describe(v)}`);
  for (const k of Object.keys(v)) {
    if (!known.includes(k)) throw argument(`options.${k}`, `is not an option of options; its options are: ${known.join(", ")}`);
  }
  return v;
}

function string(o, key, required) {
  const v = o[key];
  if (!present(v)) {
    if (required) throw argument(`options.${key}`, "is required");
    return undefined;
  }
  if (typeof v !== "string") throw argument(`options.${key}`, `must be a string, not ${describe(v)}`);
  return v;
}

function flowOf(o, required) {
  const v = string(o, "flow", false);
  if (v === undefined) {
    if (required) throw argument("options.flow", 'is required: "code" (a server or a Worker) or "token" (a page)');
    return undefined;
  }
  if (v !== "code" && v !== "token") throw argument("options.flow", `must be "code" or "token", not ${quoted(v)}`);
  return v;
}

/** A string in double quotes, cut to 60 characters (as the core quotes). */
function quoted(s) {
  const chars = [...s];
  return chars.length > 60 ? `"${chars.slice(0, 60).join("")}…"` : `"${s}"`;
}

/** Visible ASCII without spaces: an access token or an api key travels as one. */
function checkToken(name, t, where) {
  if (t.length === 0) throw argument(name, "must not be empty");
  if (!/^[!-~]+$/.test(t)) throw argument(name, `must be visible ASCII without spaces or control characters (it travels in ${where})`);
}

/** An absolute http(s) base URL without query, fragment, user name or password; no trailing `/`. */
function base(o) {
  const given = string(o, "oauthBaseUrl", false) ?? DEFAULT_OAUTH_BASE_URL;
  const b = given.trim();
  const rest = b.startsWith("https://") ? b.slice(8) : b.startsWith("http://") ? b.slice(7) : undefined;
  if (rest !== undefined && rest.split(/[/?#]/)[0].includes("@")) throw argument("options.oauthBaseUrl", "must not hold a user name or password (an @ before the path)");
  if (rest === undefined || rest === "" || rest.startsWith("/") || /[?# ]/.test(b)) {
    throw argument("options.oauthBaseUrl", `must be an absolute http(s) URL without query or fragment, not "${given}"`);
  }
  return b.replace(/\/+$/, "");
}

/** A redirect URI: absolute http(s), no fragment, no user name or password, no spaces or controls. */
function checkRedirectUri(uri) {
  const name = "options.redirectUri";
  const rest = uri.startsWith("https://") ? uri.slice(8) : uri.startsWith("http://") ? uri.slice(7) : undefined;
  if (rest === undefined || rest === "" || /^[/?#]/.test(rest)) throw argument(name, `must be an absolute http(s) URL, not ${quoted(uri)}`);
  if (uri.includes("#")) throw argument(name, "must not have a fragment (RFC 6749 §3.1.2)");
  if (/[\u0000-\u0020\u007f-\u009f]/.test(uri)) throw argument(name, "must not hold spaces or control characters");
  if (rest.split(/[/?]/)[0].includes("@")) throw argument(name, "must not hold a user name or password");
}

/** Percent-encodes all but `A-Z a-z 0-9 - . _ ~` (RFC 3986), as the core does. */
function encode(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** True inside a browser page: a window with a document (not a worker, Node, Deno or workerd). */
function inBrowserPage() {
  try {
    return typeof window === "object" && window !== null && typeof window.document === "object" && window.document !== null && typeof navigator === "object";
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- errors

/** The error as it leaves: the operation first, the caller's frames, no secret anywhere. */
function finish(e, operation, site, secrets) {
  const forms = [];
  for (const s of secrets) {
    if (typeof s !== "string" || s.length < MIN_SECRET_LEN) continue;
    for (const f of [safeEncode(s), s]) if (f && !forms.includes(f)) forms.push(f);
  }
  forms.sort((a, b) => b.length - a.length);
  const clean = (t) => redactText(t, forms);
  const options = { code: e.code, status: e.status, errors: e.errors.map((x) => ({ error_key: clean(x.error_key), error_message: clean(x.error_message) })) };
  if (e.request !== undefined) options.request = { method: e.request.method, url: clean(e.request.url) };
  if (e.argument !== undefined) options.argument = e.argument;
  if (e.cause !== undefined) options.cause = safeCause(e.cause, forms);
  return withCallerFrames(new MyLibraryError(clean(`${operation}: ${e.message}`), options), site);
}

function safeEncode(s) {
  try { return encode(s); } catch { return undefined; }
}

/** The error of an OAuth2 `error`: ACCESS_DENIED for `access_denied`, else OAUTH. */
function refusal(error, description) {
  const detail = description ? `: ${quoted(description)}` : "";
  const errors = [{ error_key: error, error_message: description }];
  return error === "access_denied"
    ? new MyLibraryError(`The account's owner denied access (access_denied)${detail}`, { code: "ACCESS_DENIED", errors })
    : new MyLibraryError(`The OAuth2 server refused the authorization (${quoted(error)})${detail}`, { code: "OAUTH", errors });
}

/** Runs `body` as the public function `operation`: every error finished, thrown or rejected. */
function entry(operation, secretsOf, body) {
  const f = {
    [operation](...args) {
      const site = callSite(f);
      const fail = (e) => {
        if (!(e instanceof MyLibraryError)) e = new MyLibraryError(`${describe(e)}`, { code: "DECODE", cause: e });
        throw finish(e, operation, site, secretsOf(...args));
      };
      let out;
      try {
        out = body(...args);
      } catch (e) {
        fail(e);
      }
      return out instanceof Promise ? out.catch(fail) : out;
    },
  }[operation];
  return f;
}

// ---------------------------------------------------------------- the authorization URL

/** Base64url without padding of `bytes`. */
function base64url(bytes) {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * The consent page's URL for `flow`, and the state to keep for `parseCallback`: a fresh one (32
 * random bytes from `crypto.getRandomValues`, base64url) unless one is given.
 */
export const authorizationUrl = entry("authorizationUrl", () => [], (given) => {
  const o = options(given, ["clientId", "redirectUri", "flow", "state", "oauthBaseUrl"], "{ clientId, redirectUri, flow }");
  const clientId = string(o, "clientId", true);
  const redirectUri = string(o, "redirectUri", true);
  const flow = flowOf(o, true);
  let state = string(o, "state", false);
  const server = base(o);
  checkToken("options.clientId", clientId, "the OAuth2 requests");
  checkRedirectUri(redirectUri);
  if (state === "") throw argument("options.state", "must not be empty; leave it out for a random one");
  if (state === undefined) {
    const bytes = new Uint8Array(32);
    try {
      globalThis.crypto.getRandomValues(bytes);
    } catch {
      throw argument("options.state", "is required here: this runtime has no secure random source (crypto.getRandomValues) to make one");
    }
    state = base64url(bytes);
  }
  const url = `${server}${AUTHORIZE_PATH}?response_type=${flow}&client_id=${encode(clientId)}&redirect_uri=${encode(redirectUri)}&state=${encode(state)}`;
  return { url, state };
});

// ---------------------------------------------------------------- the callback

/** `+` as a space, then %-escapes; null for a malformed escape or invalid UTF-8. */
function decode(s) {
  try { return decodeURIComponent(s.replace(/\+/g, " ")); } catch { return null; }
}

/** The parameters of a query or a fragment: the first of each, OAuth2's at most once. */
function params(text, part) {
  const out = new Map();
  for (const pair of text.split("&")) {
    if (pair === "") continue;
    const at = pair.indexOf("=");
    const k = decode(at < 0 ? pair : pair.slice(0, at));
    const v = decode(at < 0 ? "" : pair.slice(at + 1));
    if (k === null || v === null) throw argument("url", `has a malformed %-escape in its ${part}`);
    if (out.has(k)) {
      // RFC 6749 §3.1: no parameter is sent twice; a repeat is a forgery's attempt.
      if (OAUTH_KEYS.includes(k)) throw argument("url", `repeats ${quoted(k)} in its ${part} (an OAuth2 answer never does)`);
      continue;
    }
    out.set(k, v);
  }
  return out;
}

/** Constant time in the contents: every byte is compared, wherever the first difference is. */
function sameSecret(a, b) {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

const trimAscii = (s) => s.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, "");

function required(p, key, flow) {
  const v = p.get(key);
  if (v === undefined || trimAscii(v) === "") throw new MyLibraryError(`The OAuth2 server's answer (the ${flow} flow) has no ${key}`, { code: "DECODE" });
  return trimAscii(v);
}

/**
 * Reads the URL the consent page sent the person back to: the code (the code flow, in the query)
 * or the token (the client flow, in the fragment), after checking its `state` in constant time.
 */
export const parseCallback = entry("parseCallback", (_url, o) => [isPlain(o) && typeof o.state === "string" ? o.state : undefined], (url, given) => {
  let href = url;
  if (typeof url !== "string") {
    try { href = typeof url === "object" && url !== null ? url.href : undefined; } catch { href = undefined; }
    if (typeof href !== "string") throw argument("url", `must be a string or a URL, not ${describe(url)}`);
  }
  const o = options(given, ["state", "flow"], "{ state } (the state of the authorization URL)");
  const expected = string(o, "state", true);
  let flow = flowOf(o, false);
  if (expected === "") throw argument("options.state", "must be the state of the authorization request, not empty");
  const hash = href.indexOf("#");
  const before = hash < 0 ? href : href.slice(0, hash);
  const q = before.indexOf("?");
  const query = params(q < 0 ? "" : before.slice(q + 1), "query");
  const fragment = params(hash < 0 ? "" : href.slice(hash + 1), "fragment");
  const answers = (p, key) => p.has(key) || p.has("error");
  if (flow === undefined) {
    if (answers(fragment, "access_token")) flow = "token";
    else if (answers(query, "code")) flow = "code";
    else throw argument("url", "holds no OAuth2 answer: no code or error in its query, no access_token or error in its fragment");
  }
  const [p, key, part] = flow === "code" ? [query, "code", "query"] : [fragment, "access_token", "fragment"];
  if (!answers(p, key)) throw argument("url", `holds no answer of the ${flow} flow: no ${key} or error in its ${part}`);
  // The state first, whatever the answer: a forged callback learns nothing.
  const state = p.get("state");
  if (state === undefined) {
    throw new MyLibraryError("The callback has no state: it may be forged (a request that did not start here) or from an older sign-in", { code: "STATE_MISMATCH" });
  }
  if (!sameSecret(state, expected)) {
    throw new MyLibraryError("The callback's state is not the authorization request's: it may be forged (a request that did not start here) or from an older sign-in", { code: "STATE_MISMATCH" });
  }
  if (p.has("error")) throw refusal(p.get("error"), p.get("error_description") ?? "");
  if (flow === "code") return { flow, code: required(p, "code", flow), username: required(p, "username", flow) };
  const accessToken = required(p, "access_token", flow);
  if (!/^[!-~]+$/.test(accessToken)) throw new MyLibraryError("The OAuth2 server's access_token must be visible ASCII without spaces or control characters (it travels in an Authorization header)", { code: "DECODE" });
  let expiresIn = null;
  if (p.has("expires_in")) {
    const s = p.get("expires_in");
    if (!/^[0-9]{1,16}$/.test(s) || Number(s) > MAX_SAFE) throw new MyLibraryError(`The OAuth2 server's expires_in is not a number of seconds: ${quoted(s)}`, { code: "DECODE" });
    expiresIn = Number(s);
  }
  return { flow, accessToken, tokenType: required(p, "token_type", flow), expiresIn };
});

// ---------------------------------------------------------------- the requests

class Bad {
  constructor(what) { this.what = what; }
}

/** Seconds: a non-negative safe integer, or a string of digits (v2's fixtures send both). */
function seconds(v, k) {
  const n = v[k];
  if (typeof n === "number" && Number.isSafeInteger(n) && n >= 0) return n;
  if (typeof n === "string" && /^[0-9]{1,16}$/.test(n) && Number(n) <= MAX_SAFE) return Number(n);
  throw new Bad(`$.${k}: expected a number of seconds (an integer, or a string of digits)`);
}

function text(v, k) {
  if (typeof v[k] !== "string") throw new Bad(`$.${k}: expected a string`);
  return v[k];
}

/** The answers, as the Rust face's serde models read them (src/oauth: AccessToken, TokenInfo). */
const ANSWERS = {
  token(v) {
    const accessToken = text(v, "access_token");
    if (!/^[!-~]+$/.test(accessToken)) throw new Bad("$.access_token: expected a token of visible ASCII");
    return { accessToken, expiresIn: seconds(v, "expires_in"), tokenType: text(v, "token_type") };
  },
  tokenInfo(v) {
    return { clientId: text(v, "client_id"), userName: text(v, "user_name"), expiresIn: seconds(v, "expires_in") };
  },
};

const REQUEST_KEYS = ["oauthBaseUrl", "fetch", "signal", "timeoutMs"];

/** fetch, signal and time budget of a request's options. */
function requestOptions(o) {
  const fetchFn = o.fetch;
  if (present(fetchFn) && typeof fetchFn !== "function") throw argument("options.fetch", `must be a function, not ${describe(fetchFn)}`);
  const signal = o.signal;
  if (present(signal) && !(typeof signal === "object" && typeof signal.aborted === "boolean" && typeof signal.addEventListener === "function")) {
    throw argument("options.signal", `must be an AbortSignal, not ${describe(signal)}`);
  }
  const t = o.timeoutMs;
  if (present(t) && !(typeof t === "number" && Number.isSafeInteger(t) && t >= 0)) {
    throw argument("options.timeoutMs", `must be a non-negative integer number of milliseconds, not ${describe(t)}`);
  }
  // The server is checked last, after the request's own parameters (as in the Rust face).
  return { server: () => base(o), fetch: present(fetchFn) ? fetchFn : undefined, signal: present(signal) ? signal : undefined, timeoutMs: present(t) ? t : DEFAULT_TIMEOUT_MS };
}

function stopError(scope, budget) {
  if (scope.state === "timeout") {
    const own = scope.reason === undefined;
    return new MyLibraryError(own ? `The call timed out after ${budget} ms` : "The call timed out (the caller's signal)", { code: "TIMEOUT", cause: scope.reason });
  }
  return new MyLibraryError("The call was aborted", { code: "ABORTED", cause: scope.reason });
}

/**
 * The errors of an error body: the OAuth2 server's `{ error, error_description }` as one entry,
 * or a v2 error array (`[{ error_key, error_message }]`, a gateway's), as the core reads them.
 */
function errorList(value) {
  if (typeof value?.error === "string") value = [{ error_key: value.error, error_message: value.error_description }];
  if (!Array.isArray(value)) return [];
  return value
    .filter((e) => e && typeof e === "object" && (typeof e.error_key === "string" || typeof e.error_message === "string"))
    .map((e) => ({ error_key: String(e.error_key ?? ""), error_message: String(e.error_message ?? "") }));
}

/** POSTs a form to the OAuth2 server once and reads the answer as `kind`; errors as the core's. */
async function post(r, path, body, kind) {
  const url = `${r.server()}${path}`;
  const request = { method: "POST", url };
  const scope = new Scope(r.signal, r.timeoutMs);
  try {
    if (scope.state !== "running") throw stopError(scope, r.timeoutMs);
    let response;
    try {
      // redirect "manual": the form (a client secret, a code, a token) never goes again to
      // where a redirect points ("error" would say the same, but workerd refuses it).
      const req = new Request(url, { method: "POST", headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" }, body, redirect: "manual", signal: scope.signal });
      response = await callFetch(r.fetch ?? globalThis.fetch, req, scope);
    } catch (cause) {
      if (scope.state !== "running") throw stopError(scope, r.timeoutMs);
      throw new MyLibraryError("No answer from the OAuth2 server (the connection failed or broke off)", { code: "NETWORK", request, cause });
    }
    const { status } = response;
    if (response.type === "opaqueredirect" || (status >= 300 && status < 400)) {
      throw new MyLibraryError(`The OAuth2 server answered with a redirect (HTTP ${status}), which is not followed: the form holds a secret`, { code: "OAUTH", status, request });
    }
    let text;
    try {
      text = await scope.guard(response.text());
    } catch (cause) {
      if (scope.state !== "running") throw stopError(scope, r.timeoutMs);
      throw new MyLibraryError(`The answer of the OAuth2 server (HTTP ${status}) broke off before its end`, { code: "NETWORK", status, request, cause });
    }
    let value;
    let cause;
    try {
      value = JSON.parse(text);
    } catch (e) {
      cause = e;
    }
    if (status < 200 || status > 299) {
      // The OAuth2 server's `{ error, error_description }`, as one entry of the error list.
      const errors = errorList(value);
      const detail = errors.length === 0 ? "" : errors[0].error_message ? `: ${errors[0].error_message} (${errors[0].error_key})` : `: ${errors[0].error_key}`;
      throw new MyLibraryError(`The OAuth2 server answered HTTP ${status}${detail}`, { code: "OAUTH", status, errors, request });
    }
    if (cause !== undefined) {
      // The body is not quoted: a token endpoint's answer may hold a token.
      throw new MyLibraryError(`Unexpected response from the OAuth2 server: the body is not JSON (HTTP ${status})`, { code: "DECODE", status, request, cause });
    }
    try {
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Bad("$: expected an object");
      return ANSWERS[kind](value);
    } catch (e) {
      if (!(e instanceof Bad)) throw e;
      throw new MyLibraryError(`Unexpected response from the OAuth2 server: ${e.what}`, { code: "DECODE", status, request });
    }
  } finally {
    scope.dispose();
  }
}

/**
 * Trades an authorization code for an access token with the app's client secret, on a server or
 * in a Worker: refused in a browser page unless `dangerouslyAllowBrowser`. The parameters go in a
 * form body, never in the URL (a secret in a URL ends up in logs). One request, never repeated:
 * a code is single use.
 */
export const exchangeCode = entry(
  "exchangeCode",
  (o) => (isPlain(o) ? [o.clientSecret, o.code, o.clientId] : []),
  async (given) => {
    const o = options(given, ["clientId", "clientSecret", "code", "redirectUri", "dangerouslyAllowBrowser", ...REQUEST_KEYS], "{ clientId, clientSecret, code, redirectUri }");
    const clientId = string(o, "clientId", true);
    const clientSecret = string(o, "clientSecret", true);
    const code = string(o, "code", true);
    const redirectUri = string(o, "redirectUri", true);
    const allow = o.dangerouslyAllowBrowser;
    if (present(allow) && typeof allow !== "boolean") throw argument("options.dangerouslyAllowBrowser", `must be true or false, not ${describe(allow)}`);
    const r = requestOptions(o);
    // The checks of the Rust face (src/oauth/web.rs, Exchange::plan), in its order.
    checkToken("options.clientId", clientId, "the OAuth2 requests");
    if (clientSecret === "") throw argument("options.clientSecret", "must not be empty");
    if (code === "") throw argument("options.code", "must not be empty");
    checkRedirectUri(redirectUri);
    if (allow !== true && inBrowserPage()) {
      throw argument("options.dangerouslyAllowBrowser", 'is not set, and this is a browser page: the client secret would be readable by anyone who opens it. Exchange the code on a server or in a Worker, or use the client flow (flow "token") in a page');
    }
    const body = `grant_type=authorization_code&client_id=${encode(clientId)}&client_secret=${encode(clientSecret)}&code=${encode(code)}&redirect_uri=${encode(redirectUri)}`;
    return post(r, TOKEN_PATH, body, "token");
  },
);

/**
 * Whose token this is: `{ clientId, userName, expiresIn }`; OAUTH with status 404 when it is
 * unknown, revoked or expired. The token goes in a form body.
 */
export const tokenInfo = entry(
  "tokenInfo",
  (t) => [t],
  async (accessToken, given) => {
    if (typeof accessToken !== "string") throw argument("accessToken", `must be a string, not ${describe(accessToken)}`);
    const o = options(given, REQUEST_KEYS, undefined);
    const r = requestOptions(o);
    checkToken("accessToken", accessToken, "an Authorization header");
    try {
      return await post(r, TOKEN_INFO_PATH, `access_token=${encode(accessToken)}`, "tokenInfo");
    } catch (e) {
      if (e instanceof MyLibraryError && e.code === "OAUTH" && e.status === 404) {
        throw new MyLibraryError(`${e.message} (the token is unknown, revoked or expired)`, { code: "OAUTH", status: 404, errors: e.errors, request: e.request, cause: e.cause });
      }
      throw e;
    }
  },
);

export { MyLibraryError };
