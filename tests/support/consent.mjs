// Goes through the emulator's consent page as a person would, without a browser: reads the page
// (and its CSRF cookie), picks an account, presses Allow or Deny, and resolves with where the
// emulator redirects (the callback URL, with its code or token). Node only (a browser hides a
// redirect's Location from fetch).

const entities = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };
const unescape = (s) => s.replace(/&(amp|lt|gt|quot|#39);/g, (e) => entities[e]);

export async function consent(authorizeUrl, { username = "demo_user", allow = true } = {}) {
  const page = await fetch(authorizeUrl);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`consent page: HTTP ${page.status}: ${html.slice(0, 300)}`);
  const cookie = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.append(m[1], unescape(m[2]));
  const accounts = [...html.matchAll(/<input type="radio" name="username" value="([^"]+)"/g)].map((m) => unescape(m[1]));
  if (!accounts.includes(username)) throw new Error(`consent page: no account ${username} among ${accounts.join(", ")}`);
  form.append("username", username);
  form.append("user_oauth_approval", String(allow));
  const action = /<form method="post" action="([^"]+)">/.exec(html)?.[1];
  if (!action) throw new Error("consent page: no form");
  const answer = await fetch(new URL(unescape(action), authorizeUrl), { method: "POST", body: form, headers: { cookie }, redirect: "manual" });
  const location = answer.headers.get("location");
  if (answer.status < 300 || answer.status > 399 || !location) throw new Error(`consent answer: HTTP ${answer.status}: ${(await answer.text()).slice(0, 300)}`);
  return location;
}
