// The file details panel: opened from a grid cell by click or Enter; its fields, the rename form and the move menu's folders.
import { $, el } from "./dom.js";
import { fmtBytes, fmtDate } from "./format.js";
import { state } from "./state.js";
import { client } from "./client.js";
import { attempt } from "./errors.js";
import { itemAt, markSelected, render, replaceItem } from "./grid.js";

export function openDetails(file) {
  if (!file) return;
  state.selectedFile = file;
  markSelected(file.id);
  $("details").hidden = false;
  const prev = $("detail-preview");
  prev.src = file.thumbnail?.url ?? "";
  prev.alt = `Preview of ${file.name}`;
  $("detail-name").textContent = file.name;
  const folderName = file.folder_id ? state.byId.get(file.folder_id)?.folder.name ?? file.folder ?? file.folder_id : file.folder ? `${file.folder} (no folder)` : "(no folder)";
  const fields = [
    ["Description", file.description || "—"], ["Type", file.file_type], ["Size", fmtBytes(file.size)],
    ["Dimensions", file.width ? `${file.width} × ${file.height}` : "—"], ["Status", file.status], ["Source", file.source ?? "—"],
    ["Folder", folderName], ["Added", fmtDate(file.created_date)], ["Changed", fmtDate(file.modified_date)], ["Id", file.id],
  ];
  $("detail-fields").replaceChildren(...fields.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: String(v) })]));
  const form = $("file-form");
  form.elements.name.value = file.name;
  form.elements.description.value = file.description ?? "";
  $("move-select").value = file.folder_id ?? "0";
  const trash = state.view === "trash";
  $("delete-file").hidden = trash;
  $("move-form").querySelector("button").textContent = trash ? "Restore to" : "Move";
}
export function closeDetails() {
  state.selectedFile = null;
  $("details").hidden = true;
}

export function renderMoveSelect() {
  const sel = $("move-select");
  const opts = [el("option", { value: "0", text: "(no folder)" })];
  const walk = (list, depth) => list.forEach((f) => { opts.push(el("option", { value: f.id, text: `${"\u00a0\u00a0".repeat(depth)}${f.name}` })); walk(f.children, depth + 1); });
  walk(state.folders, 0);
  sel.replaceChildren(...opts);
}

export function initDetails() {
  $("viewport").addEventListener("click", (ev) => {
    const cell = ev.target.closest(".cell");
    if (cell) openDetails(itemAt(cell.dataset.index));
  });
  $("viewport").addEventListener("keydown", (ev) => {
    const cell = ev.target.closest?.(".cell");
    if (cell && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); openDetails(itemAt(cell.dataset.index)); }
  });
  $("details-close").addEventListener("click", closeDetails);
  $("file-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = state.selectedFile;
    const els = ev.currentTarget.elements;
    const updated = await attempt(() => client.updateFile(f.id, { name: els.name.value, description: els.description.value }));
    if (!updated) return;
    replaceItem(f.id, updated);
    render();
    openDetails(updated);
  });
}
