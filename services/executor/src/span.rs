//! The span every execution request runs in, carrying the ids the judge sends in headers so
//! one battle can be followed across the services' logs.
//!
//! The ids are the caller's word: each is kept only when it is a UUID, and only ever logged
//! (never used to decide anything). What is logged inside the span is decided by `routes`.

use axum::http::HeaderMap;
use joust_common::{Language, execution::trace_headers};
use tracing::{Span, field::Empty};
use uuid::Uuid;

/// The span of one execution request: its language, and each id header that holds a UUID as
/// the fields `submission_id`, `battle_id` and `user_id` (the names every service logs them
/// under).
pub fn execution_span(headers: &HeaderMap, language: Language) -> Span {
    let span = tracing::info_span!(
        "execution",
        %language,
        submission_id = Empty,
        battle_id = Empty,
        user_id = Empty,
    );
    for (field, header) in [
        ("submission_id", trace_headers::SUBMISSION_ID),
        ("battle_id", trace_headers::BATTLE_ID),
        ("user_id", trace_headers::USER_ID),
    ] {
        if let Some(id) = uuid_header(headers, header) {
            span.record(field, tracing::field::display(id));
        }
    }
    span
}

/// The UUID in header `name`, or `None` when it is absent or anything else.
fn uuid_header(headers: &HeaderMap, name: &str) -> Option<Uuid> {
    let value = headers.get(name)?.to_str().ok()?;
    Uuid::parse_str(value.trim()).ok()
}

#[cfg(test)]
mod tests {
    use std::{
        io::Write,
        sync::{Arc, Mutex},
    };

    use axum::http::HeaderValue;

    use super::*;

    /// Everything a JSON subscriber writes, for reading back.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The JSON log line of one event logged inside the span made from `headers`.
    fn log_line(headers: &HeaderMap) -> serde_json::Value {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_current_span(true)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            execution_span(headers, Language::Python).in_scope(|| tracing::info!("judged"));
        });
        let bytes = captured.0.lock().unwrap().clone();
        serde_json::from_slice(&bytes).expect("one JSON line")
    }

    #[test]
    fn uuid_headers_become_span_fields() {
        let submission = Uuid::new_v4();
        let battle = Uuid::new_v4();
        let user = Uuid::new_v4();
        let mut headers = HeaderMap::new();
        for (name, id) in [
            (trace_headers::SUBMISSION_ID, submission),
            (trace_headers::BATTLE_ID, battle),
            (trace_headers::USER_ID, user),
        ] {
            headers.insert(name, HeaderValue::from_str(&id.to_string()).unwrap());
        }
        let span = &log_line(&headers)["span"];
        assert_eq!(span["name"], "execution");
        assert_eq!(span["language"], "python");
        assert_eq!(span["submission_id"], submission.to_string());
        assert_eq!(span["battle_id"], battle.to_string());
        assert_eq!(span["user_id"], user.to_string());
    }

    #[test]
    fn anything_but_a_uuid_is_ignored() {
        let mut headers = HeaderMap::new();
        headers.insert(trace_headers::SUBMISSION_ID, HeaderValue::from_static("42"));
        headers.insert(
            trace_headers::BATTLE_ID,
            HeaderValue::from_static("\"}, \"user_id\": \"forged"),
        );
        let span = &log_line(&headers)["span"];
        assert_eq!(span["name"], "execution");
        for field in ["submission_id", "battle_id", "user_id"] {
            assert!(span.get(field).is_none(), "{field}: {span}");
        }
    }
}
