//! `mylibrary-emulator`: serve the v2 MyLibrary API on loopback.

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
            _ => return Err(format!("unknown option {flag}\n\n{USAGE}")),
        }
    }
    if c.api_key.is_empty() || c.access_token.is_empty() {
        return Err("--api-key and --access-token must not be empty".into());
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
    let _ = writeln!(out, "  access token: {token}");
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
