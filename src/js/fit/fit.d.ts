// Types of ctct-mylibrary/fit.
import type { MyLibraryError } from "./index.js";

/** What to fit an image to. */
export interface FitOptions {
  /** The largest size of the result in bytes (the account's upload limit: `getInfo().max_upload_size_limit`). */
  maxBytes: number;
  /** The largest width or height of the result in pixels, 16–65535 (default: only `maxBytes` counts). */
  maxDimension?: number;
  /** The JPEG quality tried first, 1–100 (default 85); lower ones follow, down to 60, before the dimensions shrink. */
  quality?: number;
}

/** What `fitImage` did. */
export interface FitReport {
  /** The result's format: JPEG, or PNG for an image with transparency. */
  format: "jpeg" | "png" | "gif";
  /** The input's format. */
  formatIn: "jpeg" | "png" | "gif";
  /** The result's width and height. */
  width: number;
  height: number;
  /** The input's width and height, as displayed (after its EXIF orientation). */
  widthIn: number;
  heightIn: number;
  /** What the decoder produced (a JPEG is decoded already scaled down when the target allows). */
  decodedWidth: number;
  decodedHeight: number;
  /** The result's JPEG quality (null for PNG, or unchanged). */
  quality: number | null;
  bytesIn: number;
  bytes: number;
  /** The EXIF orientation applied (1: none). */
  orientation: number;
  /** Encodings tried. */
  attempts: number;
  /** True when the image already fitted: `blob` is the input itself. */
  unchanged: boolean;
  /** Milliseconds the fit took (in workerd the clock advances only on I/O, so 0 there). */
  ms: number;
  /** The most memory the fit used: the module's highest linear memory plus the input and output. */
  peakMemoryBytes: number;
}

/**
 * The codes of a `MyLibraryError` from `fitImage` (besides `INVALID_ARGUMENT` for bad options).
 * `IMAGE_WORKER`: the fit's module or its browser worker could not load or run (a missing
 * `fit.wasm`, a Content-Security-Policy without `worker-src`, a worker out of memory).
 */
export type FitErrorCode =
  | "IMAGE_CORRUPT"
  | "IMAGE_UNSUPPORTED"
  | "IMAGE_ANIMATED"
  | "IMAGE_CANNOT_FIT"
  | "IMAGE_TOO_LARGE"
  | "IMAGE_WORKER";

/**
 * Fits an image under `maxBytes` (and `maxDimension`) before upload: JPEG, PNG and GIF; EXIF
 * orientation applied; never upscaled; an image that already fits comes back unchanged.
 * In browsers it runs in a Web Worker. So that a fit stays within a Worker's 128 MB, at most
 * 4096×3072 pixels are decoded (a larger JPEG is decoded scaled down) and at most 2560×1920
 * written. Rejects with a `MyLibraryError` whose code is a
 * `FitErrorCode` (HEIC and other formats: `IMAGE_UNSUPPORTED`; an animated GIF that does not
 * fit: `IMAGE_ANIMATED`).
 */
export function fitImage(image: Blob | ArrayBuffer | Uint8Array, options: FitOptions): Promise<{ blob: Blob; report: FitReport }>;

export type { MyLibraryError };
