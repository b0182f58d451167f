//! Settings as an operator gives them: booleans in their usual spellings, unknown keys refused by
//! name, `ocop config` printing what is in effect without secrets, and the shipped example file.

use super::*;

/// Runs `ocop config` with extra environment; (success, stdout, stderr).
async fn config(site: &Site, env: &[(&str, &str)]) -> (bool, String, String) {
    let out = site
        .command(&["config"])
        .envs(env.iter().copied())
        .output()
        .await
        .expect("the ocop binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn booleans_take_every_usual_spelling() {
    let site = Site::new(Setup::Sqlite).await.expect("SQLite always runs");
    for (given, shown) in [
        ("0", "false"),
        ("1", "true"),
        ("off", "false"),
        ("YES", "true"),
        ("no", "false"),
        ("true", "true"),
    ] {
        let (ok, out, err) = config(
            &site,
            &[("OCOP_DEMO", given), ("OCOP_INTROSPECTION", given)],
        )
        .await;
        assert!(ok, "OCOP_DEMO={given}: {err}");
        assert!(
            out.contains(&format!("\ndemo = {shown}\n")),
            "OCOP_DEMO={given}: {out}"
        );
        assert!(
            out.contains(&format!("\nintrospection = {shown}\n")),
            "{out}"
        );
    }
    let (ok, out, err) = config(&site, &[("OCOP_INDEX_FOLLOWER", "off")]).await;
    assert!(ok, "{err}");
    assert!(out.contains("\nindex_follower = false\n"), "{out}");
    let (ok, out, err) = config(
        &site,
        &[("OCOP_LIMITS__TRUSTED_PROXIES", "10.0.0.0/8, ::1")],
    )
    .await;
    assert!(ok, "{err}");
    let shown: toml::Value = toml::from_str(&out).expect("TOML");
    assert_eq!(
        shown["limits"]["trusted_proxies"],
        toml::Value::try_from(["10.0.0.0/8", "::1"]).unwrap(),
        "{out}"
    );
    let (ok, _, err) = config(&site, &[("OCOP_LIMITS__TRUSTED_PROXIES", "10.0.0.0/33")]).await;
    assert!(!ok);
    assert!(err.contains("10.0.0.0/33"), "{err}");
    let (ok, _, err) = config(&site, &[("OCOP_DEMO", "maybe")]).await;
    assert!(!ok);
    assert!(err.contains("maybe") && err.contains("yes/no"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_key_is_refused_by_name() {
    let site = Site::new(Setup::Sqlite).await.expect("SQLite always runs");
    std::fs::write(site.path("ocop.toml"), "demoo = false\n").expect("a settings file");
    let (ok, _, err) = config(&site, &[]).await;
    assert!(!ok, "a typo must not be ignored");
    assert!(err.contains("demoo"), "{err}");
    std::fs::write(site.path("ocop.toml"), "[limits]\nmax_dept = 3\n").expect("a settings file");
    let (ok, _, err) = config(&site, &[]).await;
    assert!(!ok);
    assert!(err.contains("max_dept"), "{err}");
    std::fs::remove_file(site.path("ocop.toml")).expect("removed");
    let (ok, _, err) = config(&site, &[("OCOP_LISTNE", "0.0.0.0:80")]).await;
    assert!(!ok);
    assert!(err.to_lowercase().contains("listne"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_prints_the_settings_in_effect_without_secrets() {
    let site = Site::new(Setup::Sqlite).await.expect("SQLite always runs");
    let (ok, defaults, err) = config(&site, &[]).await;
    assert!(ok, "{err}");
    let (ok, out, err) = config(
        &site,
        &[
            (
                "DATABASE_URL",
                "postgres://ocop:s3cret-pw@db.internal:5432/ocop",
            ),
            ("MEILI_URL", "http://127.0.0.1:7700"),
            ("MEILI_MASTER_KEY", "m4ster-key-value"),
            ("OCOP_LIMITS__MAX_DEPTH", "9"),
        ],
    )
    .await;
    assert!(ok, "{err}");
    assert!(
        !out.contains("s3cret-pw") && !err.contains("s3cret-pw"),
        "{out}"
    );
    assert!(
        !out.contains("m4ster-key-value") && !err.contains("m4ster-key-value"),
        "{out}"
    );
    assert!(
        out.contains("database_url = \"postgres://db.internal:5432/ocop\""),
        "{out}"
    );
    assert!(out.contains("max_depth = 9"), "{out}");
    // The shipped example states the defaults: with it as ocop.toml, nothing changes.
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../ocop.example.toml");
    std::fs::copy(example, site.path("ocop.toml")).expect("the example is copied");
    let (ok, with_example, err) = config(&site, &[]).await;
    assert!(ok, "the example loads: {err}");
    assert_eq!(with_example, defaults);
}
