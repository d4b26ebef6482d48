// What an edge proxy needs, in the Node, Deno and workerd builds of the package (feature `edge`;
// the browser build leaves this module out): the `limiter` option's calls, the answers of
// `forward` (the response itself), and `forward` itself, which reads the request before Rust
// sends it through the client's policy.

import { MyLibraryError, Reply, describe, callSite, withCallerFrames } from "./runtime.js";

/**
 * Calls a limiter's `acquire(signal)`; resolves with a release function (one that never throws)
 * or undefined, or rejects with the limiter's reason.
 */
export function callLimiter(limiter, signal) {
  try {
    return Promise.resolve(limiter.acquire(signal)).then((release) =>
      typeof release === "function"
        ? () => {
            try {
              release();
            } catch (e) {
              setTimeout(() => {
                throw e;
              });
            }
          }
        : undefined,
    );
  } catch (e) {
    return Promise.reject(e);
  }
}

/** The v2 error list of an error body (the `{ error, error_description }` of OAuth2 as one entry). */
function errorList(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  if (typeof value?.error === "string") value = [{ error_key: value.error, error_message: value.error_description }];
  if (!Array.isArray(value)) return [];
  return value
    .filter((e) => e && typeof e === "object" && (typeof e.error_key === "string" || typeof e.error_message === "string"))
    .map((e) => ({ error_key: String(e.error_key ?? ""), error_message: String(e.error_message ?? "") }));
}

/**
 * A forwarded request's answer: a success is the response itself, its body unread; an error is
 * read (to be classified: a 5xx or `over.qps` is retried) and rebuilt for the proxy to pass on.
 * Never rejects: failures are the Reply's outcome.
 */
export async function readRaw(r, scope) {
  const status = typeof r?.status === "number" ? r.status : 0;
  let headers;
  try {
    const h = (n) => r.headers.get(n) ?? undefined;
    headers = { retryAfter: h("retry-after"), location: h("location"), id: h("id") };
  } catch { /* a foreign Response */ }
  if (status >= 200 && status < 300) {
    const reply = new Reply("answer", status, headers);
    reply.value = r;
    return reply;
  }
  let text;
  try {
    text = await scope.guard(r.text());
  } catch (error) {
    const reply = new Reply("failed", status, headers);
    reply.cause = error;
    return reply;
  }
  const reply = new Reply("answer", status, headers);
  reply.value = new Response(text, { status, statusText: r.statusText, headers: r.headers });
  reply.errors = errorList(text);
  return reply;
}

function decode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** The public class with `forward`, which reads the request and hands its parts to Rust. */
export function withForward(MyLibraryClient) {
  const forward = {
    async forward(request, options) {
      const site = callSite(forward);
      let refused;
      if (!(this instanceof MyLibraryClient)) refused = new MyLibraryError("forward: called without its client (bind it, or call it as client.forward(...))", { code: "INVALID_ARGUMENT", argument: "this" });
      else if (this.__wbg_ptr === 0) refused = new MyLibraryError("forward: this MyLibraryClient was freed (free() or `using`); create a new client", { code: "INVALID_ARGUMENT", argument: "this" });
      else if (!(request instanceof Request)) refused = new MyLibraryError(`forward: request must be a Request, not ${describe(request)}`, { code: "INVALID_ARGUMENT", argument: "request" });
      if (refused) throw withCallerFrames(refused, site);
      // The query without the caller's own credentials (the client's are used), pairs kept as
      // they came; the body read once, and sent again at each attempt.
      const url = new URL(request.url);
      const query = url.search
        .slice(1)
        .split("&")
        .filter((p) => {
          const key = decode(p.split("=")[0].replace(/\+/g, " "));
          return p !== "" && key !== "api_key" && key !== "access_token";
        })
        .join("&");
      let body;
      if (request.method !== "GET" && request.method !== "DELETE") {
        try {
          body = await request.arrayBuffer();
        } catch (cause) {
          throw withCallerFrames(new MyLibraryError("forward: request has a body that cannot be read (used already?)", { code: "INVALID_ARGUMENT", argument: "request", cause }), site);
        }
      }
      return this.__forward(request.method, url.pathname, query, request.headers.get("content-type") ?? "", body, options).catch((e) => {
        throw withCallerFrames(e, site);
      });
    },
  }.forward;
  Object.defineProperty(MyLibraryClient.prototype, "forward", { configurable: true, writable: true, value: forward });
  return MyLibraryClient;
}
