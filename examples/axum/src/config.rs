//! The server's settings, from flags or environment variables (a flag wins). The client secret
//! comes from the environment or a file, never from a flag: a process's arguments are visible
//! to every user of the machine (`ps`).

use std::net::SocketAddr;

pub const USAGE: &str = "\
Usage: mylibrary-axum [options]

Each option may be given as an environment variable instead (the flag wins).

  --api-key KEY           API_KEY           the app's API key (its OAuth2 client_id); required
  (environment only)      CLIENT_SECRET     the app's client secret; or:
  --client-secret-file F  CLIENT_SECRET_FILE  a file holding it (one line)
  --api-base URL          API_BASE          default https://api.constantcontact.com/v2
                                            (the emulator: http://127.0.0.1:8080/v2)
  --oauth-base URL        OAUTH_BASE        default https://oauth2.constantcontact.com/oauth2
                                            (the emulator: http://127.0.0.1:8080/oauth2)
  --listen ADDR           LISTEN            default 127.0.0.1:3000
  --origin URL            APP_ORIGIN        the origin people open, such as https://app.example.com
                                            (default http://<the listening address>); the
                                            redirect URI to register is <origin>/auth/callback
  --help                                    this text
";

/// Everything the server needs.
#[derive(Clone, Debug)]
pub struct Config {
    pub api_key: String,
    pub client_secret: String,
    pub api_base: String,
    pub oauth_base: String,
    pub listen: SocketAddr,
    /// Normalised (`scheme://host[:port]`, no default port, no trailing slash); `None`: the
    /// listening address's, once bound.
    pub origin: Option<String>,
}

pub enum Parsed {
    Run(Config),
    Help,
}

const FLAGS: &[(&str, &str)] = &[
    ("--api-key", "API_KEY"),
    ("--client-secret-file", "CLIENT_SECRET_FILE"),
    ("--api-base", "API_BASE"),
    ("--oauth-base", "OAUTH_BASE"),
    ("--listen", "LISTEN"),
    ("--origin", "APP_ORIGIN"),
];

impl Config {
    /// Reads the flags in `args`, then the environment through `env` for what they leave out.
    pub fn from_args_and_env(
        args: impl IntoIterator<Item = String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Parsed, String> {
        let mut given: Vec<(&str, String)> = Vec::new();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "--help" || arg == "-h" {
                return Ok(Parsed::Help);
            }
            if arg == "--client-secret" || arg.starts_with("--client-secret=") {
                return Err("there is no --client-secret flag (other users could read it in the process list): set CLIENT_SECRET, or pass --client-secret-file".into());
            }
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (arg.clone(), None),
            };
            let Some(&(flag, var)) = FLAGS.iter().find(|(f, _)| *f == name) else {
                return Err(format!("unknown argument {arg:?}"));
            };
            let value = match inline {
                Some(v) => v,
                None => args.next().ok_or_else(|| format!("{flag} needs a value"))?,
            };
            given.push((var, value));
        }
        let get = |var: &str| -> Option<String> {
            given
                .iter()
                .rev()
                .find(|(v, _)| *v == var)
                .map(|(_, value)| value.clone())
                .or_else(|| env(var))
                .filter(|v| !v.is_empty())
        };
        let api_key = get("API_KEY").ok_or("the API key is required (--api-key or API_KEY)")?;
        let client_secret = match (
            env("CLIENT_SECRET").filter(|s| !s.is_empty()),
            get("CLIENT_SECRET_FILE"),
        ) {
            (Some(_), Some(_)) => {
                return Err(
                    "give the client secret once: CLIENT_SECRET or a file, not both".into(),
                );
            }
            (Some(s), None) => s,
            (None, Some(path)) => std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read the client secret file {path:?}: {e}"))?
                .trim()
                .to_string(),
            (None, None) => {
                return Err(
                    "the client secret is required (CLIENT_SECRET, or --client-secret-file)".into(),
                );
            }
        };
        if client_secret.is_empty() {
            return Err("the client secret is empty".into());
        }
        let api_base =
            get("API_BASE").unwrap_or_else(|| "https://api.constantcontact.com/v2".into());
        let oauth_base = get("OAUTH_BASE")
            .unwrap_or_else(|| ctct_mylibrary::oauth::DEFAULT_OAUTH_BASE_URL.into());
        for (name, url) in [("API_BASE", &api_base), ("OAUTH_BASE", &oauth_base)] {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(format!("{name} must be an http(s) URL, not {url:?}"));
            }
        }
        let listen = get("LISTEN").unwrap_or_else(|| "127.0.0.1:3000".into());
        let listen: SocketAddr = listen.parse().map_err(|_| {
            format!("LISTEN must be an address and a port, such as 127.0.0.1:3000, not {listen:?}")
        })?;
        let origin = get("APP_ORIGIN")
            .map(|o| normalize_origin(&o))
            .transpose()?;
        Ok(Parsed::Run(Config {
            api_key,
            client_secret,
            api_base,
            oauth_base,
            listen,
            origin,
        }))
    }
}

/// `scheme://host[:port]` as a browser writes it in `Origin`: lower case, without the scheme's
/// default port or a trailing slash; an origin with a path, a query or user info is refused.
pub fn normalize_origin(origin: &str) -> Result<String, String> {
    let refuse =
        || format!("APP_ORIGIN must be an origin such as https://app.example.com, not {origin:?}");
    let lower = origin.trim_end_matches('/').to_ascii_lowercase();
    let (scheme, rest) = lower.split_once("://").ok_or_else(refuse)?;
    let default_port = match scheme {
        "http" => ":80",
        "https" => ":443",
        _ => return Err(refuse()),
    };
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ']) {
        return Err(refuse());
    }
    let host = rest.strip_suffix(default_port).unwrap_or(rest);
    Ok(format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str], env: &[(&str, &str)]) -> Result<Config, String> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        match Config::from_args_and_env(args.iter().map(|s| s.to_string()), |name| {
            env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })? {
            Parsed::Run(c) => Ok(c),
            Parsed::Help => Err("help".into()),
        }
    }

    #[test]
    fn flags_win_over_the_environment() {
        let c = parse(
            &[
                "--api-key",
                "flag-key",
                "--listen=127.0.0.1:0",
                "--origin",
                "HTTP://Example.com:80/",
            ],
            &[
                ("API_KEY", "env-key"),
                ("CLIENT_SECRET", "s3cret"),
                ("API_BASE", "http://127.0.0.1:8080/v2"),
            ],
        )
        .unwrap();
        assert_eq!(c.api_key, "flag-key");
        assert_eq!(c.client_secret, "s3cret");
        assert_eq!(c.api_base, "http://127.0.0.1:8080/v2");
        assert_eq!(c.oauth_base, ctct_mylibrary::oauth::DEFAULT_OAUTH_BASE_URL);
        assert_eq!(c.listen.port(), 0);
        assert_eq!(c.origin.as_deref(), Some("http://example.com"));
    }

    #[test]
    fn refusals() {
        let secret = [("CLIENT_SECRET", "s3cret")];
        assert!(parse(&[], &secret).unwrap_err().contains("API key"));
        assert!(
            parse(&["--api-key", "k"], &[])
                .unwrap_err()
                .contains("client secret")
        );
        assert!(
            parse(&["--api-key", "k", "--client-secret", "x"], &[])
                .unwrap_err()
                .contains("no --client-secret flag")
        );
        assert!(
            parse(&["--api-key", "k", "--nope", "x"], &secret)
                .unwrap_err()
                .contains("unknown")
        );
        assert!(
            parse(&["--api-key"], &secret)
                .unwrap_err()
                .contains("needs a value")
        );
        assert!(
            parse(
                &["--api-key", "k", "--origin", "https://a.example/path"],
                &secret
            )
            .is_err()
        );
        assert!(parse(&["--api-key", "k", "--api-base", "ftp://x"], &secret).is_err());
        assert!(parse(&["--api-key", "k", "--listen", "nowhere"], &secret).is_err());
        assert_eq!(parse(&["--help"], &[]).unwrap_err(), "help");
    }

    #[test]
    fn origins_as_browsers_send_them() {
        assert_eq!(
            normalize_origin("https://App.Example.com:443").unwrap(),
            "https://app.example.com"
        );
        assert_eq!(
            normalize_origin("http://127.0.0.1:3000/").unwrap(),
            "http://127.0.0.1:3000"
        );
        assert!(normalize_origin("javascript://x").is_err());
        assert!(normalize_origin("https://user@host").is_err());
    }
}
