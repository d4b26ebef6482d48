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

/** The limit: the client's maxUploadBytes, else the account's (getInfo, once), else 5242880. */
async function limitOf(client, signal, state) {
  if (state.configured !== undefined) return state.configured;
  if (!state.learned.has(client)) {
    try {
      const info = await client.getInfo(signal ? { signal } : undefined);
      state.learned.set(client, info.max_upload_size_limit);
    } catch (e) {
      if (e?.code === "ABORTED" || e?.code === "TIMEOUT") throw e;
      return DEFAULT_UPLOAD_LIMIT;
    }
  }
  return state.learned.get(client);
}

/** uploadFile(params, options) with `options.fit`, over the client's own upload. */
export async function fitted(client, params, options, state) {
  const { fit, ...rest } = options;
  const how = fitOption(fit);
  const upload = (p) => state.upload.call(client, p, rest);
  if (params === null || typeof params !== "object" || toBlob(params.data) === undefined) return upload(params);
  if (imageType(params) === null) return upload(params);
  const maxBytes = await limitOf(client, rest.signal, state);
  const o = { maxBytes };
  if (how.maxDimension !== undefined) o.maxDimension = how.maxDimension;
  if (how.quality !== undefined) o.quality = how.quality;
  const { blob, report } = await how.with(toBlob(params.data), o);
  let next = params;
  if (!report.unchanged) {
    next = { ...params, data: blob };
    if (report.format !== report.formatIn) {
      const ext = report.format === "png" ? "png" : "jpg";
      next.fileName = String(params.fileName).replace(/(\.[A-Za-z]+)?$/, `.${ext}`);
      if (params.fileType != null) next.fileType = ext.toUpperCase();
    }
  }
  return { ...(await upload(next)), fit: report };
}
