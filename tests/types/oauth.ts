// Uses every export of ctct-mylibrary/oauth; must compile under `tsc --strict` with the ES2022
// lib and Node's types only (no DOM lib).
import {
  authorizationUrl, parseCallback, exchangeCode, tokenInfo, DEFAULT_OAUTH_BASE_URL, MyLibraryError,
  type Authorization, type OAuthCallback, type CodeCallback, type TokenCallback, type AccessToken, type TokenInfo,
  type OAuthFlow, type ExchangeCodeOptions,
} from "ctct-mylibrary/oauth";
import { MyLibraryClient, type ErrorCode } from "ctct-mylibrary";

async function signIn(signal: AbortSignal, url: URL): Promise<void> {
  const flow: OAuthFlow = "code";
  const auth: Authorization = authorizationUrl({ clientId: "k", redirectUri: "https://app.example.com/cb", flow, state: null, oauthBaseUrl: DEFAULT_OAUTH_BASE_URL });
  const back: CodeCallback = parseCallback(url, { state: auth.state, flow: "code" });
  const page: TokenCallback = parseCallback("https://app.example.com/#access_token=t", { state: auth.state, flow: "token" });
  const expires: number | null = page.expiresIn;
  const either: OAuthCallback = parseCallback(url.href, { state: auth.state });
  if (either.flow === "code") void either.username;
  else void either.accessToken;
  const options: ExchangeCodeOptions = { clientId: "k", clientSecret: "s", code: back.code, redirectUri: "https://app.example.com/cb", signal, timeoutMs: 5000, fetch: (r: Request) => fetch(r) };
  const token: AccessToken = await exchangeCode(options);
  const seconds: number = token.expiresIn;
  const info: TokenInfo = await tokenInfo(token.accessToken, { oauthBaseUrl: "http://127.0.0.1:8080/oauth2", signal });
  const who: string = info.userName;
  const client = new MyLibraryClient({ apiKey: "k", accessToken: token.accessToken });
  try {
    await exchangeCode({ ...options, dangerouslyAllowBrowser: true });
  } catch (e) {
    if (e instanceof MyLibraryError) {
      const code: ErrorCode = e.code;
      if (code === "OAUTH" || code === "ACCESS_DENIED" || code === "STATE_MISMATCH") void e.errors[0]?.error_key;
    }
  }
  void expires, seconds, who, client;
}
void signIn;
