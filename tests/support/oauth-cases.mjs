// The sign-in helpers (ctct-mylibrary/oauth) against the emulator's OAuth2 server, case by case.
// The same cases run in Node (tests/node/oauth.test.mjs) and in Chromium
// (tests/browser/oauth.test.mjs), so this module uses nothing but the web platform.
//
// `lib`: the oauth entry's exports plus `MyLibraryClient`; `c`: { base, clientId, clientSecret,
// redirectUri, defaultToken (account 1's fixed token), inPage } and `consent(url, { username, allow })`, which goes through the consent
// page and resolves with the callback URL (Node's fetch can read a redirect; a page asks Node).

function check(ok, msg) {
  if (!ok) throw new Error(msg);
}
function eq(a, b, msg) {
  const x = JSON.stringify(a), y = JSON.stringify(b);
  if (x !== y) throw new Error(`${msg}: ${x} !== ${y}`);
}

/** The error `f` throws (or its promise rejects with); fails when it succeeds. */
async function caught(f, what) {
  try {
    await f();
  } catch (e) {
    return e;
  }
  throw new Error(`${what}: expected an error`);
}

/** Checks a MyLibraryError's code (and argument), and that no secret shows anywhere in it. */
function refused(lib, e, code, secrets, what, argument) {
  check(e instanceof lib.MyLibraryError, `${what}: a MyLibraryError, not ${e}`);
  eq(e.code, code, `${what}: code (${e.message})`);
  if (argument !== undefined) eq(e.argument, argument, `${what}: argument`);
  const cause = e.cause;
  const texts = [e.message, e.stack, JSON.stringify(e), String(cause ?? ""), cause?.stack ?? "", cause?.cause?.message ?? ""];
  for (const s of secrets.filter((x) => typeof x === "string" && x.length >= 8)) {
    for (const t of texts) check(!String(t).includes(s) && !String(t).includes(encodeURIComponent(s)), `${what}: a secret in ${t}`);
  }
}

async function log(c) {
  const r = await fetch(`${c.base}/_emulator/log`);
  return r.json();
}
async function clearLog(c) {
  await fetch(`${c.base}/_emulator/log`, { method: "DELETE" });
}
const tokenRequests = async (c) => (await log(c)).filter((e) => e.path.startsWith("/oauth2/oauth/token") || e.path.startsWith("/oauth2/tokeninfo"));

/** A code for `username`, with its state. */
async function codeFor(lib, c, username = "demo_user_2") {
  const auth = lib.authorizationUrl({ clientId: c.clientId, redirectUri: c.redirectUri, flow: "code", oauthBaseUrl: `${c.base}/oauth2` });
  const back = await c.consent(auth.url, { username, allow: true });
  const cb = lib.parseCallback(back, { state: auth.state, flow: "code" });
  return cb.code;
}

const exchange = (lib, c, code, more = {}) =>
  lib.exchangeCode({ clientId: c.clientId, clientSecret: c.clientSecret, code, redirectUri: c.redirectUri, oauthBaseUrl: `${c.base}/oauth2`, dangerouslyAllowBrowser: c.inPage, ...more });

export const cases = {
  async authorizationUrl(lib, c) {
    const a = lib.authorizationUrl({ clientId: c.clientId, redirectUri: `${c.redirectUri}?tab=files`, flow: "code", oauthBaseUrl: `${c.base}/oauth2/` });
    check(/^[A-Za-z0-9_-]{43}$/.test(a.state), `a 43-character base64url state: ${a.state}`);
    eq(a.url, `${c.base}/oauth2/oauth/siteowner/authorize?response_type=code&client_id=${encodeURIComponent(c.clientId)}&redirect_uri=${encodeURIComponent(`${c.redirectUri}?tab=files`)}&state=${a.state}`, "the URL");
    const b = lib.authorizationUrl({ clientId: c.clientId, redirectUri: c.redirectUri, flow: "token" });
    check(b.state !== a.state, "a fresh state each time");
    check(b.url.startsWith("https://oauth2.constantcontact.com/oauth2/oauth/siteowner/authorize?response_type=token&"), b.url);
    const own = lib.authorizationUrl({ clientId: c.clientId, redirectUri: c.redirectUri, flow: "token", state: "mine & yours!" });
    eq(own.state, "mine & yours!", "a given state is kept");
    check(own.url.endsWith("&state=mine%20%26%20yours%21"), own.url);
    const bad = [
      [undefined, "options"],
      [{ clientId: c.clientId, redirectUri: c.redirectUri }, "options.flow"],
      [{ clientId: c.clientId, redirectUri: c.redirectUri, flow: "implicit" }, "options.flow"],
      [{ redirectUri: c.redirectUri, flow: "code" }, "options.clientId"],
      [{ clientId: "with space", redirectUri: c.redirectUri, flow: "code" }, "options.clientId"],
      [{ clientId: c.clientId, redirectUri: "/callback", flow: "code" }, "options.redirectUri"],
      [{ clientId: c.clientId, redirectUri: `${c.redirectUri}#x`, flow: "code" }, "options.redirectUri"],
      [{ clientId: c.clientId, redirectUri: "https://me:pw@app.example.com/", flow: "code" }, "options.redirectUri"],
      [{ clientId: c.clientId, redirectUri: c.redirectUri, flow: "code", state: "" }, "options.state"],
      [{ clientId: c.clientId, redirectUri: c.redirectUri, flow: "code", oauthBaseUrl: "oauth2.example.com" }, "options.oauthBaseUrl"],
      [{ clientId: c.clientId, redirectUri: c.redirectUri, flow: "code", scope: "all" }, "options.scope"],
    ];
    for (const [o, arg] of bad) {
      let e;
      function callerOfAuthorizationUrl() {
        try { lib.authorizationUrl(o); } catch (x) { e = x; }
      }
      callerOfAuthorizationUrl();
      check(e !== undefined, `${arg}: thrown at once`);
      refused(lib, e, "INVALID_ARGUMENT", [], `authorizationUrl ${arg}`, arg);
      check(e.message.startsWith(`authorizationUrl: ${arg} `), e.message);
      check(e.stack.includes("callerOfAuthorizationUrl"), `the caller's frame: ${e.stack}`);
    }
  },

  async codeFlow(lib, c) {
    const auth = lib.authorizationUrl({ clientId: c.clientId, redirectUri: c.redirectUri, flow: "code", oauthBaseUrl: `${c.base}/oauth2` });
    const back = await c.consent(auth.url, { username: "demo_user_2", allow: true });
    const url = new URL(back);
    check(back.startsWith(c.redirectUri) && url.hash === "", `the code comes in the query: ${url.pathname}`);
    eq(url.searchParams.get("state"), auth.state, "the state is echoed");
    const cb = lib.parseCallback(url, { state: auth.state });
    eq([cb.flow, cb.username, typeof cb.code], ["code", "demo_user_2", "string"], "the callback");
    await clearLog(c);
    const token = await exchange(lib, c, cb.code);
    check(/^[0-9a-f-]{36}$/.test(token.accessToken), token.accessToken);
    eq([token.tokenType, token.expiresIn], ["Bearer", 315359999], "the token");
    const info = await lib.tokenInfo(token.accessToken, { oauthBaseUrl: `${c.base}/oauth2` });
    eq([info.clientId, info.userName], [c.clientId, "demo_user_2"], "whose token");
    check(info.expiresIn > 315359000 && info.expiresIn <= 315359999, `expiresIn ${info.expiresIn}`);
    // the secret, the code and the token went in form bodies, never in a URL
    const sent = await tokenRequests(c);
    eq(sent.map((e) => [e.method, e.path, e.query, e.status]), [["POST", "/oauth2/oauth/token", "", 200], ["POST", "/oauth2/tokeninfo.htm", "", 200]], "the requests");
    check(sent.every((e) => e.headers.includes("content-type")), "with a Content-Type");
    // the token reads demo_user_2's library, not demo_user's
    const theirs = new lib.MyLibraryClient({ baseUrl: `${c.base}/v2`, apiKey: c.clientId, accessToken: token.accessToken, requestsPerSecond: 0 });
    const mine = new lib.MyLibraryClient({ baseUrl: `${c.base}/v2`, apiKey: c.clientId, accessToken: c.defaultToken, requestsPerSecond: 0 });
    const [a, b] = [(await theirs.listFiles({ limit: 5 })).results.map((f) => f.id), (await mine.listFiles({ limit: 5 })).results.map((f) => f.id)];
    check(a.length > 0 && JSON.stringify(a) !== JSON.stringify(b), `two libraries: ${a} / ${b}`);
    check((await theirs.getInfo()).image_root.includes("/a/demo_user_2"), "its image root");
  },

  async clientFlow(lib, c) {
    const auth = lib.authorizationUrl({ clientId: c.clientId, redirectUri: c.redirectUri, flow: "token", oauthBaseUrl: `${c.base}/oauth2` });
    const back = await c.consent(auth.url, { username: "demo_user", allow: true });
    const url = new URL(back);
    check(url.search === "" && url.hash.startsWith("#access_token="), "the token comes in the fragment only");
    const cb = lib.parseCallback(back, { state: auth.state, flow: "token" });
    eq([cb.flow, cb.tokenType, cb.expiresIn, cb.accessToken.length], ["token", "Bearer", 315359999, 36], "the callback");
    const info = await lib.tokenInfo(cb.accessToken, { oauthBaseUrl: `${c.base}/oauth2` });
    eq(info.userName, "demo_user", "whose token");
    // without a flow, the fragment's answer is the client flow's
    eq(lib.parseCallback(back, { state: auth.state }).flow, "token", "told apart");
  },

  async denials(lib, c) {
    for (const flow of ["code", "token"]) {
      const auth = lib.authorizationUrl({ clientId: c.clientId, redirectUri: c.redirectUri, flow, oauthBaseUrl: `${c.base}/oauth2` });
      const back = await c.consent(auth.url, { allow: false });
      const e = await caught(() => lib.parseCallback(back, { state: auth.state, flow }), `Deny (${flow})`);
      refused(lib, e, "ACCESS_DENIED", [auth.state], `Deny (${flow})`);
      eq(e.errors[0].error_key, "access_denied", "the OAuth2 error");
      check(e.message.startsWith("parseCallback: The account's owner denied access"), e.message);
      check(flow === "code" ? back.includes("?error=access_denied") : back.includes("#error=access_denied"), `${flow}: where the error comes`);
    }
  },

  async stateChecks(lib, c) {
    const auth = lib.authorizationUrl({ clientId: c.clientId, redirectUri: c.redirectUri, flow: "code", oauthBaseUrl: `${c.base}/oauth2` });
    const back = await c.consent(auth.url, { username: "demo_user_2" });
    const forged = [
      back.replace(`state=${auth.state}`, "state=guessed"),
      back.replace(`&state=${auth.state}`, ""),
      back.replace(`state=${auth.state}`, `state=${auth.state.slice(0, 42)}`),
      back.replace(`state=${auth.state}`, `state=${auth.state}x`),
      `${c.redirectUri}?error=access_denied&state=guessed`,
      `${c.redirectUri}#access_token=0123456789abcdef&token_type=Bearer&state=guessed`,
    ];
    for (const url of forged) {
      const e = await caught(() => lib.parseCallback(url, { state: auth.state }), url);
      refused(lib, e, "STATE_MISMATCH", [auth.state], "a forged callback");
      check(!e.message.includes(auth.state.slice(0, 10)), "the expected state is not told");
    }
    const twice = await caught(() => lib.parseCallback(`${back}&state=guessed`, { state: auth.state }), "a repeated state");
    refused(lib, twice, "INVALID_ARGUMENT", [auth.state], "a repeated state", "url");
    for (const [url, arg] of [[c.redirectUri, "url"], [42, "url"], [`${c.redirectUri}?code=%E0%A4%A&state=s`, "url"]]) {
      refused(lib, await caught(() => lib.parseCallback(url, { state: auth.state }), String(url)), "INVALID_ARGUMENT", [], String(url), arg);
    }
    refused(lib, await caught(() => lib.parseCallback(back, { state: "" }), "no state"), "INVALID_ARGUMENT", [], "an empty state", "options.state");
    refused(lib, await caught(() => lib.parseCallback(back), "no options"), "INVALID_ARGUMENT", [], "no options", "options");
    // the genuine one still reads, once the forgeries are refused
    eq(lib.parseCallback(back, { state: auth.state }).username, "demo_user_2", "the genuine callback");
  },

  async exchangeErrors(lib, c) {
    // each refusal of the server: OAUTH with its error, and nothing secret in the error
    const code = await codeFor(lib, c);
    const wrongSecret = await caught(() => exchange(lib, c, code, { clientSecret: "not-the-secret-1234" }), "a wrong secret");
    refused(lib, wrongSecret, "OAUTH", ["not-the-secret-1234", code, c.clientId], "a wrong secret");
    eq([wrongSecret.status, wrongSecret.errors[0].error_key], [401, "invalid_client"], "a wrong secret");
    eq(wrongSecret.request, { method: "POST", url: `${c.base}/oauth2/oauth/token` }, "the request, without a secret");
    const otherUri = await caught(() => exchange(lib, c, code, { redirectUri: `${c.redirectUri}?other=1` }), "another redirect_uri");
    refused(lib, otherUri, "OAUTH", [c.clientSecret, code], "another redirect_uri");
    eq([otherUri.status, otherUri.errors[0].error_key], [400, "invalid_grant"], "another redirect_uri");
    const token = await exchange(lib, c, code);
    check(token.accessToken.length === 36, "the code still works after refusals that did not use it");
    const used = await caught(() => exchange(lib, c, code), "a used code");
    refused(lib, used, "OAUTH", [c.clientSecret, code, token.accessToken], "a used code");
    eq([used.status, used.errors[0].error_key], [400, "invalid_grant"], "a used code");
    check(used.message.startsWith("exchangeCode: The OAuth2 server answered HTTP 400: "), used.message);
    const unknown = await caught(() => exchange(lib, c, "no-such-code-1234"), "an unknown code");
    eq(unknown.errors[0].error_key, "invalid_grant", "an unknown code");
    refused(lib, unknown, "OAUTH", [c.clientSecret, "no-such-code-1234"], "an unknown code");
  },

  async exchangeRefusals(lib, c) {
    // refused before anything is sent
    await clearLog(c);
    const base = { clientId: c.clientId, clientSecret: c.clientSecret, code: "some-code-1234", redirectUri: c.redirectUri, oauthBaseUrl: `${c.base}/oauth2`, dangerouslyAllowBrowser: c.inPage };
    const bad = [
      [{ ...base, clientSecret: undefined }, "options.clientSecret"],
      [{ ...base, clientSecret: "" }, "options.clientSecret"],
      [{ ...base, code: 42 }, "options.code"],
      [{ ...base, redirectUri: "callback" }, "options.redirectUri"],
      [{ ...base, oauthBaseUrl: "https://user:pw@oauth.example.com" }, "options.oauthBaseUrl"],
      [{ ...base, timeoutMs: -1 }, "options.timeoutMs"],
      [{ ...base, signal: "stop" }, "options.signal"],
      [{ ...base, fetch: "fetch" }, "options.fetch"],
      [{ ...base, dangerouslyAllowBrowser: "yes" }, "options.dangerouslyAllowBrowser"],
      [{ ...base, grantType: "password" }, "options.grantType"],
    ];
    for (const [o, arg] of bad) {
      const p = lib.exchangeCode(o);
      check(p instanceof Promise, `${arg}: a rejection, not a throw`);
      refused(lib, await caught(() => p, arg), "INVALID_ARGUMENT", [c.clientSecret, "some-code-1234"], arg, arg);
    }
    // a browser page holds no client secret, unless the caller says it may
    const undo = c.inPage ? () => {} : pretendToBeAPage();
    try {
      const e = await caught(() => lib.exchangeCode({ ...base, dangerouslyAllowBrowser: undefined }), "in a page");
      refused(lib, e, "INVALID_ARGUMENT", [c.clientSecret, "some-code-1234"], "in a page", "options.dangerouslyAllowBrowser");
      check(e.message.includes("browser page"), e.message);
      eq((await tokenRequests(c)).length, 0, "nothing was sent");
      const allowed = await caught(() => lib.exchangeCode({ ...base, dangerouslyAllowBrowser: true }), "allowed in a page");
      refused(lib, allowed, "OAUTH", [c.clientSecret, "some-code-1234"], "allowed in a page");
      eq((await tokenRequests(c)).length, 1, "sent once allowed");
    } finally {
      undo();
    }
  },

  async tokenInfoErrors(lib, c) {
    const o = { oauthBaseUrl: `${c.base}/oauth2` };
    const unknown = await caught(() => lib.tokenInfo("00000000-0000-4000-8000-000000000000", o), "an unknown token");
    refused(lib, unknown, "OAUTH", ["00000000-0000-4000-8000-000000000000"], "an unknown token");
    eq(unknown.status, 404, "an unknown token");
    check(unknown.message.includes("unknown, revoked or expired"), unknown.message);
    // a revoked token: tokeninfo says 404, the API 401
    const token = (await exchange(lib, c, await codeFor(lib, c))).accessToken;
    await fetch(`${c.base}/_emulator/revoke`, { method: "POST", body: JSON.stringify({ access_token: token }) });
    refused(lib, await caught(() => lib.tokenInfo(token, o), "a revoked token"), "OAUTH", [token], "a revoked token");
    const client = new lib.MyLibraryClient({ baseUrl: `${c.base}/v2`, apiKey: c.clientId, accessToken: token, requestsPerSecond: 0 });
    const api = await caught(() => client.getInfo(), "the API with a revoked token");
    refused(lib, api, "HTTP", [token], "the API with a revoked token");
    eq([api.status, api.errors[0]?.error_key], [401, "http.status.authentication.invalid_token"], "the API's refusal");
    await clearLog(c);
    for (const [t, opts, arg] of [[42, o, "accessToken"], ["with space", o, "accessToken"], ["", o, "accessToken"], ["0123456789abcdef", { ...o, retries: 2 }, "options.retries"]]) {
      refused(lib, await caught(() => lib.tokenInfo(t, opts), arg), "INVALID_ARGUMENT", [], arg, arg);
    }
    eq((await tokenRequests(c)).length, 0, "nothing was sent");
  },

  async requests(lib, c) {
    // what the caller's fetch receives: one POST, the parameters in a form body, no query
    let seen;
    const fetchFn = async (req) => {
      seen = { method: req.method, url: req.url, type: req.headers.get("content-type"), accept: req.headers.get("accept"), redirect: req.redirect, body: await req.clone().text() };
      return fetch(req);
    };
    const code = await codeFor(lib, c);
    const token = await exchange(lib, c, code, { fetch: fetchFn });
    eq([seen.method, seen.url, seen.type, seen.accept], ["POST", `${c.base}/oauth2/oauth/token`, "application/x-www-form-urlencoded", "application/json"], "the token request");
    eq(seen.redirect, "manual", "a redirect is never followed with the form");
    const form = new URLSearchParams(seen.body);
    eq([...form.keys()], ["grant_type", "client_id", "client_secret", "code", "redirect_uri"], "its form");
    eq([form.get("grant_type"), form.get("client_secret"), form.get("code"), form.get("redirect_uri")], ["authorization_code", c.clientSecret, code, c.redirectUri], "its values");
    await lib.tokenInfo(token.accessToken, { oauthBaseUrl: `${c.base}/oauth2`, fetch: fetchFn });
    eq([seen.url, seen.body], [`${c.base}/oauth2/tokeninfo.htm`, `access_token=${token.accessToken}`], "the token information request");
    // answers the emulator does not give: expires_in as a string (the PHP SDK's fixture), and broken ones
    const answer = (status, body, type = "application/json") => () => Promise.resolve(new Response(body, { status, headers: { "content-type": type } }));
    const fixture = '{"access_token":"v6574b42-a5bc-4574-a87f-5c9d1202e316","expires_in":"308874923","token_type":"Bearer"}';
    eq(await exchange(lib, c, "fixture-code-1", { fetch: answer(200, fixture) }), { accessToken: "v6574b42-a5bc-4574-a87f-5c9d1202e316", expiresIn: 308874923, tokenType: "Bearer" }, "a string expires_in");
    const info = '{"client_id":"abcde-123456789","user_name":"user_name_of_the_account","expires_in":"285027367"}';
    eq(await lib.tokenInfo("v6574b42-a5bc-4574-a87f-5c9d1202e316", { fetch: answer(200, info) }), { clientId: "abcde-123456789", userName: "user_name_of_the_account", expiresIn: 285027367 }, "tokeninfo's");
    // a redirect is an answer, not followed: the form is not sent again
    let calls = 0;
    const redirecting = () => { calls++; return Promise.resolve(new Response(null, { status: 307, headers: { location: "https://elsewhere.example/token" } })); };
    const moved = await caught(() => exchange(lib, c, "redirect-code-1", { fetch: redirecting }), "a redirect");
    refused(lib, moved, "OAUTH", [c.clientSecret, "redirect-code-1"], "a redirect");
    eq([moved.status, calls], [307, 1], "answered once, not followed");
    for (const [body, status, type, code] of [
      ['{"access_token":"t0ken-1234","expires_in":"soon","token_type":"Bearer"}', 200, undefined, "DECODE"],
      ['{"access_token":"a b","expires_in":1,"token_type":"Bearer"}', 200, undefined, "DECODE"],
      ['["access_token"]', 200, undefined, "DECODE"],
      ["<html>maintenance</html>", 200, "text/html", "DECODE"],
      ["<html>Server Error</html>", 500, "text/html", "OAUTH"],
      ['{"error":"invalid_request","error_description":"Missing grant_type"}', 400, undefined, "OAUTH"],
    ]) {
      const e = await caught(() => exchange(lib, c, "fixture-code-2", { fetch: answer(status, body, type) }), body);
      refused(lib, e, code, [c.clientSecret, "fixture-code-2"], body);
      eq(e.status, status, `${body}: status`);
    }
  },

  async cancellation(lib, c) {
    const never = () => new Promise(() => {});
    const secrets = [c.clientSecret, "cancel-code-1234"];
    const t = await caught(() => exchange(lib, c, "cancel-code-1234", { fetch: never, timeoutMs: 50 }), "a time budget");
    refused(lib, t, "TIMEOUT", secrets, "a time budget");
    check(t.message.includes("50 ms"), t.message);
    const ac = new AbortController();
    const reason = new Error("the person left");
    const p = exchange(lib, c, "cancel-code-1234", { fetch: never, signal: ac.signal });
    ac.abort(reason);
    const a = await caught(() => p, "an abort");
    refused(lib, a, "ABORTED", secrets, "an abort");
    check(a.cause === reason, "the reason is the cause");
    const aborted = await caught(() => lib.tokenInfo("0123456789abcdef", { signal: AbortSignal.abort("gone"), oauthBaseUrl: `${c.base}/oauth2` }), "an aborted signal");
    refused(lib, aborted, "ABORTED", ["0123456789abcdef"], "an aborted signal");
    eq(aborted.cause, "gone", "a string reason");
    const timedOut = await caught(() => lib.tokenInfo("0123456789abcdef", { fetch: never, signal: AbortSignal.timeout(30) }), "AbortSignal.timeout");
    refused(lib, timedOut, "TIMEOUT", ["0123456789abcdef"], "AbortSignal.timeout");
    // no answer: NETWORK, its cause without a secret
    const throwing = () => { throw new TypeError(`fetch failed for ${c.clientSecret} and cancel-code-1234`); };
    const n = await caught(() => exchange(lib, c, "cancel-code-1234", { fetch: throwing }), "a fetch that throws");
    refused(lib, n, "NETWORK", secrets, "a fetch that throws");
    check(n.cause instanceof Error && n.cause.message.includes("[REDACTED]"), `the cause, redacted: ${n.cause?.message}`);
    const closed = await caught(() => exchange(lib, c, "cancel-code-1234", { oauthBaseUrl: "http://127.0.0.1:9/oauth2" }), "a closed port");
    refused(lib, closed, "NETWORK", secrets, "a closed port");
  },
};

/** Node: a window with a document, as a browser page has (undone after). */
function pretendToBeAPage() {
  const saved = ["window", "document", "navigator"].map((k) => [k, Object.getOwnPropertyDescriptor(globalThis, k)]);
  Object.defineProperty(globalThis, "window", { configurable: true, value: globalThis });
  Object.defineProperty(globalThis, "document", { configurable: true, value: { title: "a page" } });
  Object.defineProperty(globalThis, "navigator", { configurable: true, value: { userAgent: "a browser" } });
  return () => {
    for (const [k, d] of saved) {
      if (d) Object.defineProperty(globalThis, k, d);
      else delete globalThis[k];
    }
  };
}

/** Runs one case; resolves with undefined or the failure's message (a page returns it to Node). */
export async function run(name, lib, c) {
  try {
    await cases[name](lib, c);
    return undefined;
  } catch (e) {
    return `${e?.stack ?? e}`;
  }
}
