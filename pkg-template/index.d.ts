export { MyLibraryClient } from "./ctct_mylibrary.js";
export type {
  ApiErrorItem, CallOptions, ClientOptions, FileChanges, FilePage, FileSortBy, FileSource, FileStatus, FileType,
  Folder, FolderChanges, FolderPage, FolderSortBy, LibraryFile, LibraryInfo, ListFiles, ListFolders, ListTrash,
  MoveResult, NewFolder, SourceFilter, Thumbnail, TypeFilter, UpdateOptions, UploadOptions, UploadParams,
  UploadResult, UploadStatus, UsageSummary, WaitOptions,
} from "./ctct_mylibrary.js";
import type { ApiErrorItem } from "./ctct_mylibrary.js";

/** What went wrong, as a stable code to branch on. */
export type ErrorCode =
  | "HTTP" | "RATE_LIMITED" | "NETWORK" | "TIMEOUT" | "ABORTED" | "DECODE" | "INVALID_ARGUMENT" | "UPLOAD_FAILED";

/** Every rejection of the client. Never carries the api key or the access token. */
export declare class MyLibraryError extends Error {
  readonly name: "MyLibraryError";
  /** A stable code to branch on. */
  readonly code: ErrorCode;
  /** The HTTP status; 0 when there was no response. */
  readonly status: number;
  /** The API's own `{ error_key, error_message }` list (empty without one). */
  readonly errors: ApiErrorItem[];
  /** How long the server asked to wait, when it said. */
  readonly retryAfterMs?: number;
  /** The original JavaScript error (its message redacted where it held a credential). */
  readonly cause?: unknown;
  toJSON(): { name: "MyLibraryError"; code: ErrorCode; status: number; message: string; errors: ApiErrorItem[]; retryAfterMs?: number };
}
