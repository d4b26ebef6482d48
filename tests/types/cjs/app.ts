// A CommonJS project (TypeScript module node16): the package's types resolve through its
// "require" condition (index.d.cts).
import { MyLibraryClient, MyLibraryError, type LibraryFile } from "ctct-mylibrary";
import { parseCallback } from "ctct-mylibrary/oauth";

async function main(): Promise<void> {
  const client = new MyLibraryClient({ baseUrl: "http://127.0.0.1:8080/v2" });
  const file: LibraryFile = await client.getFile("9");
  try {
    await client.updateFile(file.id, { description: "d" });
  } catch (e) {
    if (e instanceof MyLibraryError && e.code === "HTTP") console.log(e.status);
  }
  const back = parseCallback("http://127.0.0.1:8080/?code=c&username=u&state=s", { state: "s", flow: "code" });
  console.log(back.username);
}
void main;
