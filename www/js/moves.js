// Moving files: drag a cell onto a folder (or Trash), the details' move menu and delete button, and emptying the trash.
import { $ } from "./dom.js";
import { state } from "./state.js";
import { client } from "./client.js";
import { attempt } from "./errors.js";
import { refreshUsage } from "./usage.js";
import { reloadGrid, takeDown } from "./grid.js";
import { closeDetails } from "./details.js";
import { loadFolders } from "./tree.js";

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

export function initMoves() {
  // a dragged cell carries its file id
  $("viewport").addEventListener("dragstart", (ev) => {
    const cell = ev.target.closest(".cell");
    if (!cell) return;
    ev.dataTransfer.setData("application/x-mylibrary-file", cell.dataset.id);
    ev.dataTransfer.effectAllowed = "move";
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

  $("move-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    await moveFile(state.selectedFile.id, $("move-select").value);
  });
  $("delete-file").addEventListener("click", () => deleteFile(state.selectedFile.id));

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
    takeDown();
    await attempt(() => client.emptyTrash());
    reloadGrid();
    refreshUsage();
  });
}
