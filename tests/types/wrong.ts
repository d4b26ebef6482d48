// Each line below must be a type error; the test checks every one is reported.
import { MyLibraryClient, MyLibraryError, type LibraryFile } from "ctct-mylibrary";
const client = new MyLibraryClient({ apiKey: "k", accessToken: "t" });
client.listFiles({ limt: 5 }); // @expect-error unknown option
client.listFiles({ sortBy: "ADDED_DATE" }); // @expect-error alias is not a request value
client.listFiles({ type: "images" }); // @expect-error wrong case
client.listTrash({ source: "ALL" }); // @expect-error no source filter on trash
client.createFolder({ parentId: "-1" }); // @expect-error name is required
client.getFile(42); // @expect-error ids are strings
client.moveFiles("-1", 9); // @expect-error ids are strings
new MyLibraryClient({ apiKey: "k", acessToken: "t" }); // @expect-error misspelt option
client.getInfo().then((i) => i.usage_summary.nope); // @expect-error no such field
client.uploadFile({ data: "text", fileName: "a.png" }); // @expect-error data is bytes
client.getInfo({ timout: 5 }); // @expect-error misspelt call option
new MyLibraryError("msg"); // @expect-error the options (with a code) are required
async function a(): Promise<LibraryFile> { return client.updateFile("1", { name: "x" }, { includePayload: false }); } // @expect-error no payload
async function b() { const s = await client.waitForUpload("1"); return s.status === "Failed"; } // @expect-error an awaited upload is Active
client.pages("listEverything"); // @expect-error only the list methods page
async function c() { for await (const f of client.files()) void f.nope; } // @expect-error items are files
void a, b, c;
