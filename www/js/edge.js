// The account box when the edge Worker serves the page (examples/worker, `make demo-edge`): the
// Worker signs the person in (OAuth2's code flow, its client secret), keeps the token in its
// session store and gives the page only an HttpOnly session cookie. The page asks
// GET /auth/session who is signed in, sends the person to /auth/login to sign in, and
// POSTs /auth/logout to sign out. It never sees a token or an api key.
import { $ } from "./dom.js";
import { showMessage } from "./errors.js";

const SIGNED_OUT_KEY = "mylibrary-demo-signed-out"; // one-shot: the next load says "Signed out"

/** Where "Sign in" goes: the Worker's login, coming back to this view. */
export function loginUrl() {
  return `/auth/login?next=${encodeURIComponent(location.pathname + location.hash)}`;
}

async function signOut() {
  try {
    const r = await fetch("/auth/logout", { method: "POST" });
    if (r.status !== 204) throw new Error(`HTTP ${r.status}`);
  } catch (e) {
    showMessage(`Signing out failed (${e.message}). Please try again.`);
    return;
  }
  sessionStorage.setItem(SIGNED_OUT_KEY, "1");
  location.reload();
}

/** Shows the signed-out view: a Sign in button instead of the library. */
export function showSignedOut(text) {
  $("account-name").textContent = text;
  $("account").dataset.user = "";
  $("sign-out").hidden = true;
  $("connect").hidden = false;
  $("signed-out").hidden = false;
  $("signed-out-text").textContent = text === "Signed out" ? "You are signed out." : "Sign in with your Constant Contact account to see your library.";
  $("layout").hidden = true;
  $("usage").hidden = true;
  $("toggle-nav").hidden = true;
}

/** The header's account box on the edge; resolves with whether someone is signed in. Never rejects. */
export async function initEdgeAccount() {
  const connectButton = $("connect");
  connectButton.textContent = "Sign in";
  connectButton.title = "Sign in on Constant Contact's consent page; this app's server keeps the token, the page never sees it";
  connectButton.addEventListener("click", () => location.assign(loginUrl()));
  $("signed-out-link").addEventListener("click", (ev) => {
    ev.preventDefault();
    location.assign(loginUrl());
  });
  const signOutButton = $("sign-out");
  signOutButton.title = "End the session at the server: its token is deleted there at once";
  signOutButton.addEventListener("click", signOut);
  const signedOut = sessionStorage.getItem(SIGNED_OUT_KEY) === "1";
  sessionStorage.removeItem(SIGNED_OUT_KEY);

  $("account-name").textContent = "Checking the session…";
  let r;
  try {
    r = await fetch("/auth/session", { headers: { accept: "application/json" } });
  } catch (e) {
    showSignedOut("Not signed in");
    showMessage(`The session could not be checked (${e.message}).`);
    return false;
  }
  if (r.status !== 200) {
    showSignedOut(signedOut ? "Signed out" : "Not signed in");
    return false;
  }
  const { userName } = await r.json();
  $("account").dataset.user = userName;
  $("account-name").textContent = `Signed in as ${userName}`;
  $("account-name").title = "The session lives at the server (an HttpOnly cookie here); the token never reaches this page";
  connectButton.hidden = true;
  signOutButton.hidden = false;
  return true;
}
