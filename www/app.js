// The MyLibrary demo: a folder tree, a virtualised thumbnail grid, uploads with live status,
// moves by drag and drop, trash. Plain ES modules; the package is imported as an app would.
// Every name and description is rendered with textContent, never as HTML.
import { MyLibraryClient, MyLibraryError } from "./pkg/index.browser.js";

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "text") e.textContent = v;
    else if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
};

// ---------------------------------------------------------------- settings and client

const DEFAULTS = { baseUrl: `${location.origin}/v2`, apiKey: "demo-api-key", accessToken: "demo-access-token" };
const SORTS = ["CREATED_DATE_DESC", "CREATED_DATE", "MODIFIED_DATE_DESC", "MODIFIED_DATE", "NAME", "NAME_DESC", "SIZE_DESC", "SIZE", "DIMENSION_DESC", "DIMENSION"];
const SORT_LABELS = { CREATED_DATE_DESC: "Newest", CREATED_DATE: "Oldest", MODIFIED_DATE_DESC: "Recently changed", MODIFIED_DATE: "Least recently changed", NAME: "Name A–Z", NAME_DESC: "Name Z–A", SIZE_DESC: "Largest", SIZE: "Smallest", DIMENSION_DESC: "Most pixels", DIMENSION: "Fewest pixels" };
const SOURCES = ["ALL", "MyComputer", "StockImage", "Shutterstock", "Mobile", "Facebook", "Instagram"];

function loadSettings() {
  try {
    return { ...DEFAULTS, ...JSON.parse(localStorage.getItem("mylibrary-demo") ?? "{}") };
  } catch {
    return { ...DEFAULTS };
  }
}
const settings = loadSettings();
let client;
try {
  client = new MyLibraryClient({ baseUrl: settings.baseUrl, apiKey: settings.apiKey || undefined, accessToken: settings.accessToken || undefined });
} catch (e) {
  showError(e);
}

// ---------------------------------------------------------------- state

const state = {
  view: "all", // "all" | "trash" | a folder id
  sort: "CREATED_DATE_DESC",
  type: "ALL",
  source: "ALL",
  folders: [], // top-level folders, with children
  byId: new Map(),
  expanded: new Set(JSON.parse(sessionStorage.getItem("mylibrary-expanded") ?? "[]")),
  selectedFile: null,
};

function readUrl() {
  const q = new URLSearchParams(location.hash.slice(1));
  state.view = q.get("folder") ?? "all";
  if (SORTS.includes(q.get("sort"))) state.sort = q.get("sort");
  if (["ALL", "IMAGES", "DOCUMENTS"].includes(q.get("type"))) state.type = q.get("type");
  if (SOURCES.includes(q.get("source"))) state.source = q.get("source");
}
function writeUrl() {
  const q = new URLSearchParams();
  if (state.view !== "all") q.set("folder", state.view);
  if (state.sort !== "CREATED_DATE_DESC") q.set("sort", state.sort);
  if (state.type !== "ALL") q.set("type", state.type);
  if (state.source !== "ALL") q.set("source", state.source);
  const hash = q.toString();
  if (location.hash.slice(1) !== hash) history.replaceState(null, "", hash ? `#${hash}` : location.pathname);
}

// ---------------------------------------------------------------- errors

function explain(e) {
  if (!(e instanceof MyLibraryError)) return String(e?.message ?? e);
  const api = e.errors?.[0]?.error_message;
  switch (e.code) {
    case "RATE_LIMITED":
      return `The API's rate limit was reached (${api ?? "too many requests"}). The client spaces its requests and retries; please try again in a moment.`;
    case "NETWORK":
      return `The API could not be reached: ${e.message}. Check the base URL in Settings.`;
    case "TIMEOUT":
      return "The API took too long to answer. Please try again.";
    case "DECODE":
      return `The API sent something unexpected: ${e.message}`;
    case "HTTP":
      if (e.status === 401) return `The access token was refused (${api ?? "not authorized"}): it may have expired. Update it in Settings.`;
      if (e.status === 403) return `The API key was refused (${api ?? "forbidden"}). Check it in Settings.`;
      return api ? `${api} (HTTP ${e.status})` : e.message;
    default:
      return api ?? e.message;
  }
}
function showError(e) {
  $("banner-text").textContent = explain(e);
  $("banner").hidden = false;
}
$("banner-close").addEventListener("click", () => ($("banner").hidden = true));
async function attempt(fn) {
  try {
    return await fn();
  } catch (e) {
    showError(e);
    return undefined;
  }
}

// ---------------------------------------------------------------- usage

const fmtBytes = (n) => (n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(1)} GB` : n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(0)} KB` : `${n} B`);
const fmtDate = (s) => { const d = new Date(s); return Number.isNaN(d.getTime()) ? s : d.toLocaleString(); };

async function refreshUsage() {
  const info = await attempt(() => client.getInfo());
  if (!info) return;
  const u = info.usage_summary;
  const total = u.total_bytes_used + u.total_bytes_remaining;
  $("usage-fill").style.width = `${total ? (100 * u.total_bytes_used) / total : 0}%`;
  $("usage-text").textContent = `${fmtBytes(u.total_bytes_used)} used · ${fmtBytes(u.total_bytes_remaining)} free · ${u.file_count} files (${u.image_count} images, ${u.document_count} documents) · ${u.folder_count} folders`;
}

// ---------------------------------------------------------------- folder tree

async function loadFolders() {
  const all = [];
  const result = await attempt(async () => {
    for await (const f of client.folders({ limit: 1000 })) all.push(f);
    return true;
  });
  if (!result) return;
  state.folders = all;
  state.byId.clear();
  const walk = (list, parent) => list.forEach((f) => { state.byId.set(f.id, { folder: f, parent }); walk(f.children, f.id); });
  walk(all, null);
  renderTree();
  renderMoveSelect();
}

function treeItem(id, name, count, children, extraClass = "") {
  const hasKids = children && children.length > 0;
  const li = el("li", { role: "treeitem", "data-id": id, tabindex: "-1", "aria-selected": String(state.view === id), class: extraClass });
  if (hasKids) li.setAttribute("aria-expanded", String(state.expanded.has(id)));
  const twisty = el("span", { class: "twisty", "aria-hidden": "true", text: hasKids ? (state.expanded.has(id) ? "▾" : "▸") : "" });
  const label = el("div", { class: "label" }, twisty, el("span", { class: "name", text: name }), el("span", { class: "n", text: count === undefined ? "" : String(count) }));
  li.append(label);
  if (hasKids) li.append(el("ul", { role: "group" }, ...children.map((c) => treeItem(c.id, c.name, c.item_count, c.children))));
  return li;
}

function renderTree() {
  const tree = $("tree");
  const focusedId = document.activeElement?.closest?.("[role=treeitem]")?.dataset.id;
  tree.replaceChildren(
    treeItem("all", "All files", undefined, null, "special"),
    ...state.folders.map((f) => treeItem(f.id, f.name, f.item_count, f.children)),
    treeItem("trash", "Trash", undefined, null, "special"),
  );
  const current = tree.querySelector(`[data-id="${CSS.escape(focusedId ?? state.view)}"]`) ?? tree.querySelector("[role=treeitem]");
  if (current) current.tabIndex = 0;
  if (focusedId && current) current.focus();
  const folder = state.byId.get(state.view)?.folder;
  $("folder-actions").hidden = !folder;
  if (folder) $("rename-folder-form").elements.name.value = folder.name;
}

function visibleItems() {
  return [...$("tree").querySelectorAll("[role=treeitem]")].filter((li) => !li.parentElement.closest("[aria-expanded=false]"));
}
function toggle(li, open) {
  const id = li.dataset.id;
  if (!li.hasAttribute("aria-expanded")) return false;
  const want = open ?? li.getAttribute("aria-expanded") !== "true";
  if (want) state.expanded.add(id); else state.expanded.delete(id);
  sessionStorage.setItem("mylibrary-expanded", JSON.stringify([...state.expanded]));
  li.setAttribute("aria-expanded", String(want));
  li.querySelector(".twisty").textContent = want ? "▾" : "▸";
  return true;
}
function focusItem(li) {
  $("tree").querySelectorAll("[role=treeitem]").forEach((x) => (x.tabIndex = -1));
  li.tabIndex = 0;
  li.focus();
}

$("tree").addEventListener("click", (ev) => {
  const li = ev.target.closest("[role=treeitem]");
  if (!li) return;
  if (ev.target.closest(".twisty") && toggle(li)) return;
  focusItem(li);
  selectView(li.dataset.id);
});
$("tree").addEventListener("keydown", (ev) => {
  const li = ev.target.closest("[role=treeitem]");
  if (!li) return;
  const items = visibleItems();
  const i = items.indexOf(li);
  const go = (j) => { if (items[j]) focusItem(items[j]); };
  switch (ev.key) {
    case "ArrowDown": go(i + 1); break;
    case "ArrowUp": go(i - 1); break;
    case "Home": go(0); break;
    case "End": go(items.length - 1); break;
    case "ArrowRight":
      if (li.getAttribute("aria-expanded") === "false") toggle(li, true);
      else if (li.getAttribute("aria-expanded") === "true") go(i + 1);
      break;
    case "ArrowLeft":
      if (li.getAttribute("aria-expanded") === "true") toggle(li, false);
      else { const parent = li.parentElement.closest("[role=treeitem]"); if (parent) focusItem(parent); }
      break;
    case "Enter": case " ": selectView(li.dataset.id); break;
    default: return;
  }
  ev.preventDefault();
});

// drag files onto a folder to move them
$("tree").addEventListener("dragover", (ev) => {
  const li = ev.target.closest("[role=treeitem]");
  if (!li || li.dataset.id === "all" || !ev.dataTransfer.types.includes("application/x-mylibrary-file")) return;
  ev.preventDefault();
  $("tree").querySelectorAll(".drop-target").forEach((x) => x.classList.remove("drop-target"));
  li.classList.add("drop-target");
});
$("tree").addEventListener("dragleave", (ev) => ev.target.closest?.("[role=treeitem]")?.classList.remove("drop-target"));
$("tree").addEventListener("drop", async (ev) => {
  const li = ev.target.closest("[role=treeitem]");
  $("tree").querySelectorAll(".drop-target").forEach((x) => x.classList.remove("drop-target"));
  const fileId = ev.dataTransfer.getData("application/x-mylibrary-file");
  if (!li || !fileId) return;
  ev.preventDefault();
  if (li.dataset.id === "trash") await deleteFile(fileId);
  else await moveFile(fileId, li.dataset.id);
});

function selectView(id) {
  if (id !== "all" && id !== "trash" && !state.byId.has(id)) id = "all";
  state.view = id;
  // open the ancestors of the selected folder
  let p = state.byId.get(id)?.parent;
  while (p) { state.expanded.add(p); p = state.byId.get(p)?.parent; }
  writeUrl();
  renderTree();
  closeDetails();
  reloadGrid();
}

// new, rename, delete folder
$("new-folder").addEventListener("click", () => {
  const f = $("folder-form");
  f.hidden = false;
  f.elements.name.focus();
});
$("folder-form").addEventListener("click", (ev) => { if (ev.target.matches("[data-cancel]")) ev.currentTarget.hidden = true; });
$("folder-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const name = ev.currentTarget.elements.name.value;
  const parent = state.byId.get(state.view)?.folder;
  const parentId = parent && parent.level < 3 ? parent.id : undefined;
  const created = await attempt(() => client.createFolder({ name, parentId }));
  if (!created) return;
  ev.target.reset();
  ev.target.hidden = true;
  if (parentId) state.expanded.add(parentId);
  await Promise.all([loadFolders(), refreshUsage()]);
  selectView(created.id);
});
$("rename-folder-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const ok = await attempt(() => client.updateFolder(state.view, { name: ev.currentTarget.elements.name.value }));
  if (ok) await loadFolders();
});
$("delete-folder").addEventListener("click", async (ev) => {
  const b = ev.currentTarget;
  if (b.dataset.confirm !== "1") {
    b.dataset.confirm = "1";
    b.textContent = "Confirm: delete folder, files to trash";
    setTimeout(() => { b.dataset.confirm = ""; b.textContent = "Delete folder"; }, 4000);
    return;
  }
  b.dataset.confirm = "";
  b.textContent = "Delete folder";
  const id = state.view;
  const parent = state.byId.get(id)?.parent;
  if (await attempt(() => client.deleteFolder(id).then(() => true))) {
    await Promise.all([loadFolders(), refreshUsage()]);
    selectView(parent ?? "all");
  }
});

function renderMoveSelect() {
  const sel = $("move-select");
  const opts = [el("option", { value: "0", text: "(no folder)" })];
  const walk = (list, depth) => list.forEach((f) => { opts.push(el("option", { value: f.id, text: `${"\u00a0\u00a0".repeat(depth)}${f.name}` })); walk(f.children, depth + 1); });
  walk(state.folders, 0);
  sel.replaceChildren(...opts);
}

// ---------------------------------------------------------------- the virtualised grid

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

function reloadGrid() {
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
  grid.loading = true;
  const gen = grid.generation;
  try {
    const vp = $("viewport");
    const wanted = () => Math.ceil((vp.scrollTop + vp.clientHeight * 2) / grid.cellH) * grid.cols;
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

function render() {
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

let frame = 0;
$("viewport").addEventListener("scroll", () => {
  if (!frame) frame = requestAnimationFrame(() => { frame = 0; render(); });
}, { passive: true });
new ResizeObserver(() => { for (const c of grid.pool.values()) c.remove(); grid.pool.clear(); render(); }).observe($("viewport"));

$("viewport").addEventListener("click", (ev) => {
  const cell = ev.target.closest(".cell");
  if (cell) openDetails(grid.items[Number(cell.dataset.index)]);
});
$("viewport").addEventListener("keydown", (ev) => {
  const cell = ev.target.closest?.(".cell");
  if (cell && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); openDetails(grid.items[Number(cell.dataset.index)]); }
});
$("viewport").addEventListener("dragstart", (ev) => {
  const cell = ev.target.closest(".cell");
  if (!cell) return;
  ev.dataTransfer.setData("application/x-mylibrary-file", cell.dataset.id);
  ev.dataTransfer.effectAllowed = "move";
});

// toolbar
$("sort").replaceChildren(...SORTS.map((s) => el("option", { value: s, text: SORT_LABELS[s] })));
$("source").replaceChildren(...SOURCES.map((s) => el("option", { value: s, text: s === "ALL" ? "All" : s })));
for (const id of ["sort", "type", "source"]) {
  $(id).addEventListener("change", (ev) => { state[id] = ev.target.value; writeUrl(); reloadGrid(); });
}
$("empty-trash").addEventListener("click", async (ev) => {
  const b = ev.currentTarget;
  if (b.dataset.confirm !== "1") {
    b.dataset.confirm = "1";
    b.textContent = "Confirm: delete for good";
    setTimeout(() => { b.dataset.confirm = ""; b.textContent = "Empty trash"; }, 4000);
    return;
  }
  b.dataset.confirm = "";
  b.textContent = "Empty trash";
  // Take the cells down first: no thumbnail request may start for a file about to be purged.
  grid.generation++;
  for (const cell of grid.pool.values()) cell.remove();
  grid.pool.clear();
  await attempt(() => client.emptyTrash());
  reloadGrid();
  refreshUsage();
});

// ---------------------------------------------------------------- details

function openDetails(file) {
  if (!file) return;
  state.selectedFile = file;
  for (const c of grid.pool.values()) c.setAttribute("aria-selected", String(c.dataset.id === file.id));
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
function closeDetails() {
  state.selectedFile = null;
  $("details").hidden = true;
}
$("details-close").addEventListener("click", closeDetails);

$("file-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = state.selectedFile;
  const els = ev.currentTarget.elements;
  const updated = await attempt(() => client.updateFile(f.id, { name: els.name.value, description: els.description.value }));
  if (!updated) return;
  const i = grid.items.findIndex((x) => x.id === f.id);
  if (i >= 0) grid.items[i] = updated;
  for (const [idx, cell] of grid.pool) if (cell.dataset.id === f.id) { cell.remove(); grid.pool.delete(idx); }
  render();
  openDetails(updated);
});
$("move-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  await moveFile(state.selectedFile.id, $("move-select").value);
});
$("delete-file").addEventListener("click", () => deleteFile(state.selectedFile.id));

async function moveFile(fileId, folderId) {
  if (await attempt(() => client.moveFiles(folderId === "all" ? "0" : folderId, [fileId]))) {
    closeDetails();
    await loadFolders();
    reloadGrid();
  }
}
async function deleteFile(fileId) {
  if (await attempt(() => client.deleteFiles(fileId).then(() => true))) {
    closeDetails();
    await loadFolders();
    reloadGrid();
  }
}

// ---------------------------------------------------------------- uploads

async function upload(file) {
  const folderId = state.byId.has(state.view) ? state.view : undefined;
  const bar = el("progress", { max: "1", value: "0" });
  const status = el("span", { class: "status-Uploading", text: "Uploading" });
  const row = el("li", { "data-name": file.name }, el("span", { class: "name", text: file.name }), bar, status);
  $("uploads").append(row);
  const set = (s, cls = s) => { status.textContent = s; status.className = `status-${cls}`; row.dataset.status = cls; };
  try {
    const { fileId } = await client.uploadFile({ data: file, fileName: file.name, folderId }, {
      onProgress: (sent, total) => { bar.max = total || 1; bar.value = sent; },
    });
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

// ---------------------------------------------------------------- settings and layout

const sform = $("settings-form");
for (const k of Object.keys(DEFAULTS)) sform.elements[k].value = settings[k];
sform.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const next = Object.fromEntries(Object.keys(DEFAULTS).map((k) => [k, sform.elements[k].value.trim()]));
  localStorage.setItem("mylibrary-demo", JSON.stringify(next));
  location.reload();
});
$("settings-reset").addEventListener("click", () => { localStorage.removeItem("mylibrary-demo"); location.reload(); });
// Edge proxy mode: the Worker of examples/worker holds the credentials; the page holds none.
$("settings-edge").addEventListener("click", () => {
  const proxy = new URLSearchParams(location.search).get("proxy") ?? `${location.protocol}//${location.hostname}:8787`;
  localStorage.setItem("mylibrary-demo", JSON.stringify({ baseUrl: `${proxy}/v2`, apiKey: "", accessToken: "" }));
  location.reload();
});
$("toggle-nav").addEventListener("click", (ev) => {
  const nav = $("nav");
  nav.hidden = !nav.hidden;
  ev.currentTarget.setAttribute("aria-expanded", String(!nav.hidden));
});
window.addEventListener("hashchange", () => {
  const before = state.view;
  readUrl();
  $("sort").value = state.sort; $("type").value = state.type; $("source").value = state.source;
  if (before !== state.view) selectView(state.view); else reloadGrid();
});

// ---------------------------------------------------------------- start

if (client) {
  readUrl();
  $("sort").value = state.sort;
  $("type").value = state.type;
  $("source").value = state.source;
  if (!settings.apiKey && !settings.accessToken) $("usage").title = `Through ${settings.baseUrl}: no credentials in this page`;
  await Promise.all([loadFolders(), refreshUsage()]);
  selectView(state.view);
  document.documentElement.dataset.ready = "true";
}
