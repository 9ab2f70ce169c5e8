//! The programming languages a submission may be written in.

use super::text_enum::text_enum;

text_enum! {
    pub enum Language {
        C => "c",
        Cpp => "cpp",
        Rust => "rust",
        Python => "python",
        JavaScript => "javascript",
        Go => "go",
    }
}
