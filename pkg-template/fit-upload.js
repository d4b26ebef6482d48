// uploadFile's `fit` option, loaded by the entry when first used (so that clients that never fit
// an image do not carry it): the image fitted under the upload limit, then uploaded.
import { MyLibraryError, blobType, toBlob } from "__RUNTIME__";

const DEFAULT_UPLOAD_LIMIT = 5242880;
const FIT_KEYS = ["with", "maxDimension", "quality"];
const FIT_TYPES = { JPG: "JPG", JPEG: "JPG", PNG: "PNG", GIF: "GIF" };

/** The `fit` option: a function, or `{ with, maxDimension, quality }`. */
function fitOption(fit) {
  if (typeof fit === "function") return { with: fit };
  if (fit !== null && typeof fit === "object" && typeof fit.with === "function") {
    for (const k of Object.keys(fit)) {
      if (!FIT_KEYS.includes(k)) throw new MyLibraryError(`options.fit.${k} is not an option of fit (${FIT_KEYS.join(", ")})`, { argument: `options.fit.${k}` });
    }
    return fit;
  }
  throw new MyLibraryError("options.fit must be fitImage (from ctct-mylibrary/fit) or { with: fitImage, maxDimension, quality }", { argument: "options.fit" });
}

/** The upload's type as the fit sees it: JPG, PNG or GIF (from fileType, the name, the Blob's type), else null. */
function imageType(params) {
  const given = typeof params.fileType === "string" ? params.fileType.toUpperCase() : "";
  if (given) return FIT_TYPES[given] ?? null;
  const ext = typeof params.fileName === "string" ? /\.([A-Za-z]+)$/.exec(params.fileName)?.[1].toUpperCase() : undefined;
  if (ext) return FIT_TYPES[ext] ?? null;
  const mime = blobType(params.data).toLowerCase();
  return { "image/jpeg": "JPG", "image/png": "PNG", "image/gif": "GIF" }[mime] ?? null;
}

/** The limit: the client's maxUploadBytes, else the account's (getInfo, once per client: calls
 * made meanwhile share it), else 5242880. */
async function limitOf(client, rest, state) {
  if (state.configured !== undefined) return state.configured;
  let asked = state.learned.get(client);
  if (asked === undefined) {
    const o = {};
    if (rest.signal != null) o.signal = rest.signal;
    if (rest.timeoutMs != null) o.timeoutMs = rest.timeoutMs;
    asked = client.getInfo(o).then((info) => info.max_upload_size_limit);
    state.learned.set(client, asked);
    // A failure is not kept: the next upload asks again.
    asked.catch(() => state.learned.delete(client));
  }
  try {
    return await asked;
  } catch (e) {
    if (e?.code === "ABORTED" || e?.code === "TIMEOUT") throw e;
    return DEFAULT_UPLOAD_LIMIT;
  }
}

/** `name` with its extension (the part after its last dot) replaced by `ext`, as the Rust face does. */
function renamed(name, ext) {
  const dot = name.lastIndexOf(".");
  return `${dot > 0 ? name.slice(0, dot) : name}.${ext}`;
}

/** uploadFile(params, options) with `options.fit`, over the client's own upload. */
export async function fitted(client, params, options, state) {
  const { fit, ...rest } = options;
  const how = fitOption(fit);
  const upload = (p) => state.upload.call(client, p, rest);
  if (params === null || typeof params !== "object" || toBlob(params.data) === undefined) return upload(params);
  if (imageType(params) === null) return upload(params);
  const maxBytes = await limitOf(client, rest, state);
  const o = { maxBytes };
  if (how.maxDimension !== undefined) o.maxDimension = how.maxDimension;
  if (how.quality !== undefined) o.quality = how.quality;
  const { blob, report } = await how.with(toBlob(params.data), o);
  let next = params;
  if (!report.unchanged) {
    next = { ...params, data: blob };
    if (report.format !== report.formatIn) {
      const ext = report.format === "png" ? "png" : "jpg";
      if (typeof params.fileName === "string") next.fileName = renamed(params.fileName, ext);
      if (params.fileType != null) next.fileType = ext.toUpperCase();
    }
  }
  return { ...(await upload(next)), fit: report };
}
