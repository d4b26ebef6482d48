//! `mylibrary-emulator`: serve the v2 MyLibrary API on loopback.

use mylibrary_emulator::server::answer_param_in;
use mylibrary_emulator::{Config, data::Dataset, start};
use std::io::Write;
use std::path::PathBuf;

const USAGE: &str = "\
mylibrary-emulator: a local emulator of the Constant Contact v2 MyLibrary API

USAGE: mylibrary-emulator [OPTIONS]

  --port N               port on 127.0.0.1 (default 8080; 0 picks a free one and prints it)
  --api-key KEY          the accepted api_key (default demo-api-key)
  --access-token TOKEN   the accepted Bearer token (default demo-access-token)
  --qps N                requests per key in any one-second window (default 4; 0 disables)
  --daily-quota N        requests per key until reset (default 0 = unlimited)
  --upload-delay-ms MS   time from upload to its final status (default 3000)
  --latency-ms MS        added to every /v2/ request (default 0)
  --max-upload-bytes N   max_upload_size_limit (default 5242880)
  --files N              generated files beside the seed examples (default 300; 0 = seeds only)
  --folders N            generated folders (default 18)
  --seed S               seed of the generated library (default 1)
  --www DIR              also serve DIR (the demo and the built package) from the same origin
  --public-origin URL    origin written into hosted URLs (default http://127.0.0.1:PORT)

Accounts and sign-in (OAuth 2.0 under /oauth2/):
  --accounts N           accounts demo_user, demo_user_2, ... (default 2); account 1 has the
                         library above and --access-token, the others generated libraries
  --client-secret S      the app's client secret (its client id is --api-key;
                         default demo-client-secret)
  --redirect-uri URI     a registered redirect URI (repeatable; default PUBLIC_ORIGIN/); a
                         request's must equal one, optionally plus a query string; no
                         query may hold an answer parameter (code, state, username, error, ...)
  --token-ttl-s N        issued tokens expire after N seconds (default 315359999, as v2)
  --revoke-on-reauthorize  a new token revokes the account's earlier tokens for the app
  --app-name NAME        the app name on the consent page (default MyLibrary Demo)
  -h, --help             this text
";

fn parse_args() -> Result<Config, String> {
    let mut c = Config::default();
    let mut d = Dataset::default();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            print!("{USAGE}");
            std::process::exit(0);
        }
        if flag == "--revoke-on-reauthorize" {
            c.revoke_on_reauthorize = true;
            continue;
        }
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (flag.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or(format!("{name} needs a value"))
        };
        let num = |v: String| {
            v.parse::<u64>()
                .map_err(|_| format!("{name}: not a number: {v}"))
        };
        match name.as_str() {
            "--port" => {
                c.port = num(value()?)?
                    .try_into()
                    .map_err(|_| "--port: out of range".to_string())?
            }
            "--api-key" => c.api_key = value()?,
            "--access-token" => c.access_token = value()?,
            "--qps" => {
                c.runtime.qps = num(value()?)?
                    .try_into()
                    .map_err(|_| "--qps: out of range".to_string())?
            }
            "--daily-quota" => c.runtime.daily_quota = num(value()?)?,
            "--upload-delay-ms" => c.runtime.upload_delay_ms = num(value()?)?,
            "--latency-ms" => c.runtime.latency_ms = num(value()?)?,
            "--max-upload-bytes" => c.runtime.max_upload_size_limit = num(value()?)?,
            "--files" => d.files = num(value()?)? as usize,
            "--folders" => d.folders = num(value()?)? as usize,
            "--seed" => d.seed = num(value()?)?,
            "--www" => c.www = Some(PathBuf::from(value()?)),
            "--public-origin" => c.public_origin = Some(value()?.trim_end_matches('/').to_string()),
            "--accounts" => {
                c.accounts = num(value()?)?
                    .try_into()
                    .map_err(|_| "--accounts: out of range".to_string())?;
                if !(1..=1000).contains(&c.accounts) {
                    return Err("--accounts must be between 1 and 1000".into());
                }
            }
            "--client-secret" => c.client_secret = value()?,
            "--redirect-uri" => {
                let uri = value()?;
                if uri.contains('#') || !uri.contains(':') || uri.chars().any(char::is_whitespace) {
                    return Err(format!(
                        "--redirect-uri: not an absolute URI without a fragment: {uri}"
                    ));
                }
                if let Some(p) = answer_param_in(&uri) {
                    return Err(format!(
                        "--redirect-uri: its query holds {p}, a parameter of the sign-in's answer: {uri}"
                    ));
                }
                c.redirect_uris.push(uri);
            }
            "--token-ttl-s" => {
                let n = num(value()?)?;
                if n == 0 {
                    return Err("--token-ttl-s must be at least 1".into());
                }
                c.token_ttl_s = Some(n);
            }
            "--app-name" => c.app_name = value()?,
            _ => return Err(format!("unknown option {flag}\n\n{USAGE}")),
        }
    }
    if c.api_key.is_empty() || c.access_token.is_empty() || c.client_secret.is_empty() {
        return Err("--api-key, --access-token and --client-secret must not be empty".into());
    }
    c.dataset = d;
    Ok(c)
}

#[tokio::main]
async fn main() {
    let config = match parse_args() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("mylibrary-emulator: {e}");
            std::process::exit(2);
        }
    };
    let (key, token, www) = (
        config.api_key.clone(),
        config.access_token.clone(),
        config.www.clone(),
    );
    let started = std::time::Instant::now();
    let running = match start(config).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("mylibrary-emulator: cannot listen: {e}");
            std::process::exit(1);
        }
    };
    let url = running.url();
    // A closed stdout (the reader went away) must not stop the server.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "mylibrary-emulator listening on {url} (ready in {} ms)",
        started.elapsed().as_millis()
    );
    let _ = writeln!(out, "  API:          {url}/v2/library/info?api_key={key}");
    let _ = writeln!(out, "  api key:      {key}");
    let _ = writeln!(out, "  access token: {token} (account demo_user)");
    let _ = writeln!(
        out,
        "  accounts:     {}",
        running.app.usernames().join(", ")
    );
    let _ = writeln!(
        out,
        "  sign-in:      {url}/oauth2/oauth/siteowner/authorize (client secret: --client-secret)"
    );
    if www.is_some() {
        let _ = writeln!(out, "  demo:         {url}/");
    }
    let _ = out.flush();
    drop(out);
    tokio::select! {
        _ = running.task => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
