//! A fresh PostgreSQL database for one test, on the server of `TEST_DATABASE_URL`, dropped
//! when the test ends.

use std::{
    net::SocketAddr,
    sync::atomic::{AtomicU32, Ordering},
};

use sea_orm::{ConnectionTrait, Database};

static NEXT_DB: AtomicU32 = AtomicU32::new(0);

/// A database created for one test.
#[derive(Debug)]
pub struct TestDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl TestDatabase {
    /// Creates a database with a name of its own; `None` (saying why) when `TEST_DATABASE_URL`
    /// is not set.
    pub async fn create() -> Option<Self> {
        let Some(admin_url) = test_database_url() else {
            eprintln!("skipped on PostgreSQL: TEST_DATABASE_URL is not set");
            return None;
        };
        let name = format!(
            "ocop_test_{}_{}_{}",
            std::process::id(),
            NEXT_DB.fetch_add(1, Ordering::Relaxed),
            chrono::Utc::now().timestamp_subsec_nanos()
        );
        let admin = Database::connect(admin_url.as_str())
            .await
            .expect("TEST_DATABASE_URL is reachable");
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("the test role may create databases");
        admin.close().await.ok();
        let url = with_database(&admin_url, &name);
        Some(Self {
            admin_url,
            name,
            url,
        })
    }

    /// Its URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The address of the PostgreSQL server.
    pub fn server_address(&self) -> SocketAddr {
        host_port(&self.url)
            .and_then(|hp| std::net::ToSocketAddrs::to_socket_addrs(&hp).ok()?.next())
            .expect("TEST_DATABASE_URL names a reachable host and port")
    }

    /// Its URL with `addr` (a proxy) in place of the server's host and port.
    pub fn url_through(&self, addr: SocketAddr) -> String {
        self.url
            .replacen(&host_port(&self.url).expect("a host"), &addr.to_string(), 1)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // From a thread of its own: Drop cannot await, and may run inside a runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let admin = Database::connect(admin_url.as_str()).await?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await?;
                admin.close().await
            })
            .map_err(std::io::Error::other)
        })
        .join();
    }
}

/// The PostgreSQL server for tests, if configured.
pub fn test_database_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// `host:port` of a URL (default port 5432).
pub(crate) fn host_port(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    Some(if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    })
}

/// The same server URL with another database name.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let base = match base.rfind('/') {
        Some(i) if i > base.find("://").map_or(0, |j| j + 2) => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port_come_out_of_urls() {
        assert_eq!(
            host_port("postgres://u:p@127.0.0.1:5433/db").as_deref(),
            Some("127.0.0.1:5433")
        );
        assert_eq!(
            host_port("postgres://u:p@db/db?x=1").as_deref(),
            Some("db:5432")
        );
        assert_eq!(
            host_port("http://127.0.0.1:7700").as_deref(),
            Some("127.0.0.1:7700")
        );
    }

    #[test]
    fn test_database_names_replace_the_path_of_the_url() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/ocop", "t1"),
            "postgres://u:p@h:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u:p@h/ocop?sslmode=disable", "t1"),
            "postgres://u:p@h/t1?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://u:p@h", "t1"),
            "postgres://u:p@h/t1"
        );
    }
}
