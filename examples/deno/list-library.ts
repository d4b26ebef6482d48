// List the library from Deno: deno run --allow-net --allow-read --allow-env list-library.ts
// (with `npm:ctct-mylibrary`, or the package installed in node_modules).
import { MyLibraryClient, MyLibraryError } from "ctct-mylibrary";

const client = new MyLibraryClient({
  apiKey: Deno.env.get("CTCT_API_KEY") ?? "demo-api-key",
  accessToken: Deno.env.get("CTCT_ACCESS_TOKEN") ?? "demo-access-token",
  baseUrl: Deno.env.get("CTCT_BASE_URL") ?? "http://127.0.0.1:8080/v2",
});

try {
  const info = await client.getInfo();
  const files: { id: string; name: string; size: number }[] = [];
  for await (const file of client.files({ limit: 1000 })) files.push({ id: file.id, name: file.name, size: file.size });
  console.log(JSON.stringify({ runtime: `deno ${Deno.version.deno}`, fileCount: info.usage_summary.file_count, files }));
} catch (e) {
  console.error(e instanceof MyLibraryError ? `${e.code} ${e.status}: ${e.message}` : e);
  Deno.exit(1);
}
