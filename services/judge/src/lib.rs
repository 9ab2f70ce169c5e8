//! The judge: consumes submissions from the Redis stream (consumer group), has an executor
//! judge them, records the verdict and its battle consequences in PostgreSQL, and publishes the
//! resulting battle events for the battle service to deliver.

mod apply;
mod executor_client;
mod metrics;
pub mod settings;
mod startup;
mod worker;

pub use apply::{SubmissionForJudging, apply_verdict, load_submission};
pub use executor_client::{ExecutorClient, ExecutorError};
pub use settings::Settings;
pub use startup::Application;
pub use worker::{GROUP, stream_key};
