//! Text players write that others read: display names and chat lines. Parsed once into
//! newtypes, so that whatever holds a [`DisplayName`] or a [`ChatText`] holds clean text:
//! NFC-normalized, trimmed, within its length in characters, and free of control characters,
//! bidirectional overrides and invisible characters (which let one name pass for another, or
//! reorder what the reader sees).

use std::fmt;

use unicode_normalization::UnicodeNormalization;

/// Longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 32;
/// Longest chat message, in characters.
pub const MAX_CHAT_CHARS: usize = 500;

/// Characters that change how text around them is shown without being seen themselves:
/// bidirectional controls, zero-width and joiner characters, invisible operators, fillers and
/// tags.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'               // soft hyphen
        | '\u{034F}'             // combining grapheme joiner
        | '\u{061C}'             // Arabic letter mark
        | '\u{115F}' | '\u{1160}' // Hangul fillers
        | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' // Mongolian free variation selectors, vowel separator
        | '\u{200B}'..='\u{200F}' // zero-width space, (non-)joiner, LRM, RLM
        | '\u{2028}'..='\u{202E}' // line/paragraph separators, bidi embeddings and overrides
        | '\u{2060}'..='\u{206F}' // word joiner, invisible operators, bidi isolates
        | '\u{3164}'             // Hangul filler
        | '\u{FE00}'..='\u{FE0F}' // variation selectors
        | '\u{FEFF}'             // zero-width no-break space
        | '\u{FFA0}'             // halfwidth Hangul filler
        | '\u{FFF9}'..='\u{FFFB}' // interlinear annotation
        | '\u{1D173}'..='\u{1D17A}' // musical formatting
        | '\u{E0000}'..='\u{E0FFF}' // tags, variation selectors supplement
    )
}

/// Why a text was refused; the message is shown to the player.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("{what} must not be empty")]
    Empty { what: &'static str },
    #[error("{what} must be at most {max} characters")]
    TooLong { what: &'static str, max: usize },
    #[error("{what} must not contain control, invisible or text-direction characters")]
    Forbidden { what: &'static str },
}

/// NFC, trimmed, within `max` characters, and only visible characters (plus `\n` where
/// `newlines`).
fn clean(raw: &str, what: &'static str, max: usize, newlines: bool) -> Result<String, TextError> {
    let text: String = raw.nfc().collect();
    // Checked before trimming: some of these characters count as white space.
    let allowed = |c: char| {
        !(c.is_control() && !(newlines && c == '\n'))
            && !is_invisible(c)
            // A name is one line with plain spaces.
            && (newlines || !c.is_whitespace() || c == ' ')
    };
    if !text.chars().all(allowed) {
        return Err(TextError::Forbidden { what });
    }
    let text = text.trim();
    if text.is_empty() {
        return Err(TextError::Empty { what });
    }
    if text.chars().count() > max {
        return Err(TextError::TooLong { what, max });
    }
    Ok(text.to_owned())
}

/// A player's display name: 1 to [`MAX_NAME_CHARS`] characters. Names are unique ignoring
/// case (the database's unique index on `lower(name)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        clean(raw, "name", MAX_NAME_CHARS, false).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// One chat line: 1 to [`MAX_CHAT_CHARS`] characters; line breaks allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatText(String);

impl ChatText {
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        clean(raw, "text", MAX_CHAT_CHARS, true).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for ChatText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalized_and_trimmed() {
        let longest = "a".repeat(32);
        let cases = [
            ("ada", "ada"),
            ("  ada lovelace ", "ada lovelace"),
            // e + combining acute becomes é.
            ("Jose\u{0301}", "Jos\u{e9}"),
            ("名前", "名前"),
            (longest.as_str(), longest.as_str()),
        ];
        for (raw, expected) in cases {
            assert_eq!(
                DisplayName::parse(raw).unwrap().as_str(),
                expected,
                "{raw:?}"
            );
        }
    }

    #[test]
    fn names_with_hidden_or_misleading_characters_are_refused() {
        let refused = [
            "",
            "   ",
            "ad\u{200B}a",    // zero-width space
            "ad\u{200D}a",    // zero-width joiner
            "\u{202E}nimda",  // right-to-left override
            "ada\u{2066}",    // left-to-right isolate
            "ada\u{200F}",    // right-to-left mark
            "a\u{FEFF}da",    // byte order mark
            "ada\u{0007}",    // bell
            "ada\nbob",       // line break
            "ada\tbob",       // tab
            "ada\u{00A0}bob", // no-break space
            "\u{3164}",       // Hangul filler
            "ad\u{E0041}a",   // tag character
        ];
        for raw in refused {
            assert!(DisplayName::parse(raw).is_err(), "{raw:?}");
        }
        let too_long = "a".repeat(33);
        assert_eq!(
            DisplayName::parse(&too_long),
            Err(TextError::TooLong {
                what: "name",
                max: MAX_NAME_CHARS
            })
        );
        // Length counts characters, not bytes.
        assert!(DisplayName::parse(&"é".repeat(32)).is_ok());
    }

    #[test]
    fn chat_allows_line_breaks_but_not_hidden_characters() {
        assert_eq!(ChatText::parse(" gg\nwp ").unwrap().as_str(), "gg\nwp");
        for raw in ["", "\n", "g\u{202E}g", "g\u{200B}g", "g\rg", "g\u{2029}g"] {
            assert!(ChatText::parse(raw).is_err(), "{raw:?}");
        }
        assert!(ChatText::parse(&"x".repeat(MAX_CHAT_CHARS)).is_ok());
        assert!(ChatText::parse(&"x".repeat(MAX_CHAT_CHARS + 1)).is_err());
    }

    /// Every character of the invisible ranges, anywhere in a name, is refused.
    #[test]
    fn every_invisible_character_is_refused_anywhere() {
        for c in (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| is_invisible(*c))
        {
            for raw in [format!("{c}ab"), format!("a{c}b"), format!("ab{c}")] {
                assert!(DisplayName::parse(&raw).is_err(), "{:?}", c as u32);
                assert!(ChatText::parse(&raw).is_err(), "{:?}", c as u32);
            }
        }
    }
}
