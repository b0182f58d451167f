//! Trusted documents: the GraphQL operations this service answers by their SHA-256 hash alone,
//! and the only ones it answers when arbitrary queries are turned off
//! (`OCOP_ARBITRARY_QUERIES`).
//!
//! The operations of the public contract (`tests/contract/*.graphql`) are always trusted: each
//! operation is one document, cut from its file exactly as the contract's `check.py` cuts it
//! (from `query Name`/`mutation Name` to its closing brace), so the text a client sends and the
//! hash it names agree. `OCOP_TRUSTED_DOCUMENTS` adds the operations of a persisted-query
//! manifest (the JSON that Apollo's and GraphQL Code Generator's tools write:
//! `{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{"id", "name",
//! "type", "body"}]}`), whose ids must be the SHA-256 of their bodies. `ocop documents` prints
//! the whole list in that format.

use std::{collections::BTreeMap, path::Path, sync::Arc};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The contract's operation files, compiled in.
const CONTRACT: &[(&str, &str)] = &[
    (
        "reference",
        include_str!("../../../tests/contract/reference.graphql"),
    ),
    (
        "products",
        include_str!("../../../tests/contract/products.graphql"),
    ),
    (
        "product",
        include_str!("../../../tests/contract/product.graphql"),
    ),
    (
        "search",
        include_str!("../../../tests/contract/search.graphql"),
    ),
    (
        "outlets",
        include_str!("../../../tests/contract/outlets.graphql"),
    ),
    (
        "mutations",
        include_str!("../../../tests/contract/mutations.graphql"),
    ),
];

/// One trusted operation, as a manifest lists it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Operation {
    /// The lowercase hex SHA-256 of `body`.
    pub id: String,
    /// The operation's name.
    pub name: String,
    /// `query` or `mutation`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The document's text.
    pub body: String,
}

/// A persisted-query manifest.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    version: u32,
    operations: Vec<Operation>,
}

const MANIFEST_FORMAT: &str = "apollo-persisted-query-manifest";

/// The lowercase hex SHA-256 of a document's text: its id.
pub fn document_id(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The trusted operations, by id.
#[derive(Debug, Default)]
pub struct TrustedDocuments {
    by_id: BTreeMap<String, (Operation, Arc<str>)>,
}

impl TrustedDocuments {
    /// The contract's operations, and those of the manifest at `manifest`, if given.
    pub fn load(manifest: Option<&Path>) -> anyhow::Result<Self> {
        let mut documents = Self::default();
        for (_, text) in CONTRACT {
            for (kind, name, body) in operations(text) {
                documents.add(Operation {
                    id: document_id(&body),
                    name,
                    kind,
                    body,
                })?;
            }
        }
        if let Some(path) = manifest {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the trusted documents {}", path.display()))?;
            let manifest: Manifest = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a persisted-query manifest", path.display()))?;
            if manifest.format != MANIFEST_FORMAT || manifest.version != 1 {
                anyhow::bail!(
                    "{}: expected format {MANIFEST_FORMAT:?} version 1, got {:?} version {}",
                    path.display(),
                    manifest.format,
                    manifest.version
                );
            }
            for operation in manifest.operations {
                documents
                    .add(operation)
                    .with_context(|| format!("in {}", path.display()))?;
            }
        }
        Ok(documents)
    }

    fn add(&mut self, operation: Operation) -> anyhow::Result<()> {
        let id = document_id(&operation.body);
        if operation.id != id {
            anyhow::bail!(
                "operation {:?}: its id {} is not the SHA-256 of its body ({id})",
                operation.name,
                operation.id
            );
        }
        async_graphql::parser::parse_query(&operation.body)
            .with_context(|| format!("operation {:?} is not valid GraphQL", operation.name))?;
        let body: Arc<str> = operation.body.as_str().into();
        self.by_id.insert(id, (operation, body));
        Ok(())
    }

    /// The text of the trusted document whose id is `id`.
    pub fn get(&self, id: &str) -> Option<Arc<str>> {
        self.by_id.get(id).map(|(_, body)| body.clone())
    }

    /// Whether `id` names a trusted document.
    pub fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// One trusted document: (id, text).
    #[cfg(test)]
    pub(crate) fn by_id_for_tests(&self) -> (String, String) {
        let (id, (op, _)) = self.by_id.iter().next().expect("the contract is trusted");
        (id.clone(), op.body.clone())
    }

    /// The whole list as a persisted-query manifest.
    pub fn manifest(&self) -> String {
        let manifest = Manifest {
            format: MANIFEST_FORMAT.to_owned(),
            version: 1,
            operations: self.by_id.values().map(|(op, _)| op.clone()).collect(),
        };
        serde_json::to_string_pretty(&manifest).expect("a manifest serializes")
    }
}

/// The operations of a `.graphql` file: (kind, name, text), each from its keyword to its
/// closing brace, skipping keywords inside comments.
fn operations(text: &str) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let start = line_start;
        line_start += line.len();
        let trimmed = line.trim_start();
        let Some(kind) = ["query", "mutation"]
            .into_iter()
            .find(|k| trimmed.starts_with(&format!("{k} ")))
        else {
            continue;
        };
        let at = start + (line.len() - trimmed.len());
        let name: String = trimmed[kind.len()..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let Some(open) = text[at..].find('{').map(|i| at + i) else {
            continue;
        };
        let mut depth = 0i32;
        let mut end = open;
        for (i, c) in text[open..].char_indices() {
            depth += i32::from(c == '{') - i32::from(c == '}');
            if depth == 0 {
                end = open + i + 1;
                break;
            }
        }
        found.push((kind.to_owned(), name, text[at..end].to_owned()));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_contract_operation_is_trusted_under_its_hash() {
        let documents = TrustedDocuments::load(None).unwrap();
        let names: Vec<&str> = documents
            .by_id
            .values()
            .map(|(op, _)| op.name.as_str())
            .collect();
        for name in ["Products", "Product", "Search", "Regions", "Outlets"] {
            assert!(names.contains(&name), "{name} in {names:?}");
        }
        assert_eq!(documents.by_id.len(), 20, "{names:?}");
        for (id, (op, body)) in &documents.by_id {
            assert_eq!(*id, document_id(body));
            assert!(body.starts_with(&format!("{} {}", op.kind, op.name)));
            assert!(body.ends_with('}'));
        }
    }

    #[test]
    fn a_file_is_cut_into_operations_as_the_contract_check_cuts_it() {
        let text = "# query Commented { x }\nquery A($x: Int) {\n  a(x: $x) { b }\n}\n\n# note\nmutation B { c { d } }\n";
        let ops = operations(text);
        assert_eq!(
            ops,
            vec![
                (
                    "query".into(),
                    "A".into(),
                    "query A($x: Int) {\n  a(x: $x) { b }\n}".into()
                ),
                (
                    "mutation".into(),
                    "B".into(),
                    "mutation B { c { d } }".into()
                ),
            ]
        );
    }

    #[test]
    fn a_manifest_with_a_wrong_id_is_refused_naming_the_operation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.json");
        let body = "query Mine { regions { code } }";
        let write = |id: &str| {
            std::fs::write(
                &path,
                serde_json::json!({
                    "format": MANIFEST_FORMAT, "version": 1,
                    "operations": [{ "id": id, "name": "Mine", "type": "query", "body": body }]
                })
                .to_string(),
            )
            .unwrap();
        };
        write("0000");
        let err = format!("{:#}", TrustedDocuments::load(Some(&path)).unwrap_err());
        assert!(err.contains("\"Mine\"") && err.contains("SHA-256"), "{err}");
        write(&document_id(body));
        let documents = TrustedDocuments::load(Some(&path)).unwrap();
        assert_eq!(documents.get(&document_id(body)).as_deref(), Some(body));
        assert!(documents.manifest().contains("\"Mine\""));
    }
}
