// A tiny web app that imports the package the way any bundled app does.
import { MyLibraryClient } from "ctct-mylibrary";

const client = new MyLibraryClient({ baseUrl: `${location.origin}/v2`, apiKey: "demo-api-key", accessToken: "demo-access-token" });
const list = document.getElementById("files");
let n = 0;
for await (const file of client.files({ limit: 100 })) {
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
document.documentElement.dataset.done = String(n);
