// Which way the page runs. The edge Worker (examples/worker) marks the pages it serves with
// <html data-edge>: the app is then on the Worker's origin, signs in there (a session cookie,
// no token in the page) and calls `location.origin + "/v2"` without credentials. Served by the
// emulator (`make demo`), the page holds an api key and a token (Settings, or Connect).
export const edge = document.documentElement.hasAttribute("data-edge");
