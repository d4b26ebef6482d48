// The MyLibrary demo: a folder tree, a virtualised thumbnail grid, uploads with live status,
// moves by drag and drop, trash. Plain ES modules; the package is imported as an app would.
// Every name and description is rendered with textContent, never as HTML.
// This entry wires the modules of js/ together and starts the page.
import { $ } from "./js/dom.js";
import { state, readUrl, writeUrl } from "./js/state.js";
import { initBanner } from "./js/errors.js";
import { client, settings, initSettings, showAccount } from "./js/client.js";
import { isCallback, takeCallback } from "./js/signin.js";
import { edge } from "./js/mode.js";
import { refreshUsage } from "./js/usage.js";
import { initTree, loadFolders, selectView } from "./js/tree.js";
import { initFolders } from "./js/folders.js";
import { initGrid, reloadGrid } from "./js/grid.js";
import { initDetails } from "./js/details.js";
import { initToolbar, showFilters } from "./js/toolbar.js";
import { initMoves } from "./js/moves.js";
import { initUploads } from "./js/uploads.js";

initBanner();
initTree();
initFolders();
initGrid();
initDetails();
initToolbar();
initMoves();
initUploads();
initSettings();
window.addEventListener("hashchange", () => {
  // A consent page's answer arriving in this document (a link to #access_token=…): read it and clear
  // it; a new token needs a new client, so the page then reloads.
  if (!edge && isCallback()) {
    if (takeCallback()) location.reload();
    else writeUrl();
    return;
  }
  const before = state.view;
  readUrl();
  showFilters();
  if (before !== state.view) selectView(state.view); else reloadGrid();
});

// ---------------------------------------------------------------- start

const account = showAccount();
if (client && edge) {
  // Served by the edge Worker: the library shows once the session says someone is signed in.
  readUrl();
  showFilters();
  if (await account) {
    $("usage").title = `Through ${location.origin}/v2: no credentials in this page`;
    await Promise.all([loadFolders(), refreshUsage()]);
    selectView(state.view);
  }
  document.documentElement.dataset.ready = "true";
} else if (client) {
  readUrl();
  showFilters();
  if (!settings.apiKey && !settings.accessToken) $("usage").title = `Through ${settings.baseUrl}: no credentials in this page`;
  await Promise.all([loadFolders(), refreshUsage(), account]);
  selectView(state.view);
  document.documentElement.dataset.ready = "true";
}
