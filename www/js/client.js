// Settings (base URL and credentials, kept in localStorage), the one MyLibraryClient built from them, and the settings form.
import { MyLibraryClient } from "../pkg/index.browser.js";
import { $ } from "./dom.js";
import { showError } from "./errors.js";

export const DEFAULTS = { baseUrl: `${location.origin}/v2`, apiKey: "demo-api-key", accessToken: "demo-access-token" };

function loadSettings() {
  try {
    return { ...DEFAULTS, ...JSON.parse(localStorage.getItem("mylibrary-demo") ?? "{}") };
  } catch {
    return { ...DEFAULTS };
  }
}
export const settings = loadSettings();
export let client;
try {
  client = new MyLibraryClient({ baseUrl: settings.baseUrl, apiKey: settings.apiKey || undefined, accessToken: settings.accessToken || undefined });
} catch (e) {
  showError(e);
}

export function initSettings() {
  const sform = $("settings-form");
  for (const k of Object.keys(DEFAULTS)) sform.elements[k].value = settings[k];
  sform.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const next = Object.fromEntries(Object.keys(DEFAULTS).map((k) => [k, sform.elements[k].value.trim()]));
    localStorage.setItem("mylibrary-demo", JSON.stringify(next));
    location.reload();
  });
  $("settings-reset").addEventListener("click", () => { localStorage.removeItem("mylibrary-demo"); location.reload(); });
  // Edge proxy mode: the Worker of examples/worker holds the credentials; the page holds none.
  $("settings-edge").addEventListener("click", () => {
    const proxy = new URLSearchParams(location.search).get("proxy") ?? `${location.protocol}//${location.hostname}:8787`;
    localStorage.setItem("mylibrary-demo", JSON.stringify({ baseUrl: `${proxy}/v2`, apiKey: "", accessToken: "" }));
    location.reload();
  });
}
