// List the library from Node (>= 20.19): node list-library.mjs
// Credentials and base URL from the environment (default: the emulator of `make demo`).
import { MyLibraryClient, MyLibraryError } from "ctct-mylibrary";

const client = new MyLibraryClient({
  apiKey: process.env.CTCT_API_KEY ?? "demo-api-key",
  accessToken: process.env.CTCT_ACCESS_TOKEN ?? "demo-access-token",
  baseUrl: process.env.CTCT_BASE_URL ?? "http://127.0.0.1:8080/v2",
});

try {
  const info = await client.getInfo();
  const files = [];
  for await (const file of client.files({ limit: 1000 })) files.push({ id: file.id, name: file.name, size: file.size, folder: file.folder_id });
  const folders = [];
  for await (const folder of client.folders()) folders.push(folder.name);
  console.log(JSON.stringify({ runtime: `node ${process.version}`, fileCount: info.usage_summary.file_count, folders, files }));
} catch (e) {
  console.error(e instanceof MyLibraryError ? `${e.code} ${e.status}: ${e.message}` : e);
  process.exit(1);
}
