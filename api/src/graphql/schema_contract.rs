//! The published schema (`schema.graphql` at the repository root) is a contract with clients:
//! these tests fail when the code's schema drifts from it, and name any field or enum value
//! that disappeared without being marked `@deprecated` in the published file first.
//!
//! After an intended change: `cargo run -- schema > schema.graphql`, and commit both.

#![cfg(test)]

use std::collections::BTreeMap;

const PUBLISHED: &str = include_str!("../../../schema.graphql");

/// `Type.member` → whether the member is marked `@deprecated`, for every field, input field
/// and enum value of an SDL document as async-graphql prints it (one member per line, one
/// indent in: a tab, or two spaces).
fn members(sdl: &str) -> BTreeMap<String, bool> {
    let mut out = BTreeMap::new();
    let mut current: Option<&str> = None;
    let mut in_description = false;
    for line in sdl.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("\"\"\"") {
            // A block description: one line (`"""…"""`) or several.
            let closes_on_same_line = trimmed.len() >= 6 && trimmed.ends_with("\"\"\"");
            if !closes_on_same_line {
                in_description = !in_description;
            }
            continue;
        }
        if in_description || trimmed.starts_with('"') {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            current = trimmed
                .strip_suffix('{')
                .and_then(|head| head.split_whitespace().nth(1));
            if trimmed == "}" {
                current = None;
            }
            continue;
        }
        let Some(ty) = current else { continue };
        let one_level = (line.starts_with('\t') && !line.starts_with("\t\t"))
            || (line.starts_with("  ") && !line.starts_with("   "));
        if !one_level {
            continue;
        }
        let name: String = trimmed
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.insert(format!("{ty}.{name}"), trimmed.contains("@deprecated"));
        }
    }
    out
}

#[test]
fn nothing_is_removed_from_the_published_schema_without_being_deprecated_first() {
    let now = members(&super::sdl());
    let published = members(PUBLISHED);
    assert!(
        published.len() > 100,
        "the published schema should list the API's members, found {}",
        published.len()
    );
    let removed: Vec<&String> = published
        .iter()
        .filter(|(member, deprecated)| !**deprecated && !now.contains_key(*member))
        .map(|(member, _)| member)
        .collect();
    assert!(
        removed.is_empty(),
        "removed without being marked @deprecated in a published schema first: {removed:?}"
    );
}

#[test]
fn the_published_schema_is_the_schema_the_code_serves() {
    let sdl = super::sdl();
    if sdl != PUBLISHED {
        let first_difference = sdl
            .lines()
            .zip(PUBLISHED.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(sdl.lines().count().min(PUBLISHED.lines().count()));
        panic!(
            "schema.graphql differs from the code's schema from line {} on:\n  code:      {:?}\n  published: {:?}\n\
             Run `cargo run -- schema > schema.graphql` if the change is intended (see the API \
             conventions in README.md: deprecate before removing).",
            first_difference + 1,
            sdl.lines().nth(first_difference),
            PUBLISHED.lines().nth(first_difference),
        );
    }
}

#[test]
fn the_member_parser_sees_fields_arguments_enum_values_and_deprecations() {
    let sdl = "\"\"\"\nA product.\n\"\"\"\ntype Product {\n  \"\"\"\n  Its id.\n  \"\"\"\n  id: ID!\n  \
               old: String @deprecated(reason: \"use id\")\n  list(\n    \"\"\"\n    How many.\n    \"\"\"\n    \
               first: Int\n  ): [Int!]!\n}\nenum Stars {\n  THREE\n  FOUR\n}\n";
    let m = members(sdl);
    assert_eq!(
        m.into_iter().collect::<Vec<_>>(),
        vec![
            ("Product.id".to_owned(), false),
            ("Product.list".to_owned(), false),
            ("Product.old".to_owned(), true),
            ("Stars.FOUR".to_owned(), false),
            ("Stars.THREE".to_owned(), false),
        ]
    );
}
