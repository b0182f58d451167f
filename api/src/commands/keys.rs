//! `ocop keys create|list|revoke`: API keys.

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveEnum, DatabaseConnection};

use crate::{cli::KeysCommand, reference::ReferenceData, services::keys};

/// The actor the audit trail names for keys created or revoked here.
const ACTOR: &str = "cli:keys";

/// Runs the command. A refused command (an unknown role, province or key) prints why and exits
/// with 2.
pub async fn run(db: &DatabaseConnection, command: KeysCommand) -> anyhow::Result<ExitCode> {
    let result = match command {
        KeysCommand::Create {
            role,
            provinces,
            outlet,
            name,
            expires_in_days,
        } => {
            let reference = ReferenceData::load(db).await?;
            let role = ocop_entities::api_key::Role::try_from_value(&role.to_ascii_uppercase())
                .map_err(|_| anyhow::anyhow!("unknown role {role}"))?;
            let expires_at = expires_in_days.map(|d| Utc::now() + chrono::Duration::days(d.into()));
            let new = keys::NewKey {
                name,
                role,
                provinces,
                outlet_id: outlet,
                expires_at,
            };
            keys::create(db, &reference, new, ACTOR)
                .await
                .map(|(model, secret)| {
                    eprintln!(
                        "created key {} ({}, {}); store it now, it is not shown again:",
                        model.id,
                        model.name,
                        role.to_value()
                    );
                    println!("{secret}");
                })
        }
        KeysCommand::List => keys::list(db).await.map(|all| print!("{}", table(&all))),
        KeysCommand::Revoke { id } => keys::revoke(db, id, ACTOR)
            .await
            .map(|k| eprintln!("key {} ({}) is revoked", k.id, k.name)),
    };
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("error: {}", e);
            Ok(ExitCode::from(2))
        }
    }
}

/// The keys as a table, one line each, secrets never shown.
fn table(all: &[ocop_entities::api_key::Model]) -> String {
    let row = |id: &str,
               role: &str,
               name: &str,
               scope: &str,
               created: &str,
               expires: &str,
               status: &str| {
        format!(
            "{id:>5}  {role:<8} {name:<28} {scope:<14} {created:<20} {expires:<20} {status:<8}\n"
        )
    };
    let day = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M").to_string();
    let mut out = row(
        "id", "role", "name", "scope", "created", "expires", "status",
    );
    for k in all {
        let scope = match (k.provinces.0.is_empty(), k.outlet_id) {
            (false, _) => k.provinces.0.join(","),
            (true, Some(o)) => format!("outlet {o}"),
            _ => "-".to_owned(),
        };
        let status = match (k.revoked_at, k.expires_at) {
            (Some(_), _) => "revoked",
            (None, Some(at)) if at <= Utc::now() => "expired",
            _ => "active",
        };
        out.push_str(&row(
            &k.id.to_string(),
            &k.role.to_value(),
            &k.name.chars().take(28).collect::<String>(),
            &scope,
            &day(k.created_at),
            &k.expires_at.map_or("never".to_owned(), day),
            status,
        ));
    }
    out
}
