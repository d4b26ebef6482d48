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
document.documentElement.dataset.done = String(n);
