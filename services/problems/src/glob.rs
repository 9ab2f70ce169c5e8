//! The glob patterns of `submissions/submissions.yaml` (2023-07): `*` matches within one path
//! segment, `{a,b}` expands to alternatives, and a path matches when it or one of its parent
//! folders does. `**` and `[...]` are not part of the format and are refused.

/// A parsed pattern: its alternatives after brace expansion, each as path segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    pub pattern: String,
    alternatives: Vec<Vec<String>>,
}

/// At most this many alternatives after brace expansion: a pattern is not a way to make work.
const MAX_ALTERNATIVES: usize = 256;

impl Glob {
    /// Parses `pattern`, or says why it is not one the format allows.
    pub fn parse(pattern: &str) -> Result<Self, String> {
        if pattern.contains("**") || pattern.contains('[') || pattern.contains(']') {
            return Err("`**` and `[...]` are not supported in glob patterns".into());
        }
        let trimmed = pattern.trim_matches('/');
        if trimmed.is_empty() {
            return Err("an empty glob pattern".into());
        }
        let alternatives = expand(trimmed)?
            .into_iter()
            .map(|alt| alt.split('/').map(str::to_owned).collect())
            .collect();
        Ok(Self {
            pattern: pattern.to_owned(),
            alternatives,
        })
    }

    /// Whether `path` (segments joined by `/`) or one of its parent folders matches.
    pub fn matches(&self, path: &str) -> bool {
        let segments: Vec<&str> = path.split('/').collect();
        self.alternatives.iter().any(|alt| {
            alt.len() <= segments.len()
                && alt
                    .iter()
                    .zip(&segments)
                    .all(|(pattern, segment)| wildcard(pattern.as_bytes(), segment.as_bytes()))
        })
    }

    /// Whether `path` itself matches (not through a parent folder).
    pub fn matches_exactly(&self, path: &str) -> bool {
        let depth = path.split('/').count();
        self.matches(path) && self.alternatives.iter().any(|alt| alt.len() == depth)
    }
}

/// Brace expansion: `a{b,c}d` becomes `abd` and `acd`; braces may nest.
fn expand(pattern: &str) -> Result<Vec<String>, String> {
    let Some(open) = pattern.find('{') else {
        if pattern.contains('}') {
            return Err("unbalanced `}` in a glob pattern".into());
        }
        return Ok(vec![pattern.to_owned()]);
    };
    let mut depth = 0;
    let mut close = None;
    let mut commas = Vec::new();
    for (at, c) in pattern[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(open + at);
                    break;
                }
            }
            ',' if depth == 1 => commas.push(open + at),
            _ => {}
        }
    }
    let close = close.ok_or("unbalanced `{` in a glob pattern")?;
    let (head, tail) = (&pattern[..open], &pattern[close + 1..]);
    let mut bounds = vec![open];
    bounds.extend(&commas);
    bounds.push(close);
    let mut out = Vec::new();
    for pair in bounds.windows(2) {
        let choice = &pattern[pair[0] + 1..pair[1]];
        for expanded in expand(&format!("{head}{choice}{tail}"))? {
            out.push(expanded);
            if out.len() > MAX_ALTERNATIVES {
                return Err(format!(
                    "more than {MAX_ALTERNATIVES} alternatives in a glob pattern"
                ));
            }
        }
    }
    Ok(out)
}

/// `*` matches any run of characters (within the segment); everything else matches itself.
fn wildcard(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((star_p, star_t)) = star {
            p = star_p + 1;
            t = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::Glob;

    fn glob(pattern: &str) -> Glob {
        Glob::parse(pattern).unwrap()
    }

    #[test]
    fn a_folder_matches_what_is_inside_it() {
        assert!(glob("accepted").matches("accepted/sol.py"));
        assert!(glob("accepted/*").matches("accepted/sol.py"));
        assert!(!glob("accepted").matches("wrong_answer/sol.py"));
        assert!(!glob("accepted/sol.py").matches("accepted"));
        assert!(glob("secret/group1").matches("secret/group1/01"));
        assert!(glob("secret/group1").matches_exactly("secret/group1"));
        assert!(!glob("secret").matches_exactly("secret/group1"));
    }

    #[test]
    fn a_star_stays_within_one_segment() {
        assert!(glob("secret/*-easy").matches("secret/03-easy"));
        assert!(!glob("secret/*-easy").matches("secret/03-hard"));
        assert!(glob("*/sol.py").matches("accepted/sol.py"));
        assert!(!glob("*").matches_exactly("accepted/sol.py"));
        assert!(glob("a*b*c").matches("axxbyyc/x"));
        assert!(!glob("a*b*c").matches("axxbyy"));
    }

    #[test]
    fn braces_expand_to_alternatives() {
        let g = glob("accepted/{simple,complex}.py");
        assert!(g.matches("accepted/simple.py") && g.matches("accepted/complex.py"));
        assert!(!g.matches("accepted/other.py"));
        let nested = glob("{accepted/author.{py,cpp},wrong_answer}");
        assert!(nested.matches("accepted/author.cpp") && nested.matches("wrong_answer/x.c"));
    }

    #[test]
    fn what_the_format_does_not_have_is_refused() {
        for bad in ["**/x.py", "accepted/[ab].py", "{a,b", "a}", "", "/"] {
            assert!(Glob::parse(bad).is_err(), "{bad}");
        }
        let bomb = "{a,b}".repeat(12);
        assert!(Glob::parse(&bomb).is_err());
    }
}
