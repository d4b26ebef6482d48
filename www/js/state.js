// The view state every module shares (folder, sort, filters, folders, selection) and its mirror in the URL hash.
export const SORTS = ["CREATED_DATE_DESC", "CREATED_DATE", "MODIFIED_DATE_DESC", "MODIFIED_DATE", "NAME", "NAME_DESC", "SIZE_DESC", "SIZE", "DIMENSION_DESC", "DIMENSION"];
export const SORT_LABELS = { CREATED_DATE_DESC: "Newest", CREATED_DATE: "Oldest", MODIFIED_DATE_DESC: "Recently changed", MODIFIED_DATE: "Least recently changed", NAME: "Name A–Z", NAME_DESC: "Name Z–A", SIZE_DESC: "Largest", SIZE: "Smallest", DIMENSION_DESC: "Most pixels", DIMENSION: "Fewest pixels" };
export const SOURCES = ["ALL", "MyComputer", "StockImage", "Shutterstock", "Mobile", "Facebook", "Instagram"];

export const state = {
  view: "all", // "all" | "trash" | a folder id
  sort: "CREATED_DATE_DESC",
  type: "ALL",
  source: "ALL",
  folders: [], // top-level folders, with children
  byId: new Map(),
  expanded: new Set(JSON.parse(sessionStorage.getItem("mylibrary-expanded") ?? "[]")),
  selectedFile: null,
};

export function readUrl() {
  const q = new URLSearchParams(location.hash.slice(1));
  state.view = q.get("folder") ?? "all";
  if (SORTS.includes(q.get("sort"))) state.sort = q.get("sort");
  if (["ALL", "IMAGES", "DOCUMENTS"].includes(q.get("type"))) state.type = q.get("type");
  if (SOURCES.includes(q.get("source"))) state.source = q.get("source");
}
export function writeUrl() {
  const q = new URLSearchParams();
  if (state.view !== "all") q.set("folder", state.view);
  if (state.sort !== "CREATED_DATE_DESC") q.set("sort", state.sort);
  if (state.type !== "ALL") q.set("type", state.type);
  if (state.source !== "ALL") q.set("source", state.source);
  const hash = q.toString();
  if (location.hash.slice(1) !== hash) history.replaceState(null, "", hash ? `#${hash}` : location.pathname);
}
