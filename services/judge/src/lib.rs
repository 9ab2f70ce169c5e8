//! The judge: consumes submissions from the Redis stream (consumer group), has an executor
//! judge them, records the verdict and its battle consequences in PostgreSQL exactly once, and
//! publishes the resulting battle events for the battle service to deliver.

pub mod apply;
mod attempt;
mod executors;
mod failure;
pub mod fair;
mod metrics;
mod queue_metrics;
pub mod requeue;
mod run_request;
pub mod runs;
pub mod scoring;
pub mod settings;
mod startup;
pub mod state;
pub mod worker;

pub use apply::{SubmissionForJudging, apply_verdict, load_submission};
pub use executors::{ExecutorError, ExecutorPolicy, ExecutorPool, TraceIds};
pub use failure::Disposition;
pub use settings::Settings;
pub use startup::Application;
