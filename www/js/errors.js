// Errors: each MyLibraryError explained in plain words, shown in the banner; attempt() runs a call and shows its failure.
import { MyLibraryError } from "../pkg/index.browser.js";
import { $ } from "./dom.js";
import { edge } from "./mode.js";

export function explain(e) {
  if (!(e instanceof MyLibraryError)) return String(e?.message ?? e);
  const api = e.errors?.[0]?.error_message;
  switch (e.code) {
    case "RATE_LIMITED":
      return `The API's rate limit was reached (${api ?? "too many requests"}). The client spaces its requests and retries; please try again in a moment.`;
    case "NETWORK":
      return `The API could not be reached: ${e.message}. Check the base URL in Settings.`;
    case "TIMEOUT":
      return "The API took too long to answer. Please try again.";
    case "DECODE":
      return `The API sent something unexpected: ${e.message}`;
    case "HTTP":
      if (e.status === 401 && edge) return "Your session has ended (you signed out in another tab, were idle too long, or the account's access was revoked). Press “Sign in” to sign in again.";
      if (e.status === 403 && e.errors?.[0]?.error_key === "mashery.not.authorized.over.ratelimit") return `The app's daily quota of API requests is used up (${api}). Please try again tomorrow.`;
      if (e.status === 401) return `The access token was refused (${api ?? "not authorized"}): it may have expired or been revoked. Connect an account again, or update the token in Settings.`;
      if (e.status === 403) return `The API key was refused (${api ?? "forbidden"}). Check it in Settings.`;
      return api ? `${api} (HTTP ${e.status})` : e.message;
    case "STATE_MISMATCH":
      return "A sign-in answer arrived that this tab did not ask for (its state is missing or not the one this tab sent), so it was ignored: it may be forged, or left from an older sign-in. The page keeps the account it had. To sign in, press “Connect a Constant Contact account”.";
    case "ACCESS_DENIED":
      return "Access was denied on the consent page, so this page got no access to that account and keeps the account it had. Press “Connect a Constant Contact account” to try again.";
    case "OAUTH":
      if (e.status === 404) return "The sign-in server does not know this access token (it was revoked or has expired). Connect an account again.";
      return `The sign-in server refused: ${api ?? e.message}. The page keeps the account it had.`;
    default:
      return api ?? e.message;
  }
}
export function showError(e) {
  showMessage(explain(e));
}
export function showMessage(text) {
  $("banner-text").textContent = text;
  $("banner").hidden = false;
}
export function initBanner() {
  $("banner-close").addEventListener("click", () => ($("banner").hidden = true));
}
export async function attempt(fn) {
  try {
    return await fn();
  } catch (e) {
    showError(e);
    return undefined;
  }
}
