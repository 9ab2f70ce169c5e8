//! The protocol is a public API: every event the server handles or sends and every error code
//! it can answer with must be documented, in `docs/protocol.md` and in `docs/asyncapi.yaml`.

use joust_common::domain::EventKind;

const PROTOCOL: &str = include_str!("../../../../docs/protocol.md");

#[test]
fn every_client_event_is_documented() {
    for event in joust_battle::socket::EVENTS {
        assert!(
            PROTOCOL.contains(&format!("### `{event}`")),
            "docs/protocol.md lacks a section for {event}"
        );
    }
}

#[test]
fn every_error_code_is_documented() {
    for code in joust_battle::error::ApiError::ALL_CODES {
        assert!(
            PROTOCOL.contains(&format!("| `{code}` |")),
            "docs/protocol.md lacks error code {code}"
        );
    }
}

const ASYNCAPI: &str = include_str!("../../../../docs/asyncapi.yaml");

/// The values of every `key: value` line of the AsyncAPI document with this key, unquoted.
fn asyncapi_values(key: &str) -> Vec<&'static str> {
    let prefix = format!("{key}: ");
    ASYNCAPI
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix(prefix.as_str()))
        .map(|value| value.trim().trim_matches('"'))
        .collect()
}

/// The entries of a top-level section of the AsyncAPI document (`channels`, `operations`), each
/// as its lines joined: an entry starts at a line indented by exactly two spaces.
fn asyncapi_blocks(section: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    let header = format!("{section}:");
    for line in ASYNCAPI
        .lines()
        .skip_while(|l| *l != header)
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with(' '))
    {
        if line.starts_with("  ") && !line.starts_with("   ") {
            blocks.push(String::new());
        }
        if let Some(block) = blocks.last_mut() {
            block.push_str(line);
            block.push('\n');
        }
    }
    blocks
}

#[test]
fn the_asyncapi_document_describes_every_event() {
    assert!(ASYNCAPI.starts_with("#") && ASYNCAPI.contains("\nasyncapi: 3.0.0\n"));
    let addresses = asyncapi_values("address");
    for event in joust_battle::socket::EVENTS
        .iter()
        .chain(joust_battle::socket::SERVER_EVENTS)
    {
        assert!(
            addresses.contains(event),
            "docs/asyncapi.yaml has no channel for {event}"
        );
    }
    // A client event is received with a reply (its ack), by an operation on its channel.
    let operations = asyncapi_blocks("operations");
    for event in joust_battle::socket::EVENTS {
        let channel = format!("channel: {{ $ref: \"#/channels/{event}\" }}");
        let operation = operations
            .iter()
            .find(|block| block.contains(&channel) && block.contains("action: receive"))
            .unwrap_or_else(|| panic!("docs/asyncapi.yaml has no receive operation for {event}"));
        assert!(
            operation.contains(&format!(
                "reply:\n      channel: {{ $ref: \"#/channels/{event}\" }}"
            )) && operation.contains(&format!("#/channels/{event}/messages/ack")),
            "the operation of {event} has no ack reply"
        );
    }
    let consts: Vec<&str> = ASYNCAPI
        .lines()
        .filter_map(|l| l.trim().strip_prefix("type: { const: "))
        .map(|v| v.trim_end_matches(" }"))
        .collect();
    for kind in EventKind::ALL.map(EventKind::as_str) {
        assert!(
            consts.contains(&kind),
            "docs/asyncapi.yaml has no message for battle event {kind}"
        );
    }
}

#[test]
fn every_server_event_and_error_code_is_in_both_documents() {
    for event in joust_battle::socket::SERVER_EVENTS {
        assert!(
            PROTOCOL.contains(&format!("`{event}`")),
            "docs/protocol.md does not mention {event}"
        );
    }
    for kind in EventKind::ALL.map(EventKind::as_str) {
        assert!(
            PROTOCOL.contains(&format!("| `{kind}` |")),
            "docs/protocol.md lacks battle event {kind}"
        );
    }
    let listed: Vec<&str> = ASYNCAPI
        .lines()
        .skip_while(|l| l.trim() != "ErrorCode:")
        .skip(3)
        .map_while(|l| l.trim().strip_prefix("- "))
        .collect();
    assert_eq!(listed, joust_battle::error::ApiError::ALL_CODES);
}

/// Both documents list exactly the languages the server accepts.
#[test]
fn the_documented_languages_are_the_accepted_ones() {
    use joust_common::domain::Language;
    let mut accepted: Vec<&str> = Language::ALL.iter().map(|l| l.as_str()).collect();
    accepted.sort_unstable();
    let line = PROTOCOL
        .lines()
        .find(|l| l.starts_with("`language` (in"))
        .expect("docs/protocol.md lists the languages");
    let mut in_protocol: Vec<&str> = line
        .split_once("one of:")
        .expect("the languages line says `one of:`")
        .1
        .split('`')
        .skip(1)
        .step_by(2)
        .collect();
    in_protocol.sort_unstable();
    assert_eq!(in_protocol, accepted, "docs/protocol.md");
    let schema = ASYNCAPI
        .lines()
        .find_map(|l| l.trim().strip_prefix("Language: { type: string, enum: ["))
        .expect("docs/asyncapi.yaml has a Language schema");
    let mut in_asyncapi: Vec<&str> = schema
        .split(']')
        .next()
        .unwrap()
        .split(',')
        .map(str::trim)
        .collect();
    in_asyncapi.sort_unstable();
    assert_eq!(in_asyncapi, accepted, "docs/asyncapi.yaml");
    assert!(!PROTOCOL.contains(r#""c" | "python""#));
}

/// Every `JOUST_*` variable any crate reads appears in `docs/configuration.md`.
#[test]
fn every_setting_is_documented() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let configuration = std::fs::read_to_string(root.join("docs/configuration.md")).unwrap();
    let mut sources = Vec::new();
    let mut dirs = vec![root.join("services"), root.join("sandbox/src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && !path.ends_with("node_modules") {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs" || e == "mjs") {
                sources.push(path);
            }
        }
    }
    let mut found = 0;
    for path in sources {
        let text = std::fs::read_to_string(&path).unwrap();
        for (start, _) in text.match_indices("JOUST_") {
            let name: String = text[start..]
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            if name.len() > "JOUST_".len() {
                found += 1;
                assert!(
                    configuration.contains(&format!("`{name}`")),
                    "{name} (read in {}) is not in docs/configuration.md",
                    path.display()
                );
            }
        }
    }
    assert!(found > 20, "the scan found the settings");
}

const ARCHITECTURE: &str = include_str!("../../../../docs/architecture.md");

/// The module map of `docs/architecture.md`: each crate's source directory and its files, top
/// first.
fn module_map() -> Vec<(String, Vec<String>)> {
    let section = ARCHITECTURE
        .split("## Module map")
        .nth(1)
        .expect("docs/architecture.md has a module map")
        .split("\n## ")
        .next()
        .unwrap();
    let mut crates: Vec<(String, Vec<String>)> = Vec::new();
    for line in section.lines() {
        if line.starts_with("**`") {
            let dir = line.split("(`").nth(1).and_then(|r| r.split("`)").next());
            crates.push((
                dir.expect("crate line names its directory").to_owned(),
                vec![],
            ));
        } else if let Some(item) = line.strip_prefix("- `") {
            let file = item.split('`').next().unwrap().to_owned();
            crates.last_mut().expect("a crate line first").1.push(file);
        }
    }
    crates
}

fn source_files(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, base, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(base).unwrap();
            out.push(relative.to_string_lossy().into_owned());
        }
    }
}

/// The module a source file is (`battles/creation.rs` is `battles`, its top-level module).
fn top_module(file: &str) -> &str {
    file.split('/').next().unwrap().trim_end_matches(".rs")
}

/// The crate's top-level modules that `source` refers to through `crate::`, names re-exported
/// at the root (`crate::AppState`) resolved through `lib_rs`.
fn crate_references(source: &str, lib_rs: &str) -> Vec<String> {
    let mut names = Vec::new();
    for chunk in source.split("crate::").skip(1) {
        let ident: String = chunk
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '{')
            .collect();
        let group: String = if ident.starts_with('{') {
            chunk[1..chunk.find('}').unwrap_or(chunk.len())].to_owned()
        } else {
            ident
        };
        for part in group.split(',') {
            let name = part
                .trim()
                .split("::")
                .next()
                .unwrap()
                .trim_matches(['{', '}', ' ', '\n']);
            if name.is_empty() {
                continue;
            }
            if name.starts_with(char::is_uppercase) {
                // `pub use module::{Name, ...}` in lib.rs.
                let owner = lib_rs.lines().find_map(|l| {
                    let rest = l.trim().strip_prefix("pub use ")?;
                    let (module, names) = rest.split_once("::")?;
                    names.contains(name).then(|| module.to_owned())
                });
                names.extend(owner);
            } else {
                names.push(name.to_owned());
            }
        }
    }
    names
}

#[test]
fn the_source_tree_follows_the_module_map_and_its_rules() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let map = module_map();
    assert!(map.len() >= 3, "the map covers the crates");
    for (dir, listed) in &map {
        let base = root.join(dir);
        let mut on_disk = Vec::new();
        source_files(&base, &base, &mut on_disk);
        let (mut on_disk_sorted, mut listed_sorted) = (on_disk.clone(), listed.clone());
        on_disk_sorted.sort();
        listed_sorted.sort();
        assert_eq!(
            listed_sorted, on_disk_sorted,
            "the module map of {dir} differs from its files"
        );

        // Files fit one concern: over 400 lines only when the header says why.
        for file in &on_disk {
            let source = std::fs::read_to_string(base.join(file)).unwrap();
            let lines = source.lines().count();
            assert!(
                lines <= 400 || source.lines().take(10).any(|l| l.contains("lines because")),
                "{dir}/{file} has {lines} lines and its header does not say why"
            );
            // Battle states are named once, in the domain module (and the migrations).
            if !file.starts_with("domain/") {
                for status in joust_common::domain::BattleStatus::ALL {
                    for quoted in [format!("'{status}'"), format!("\"{status}\"")] {
                        assert!(
                            !source.contains(&quoted),
                            "{dir}/{file} spells the battle status {quoted}; use BattleStatus"
                        );
                    }
                }
            }
        }

        // A module uses only modules listed below it: the map is the module graph, top down.
        let lib_rs = std::fs::read_to_string(base.join("lib.rs")).unwrap();
        let position = |module: &str| listed.iter().position(|f| top_module(f) == module);
        for file in listed {
            let source = std::fs::read_to_string(base.join(file)).unwrap();
            let own = top_module(file);
            if own == "lib" || own == "main" {
                continue;
            }
            let first = position(own).unwrap();
            for used in crate_references(&source, &lib_rs) {
                let Some(at) = position(&used) else { continue };
                assert!(
                    used == own || at > first,
                    "{dir}/{file} uses `{used}`, which the module map lists above it"
                );
            }
        }
    }
}
