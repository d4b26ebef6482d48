// Settings (base URL and credentials, kept in localStorage), the one MyLibraryClient built from them
// (with this tab's sign-in token instead of the settings' token when someone connected an account),
// and the settings form. Served by the edge Worker, the page has no settings: the client calls the
// Worker's /v2 with no credentials, and the Worker's session cookie says who is signed in.
import { MyLibraryClient } from "../pkg/index.browser.js";
import { $ } from "./dom.js";
import { showError } from "./errors.js";
import { edge } from "./mode.js";
import { takeCallback, signedInToken, forgetSignIn, initAccount } from "./signin.js";
import { initEdgeAccount } from "./edge.js";

export const DEFAULTS = { baseUrl: `${location.origin}/v2`, apiKey: "demo-api-key", accessToken: "demo-access-token" };

function loadSettings() {
  try {
    return { ...DEFAULTS, ...JSON.parse(localStorage.getItem("mylibrary-demo") ?? "{}") };
  } catch {
    return { ...DEFAULTS };
  }
}
export const settings = loadSettings();
// The consent page's answer, if this load is one: read before anything else reads the fragment.
if (!edge) takeCallback();
const signedIn = edge ? undefined : signedInToken();
/** Whose token the client holds: "signin" (this tab's sign-in), "default" (the emulator's default token), "settings" or "none" (no token). */
const tokenSource = signedIn ? "signin" : !settings.accessToken ? "none" : settings.accessToken === DEFAULTS.accessToken ? "default" : "settings";
// The access token in use: kept in this module and the client, never logged, never put in a URL.
const accessToken = signedIn ?? settings.accessToken;
export let client;
try {
  client = edge
    ? new MyLibraryClient({ baseUrl: `${location.origin}/v2` })
    : new MyLibraryClient({ baseUrl: settings.baseUrl, apiKey: settings.apiKey || undefined, accessToken: accessToken || undefined });
} catch (e) {
  showError(e);
}

/**
 * The header's account box: whose token this is, Connect and Sign out (on the emulator); who is
 * signed in, Sign in and Sign out (on the edge Worker). Resolves when the name is shown, with
 * whether the library can be shown (on the edge: someone is signed in).
 */
export const showAccount = () => (edge ? initEdgeAccount() : initAccount(settings, accessToken, tokenSource).then(() => true));

export function initSettings() {
  if (edge) {
    $("settings").hidden = true; // the Worker holds the api key and the token
    return;
  }
  const sform = $("settings-form");
  for (const k of Object.keys(DEFAULTS)) sform.elements[k].value = settings[k];
  sform.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const next = Object.fromEntries(Object.keys(DEFAULTS).map((k) => [k, sform.elements[k].value.trim()]));
    localStorage.setItem("mylibrary-demo", JSON.stringify(next));
    forgetSignIn(); // what Settings saves is what the page uses
    location.reload();
  });
  $("settings-reset").addEventListener("click", () => { localStorage.removeItem("mylibrary-demo"); forgetSignIn(); location.reload(); });
}
