// A tiny web app that imports the package the way any bundled app does.
import { MyLibraryClient } from "ctct-mylibrary";
// Fitting images before upload: its Web Worker and wasm come along in the build.
import { fitImage } from "ctct-mylibrary/fit";

const client = new MyLibraryClient({ baseUrl: `${location.origin}/v2`, apiKey: "demo-api-key", accessToken: "demo-access-token" });
const list = document.getElementById("files");
let n = 0;
let photo;
for await (const file of client.files({ limit: 100 })) {
  if (!photo && file.file_type === "JPG" && file.url) photo = file;
  const li = document.createElement("li");
  li.textContent = `${file.name} (${file.size} bytes)`;
  list.append(li);
  n++;
}
document.getElementById("status").textContent = `${n} files`;

// An error's stack shows where the app called the client, bundled or not (a method name, which
// minifiers keep).
const viewer = {
  async openMissingFile() {
    return await client.getFile("no-such-file");
  },
};
try {
  await viewer.openMissingFile();
} catch (e) {
  document.documentElement.dataset.errorStack = e.stack;
}
// One of the library's photos, fitted to 64 px as an upload would be.
try {
  const { report } = await fitImage(await (await fetch(photo.url)).blob(), { maxBytes: 1_000_000, maxDimension: 64 });
  document.documentElement.dataset.fit = `${report.format} ${report.width}x${report.height} from ${report.widthIn}x${report.heightIn}`;
} catch (e) {
  document.documentElement.dataset.fit = `failed: ${e.code} ${e.message}`;
}
document.documentElement.dataset.done = String(n);
