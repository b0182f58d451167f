//! `ocop config`: the effective settings (defaults, then the file, then the environment) as
//! TOML, with secrets left out.

use crate::config::Settings;

/// What `MEILI_MASTER_KEY` and `OCOP_REDIS_URL` (which may hold a password) are shown as when
/// they are set.
const REDACTED: &str = "<set; not shown>";

/// The effective settings as TOML. `DATABASE_URL` is shown without its password and query,
/// `MEILI_MASTER_KEY` and `OCOP_REDIS_URL` only as set or not.
pub fn render(settings: &Settings) -> anyhow::Result<String> {
    // The secrets are `skip_serializing`: they are added back here, redacted.
    let mut value = toml::Value::try_from(settings)?;
    let table = value
        .as_table_mut()
        .ok_or_else(|| anyhow::anyhow!("settings serialise to a table"))?;
    table.insert(
        "database_url".into(),
        toml::Value::String(settings.database_label()),
    );
    if settings.redis_url.is_some() {
        table.insert("redis_url".into(), toml::Value::String(REDACTED.into()));
    }
    if settings.meili_master_key.is_some() {
        table.insert(
            "meili_master_key".into(),
            toml::Value::String(REDACTED.into()),
        );
    }
    // Scalars first, then the `[limits]` table, as TOML requires.
    let mut out = String::from(
        "# Effective settings (defaults, then the settings file, then the environment).\n\
         # Secrets are not shown: database_url without its password, meili_master_key and\n\
         # redis_url as set or not.\n",
    );
    out.push_str(&toml::to_string_pretty(&value)?);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use super::*;

    #[test]
    fn secrets_are_never_printed_and_the_output_loads_back() {
        let settings = Settings {
            database_url: Some(SecretString::from(
                "postgres://ocop:s3cret@db.internal:5432/ocop",
            )),
            meili_master_key: Some(SecretString::from("m4ster-key-value")),
            ..Settings::default()
        };
        let shown = render(&settings).unwrap();
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(!shown.contains("m4ster-key-value"), "{shown}");
        assert!(
            shown.contains("database_url = \"postgres://db.internal:5432/ocop\""),
            "{shown}"
        );
        assert!(shown.contains("[limits]"), "{shown}");
        let back: toml::Value = toml::from_str(&shown).unwrap();
        assert_eq!(back["demo"].as_bool(), Some(true));
    }
}
