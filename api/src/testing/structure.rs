//! The module graph of the api, read from its source: no two modules import each other,
//! directly or around a circle (at every depth of the module tree), and `services` imports
//! nothing from `graphql`, `routes` or `interchange`. A new cycle fails the tests.
//!
//! A module refers to another by `use crate::…`, `use super::…` or an inline `crate::…` /
//! `super::…` path. A module and its own parent or child are not counted as a pair: a parent
//! declares its children, and children use what the parent re-exports.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::Path,
};

type Module = Vec<String>;

/// Every module of the crate with its source (without `//` comments), but the crate root.
fn modules(dir: &Path, prefix: &[String], out: &mut BTreeMap<Module, String>) {
    for entry in fs::read_dir(dir).expect("the source directory") {
        let path = entry.expect("a directory entry").path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let mut module = prefix.to_vec();
        if path.is_dir() {
            module.push(name);
            modules(&path, &module, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            if name != "mod" {
                module.push(name);
            }
            if module.is_empty() || module == ["main"] {
                continue;
            }
            let source = fs::read_to_string(&path).expect("a source file");
            let code: String = source
                .lines()
                .map(|l| l.split("//").next().unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\n");
            out.insert(module, code);
        }
    }
}

/// The paths a `use` tree names (`a::{b, c::{d}}` → `a::b`, `a::c::d`).
fn expand(tree: &str, prefix: &[String]) -> Vec<Vec<String>> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let mut path = prefix.to_vec();
        path.extend(
            tree.split("::")
                .map(|s| s.split(" as ").next().unwrap_or_default().trim().to_owned())
                .filter(|s| !s.is_empty() && s != "self"),
        );
        return vec![path];
    };
    let mut head = prefix.to_vec();
    head.extend(
        tree[..open]
            .split("::")
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty()),
    );
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut items, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, ch) in inner.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .filter(|item| !item.trim().is_empty())
        .flat_map(|item| expand(item, &head))
        .collect()
}

/// A path written after `start` in `code`: identifiers joined by `::`.
fn path_at(code: &str, start: usize) -> &str {
    let rest = &code[start..];
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
        .unwrap_or(rest.len());
    rest[..end].trim_end_matches(':')
}

/// The absolute paths `module` refers to.
fn references(module: &Module, code: &str) -> Vec<Vec<String>> {
    let mut refs = Vec::new();
    let mut at = 0;
    while let Some(found) = code[at..].find("use ") {
        let start = at + found + 4;
        let end = code[start..].find(';').map_or(code.len(), |e| start + e);
        let tree = code[start..end].trim();
        at = end;
        let supers = tree.matches("super::").count();
        if let Some(rest) = tree.strip_prefix("crate::") {
            refs.extend(expand(rest, &[]));
        } else if tree.starts_with("super::") {
            let base = module[..module.len().saturating_sub(supers)].to_vec();
            refs.extend(expand(&tree.replace("super::", ""), &base));
        } else if let Some(rest) = tree.strip_prefix("self::") {
            refs.extend(expand(rest, module));
        }
    }
    for (i, _) in code.match_indices("crate::") {
        let path = path_at(code, i + "crate::".len());
        refs.push(path.split("::").map(str::to_owned).collect());
    }
    for (i, _) in code.match_indices("super::") {
        if code[..i].ends_with("super::") || code[..i].ends_with("use ") {
            continue;
        }
        let mut rest = &code[i..];
        let mut up = 0;
        while let Some(r) = rest.strip_prefix("super::") {
            rest = r;
            up += 1;
        }
        let mut path = module[..module.len().saturating_sub(up)].to_vec();
        path.extend(path_at(rest, 0).split("::").map(str::to_owned));
        refs.push(path);
    }
    refs
}

/// Modules cut to `depth` levels, with the modules each one refers to.
fn graph(all: &BTreeMap<Module, String>, depth: usize) -> BTreeMap<Module, BTreeSet<Module>> {
    let cut = |m: &[String]| m[..m.len().min(depth)].to_vec();
    let mut graph: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, code) in all {
        let from = cut(module);
        for path in references(module, code) {
            let Some(target) = (1..=path.len())
                .rev()
                .map(|k| &path[..k])
                .find(|p| all.contains_key(*p))
            else {
                continue;
            };
            let to = cut(target);
            if !to.starts_with(&from) && !from.starts_with(&to) {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    graph
}

/// The modules `from` reaches.
fn reach(graph: &BTreeMap<Module, BTreeSet<Module>>, from: &Module) -> BTreeSet<Module> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.clone()];
    while let Some(m) = stack.pop() {
        for next in graph.get(&m).into_iter().flatten() {
            if seen.insert(next.clone()) {
                stack.push(next.clone());
            }
        }
    }
    seen
}

fn source() -> BTreeMap<Module, String> {
    let mut all = BTreeMap::new();
    modules(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &[],
        &mut all,
    );
    all
}

#[test]
fn no_two_modules_import_each_other_directly_or_around_a_circle() {
    let all = source();
    assert!(all.len() > 100, "the whole crate is read: {}", all.len());
    for depth in 1..=5 {
        let graph = graph(&all, depth);
        let circles: Vec<String> = graph
            .keys()
            .filter(|m| reach(&graph, m).contains(*m))
            .map(|m| m.join("::"))
            .collect();
        assert!(
            circles.is_empty(),
            "modules on a circle at depth {depth}: {circles:?}"
        );
    }
}

#[test]
fn services_import_nothing_from_the_layers_above_them() {
    let graph = graph(&source(), 1);
    let services = graph
        .get(&vec!["services".to_owned()])
        .expect("services use other modules");
    for above in ["graphql", "routes", "interchange"] {
        assert!(
            !services.contains(&vec![above.to_owned()]),
            "services import {above}"
        );
    }
}

#[test]
fn a_circle_is_found_when_there_is_one() {
    let mut all = BTreeMap::new();
    let m = |s: &str| s.split("::").map(str::to_owned).collect::<Module>();
    all.insert(m("a"), "use crate::b::{x, y::z};".to_owned());
    all.insert(m("b"), "fn f() { crate::c::g() }".to_owned());
    all.insert(m("b::y"), String::new());
    all.insert(m("c"), "use super::a::thing;".to_owned());
    let with_circle = graph(&all, 1);
    assert!(
        reach(&with_circle, &m("a")).contains(&m("a")),
        "{with_circle:?}"
    );
    all.insert(m("c"), String::new());
    let without = graph(&all, 1);
    assert!(!reach(&without, &m("a")).contains(&m("a")), "{without:?}");
}
