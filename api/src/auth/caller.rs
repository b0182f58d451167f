//! The caller of a request and the permission checks every write goes through.

use std::net::IpAddr;

use ocop_entities::api_key::Role;

use crate::error::{AppError, AppResult};

/// An authenticated key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyIdentity {
    /// Key id.
    pub id: i64,
    /// Key name (shown in the audit trail).
    pub name: String,
    /// Role.
    pub role: Role,
    /// Provinces an editor may write in.
    pub provinces: Vec<String>,
    /// The outlet a kiosk keeps.
    pub outlet_id: Option<i64>,
}

/// Who is calling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// No key: public reads only.
    Anonymous {
        /// Client address (for rate limiting).
        ip: IpAddr,
    },
    /// A valid key.
    Key(KeyIdentity),
}

/// What an anonymous caller is told when an operation needs a key.
pub const NEEDS_A_KEY: &str = "this operation needs an API key (Authorization: Bearer <key>)";

impl Caller {
    /// The key, or `UNAUTHENTICATED`.
    pub fn key(&self) -> AppResult<&KeyIdentity> {
        match self {
            Caller::Key(k) => Ok(k),
            Caller::Anonymous { .. } => Err(AppError::Unauthenticated(NEEDS_A_KEY.into())),
        }
    }

    /// Whether the caller may read what is not public (drafts, archived records, tax codes).
    pub fn reads_private(&self) -> bool {
        matches!(self, Caller::Key(k) if matches!(k.role, Role::Admin | Role::Editor | Role::Partner))
    }

    /// Whether the caller is an administrator.
    pub fn is_admin(&self) -> bool {
        matches!(self, Caller::Key(k) if k.role == Role::Admin)
    }

    /// May write catalogue records of `province`: administrators anywhere, editors in their
    /// provinces.
    pub fn require_province(&self, province: &str) -> AppResult<&KeyIdentity> {
        let key = self.key()?;
        match key.role {
            Role::Admin => Ok(key),
            Role::Editor if key.provinces.iter().any(|p| p == province) => Ok(key),
            Role::Editor => Err(AppError::Forbidden(format!(
                "this key may not write in province {province}"
            ))),
            Role::Partner | Role::Kiosk => Err(AppError::Forbidden(
                "this key may not change the catalogue".into(),
            )),
        }
    }

    /// May change the shelf of `outlet_id` in `province`: administrators, editors of the
    /// province, and the outlet's own kiosk.
    pub fn require_shelf(&self, outlet_id: i64, province: &str) -> AppResult<&KeyIdentity> {
        let key = self.key()?;
        match key.role {
            Role::Kiosk if key.outlet_id == Some(outlet_id) => Ok(key),
            Role::Kiosk => Err(AppError::Forbidden(
                "this kiosk key may only change its own outlet's shelf".into(),
            )),
            _ => self.require_province(province),
        }
    }

    /// May read the audit trail of a record of `province`.
    pub fn require_audit(&self, province: Option<&str>) -> AppResult<&KeyIdentity> {
        let key = self.key()?;
        match (key.role, province) {
            (Role::Admin, _) => Ok(key),
            (Role::Editor, Some(p)) if key.provinces.iter().any(|k| k == p) => Ok(key),
            _ => Err(AppError::Forbidden(
                "this key may not read this audit trail".into(),
            )),
        }
    }

    /// The name recorded in the audit trail.
    pub fn actor(&self) -> String {
        match self {
            Caller::Key(k) => format!("key {} ({})", k.id, k.name),
            Caller::Anonymous { .. } => "anonymous".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(role: Role, provinces: &[&str], outlet: Option<i64>) -> Caller {
        Caller::Key(KeyIdentity {
            id: 1,
            name: "k".into(),
            role,
            provinces: provinces.iter().map(|s| s.to_string()).collect(),
            outlet_id: outlet,
        })
    }

    #[test]
    fn each_role_writes_where_it_may() {
        let anonymous = Caller::Anonymous {
            ip: [127, 0, 0, 1].into(),
        };
        let cases = [
            (&anonymous, "22", Some("UNAUTHENTICATED")),
            (&key(Role::Admin, &[], None), "22", None),
            (&key(Role::Editor, &["22"], None), "22", None),
            (&key(Role::Editor, &["22"], None), "42", Some("FORBIDDEN")),
            (&key(Role::Partner, &[], None), "22", Some("FORBIDDEN")),
            (&key(Role::Kiosk, &[], Some(5)), "22", Some("FORBIDDEN")),
        ];
        for (caller, province, expected) in cases {
            let got = caller.require_province(province).err().map(|e| e.code());
            assert_eq!(got, expected, "{caller:?} in {province}");
        }
    }

    #[test]
    fn kiosks_keep_only_their_own_shelf() {
        let kiosk = key(Role::Kiosk, &[], Some(5));
        assert!(kiosk.require_shelf(5, "22").is_ok());
        assert_eq!(
            kiosk.require_shelf(6, "22").unwrap_err().code(),
            "FORBIDDEN"
        );
        let editor = key(Role::Editor, &["22"], None);
        assert!(editor.require_shelf(6, "22").is_ok());
        assert_eq!(
            editor.require_shelf(6, "42").unwrap_err().code(),
            "FORBIDDEN"
        );
    }

    #[test]
    fn private_reads_are_for_partners_editors_and_admins() {
        assert!(key(Role::Partner, &[], None).reads_private());
        assert!(key(Role::Editor, &["01"], None).reads_private());
        assert!(!key(Role::Kiosk, &[], Some(1)).reads_private());
        assert!(
            !Caller::Anonymous {
                ip: [127, 0, 0, 1].into()
            }
            .reads_private()
        );
    }
}
