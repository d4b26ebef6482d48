// The grid's toolbar: the sort, type and source menus, kept in step with the view state and the URL.
import { $, el } from "./dom.js";
import { SORTS, SORT_LABELS, SOURCES, state, writeUrl } from "./state.js";
import { reloadGrid } from "./grid.js";

/** Sets the three menus to the view state's sort and filters. */
export function showFilters() {
  $("sort").value = state.sort;
  $("type").value = state.type;
  $("source").value = state.source;
}

export function initToolbar() {
  $("sort").replaceChildren(...SORTS.map((s) => el("option", { value: s, text: SORT_LABELS[s] })));
  $("source").replaceChildren(...SOURCES.map((s) => el("option", { value: s, text: s === "ALL" ? "All" : s })));
  for (const id of ["sort", "type", "source"]) {
    $(id).addEventListener("change", (ev) => { state[id] = ev.target.value; writeUrl(); reloadGrid(); });
  }
}
