// The fit wasm's driver: no import, so a Web Worker, Node, Deno and workerd all load it as is.
// A fresh instance per image, so that its memory (which wasm never gives back) is freed with it.

const KINDS = ["IMAGE_CORRUPT", "IMAGE_UNSUPPORTED", "IMAGE_ANIMATED", "IMAGE_CANNOT_FIT", "INVALID_ARGUMENT", "IMAGE_TOO_LARGE"];
const FORMATS = [undefined, "jpeg", "png", "gif"];

/** A failure of the fit: a code and a message (made into a MyLibraryError by the entry). */
export class FitFailure {
  constructor(code, message) {
    this.code = code;
    this.message = message;
  }
}

/**
 * `load()` (a promise of the compiled module) run once and kept; a failure is not kept, so the
 * next fit tries again.
 */
export function loadOnce(load) {
  let kept;
  return () =>
    (kept ??= load().catch((e) => {
      kept = undefined;
      throw e;
    }));
}

/**
 * Fits `bytes` (a Uint8Array) with a compiled fit module.
 * @returns {{ bytes: Uint8Array | null, report: object }} `bytes` null when the input fits as it is.
 */
export function fitBytes(module, bytes, { maxBytes, maxDimension, quality }) {
  const started = performance.now();
  let instance;
  try {
    instance = new WebAssembly.Instance(module, {});
  } catch (e) {
    throw new FitFailure("IMAGE_TOO_LARGE", `the image module could not start: ${e?.message ?? e}`);
  }
  const x = instance.exports;
  const memory = x.memory;
  try {
    const ptr = x.fit_alloc(bytes.length);
    if (ptr === 0 && bytes.length > 0) throw new FitFailure("IMAGE_TOO_LARGE", "not enough memory to read this image");
    new Uint8Array(memory.buffer, ptr, bytes.length).set(bytes);
    const status = x.fit_run(maxBytes, maxDimension ?? 0, quality ?? 0);
    const out = new Uint8Array(memory.buffer, x.fit_out_ptr(), x.fit_out_len()).slice();
    if (status !== 0) {
      throw new FitFailure(KINDS[status - 1] ?? "IMAGE_CORRUPT", new TextDecoder().decode(out));
    }
    const f = (i) => x.fit_report(i);
    const unchanged = f(13) === 1;
    const result = unchanged ? null : out;
    const report = {
      format: FORMATS[f(1)],
      formatIn: FORMATS[f(0)],
      width: f(4),
      height: f(5),
      widthIn: f(2),
      heightIn: f(3),
      decodedWidth: f(6),
      decodedHeight: f(7),
      quality: f(8) === 0 ? null : f(8),
      bytesIn: f(9),
      bytes: f(10),
      orientation: f(11),
      attempts: f(12),
      unchanged,
      ms: 0,
      // wasm memory only grows, so its size now is its high-water mark.
      peakMemoryBytes: memory.buffer.byteLength + bytes.length + (result?.length ?? 0),
    };
    report.ms = Math.round((performance.now() - started) * 10) / 10;
    return { bytes: result, report };
  } catch (e) {
    if (e instanceof FitFailure) throw e;
    // A trap: out of memory (the runtime's limit), or a decoder's bug on a hostile file.
    let oom = e instanceof RangeError;
    try {
      oom ||= x.fit_oom() === 1;
    } catch {
      // the instance is unusable
    }
    throw new FitFailure(
      oom ? "IMAGE_TOO_LARGE" : "IMAGE_CORRUPT",
      oom ? "not enough memory to fit this image" : `this image cannot be read (${e?.message ?? e})`,
    );
  }
}
