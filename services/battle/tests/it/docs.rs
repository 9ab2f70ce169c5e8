//! The protocol is a public API: every event the server handles and every error code it can
//! send must be documented.

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
