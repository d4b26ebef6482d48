export * from "./ctct_mylibrary_server.js";
import type { ApiErrorItem } from "./ctct_mylibrary_server.js";
// ---- errors (index.d.cts carries the same declarations for CommonJS consumers)

/** What went wrong, as a stable code to branch on. */
export type ErrorCode =
  | "HTTP" | "RATE_LIMITED" | "NETWORK" | "TIMEOUT" | "ABORTED" | "DECODE" | "INVALID_ARGUMENT" | "UPLOAD_FAILED" | "TOKEN"
  | "OAUTH" | "ACCESS_DENIED" | "STATE_MISMATCH"
  // ctct-mylibrary/fit (fitImage, and uploadFile with `fit`)
  | "IMAGE_CORRUPT" | "IMAGE_UNSUPPORTED" | "IMAGE_ANIMATED" | "IMAGE_CANNOT_FIT" | "IMAGE_TOO_LARGE" | "IMAGE_WORKER";

/** What `new MyLibraryError(message, options)` takes. */
export interface MyLibraryErrorOptions {
  code: ErrorCode;
  status?: number;
  errors?: ApiErrorItem[];
  retryAfterMs?: number;
  request?: { method: string; url: string };
  argument?: string;
  cause?: unknown;
}

/** Every rejection of the client. Never carries the api key or the access token. */
export declare class MyLibraryError extends Error {
  constructor(message: string, options: MyLibraryErrorOptions);
  readonly name: "MyLibraryError";
  /** A stable code to branch on. */
  readonly code: ErrorCode;
  /** The HTTP status of the answer; 0 when there was none. */
  readonly status: number;
  /** The API's own `{ error_key, error_message }` list (empty without one). */
  readonly errors: ApiErrorItem[];
  /** How long the server asked to wait, when it said. */
  readonly retryAfterMs?: number;
  /** The request that failed: its method and URL, the api key replaced by `[REDACTED]`. */
  readonly request?: { method: string; url: string };
  /** For INVALID_ARGUMENT, the argument refused: `"fileId"`, `"params.limit"`, `"options.timout"`. */
  readonly argument?: string;
  /** The caller's abort reason (ABORTED, TIMEOUT), or the runtime's error (NETWORK), its message redacted where it held a credential. */
  readonly cause?: unknown;
  toJSON(): { name: "MyLibraryError"; code: ErrorCode; status: number; message: string; errors: ApiErrorItem[]; retryAfterMs?: number; request?: { method: string; url: string }; argument?: string };
}
