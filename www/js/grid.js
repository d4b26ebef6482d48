// The virtualised thumbnail grid: pulls files from the package's async iterators and keeps only the visible cells in the DOM.
import { $, el } from "./dom.js";
import { fmtBytes } from "./format.js";
import { state } from "./state.js";
import { client } from "./client.js";
import { showError } from "./errors.js";

const grid = {
  items: [],
  iterator: null,
  loading: false,
  done: false,
  generation: 0,
  pool: new Map(), // index -> cell element
  cols: 1,
  cellW: 176,
  cellH: 206,
};

function measure() {
  const s = getComputedStyle(document.documentElement);
  grid.cellW = parseFloat(s.getPropertyValue("--cell-w")) || 176;
  grid.cellH = parseFloat(s.getPropertyValue("--cell-h")) || 206;
  grid.cols = Math.max(1, Math.floor(($("viewport").clientWidth - 8) / grid.cellW));
}

function listParams() {
  const p = { sortBy: state.sort, limit: 200 };
  if (state.type !== "ALL") p.type = state.type;
  if (state.view !== "trash" && state.source !== "ALL") p.source = state.source;
  if (state.view !== "all" && state.view !== "trash") p.folderId = state.view;
  return p;
}

export function reloadGrid() {
  grid.generation++;
  grid.iterator?.return?.();
  grid.items = [];
  grid.done = false;
  grid.loading = false;
  for (const cell of grid.pool.values()) cell.remove();
  grid.pool.clear();
  const params = listParams();
  grid.iterator = (state.view === "trash" ? client.trash(params) : client.files(params))[Symbol.asyncIterator]();
  $("viewport").scrollTop = 0;
  const folder = state.byId.get(state.view)?.folder;
  $("view-title").textContent = state.view === "all" ? "All files" : state.view === "trash" ? "Trash" : folder?.name ?? "Folder";
  $("empty-trash").hidden = state.view !== "trash";
  $("source-label").hidden = state.view === "trash";
  $("upload-label").hidden = state.view === "trash";
  render();
  loadMore();
}

/** Pulls items from the package's async iterator until the viewport (plus a screen) is filled. */
async function loadMore() {
  if (grid.loading || grid.done || !grid.iterator) return;
  const vp = $("viewport");
  const wanted = () => Math.ceil((vp.scrollTop + vp.clientHeight * 2) / grid.cellH) * grid.cols;
  // Enough items already: return before the render below, which would call this again at once
  // (render asks for more near the end; with a short viewport that recursed without end).
  if (grid.items.length >= wanted()) return;
  grid.loading = true;
  const gen = grid.generation;
  try {
    while (gen === grid.generation && grid.items.length < wanted()) {
      const batchEnd = grid.items.length + 200;
      while (gen === grid.generation && grid.items.length < batchEnd) {
        const step = await grid.iterator.next();
        if (gen !== grid.generation) return;
        if (step.done) { grid.done = true; break; }
        grid.items.push(step.value);
      }
      render();
      if (grid.done) break;
    }
  } catch (e) {
    if (gen === grid.generation) { grid.done = true; showError(e); }
  } finally {
    if (gen === grid.generation) { grid.loading = false; render(); }
  }
}

function cellFor(file) {
  const img = el("img", { alt: "", loading: "lazy", decoding: "async", draggable: "false" });
  if (file.thumbnail) img.src = file.thumbnail.url;
  const cell = el("div", { class: "cell", role: "gridcell", tabindex: "-1", draggable: "true", "data-id": file.id, "aria-selected": String(state.selectedFile?.id === file.id) },
    el("div", { class: "thumb" }, img),
    el("div", { class: "name", text: file.name, title: file.name }),
    el("div", { class: "meta", text: `${fmtBytes(file.size)}${file.width ? ` · ${file.width}×${file.height}` : ""}` }),
  );
  return cell;
}

export function render() {
  measure();
  const vp = $("viewport");
  const n = grid.items.length;
  const rows = Math.ceil(n / grid.cols);
  $("spacer").style.height = `${rows * grid.cellH + 8}px`;
  $("empty").hidden = !(grid.done && n === 0);
  $("count").textContent = grid.done ? `${n} file${n === 1 ? "" : "s"}` : n ? `${n}+ files` : "Loading…";
  const first = Math.max(0, Math.floor(vp.scrollTop / grid.cellH) - 2) * grid.cols;
  const last = Math.min(n, (Math.ceil((vp.scrollTop + vp.clientHeight) / grid.cellH) + 2) * grid.cols);
  for (const [i, cell] of grid.pool) {
    if (i < first || i >= last || cell.dataset.id !== grid.items[i]?.id) { cell.remove(); grid.pool.delete(i); }
  }
  const spacer = $("spacer");
  for (let i = first; i < last; i++) {
    if (grid.pool.has(i)) continue;
    const cell = cellFor(grid.items[i]);
    cell.dataset.index = String(i);
    cell.style.transform = `translate(${(i % grid.cols) * grid.cellW + 8}px, ${Math.floor(i / grid.cols) * grid.cellH + 8}px)`;
    grid.pool.set(i, cell);
    spacer.append(cell);
  }
  if (!grid.done && !grid.loading && last >= n - grid.cols * 2) loadMore();
}

/** The file shown by the cell with this data-index. */
export const itemAt = (index) => grid.items[Number(index)];

/** Marks the cell of this file as selected, and every other cell as not. */
export function markSelected(id) {
  for (const c of grid.pool.values()) c.setAttribute("aria-selected", String(c.dataset.id === id));
}

/** Puts a changed file in place of the one with this id; its cell is redrawn by the next render(). */
export function replaceItem(id, updated) {
  const i = grid.items.findIndex((x) => x.id === id);
  if (i >= 0) grid.items[i] = updated;
  for (const [idx, cell] of grid.pool) if (cell.dataset.id === id) { cell.remove(); grid.pool.delete(idx); }
}

/** Stops the current listing and takes every cell down, until the next reloadGrid(). */
export function takeDown() {
  grid.generation++;
  for (const cell of grid.pool.values()) cell.remove();
  grid.pool.clear();
}

export function initGrid() {
  let frame = 0;
  $("viewport").addEventListener("scroll", () => {
    if (!frame) frame = requestAnimationFrame(() => { frame = 0; render(); });
  }, { passive: true });
  new ResizeObserver(() => { for (const c of grid.pool.values()) c.remove(); grid.pool.clear(); render(); }).observe($("viewport"));
}
