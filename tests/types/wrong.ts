// Each line below must be a type error; the test checks every one is reported.
import { MyLibraryClient, MyLibraryError, type LibraryFile } from "ctct-mylibrary";
import { authorizationUrl, parseCallback, exchangeCode, tokenInfo } from "ctct-mylibrary/oauth";
import { MyLibraryClient as BrowserClient } from "ctct-mylibrary-browser-types";
import { fitImage } from "ctct-mylibrary/fit";
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
authorizationUrl({ clientId: "k", redirectUri: "https://a.example/" }); // @expect-error flow is required
authorizationUrl({ clientId: "k", redirectUri: "https://a.example/", flow: "implicit" }); // @expect-error code or token
parseCallback("https://a.example/?code=c&state=s"); // @expect-error the state is required
const token = parseCallback("https://a.example/#access_token=t", { state: "s", flow: "token" }); void token.code; // @expect-error a token callback has no code
exchangeCode({ clientId: "k", code: "c", redirectUri: "https://a.example/" }); // @expect-error the secret is required
exchangeCode({ clientId: "k", clientSecret: "s", code: "c", redirectUri: "u", scope: "all" }); // @expect-error no such option
async function d() { const t = await exchangeCode({ clientId: "k", clientSecret: "s", code: "c", redirectUri: "u" }); const n: string = t.expiresIn; return n; } // @expect-error expiresIn is a number
tokenInfo("t", { retries: 2 }); // @expect-error no retries option
new BrowserClient({ baseUrl: "https://a.example/v2" }).forward(new Request("https://a.example/v2/library/info")); // @expect-error not in the browser build
new BrowserClient({ baseUrl: "https://a.example/v2", limiter: { acquire: async () => undefined } }); // @expect-error not in the browser build
client.forward(new Request("https://a.example/v2/library/info"), { retries: 1 }); // @expect-error forward takes the call options
new MyLibraryClient({ limiter: { acquire: () => 1 } }); // @expect-error acquire answers a promise
void a, b, c, d;
fitImage(new Blob([]), {}); // @expect-error maxBytes is required
fitImage(new Blob([]), { maxBytes: 10, maxDimention: 100 }); // @expect-error misspelt fit option
fitImage("photo.jpg", { maxBytes: 10 }); // @expect-error an image is bytes
async function f() { const { report } = await fitImage(new Blob([]), { maxBytes: 10 }); const q: number = report.quality; return q; } // @expect-error quality is null for PNG
client.uploadFile({ data: new Blob([]), fileName: "a.jpg" }, { fit: true }); // @expect-error fit is a function or { with }
client.uploadFile({ data: new Blob([]), fileName: "a.jpg" }, { fit: { maxDimension: 100 } }); // @expect-error fit needs its function
