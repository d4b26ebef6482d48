//! A Rust web server on axum that uses `ctct-mylibrary` natively (feature `native`):
//!
//! - sign-in with Constant Contact through the OAuth2 code flow: the state is bound to the
//!   browser by an HttpOnly cookie and checked in constant time (`oauth::parse_callback`), the
//!   code is exchanged with the client secret here, on the server, and the access token stays
//!   in an in-memory session store; the browser holds only an opaque random session id;
//! - the signed-in person's library: a page of their files with thumbnails;
//! - the thumbnails, fetched here from the API's `thumbnail.url`, for the files of that
//!   person's own library only.
//!
//! Configuration: flags or environment variables (`--help`).

mod app;
mod config;
mod page;
mod session;
mod thumbs;

use std::io::Write;

#[tokio::main]
async fn main() {
    let config = match config::Config::from_args_and_env(std::env::args().skip(1), |name| {
        std::env::var(name).ok()
    }) {
        Ok(config::Parsed::Run(c)) => c,
        Ok(config::Parsed::Help) => {
            print!("{}", config::USAGE);
            return;
        }
        Err(message) => {
            eprintln!("mylibrary-axum: {message}\n\n{}", config::USAGE);
            std::process::exit(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("mylibrary-axum: cannot listen on {}: {e}", config.listen);
            std::process::exit(1);
        }
    };
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    let app = match app::App::new(config, addr) {
        Ok(a) => a,
        Err(message) => {
            eprintln!("mylibrary-axum: {message}");
            std::process::exit(1);
        }
    };
    // The first line names where it listens (tests read it); never a secret.
    println!(
        "mylibrary-axum listening on http://{addr} (public origin {}, redirect URI {})",
        app.origin(),
        app.redirect_uri()
    );
    let _ = std::io::stdout().flush();
    let served = axum::serve(listener, app.router())
        .with_graceful_shutdown(shutdown())
        .await;
    if let Err(e) = served {
        eprintln!("mylibrary-axum: {e}");
        std::process::exit(1);
    }
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
