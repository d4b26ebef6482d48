// The folder tree: loading the folders, rendering them, keyboard navigation, selecting a view, and the sidebar's show/hide button.
import { $, el } from "./dom.js";
import { state, writeUrl } from "./state.js";
import { client } from "./client.js";
import { attempt } from "./errors.js";
import { reloadGrid } from "./grid.js";
import { closeDetails, renderMoveSelect } from "./details.js";

export async function loadFolders() {
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

export function selectView(id) {
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

export function initTree() {
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
  $("toggle-nav").addEventListener("click", (ev) => {
    const nav = $("nav");
    nav.hidden = !nav.hidden;
    ev.currentTarget.setAttribute("aria-expanded", String(!nav.hidden));
  });
}
