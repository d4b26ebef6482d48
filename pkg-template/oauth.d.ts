// ctct-mylibrary/oauth: sign-in with Constant Contact's v2 OAuth2 server. Every failure is a
// MyLibraryError (see the package's main entry): thrown by authorizationUrl and parseCallback,
// a rejection of exchangeCode and tokenInfo.

/** The v2 OAuth2 server: `https://oauth2.constantcontact.com/oauth2`. */
export declare const DEFAULT_OAUTH_BASE_URL: string;

/** An OAuth2 flow: "code" for a server or a Worker (it keeps the client secret and the token), "token" for a page (it gets the token). */
export type OAuthFlow = "code" | "token";

/** What the OAuth2 requests (`exchangeCode`, `tokenInfo`) take besides their own parameters. */
export interface OAuthRequestOptions {
  /** Default `https://oauth2.constantcontact.com/oauth2`; the emulator's is `http://127.0.0.1:8080/oauth2`. */
  oauthBaseUrl?: string | null | undefined;
  /** A function with fetch's signature (a service binding, a wrapper for tests); default: the global `fetch`. */
  fetch?: ((input: Request) => Promise<Response>) | null | undefined;
  /** Cancels the request: it rejects with ABORTED, the signal's reason as `cause` (TIMEOUT for `AbortSignal.timeout()`). */
  signal?: AbortSignal | null | undefined;
  /** The request's time budget in ms (default 30000; 0: none). */
  timeoutMs?: number | null | undefined;
}

/** Options of `authorizationUrl`. */
export interface AuthorizationUrlOptions {
  /** The app's API key. */
  clientId: string;
  /** Where the consent page sends the person back: one of the app's registered redirect URIs, or one of them with a query added. */
  redirectUri: string;
  /** "code" (the code comes back in the query) or "token" (the token comes back in the fragment). */
  flow: OAuthFlow;
  /** Default: 32 random bytes from `crypto.getRandomValues`, in base64url. */
  state?: string | null | undefined;
  /** Default `https://oauth2.constantcontact.com/oauth2`. */
  oauthBaseUrl?: string | null | undefined;
}

/** Where to send the person, and the state to keep (a session, a cookie) for `parseCallback`. */
export interface Authorization {
  url: string;
  state: string;
}

/** Options of `parseCallback`. */
export interface ParseCallbackOptions {
  /** The `state` of the `Authorization` this callback answers. */
  state: string;
  /** Accept only this flow's answer (default: the fragment's token, else the query's code). */
  flow?: OAuthFlow | null | undefined;
}

/** The code flow's answer, for `exchangeCode`. */
export interface CodeCallback {
  flow: "code";
  /** Single use, short-lived. */
  code: string;
  /** The account's user name. */
  username: string;
}

/** The client flow's answer. */
export interface TokenCallback {
  flow: "token";
  accessToken: string;
  /** "Bearer". */
  tokenType: string;
  /** Seconds the token lives (about ten years on v2); null when the server did not say. */
  expiresIn: number | null;
}

/** What a callback URL carries. */
export type OAuthCallback = CodeCallback | TokenCallback;

/** Options of `exchangeCode`. */
export interface ExchangeCodeOptions extends OAuthRequestOptions {
  /** The app's API key. */
  clientId: string;
  /** The app's client secret: keep it on a server or in a Worker. */
  clientSecret: string;
  /** The code of the `CodeCallback`. */
  code: string;
  /** The same redirect URI as in the authorization URL. */
  redirectUri: string;
  /** Lets the exchange run in a browser page, where the client secret is anyone's to read (the openai-node convention). */
  dangerouslyAllowBrowser?: boolean | null | undefined;
}

/** The token endpoint's answer. */
export interface AccessToken {
  accessToken: string;
  /** Seconds it lives (about ten years on v2; sent as a number or a string, always read as a number). */
  expiresIn: number;
  /** "Bearer". */
  tokenType: string;
}

/** Whose token it is. */
export interface TokenInfo {
  /** The API key of the app it was issued to. */
  clientId: string;
  /** The account's user name. */
  userName: string;
  /** Seconds it has left. */
  expiresIn: number;
}

/**
 * The consent page's URL, and the state to keep for `parseCallback`: a fresh random one unless
 * given. Throws INVALID_ARGUMENT.
 */
export declare function authorizationUrl(options: AuthorizationUrlOptions): Authorization;

/**
 * Reads the URL the consent page sent the person back to (`location.href` in a page, the
 * request's URL on a server): the code or the token, after checking the state in constant time.
 * Throws STATE_MISMATCH (missing or different state: checked first), ACCESS_DENIED (Deny), OAUTH
 * (another error the server sent back), INVALID_ARGUMENT (no answer in the URL) or DECODE.
 */
export declare function parseCallback(url: string | { readonly href: string }, options: ParseCallbackOptions & { flow: "code" }): CodeCallback;
export declare function parseCallback(url: string | { readonly href: string }, options: ParseCallbackOptions & { flow: "token" }): TokenCallback;
export declare function parseCallback(url: string | { readonly href: string }, options: ParseCallbackOptions): OAuthCallback;

/**
 * Trades a code for an access token with the client secret, in a form body (never the URL); on a
 * server or in a Worker (refused in a browser page unless `dangerouslyAllowBrowser`). Rejects
 * with OAUTH (the server's `error`, such as `invalid_grant`, in `errors[0].error_key`),
 * INVALID_ARGUMENT, NETWORK, TIMEOUT, ABORTED or DECODE; never with a secret in it.
 */
export declare function exchangeCode(options: ExchangeCodeOptions): Promise<AccessToken>;

/** Whose token this is; OAUTH with status 404 when it is unknown, revoked or expired. The token goes in a form body. */
export declare function tokenInfo(accessToken: string, options?: OAuthRequestOptions | null | undefined): Promise<TokenInfo>;

export { MyLibraryError } from "./index.js";
