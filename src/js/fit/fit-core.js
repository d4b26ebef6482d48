// fitImage for every runtime: checks the options, reads the image, runs the fit (here or in a
// Web Worker, as the entry decides) and turns a failure into a MyLibraryError.
import { MyLibraryError } from "__RUNTIME__";

const KNOWN = ["maxBytes", "maxDimension", "quality"];
// The codes a fit rejects with (besides INVALID_ARGUMENT); anything else is IMAGE_WORKER: the
// fit's module or worker could not run.
const CODES = ["IMAGE_CORRUPT", "IMAGE_UNSUPPORTED", "IMAGE_ANIMATED", "IMAGE_CANNOT_FIT", "IMAGE_TOO_LARGE", "IMAGE_WORKER", "INVALID_ARGUMENT"];
const TYPES = { jpeg: "image/jpeg", png: "image/png", gif: "image/gif" };

function bad(argument, message) {
  return new MyLibraryError(`${argument} ${message}`, { code: "INVALID_ARGUMENT", argument });
}

function integer(o, key, min, max, required) {
  const v = o[key];
  if (v === undefined && !required) return undefined;
  if (!Number.isInteger(v) || v < min || v > max) {
    return bad(`options.${key}`, `must be an integer from ${min} to ${max}${required ? "" : " (or left out)"}`);
  }
  return v;
}

/** The options, checked: every failure is a MyLibraryError before anything is read. */
export function checkOptions(options) {
  if (options === null || typeof options !== "object") {
    throw bad("options", "must be an object with maxBytes");
  }
  for (const k of Object.keys(options)) {
    if (!KNOWN.includes(k)) throw bad(`options.${k}`, `is not an option of fitImage (${KNOWN.join(", ")})`);
  }
  const out = {
    maxBytes: integer(options, "maxBytes", 1, Number.MAX_SAFE_INTEGER, true),
    maxDimension: integer(options, "maxDimension", 16, 65535, false),
    quality: integer(options, "quality", 1, 100, false),
  };
  for (const v of Object.values(out)) if (v instanceof MyLibraryError) throw v;
  return out;
}

async function readBytes(image) {
  if (typeof Blob !== "undefined" && image instanceof Blob) return new Uint8Array(await image.arrayBuffer());
  // A copy: the bytes may be transferred to a worker, which would empty the caller's buffer.
  if (image instanceof ArrayBuffer) return new Uint8Array(image.slice(0));
  if (ArrayBuffer.isView(image)) return new Uint8Array(image.buffer.slice(image.byteOffset, image.byteOffset + image.byteLength));
  throw bad("image", "must be a Blob (a File), an ArrayBuffer or a Uint8Array");
}

/**
 * Makes `fitImage` over `run(bytes, options)`, which resolves with `{ bytes, report }` (`bytes`
 * null when the image fits as it is) or rejects with `{ code, message }`.
 */
export function makeFitImage(run) {
  return async function fitImage(image, options) {
    const o = checkOptions(options);
    let bytes, result;
    try {
      bytes = await readBytes(image);
      result = await run(bytes, o);
    } catch (e) {
      if (e instanceof MyLibraryError) throw e;
      const code = CODES.includes(e?.code) ? e.code : "IMAGE_WORKER";
      const message = code === "IMAGE_WORKER" && !String(e?.message ?? "").startsWith("the image")
        ? `the image could not be fitted here: ${e?.message ?? e}`
        : String(e?.message ?? e);
      throw new MyLibraryError(message, { code, cause: e instanceof Error ? e : undefined });
    }
    const { report } = result;
    if (result.bytes === null) {
      // Already fits: the same bytes (the same Blob when a Blob came in).
      const same = typeof Blob !== "undefined" && image instanceof Blob ? image : new Blob([image], { type: TYPES[report.format] });
      return { blob: same, report };
    }
    return { blob: new Blob([result.bytes], { type: TYPES[report.format] }), report };
  };
}
