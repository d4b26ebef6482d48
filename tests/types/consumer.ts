// Uses every method of the package; must compile under `tsc --strict` with the ES2022 lib and
// Node's types only (no DOM lib).
import {
  MyLibraryClient, MyLibraryError,
  type Folder, type LibraryFile, type FilePage, type FolderPage, type LibraryInfo, type UploadStatus, type MoveResult,
  type ErrorCode, type FileSortBy, type FileStatus, type ActiveUploadStatus, type MyLibraryErrorOptions,
  type PagedMethod,
} from "ctct-mylibrary";

async function everything(signal: AbortSignal): Promise<void> {
  const client = new MyLibraryClient({ apiKey: "k", accessToken: "t", timeoutMs: 10_000, retries: 2, requestsPerSecond: 4, maxUploadBytes: 1 << 20 });
  const proxied = new MyLibraryClient({ baseUrl: "https://edge.example.com/v2", fetch: (r: Request) => fetch(r) });
  const refreshing = new MyLibraryClient({ apiKey: "k", getAccessToken: async () => "fresh" });
  client.setAccessToken("refreshed");
  // the servers' build: forward, and a limiter shared between clients
  const shared = { acquire: async (s: AbortSignal): Promise<() => void> => { void s.aborted; return () => {}; } };
  const edge = new MyLibraryClient({ baseUrl: "https://api.example/v2", apiKey: "k", accessToken: "t", limiter: shared });
  const passed: Response = await edge.forward(new Request("https://edge.example/v2/library/info"), { signal, timeoutMs: 5000 });
  void passed.status;

  const info: LibraryInfo = await client.getInfo({ signal, timeoutMs: 5000 });
  const used: number = info.usage_summary.total_bytes_used;

  const folders: FolderPage = await client.listFolders({ limit: 10, sortBy: "NAME_DESC" });
  const next: string | undefined = folders.next;
  for await (const f of client.folders({ sortBy: "CREATED_DATE" })) {
    const kids: Folder[] = f.children;
    const parent: string = f.parent_id;
    void kids, parent;
  }
  const folder: Folder = await client.getFolder("-4");
  const created: Folder = await client.createFolder({ name: "New", parentId: folder.id });
  const updated: Folder = await client.updateFolder(created.id, { name: "Renamed" }, { includePayload: true });
  const same: Folder = await client.updateFolder(created.id, { name: "Renamed" });
  const nothing: undefined = await client.updateFolder(created.id, { parentId: "0" }, { includePayload: false, signal });
  await client.deleteFolder(created.id);

  const page: FilePage = await client.listFiles({ folderId: "-1", limit: 1000, sortBy: "DIMENSION_DESC", source: "ALL", type: "IMAGES", next });
  const files: AsyncIterableIterator<LibraryFile> = client.files({ type: "DOCUMENTS" }, { signal });
  const first: IteratorResult<LibraryFile> = await files.next();
  for await (const file of files) {
    const t: string = file.file_type;
    const folderId: string | null = file.folder_id;
    const thumbWidth: number | undefined = file.thumbnail?.width;
    void t, folderId, thumbWidth;
  }
  for await (const p of client.pages("listFiles", { folderId: "-1", limit: 100 })) {
    const items: LibraryFile[] = p.results;
    const cursor: string | undefined = p.next;
    void items, cursor;
  }
  for await (const p of client.pages("listFolders")) void (p.results satisfies Folder[]);
  const method: PagedMethod = Math.random() > 0.5 ? "listFiles" : "listTrash";
  for await (const p of client.pages(method, { limit: 10 })) void p.results.length;
  // null, and undefined under exactOptionalPropertyTypes, mean "not given" in every options object
  const maybe: string | undefined = undefined;
  await client.getInfo({ signal: null, timeoutMs: undefined });
  await client.listFiles({ folderId: maybe, limit: null });
  await client.updateFile("1", { name: "n.png", description: null }, { includePayload: null });
  const file: LibraryFile = await client.getFile(page.results[0]!.id);
  const status: FileStatus | (string & {}) = file.status;
  if (status === "Active") { /* narrows on the known values */ }
  const changed: LibraryFile = await client.updateFile(file.id, { description: "d", name: "n.png", folderId: "0" });
  const unread: undefined = await client.updateFile(file.id, { name: "m.png" }, { includePayload: false });
  await client.deleteFiles(file.id);
  await client.deleteFiles([file.id, "2"]);
  await client.deleteFiles([]);
  const moved: MoveResult[] = await client.moveFiles("-1", ["1", "2"]);
  const restored: MoveResult[] = await client.moveFiles("0", file.id);
  const trash: FilePage = await client.listTrash({ sortBy: "SIZE", type: "ALL" });
  for await (const t of client.trash()) void t;
  await client.emptyTrash();

  const blob = new Blob([new Uint8Array([1, 2, 3])], { type: "image/png" });
  const { fileId } = await client.uploadFile({ data: blob, fileName: "a.png" }, { onProgress: (sent: number, total: number) => void (sent / total) });
  await client.uploadFile({ data: new Uint8Array(3), fileName: "b.jpg", fileType: "JPG", folderId: "-1", description: "x", source: "MyComputer" });
  await client.uploadFile({ data: new ArrayBuffer(3), fileName: "c.pdf", folderId: null });
  await client.uploadFile({ data: Buffer.from("abc"), fileName: "d.pdf" });
  const statuses: UploadStatus[] = await client.getUploadStatus([fileId]);
  const done: ActiveUploadStatus = await client.waitForUpload(fileId, {
    intervalMs: 500, timeoutMs: 60_000, signal,
    onStatus: (s: UploadStatus) => void s.status,
  });
  const active: "Active" = done.status;

  try {
    await client.getFile("x");
  } catch (e) {
    if (e instanceof MyLibraryError) {
      const code: ErrorCode = e.code;
      const httpStatus: number = e.status;
      const keys: string[] = e.errors.map((x) => x.error_key);
      const wait: number | undefined = e.retryAfterMs;
      const url: string | undefined = e.request?.url;
      const blamed: string | undefined = e.argument;
      void code, httpStatus, keys, wait, url, blamed;
    }
  }
  const options: MyLibraryErrorOptions = { code: "DECODE", status: 200 };
  const made = new MyLibraryError("made by hand", options);
  const sort: FileSortBy = "SIZE_DESC";
  {
    using scoped = new MyLibraryClient({ baseUrl: "http://127.0.0.1:8080/v2" });
    await scoped.getInfo();
  }
  client.free();
  void used, updated, same, nothing, first, changed, unread, moved, restored, trash, statuses, active, proxied, refreshing, sort, made;
}
void everything;
