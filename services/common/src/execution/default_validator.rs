//! Over 400 lines because the unit tests of every flag sit next to the rule they test.
//!
//! The default output validator of the Kattis problem package format, with its flags
//! (`validator_flags` in a legacy `problem.yaml`): the answer and the output are split into
//! tokens at white space; tokens compare case-insensitively unless `case_sensitive`; white
//! space itself is ignored unless `space_change_sensitive`, which wants it byte for byte; and
//! with a float tolerance (`float_tolerance`, `float_absolute_tolerance`,
//! `float_relative_tolerance`), an answer token that is a finite number accepts any finite
//! number within the absolute or the relative tolerance (either suffices).
//!
//! The behaviour follows the format's reference implementation (`default_validator.cc` of
//! Kattis's problemtools) rule for rule, including what counts as a number (a whole token that
//! C's `strtod` reads, hexadecimal included, neither infinite nor NaN) and as white space (C's
//! `isspace`: space, `\t`, `\n`, `\v`, `\f`, `\r`). Where it rejects, the reason reads like
//! that implementation's `judgemessage.txt`.

use serde::{Deserialize, Serialize};

/// The default validator's flags. All off (the format's default): case-insensitive tokens,
/// white space ignored, no float tolerance.
///
/// On the wire: `{"case_sensitive": true, "float_absolute_tolerance": 1e-6}`; every field may be
/// left out. [`DefaultValidator::from_flags`] reads the format's own flag words.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DefaultValidator {
    /// Tokens must match in case too (`case_sensitive`).
    pub case_sensitive: bool,
    /// White space must match byte for byte (`space_change_sensitive`).
    pub space_change_sensitive: bool,
    /// `float_absolute_tolerance ε`: a number within ε of the answer's is accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub float_absolute_tolerance: Option<f64>,
    /// `float_relative_tolerance ε`: a number within ε × |answer| of the answer's is accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub float_relative_tolerance: Option<f64>,
}

impl DefaultValidator {
    /// Reads the format's flag words (`validator_flags`, split at white space): `case_sensitive`,
    /// `space_change_sensitive`, and `float_tolerance ε` (both tolerances),
    /// `float_absolute_tolerance ε`, `float_relative_tolerance ε`. An unknown word or a missing or
    /// malformed number is refused, as the reference implementation refuses to run.
    pub fn from_flags<S: AsRef<str>>(flags: &[S]) -> Result<Self, String> {
        let mut validator = Self::default();
        let mut words = flags.iter().map(AsRef::as_ref);
        while let Some(word) = words.next() {
            let mut tolerance = || -> Result<f64, String> {
                let value = words
                    .next()
                    .ok_or_else(|| format!("{word} needs a number after it"))?;
                parse_number(value.as_bytes())
                    .ok_or_else(|| format!("{word} needs a number, not {value:?}"))
            };
            match word {
                "case_sensitive" => validator.case_sensitive = true,
                "space_change_sensitive" => validator.space_change_sensitive = true,
                "float_absolute_tolerance" => {
                    validator.float_absolute_tolerance = Some(tolerance()?)
                }
                "float_relative_tolerance" => {
                    validator.float_relative_tolerance = Some(tolerance()?)
                }
                "float_tolerance" => {
                    let value = tolerance()?;
                    validator.float_absolute_tolerance = Some(value);
                    validator.float_relative_tolerance = Some(value);
                }
                other => return Err(format!("unknown default validator flag {other:?}")),
            }
        }
        validator.validate()?;
        Ok(validator)
    }

    /// [`DefaultValidator::from_flags`] on a whole `validator_flags` string.
    pub fn parse_flags(flags: &str) -> Result<Self, String> {
        Self::from_flags(&flags.split_ascii_whitespace().collect::<Vec<_>>())
    }

    /// The flags as the format writes them (the inverse of [`DefaultValidator::from_flags`]).
    pub fn to_flags(&self) -> Vec<String> {
        let mut flags = Vec::new();
        if self.case_sensitive {
            flags.push("case_sensitive".to_owned());
        }
        if self.space_change_sensitive {
            flags.push("space_change_sensitive".to_owned());
        }
        for (name, value) in [
            ("float_absolute_tolerance", self.float_absolute_tolerance),
            ("float_relative_tolerance", self.float_relative_tolerance),
        ] {
            if let Some(value) = value {
                flags.extend([name.to_owned(), value.to_string()]);
            }
        }
        flags
    }

    /// Tolerances must be finite and not negative.
    pub(super) fn validate(&self) -> Result<(), String> {
        for tolerance in [self.float_absolute_tolerance, self.float_relative_tolerance]
            .into_iter()
            .flatten()
        {
            if !tolerance.is_finite() || tolerance < 0.0 {
                return Err(format!(
                    "float tolerances must be finite and not negative, not {tolerance}"
                ));
            }
        }
        Ok(())
    }

    /// Judges `output` against `answer`: `Ok` accepts, `Err` rejects with the reason.
    pub fn judge(&self, answer: &[u8], output: &[u8]) -> Result<(), String> {
        let mut judge = Cursor::new(answer);
        let mut team = Cursor::new(output);
        let use_floats =
            self.float_absolute_tolerance.is_some() || self.float_relative_tolerance.is_some();
        let mut tokens = 0usize;
        loop {
            while let Some(c) = judge.peek().filter(|c| is_space(*c)) {
                judge.advance(1);
                if self.space_change_sensitive {
                    match team.peek() {
                        Some(d) if d == c => team.advance(1),
                        got => {
                            return Err(team.wrong(format!(
                                "space change error: got {}, expected {}",
                                describe(got),
                                describe(Some(c))
                            )));
                        }
                    }
                }
            }
            while let Some(d) = team.peek().filter(|d| is_space(*d)) {
                if self.space_change_sensitive {
                    return Err(team.wrong(format!(
                        "space change error: the answer has no more space here, got {}",
                        describe(Some(d))
                    )));
                }
                team.advance(1);
            }
            let Some(expected) = judge.token() else {
                break;
            };
            let Some(got) = team.token() else {
                let what = match (tokens, output.is_empty()) {
                    (0, true) => "; the output was empty",
                    (0, false) => "; the output held no tokens",
                    _ => "",
                };
                return Err(team.wrong(format!(
                    "the output ended before the answer{what} (next answer token: {})",
                    String::from_utf8_lossy(expected)
                )));
            };
            tokens += 1;
            match parse_number(expected).filter(|_| use_floats) {
                Some(expected_value) => {
                    let Some(value) = parse_number(got) else {
                        return Err(team.wrong(format!(
                            "expected a number, got {:?}",
                            String::from_utf8_lossy(got)
                        )));
                    };
                    let diff = (expected_value - value).abs();
                    let within = |tolerance: Option<f64>, scale: f64| {
                        tolerance.is_some_and(|t| diff <= t * scale)
                    };
                    if !within(self.float_absolute_tolerance, 1.0)
                        && !within(self.float_relative_tolerance, expected_value.abs())
                    {
                        return Err(team.wrong(format!(
                            "too large a difference: answer {}, output {}, difference {diff:e}",
                            String::from_utf8_lossy(expected),
                            String::from_utf8_lossy(got)
                        )));
                    }
                }
                None => {
                    let same = if self.case_sensitive {
                        expected == got
                    } else {
                        expected.eq_ignore_ascii_case(got)
                    };
                    if !same {
                        return Err(team.wrong(format!(
                            "token mismatch: answer {:?}, output {:?}",
                            String::from_utf8_lossy(expected),
                            String::from_utf8_lossy(got)
                        )));
                    }
                }
            }
        }
        match team.token() {
            Some(extra) => Err(team.wrong(format!(
                "trailing output: {:?}",
                String::from_utf8_lossy(extra)
            ))),
            None => Ok(()),
        }
    }
}

/// A read position in one text, counting lines for the messages.
struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a [u8]) -> Self {
        Self {
            text,
            at: 0,
            line: 1,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn advance(&mut self, n: usize) {
        self.line += self.text[self.at..self.at + n]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.at += n;
    }

    /// The next token after any white space, consumed.
    fn token(&mut self) -> Option<&'a [u8]> {
        while self.peek().is_some_and(is_space) {
            self.advance(1);
        }
        let rest = &self.text[self.at..];
        let len = rest.iter().position(|b| is_space(*b)).unwrap_or(rest.len());
        if len == 0 {
            return None;
        }
        self.at += len;
        Some(&rest[..len])
    }

    fn wrong(&self, reason: String) -> String {
        format!("wrong answer on line {} of the output: {reason}", self.line)
    }
}

/// C's `isspace` in the C locale.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn describe(byte: Option<u8>) -> String {
    match byte {
        None => "the end of the output".to_owned(),
        Some(b) => format!("{:?}", char::from(b)),
    }
}

/// A whole token that C's `strtod` reads as a finite number: decimal (`3`, `-.5`, `1e-9`,
/// `+2.`) or hexadecimal (`0x1.8p1`); `inf` and `nan` are words.
pub fn parse_number(token: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(token).ok()?;
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let value = match unsigned
        .strip_prefix("0x")
        .or_else(|| unsigned.strip_prefix("0X"))
    {
        Some(hex) => parse_hex(hex)?,
        None => {
            // Rust's parser also takes `inf`, `infinity` and `nan`; strtod's decimal form is
            // digits, a point and an exponent only.
            if !unsigned
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
                || !unsigned
                    .bytes()
                    .next()
                    .is_some_and(|b| b != b'+' && b != b'-')
            {
                return None;
            }
            unsigned.parse::<f64>().ok()?
        }
    };
    let value = if negative { -value } else { value };
    value.is_finite().then_some(value)
}

/// The digits of a hexadecimal float after `0x`: `1f`, `1.8`, `.8p-1`, `1p+4`.
fn parse_hex(text: &str) -> Option<f64> {
    let (mantissa, exponent) = match text.find(['p', 'P']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let mut value = 0f64;
    for c in whole.chars() {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let mut scale = 1.0 / 16.0;
    for c in fraction.chars() {
        value += f64::from(c.to_digit(16)?) * scale;
        scale /= 16.0;
    }
    if let Some(exponent) = exponent {
        let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let power: i32 = exponent.parse().unwrap_or(if exponent.starts_with('-') {
            i32::MIN
        } else {
            i32::MAX
        });
        value *= 2f64.powi(power);
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(text: &str) -> DefaultValidator {
        DefaultValidator::parse_flags(text).unwrap()
    }

    fn accepts(validator: DefaultValidator, answer: &str, output: &str) -> bool {
        validator
            .judge(answer.as_bytes(), output.as_bytes())
            .is_ok()
    }

    #[test]
    fn tokens_are_case_insensitive_unless_case_sensitive() {
        let lenient = DefaultValidator::default();
        assert!(accepts(lenient, "YES\n", "yes"));
        assert!(accepts(lenient, "Impossible", "iMPOSSIBLE\n"));
        assert!(!accepts(lenient, "YES", "YES!"));
        let strict = flags("case_sensitive");
        assert!(strict.case_sensitive);
        assert!(accepts(strict, "YES\n", "YES"));
        let reason = strict.judge(b"YES\n", b"yes\n").unwrap_err();
        assert!(reason.contains("token mismatch"), "{reason}");
    }

    #[test]
    fn white_space_is_ignored_unless_space_change_sensitive() {
        let lenient = DefaultValidator::default();
        assert!(accepts(lenient, "1 2\n3\n", "  1\n\n2 \t3"));
        assert!(accepts(lenient, "", " \n\t"));
        // Vertical tab and form feed are space too, as for C's isspace.
        assert!(accepts(lenient, "1 2", "1\x0b2\x0c"));
        assert!(!accepts(lenient, "1 2", "12"));
        let strict = flags("space_change_sensitive");
        assert!(accepts(strict, "1 2\n3\n", "1 2\n3\n"));
        // Case is still ignored: the flags are independent.
        assert!(accepts(strict, "a b\n", "A B\n"));
        for wrong in [
            "1  2\n3\n",
            "1 2\n3",
            "1 2\n3\n\n",
            " 1 2\n3\n",
            "1\t2\n3\n",
        ] {
            let reason = strict.judge(b"1 2\n3\n", wrong.as_bytes()).unwrap_err();
            assert!(reason.contains("space change error"), "{wrong:?}: {reason}");
        }
        assert!(!accepts(strict, "", "\n"));
    }

    #[test]
    fn numbers_compare_exactly_without_a_tolerance() {
        let lenient = DefaultValidator::default();
        assert!(accepts(lenient, "1.0", "1.0"));
        assert!(!accepts(lenient, "1.0", "1"));
        assert!(!accepts(lenient, "0.5", "0.50"));
    }

    #[test]
    fn absolute_tolerance_accepts_numbers_within_it() {
        let validator = flags("float_absolute_tolerance 1e-6");
        assert_eq!(validator.float_absolute_tolerance, Some(1e-6));
        assert_eq!(validator.float_relative_tolerance, None);
        assert!(accepts(validator, "0.333333333\n", "0.3333334"));
        assert!(accepts(validator, "1 2.5", "1.0000000 2.5000001"));
        assert!(accepts(validator, "-0", "0.0000001"));
        assert!(!accepts(validator, "0.333333", "0.3334"));
        // Far from zero, an absolute tolerance alone is strict.
        assert!(!accepts(validator, "1e12", "1000000000000.5"));
    }

    #[test]
    fn relative_tolerance_scales_with_the_answer() {
        let validator = flags("float_relative_tolerance 1e-9");
        assert!(accepts(validator, "1e12", "1000000000000.5"));
        assert!(!accepts(validator, "1e12", "1000000002000"));
        // Near zero a relative tolerance alone accepts nothing but the answer.
        assert!(!accepts(validator, "0", "0.0000001"));
        assert!(accepts(validator, "0", "-0.0"));
    }

    #[test]
    fn float_tolerance_sets_both_and_either_suffices() {
        let validator = flags("float_tolerance 1e-6");
        assert_eq!(validator.float_absolute_tolerance, Some(1e-6));
        assert_eq!(validator.float_relative_tolerance, Some(1e-6));
        assert!(accepts(validator, "0", "0.0000009"));
        assert!(accepts(validator, "1e9", "1000000999"));
        assert!(!accepts(validator, "1e9", "1000001001"));
        let both = flags("float_absolute_tolerance 1e-6 float_relative_tolerance 1e-9");
        assert!(accepts(both, "0.0000001", "0.0000009"));
        assert!(accepts(both, "1e12", "1000000000000.5"));
    }

    #[test]
    fn in_float_mode_words_stay_words_and_numbers_want_numbers() {
        let validator = flags("float_tolerance 1e-6");
        assert!(accepts(validator, "Case #1: 3.0", "case #1: 3"));
        assert!(
            flags("float_tolerance 1e-6 case_sensitive")
                .judge(b"YES 3", b"yes 3")
                .is_err()
        );
        let reason = validator.judge(b"1.0", b"one").unwrap_err();
        assert!(reason.contains("expected a number"), "{reason}");
        // Infinite and NaN spellings are words, never numbers.
        assert!(!accepts(validator, "1.0", "nan"));
        assert!(!accepts(validator, "1.0", "inf"));
        assert!(!accepts(validator, "1.0", "1e999"));
        assert!(accepts(validator, "nan", "NaN"));
        // strtod's other spellings are numbers.
        assert!(accepts(validator, "0.5", ".5"));
        assert!(accepts(validator, "2", "+2."));
        assert!(accepts(validator, "3", "0x1.8p1"));
        assert!(!accepts(validator, "3", "3abc"));
    }

    #[test]
    fn missing_and_trailing_output_are_wrong() {
        let validator = DefaultValidator::default();
        let reason = validator.judge(b"1 2\n", b"1\n").unwrap_err();
        assert!(reason.contains("ended before the answer"), "{reason}");
        let reason = validator.judge(b"1\n", b"").unwrap_err();
        assert!(reason.contains("output was empty"), "{reason}");
        let reason = validator.judge(b"1\n", b"  \n").unwrap_err();
        assert!(reason.contains("no tokens"), "{reason}");
        let reason = validator.judge(b"1\n", b"1\n2\n").unwrap_err();
        assert!(reason.contains("trailing output"), "{reason}");
        assert!(reason.contains("line 2"), "{reason}");
        assert!(accepts(validator, "", ""));
    }

    #[test]
    fn flags_are_read_as_the_format_writes_them() {
        let validator = flags("case_sensitive space_change_sensitive float_absolute_tolerance 0.5");
        assert_eq!(
            validator,
            DefaultValidator {
                case_sensitive: true,
                space_change_sensitive: true,
                float_absolute_tolerance: Some(0.5),
                float_relative_tolerance: None,
            }
        );
        assert_eq!(
            DefaultValidator::from_flags(&validator.to_flags()),
            Ok(validator)
        );
        assert_eq!(flags(""), DefaultValidator::default());
        for bad in [
            "ignore_case",
            "float_tolerance",
            "float_tolerance x",
            "float_relative_tolerance -1",
            "float_absolute_tolerance nan",
        ] {
            assert!(DefaultValidator::parse_flags(bad).is_err(), "{bad}");
        }
        let json: DefaultValidator =
            serde_json::from_str(r#"{"float_relative_tolerance": 1e-6}"#).unwrap();
        assert_eq!(json.float_relative_tolerance, Some(1e-6));
        assert!(serde_json::from_str::<DefaultValidator>(r#"{"ignore_case": true}"#).is_err());
    }
}
