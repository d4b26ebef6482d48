// "Connect a Constant Contact account": OAuth2's client flow (flow "token") through the consent
// page of the emulator (or of Constant Contact), with the package's ctct-mylibrary/oauth entry.
// The token comes back in the URL fragment; it is read once, taken out of the address bar and the
// history entry at once, and kept in sessionStorage (this tab only, gone when it closes): never in
// localStorage, a URL or a log line. The state of the sign-in under way is kept in sessionStorage too.
import { authorizationUrl, parseCallback, tokenInfo, DEFAULT_OAUTH_BASE_URL, MyLibraryError } from "../pkg/oauth.js";
import { $ } from "./dom.js";
import { explain, showError, showMessage } from "./errors.js";

const TOKEN_KEY = "mylibrary-demo-signin"; // { accessToken, expiresAt }
const STATE_KEY = "mylibrary-demo-oauth-state";
const SIGNED_OUT_KEY = "mylibrary-demo-signed-out"; // one-shot: the next load says "Signed out"

/** The OAuth2 server beside the API: Constant Contact's for its API, else `{the API's origin}/oauth2` (the emulator's). */
export function oauthBaseUrl(baseUrl) {
  try {
    const api = new URL(baseUrl);
    return api.hostname === "api.constantcontact.com" ? DEFAULT_OAUTH_BASE_URL : `${api.origin}/oauth2`;
  } catch {
    return `${location.origin}/oauth2`;
  }
}

/** The page's own URL without query or fragment: the redirect URI the app registered (the emulator's default is `{origin}/`). */
const redirectUri = () => location.origin + location.pathname;

/** Does the fragment hold an answer of the consent page (a token or an error)? */
export function isCallback() {
  const q = new URLSearchParams(location.hash.slice(1));
  return q.has("access_token") || q.has("error");
}

/**
 * Reads the consent page's answer in the fragment, if there is one: checks its state against the
 * one this tab saved, forgets that state, clears the fragment (history.replaceState), and keeps
 * the token in sessionStorage. Shows a refusal (Deny, a forged or stale answer) in the banner.
 * Returns true when a new token was kept.
 */
export function takeCallback() {
  if (!isCallback()) return false;
  const href = location.href;
  const expected = sessionStorage.getItem(STATE_KEY);
  sessionStorage.removeItem(STATE_KEY);
  history.replaceState(null, "", location.pathname + location.search);
  try {
    if (!expected) {
      throw new MyLibraryError("The callback came to a tab that started no sign-in: it may be forged or from an older sign-in", { code: "STATE_MISMATCH" });
    }
    const answer = parseCallback(href, { state: expected, flow: "token" });
    const expiresAt = answer.expiresIn === null ? null : Date.now() + answer.expiresIn * 1000;
    sessionStorage.setItem(TOKEN_KEY, JSON.stringify({ accessToken: answer.accessToken, expiresAt }));
    sessionStorage.removeItem(SIGNED_OUT_KEY);
    return true;
  } catch (e) {
    const known = e instanceof MyLibraryError && ["STATE_MISMATCH", "ACCESS_DENIED", "OAUTH"].includes(e.code);
    showMessage(known ? explain(e) : `The sign-in failed: ${e?.message ?? e}. The page keeps the account it had.`);
    return false;
  }
}

/** The token of this tab's sign-in, if any (an expired one is forgotten). */
export function signedInToken() {
  let saved;
  try {
    saved = JSON.parse(sessionStorage.getItem(TOKEN_KEY) ?? "null");
  } catch {
    saved = null;
  }
  if (typeof saved?.accessToken !== "string" || saved.accessToken === "") return undefined;
  if (typeof saved.expiresAt === "number" && Date.now() >= saved.expiresAt) {
    sessionStorage.removeItem(TOKEN_KEY);
    showMessage("Your sign-in has expired. Press “Connect a Constant Contact account” to sign in again.");
    return undefined;
  }
  return saved.accessToken;
}

/** Forgets this tab's sign-in (the Settings buttons call it too: what they save is what the page then uses). */
export function forgetSignIn() {
  sessionStorage.removeItem(TOKEN_KEY);
}

function connect(settings) {
  try {
    const { url, state } = authorizationUrl({ clientId: settings.apiKey, redirectUri: redirectUri(), flow: "token", oauthBaseUrl: oauthBaseUrl(settings.baseUrl) });
    sessionStorage.setItem(STATE_KEY, state);
    location.assign(url);
  } catch (e) {
    showError(e);
  }
}

function signOut() {
  forgetSignIn();
  sessionStorage.setItem(SIGNED_OUT_KEY, "1");
  // A reload drops the client (and the token it holds) from memory; the view starts at All files.
  history.replaceState(null, "", location.pathname + location.search);
  location.reload();
}

/**
 * The header's account box: who the token in use belongs to (tokeninfo), Connect and Sign out.
 * `source`: "signin" (this tab's sign-in), "default" (the emulator's default token of the
 * settings), "settings" (another token from Settings) or "none" (Settings has no token).
 * Resolves when the name is shown; never rejects.
 */
export async function initAccount(settings, accessToken, source) {
  const name = $("account-name");
  const connectButton = $("connect");
  const signOutButton = $("sign-out");
  connectButton.hidden = !settings.apiKey; // Connect needs the app's api key (its client_id)
  connectButton.addEventListener("click", () => connect(settings));
  signOutButton.hidden = source !== "signin";
  signOutButton.addEventListener("click", signOut);
  $("settings-signin-note").hidden = source !== "signin";
  const signedOut = sessionStorage.getItem(SIGNED_OUT_KEY) === "1";
  sessionStorage.removeItem(SIGNED_OUT_KEY);

  if (!accessToken) {
    name.textContent = settings.apiKey ? "No access token" : "No api key or access token (see Settings)";
    return;
  }
  name.textContent = "Checking the account…";
  try {
    const { userName } = await tokenInfo(accessToken, { oauthBaseUrl: oauthBaseUrl(settings.baseUrl), timeoutMs: 10_000 });
    $("account").dataset.user = userName;
    if (source === "signin") {
      name.textContent = `Connected as ${userName}`;
      name.title = "Signed in through the consent page; the token lives in this tab only (sessionStorage)";
    } else if (source === "default") {
      name.textContent = `${signedOut ? "Signed out · back to " : ""}${userName} (the emulator's default token)`;
      name.title = "No one is signed in: the page uses the access token of Settings, the emulator's default";
    } else {
      name.textContent = `${signedOut ? "Signed out · back to " : ""}${userName} (token from Settings)`;
    }
  } catch (e) {
    if (source === "signin" && e?.code === "OAUTH" && e.status === 404) {
      name.textContent = "Sign-in no longer valid";
      showMessage("This tab's sign-in is no longer valid (the token was revoked or has expired). Sign out, then connect again.");
    } else if (source === "signin") {
      name.textContent = "Connected (account unknown)";
      name.title = `Whose token this is could not be checked: ${explain(e)}`;
    } else {
      name.textContent = source === "default" ? "The emulator's default token" : "Token from Settings";
      name.title = `Whose token this is is unknown: ${explain(e)}`;
    }
  }
}
