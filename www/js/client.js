// Settings (base URL and credentials, kept in localStorage), the one MyLibraryClient built from them
// (with this tab's sign-in token instead of the settings' token when someone connected an account),
// and the settings form.
import { MyLibraryClient } from "../pkg/index.browser.js";
import { $ } from "./dom.js";
import { showError } from "./errors.js";
import { takeCallback, signedInToken, forgetSignIn, initAccount } from "./signin.js";

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
takeCallback();
const signedIn = signedInToken();
/** Whose token the client holds: "signin" (this tab's sign-in), "default" (the emulator's default token), "settings" or "none" (the edge proxy holds it). */
const tokenSource = signedIn ? "signin" : !settings.accessToken ? "none" : settings.accessToken === DEFAULTS.accessToken ? "default" : "settings";
// The access token in use: kept in this module and the client, never logged, never put in a URL.
const accessToken = signedIn ?? settings.accessToken;
export let client;
try {
  client = new MyLibraryClient({ baseUrl: settings.baseUrl, apiKey: settings.apiKey || undefined, accessToken: accessToken || undefined });
} catch (e) {
  showError(e);
}

/** The header's account box (whose token this is, Connect, Sign out); resolves when the name is shown. */
export const showAccount = () => initAccount(settings, accessToken, tokenSource);

export function initSettings() {
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
  // Edge proxy mode: the Worker of examples/worker holds the credentials; the page holds none.
  $("settings-edge").addEventListener("click", () => {
    const proxy = new URLSearchParams(location.search).get("proxy") ?? `${location.protocol}//${location.hostname}:8787`;
    localStorage.setItem("mylibrary-demo", JSON.stringify({ baseUrl: `${proxy}/v2`, apiKey: "", accessToken: "" }));
    forgetSignIn();
    location.reload();
  });
}
