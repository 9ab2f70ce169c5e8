//! What a failed executor call means, decided in this one place: whether it counts against the
//! executor's circuit breaker, whether the submission pays for it, and whether it may extend the
//! battle. The rule: only an infrastructure outage (the executor cannot be reached, or every
//! breaker is open) extends a battle. Saturation (HTTP 429) is backpressure, a timeout is the
//! submission's own doing, and neither says the executor is down.

use crate::ExecutorError;

/// How the judge treats a failed call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// The executor is down, unreachable or refuses the judge's token (a misconfiguration, not
    /// the submission's doing): the submission waits without using up its attempts,
    /// its players are told, and its battle is extended by the wait.
    Outage,
    /// The executor is saturated (HTTP 429): retry with a growing pause; nothing is charged and
    /// the battle is not extended.
    Backpressure,
    /// The call ran past the judge's timeout, longer than the executor's own per-request
    /// deadline: the program is what keeps the executor busy. Counted per submission; after
    /// `JOUST_JUDGE_MAX_TIMEOUTS` the submission gets TLE and goes to the dead-letter stream.
    SubmissionTimeout,
    /// A server error, possibly caused by the submission (a poison message): retry, counting the
    /// attempt, until `JOUST_JUDGE_MAX_ATTEMPTS` dead-letters it.
    Failed,
    /// The executor refuses this request as such: retrying cannot help; dead-letter it now.
    Rejected,
}

impl Disposition {
    pub fn of(error: &ExecutorError) -> Self {
        match error {
            ExecutorError::Unreachable(_)
            | ExecutorError::Unauthorized(_)
            | ExecutorError::CircuitOpen { .. } => Self::Outage,
            ExecutorError::Busy => Self::Backpressure,
            ExecutorError::Timeout => Self::SubmissionTimeout,
            ExecutorError::ServerError(_) => Self::Failed,
            ExecutorError::Rejected { .. } => Self::Rejected,
        }
    }

    /// Whether the wait may move the battle's end: infrastructure outages only.
    pub fn extends_battle(self) -> bool {
        self == Self::Outage
    }
}

impl ExecutorError {
    /// Whether this failure says the executor is unhealthy, and so counts against its breaker:
    /// connection errors, a refused token and server errors. Timeouts (a slow program), 429 (saturation) and
    /// refusals do not, so no submission can open a breaker for everybody.
    pub fn is_infrastructure(&self) -> bool {
        matches!(
            self,
            ExecutorError::Unreachable(_)
                | ExecutorError::Unauthorized(_)
                | ExecutorError::ServerError(_)
        )
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn only_outages_extend_battles_and_only_broken_executors_trip_breakers() {
        let cases = [
            (
                ExecutorError::Unreachable("refused".into()),
                Disposition::Outage,
                true,
                true,
            ),
            (
                ExecutorError::CircuitOpen {
                    retry_in: Duration::from_secs(1),
                },
                Disposition::Outage,
                true,
                false,
            ),
            (
                ExecutorError::Unauthorized(401),
                Disposition::Outage,
                true,
                true,
            ),
            (ExecutorError::Busy, Disposition::Backpressure, false, false),
            (
                ExecutorError::Timeout,
                Disposition::SubmissionTimeout,
                false,
                false,
            ),
            (
                ExecutorError::ServerError(500),
                Disposition::Failed,
                false,
                true,
            ),
            (
                ExecutorError::Rejected {
                    status: 422,
                    body: String::new(),
                },
                Disposition::Rejected,
                false,
                false,
            ),
        ];
        for (error, disposition, extends, trips) in cases {
            assert_eq!(Disposition::of(&error), disposition, "{error}");
            assert_eq!(disposition.extends_battle(), extends, "{error}");
            assert_eq!(error.is_infrastructure(), trips, "{error}");
        }
    }
}
