// Folder actions in the sidebar: new folder (inside the selected one), rename, delete.
import { $ } from "./dom.js";
import { state } from "./state.js";
import { client } from "./client.js";
import { attempt } from "./errors.js";
import { refreshUsage } from "./usage.js";
import { loadFolders, selectView } from "./tree.js";

export function initFolders() {
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
}
