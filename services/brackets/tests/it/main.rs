//! The brackets library's tests: properties over random stages, results and corrections, and
//! the cross-check against brackets-manager.js.

mod crosscheck;
mod helpers;
mod playing;
mod properties;
