// Uploads by the file picker or by dropping files on the grid, each with a live status row.
import { MyLibraryError } from "../pkg/index.browser.js";
// Photos are fitted under the account's upload limit before they are sent (in a Web Worker;
// the fit's wasm loads with the first photo).
import { fitImage } from "../pkg/fit.browser.js";
import { fmtBytes } from "./format.js";
import { $, el } from "./dom.js";
import { state } from "./state.js";
import { client } from "./client.js";
import { explain } from "./errors.js";
import { refreshUsage } from "./usage.js";
import { reloadGrid } from "./grid.js";
import { loadFolders } from "./tree.js";

async function upload(file) {
  const folderId = state.byId.has(state.view) ? state.view : undefined;
  const bar = el("progress", { max: "1", value: "0" });
  const status = el("span", { class: "status-Uploading", text: "Uploading" });
  const row = el("li", { "data-name": file.name }, el("span", { class: "name", text: file.name }), bar, status);
  $("uploads").append(row);
  const set = (s, cls = s) => { status.textContent = s; status.className = `status-${cls}`; row.dataset.status = cls; };
  try {
    const { fileId, fit } = await client.uploadFile({ data: file, fileName: file.name, folderId }, {
      onProgress: (sent, total) => { bar.max = total || 1; bar.value = sent; },
      fit: fitImage,
    });
    if (fit && !fit.unchanged) {
      // What the fit did: size and dimensions before and after.
      row.querySelector(".name").after(el("span", { class: "fitted", text: `fitted ${fmtBytes(fit.bytesIn)} → ${fmtBytes(fit.bytes)} · ${fit.widthIn}×${fit.heightIn} → ${fit.width}×${fit.height}` }));
    }
    row.dataset.id = fileId;
    for (;;) {
      const [st] = await client.getUploadStatus(fileId);
      const s = st?.status ?? "Failed";
      set(s);
      if (s !== "Uploaded" && s !== "Processing") break;
      await new Promise((r) => setTimeout(r, 400));
    }
    if (row.dataset.status === "Active") setTimeout(() => row.remove(), 8000);
  } catch (e) {
    set(e instanceof MyLibraryError ? explain(e) : String(e), "Error");
  }
  await Promise.all([loadFolders(), refreshUsage()]);
  reloadGrid();
}

export function initUploads() {
  $("upload-input").addEventListener("change", (ev) => {
    for (const f of ev.target.files) upload(f);
    ev.target.value = "";
  });
  const vp = $("viewport");
  vp.addEventListener("dragover", (ev) => {
    if (!ev.dataTransfer.types.includes("Files") || state.view === "trash") return;
    ev.preventDefault();
    vp.classList.add("dragover");
  });
  vp.addEventListener("dragleave", () => vp.classList.remove("dragover"));
  vp.addEventListener("drop", (ev) => {
    vp.classList.remove("dragover");
    if (!ev.dataTransfer.files.length || state.view === "trash") return;
    ev.preventDefault();
    for (const f of ev.dataTransfer.files) upload(f);
  });
}
