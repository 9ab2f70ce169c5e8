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
