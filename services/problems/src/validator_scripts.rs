//! A validator folder with the format's `build` and `run` scripts, read as data and never
//! executed: the scripts are the package author's untrusted shell code, and the sandbox has no
//! shell. What they say is mapped onto what the sandbox can do (compile one C or C++ source, or
//! run one Python file), and anything else refuses the package with the line that could not be
//! followed.
//!
//! Understood, line by line (blank lines, `#` comments and `set ...` are skipped):
//! - `build`: one compiler call, `[exec] gcc|cc|clang|g++|c++|clang++ [options] <source> [-o
//!   <name>]`, naming exactly one `.c`/`.cc`/`.cpp`/`.cxx` file of the folder (headers come along
//!   as the folder's other files); the options are not used (the sandbox compiles with its
//!   own), and `chmod ... run` lines are skipped;
//! - `run`: one call, `[exec] ./<name> "$@"` of the program `build` made, or `[exec]
//!   python3|python|pypy3 <file>.py "$@"` of a file of the folder; nothing may stand between
//!   the program and `"$@"`, since the validator's flags follow its three arguments.

use std::collections::BTreeMap;

use joust_common::Language;

/// What the scripts of a validator folder amount to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpreted {
    pub language: Language,
    /// The file of the folder compiled (C, C++) or run (Python).
    pub main: String,
}

/// The meaning of the folder's `build` and `run` scripts; `None` when it has neither.
pub fn interpret(files: &BTreeMap<String, Vec<u8>>) -> Option<Result<Interpreted, String>> {
    let build = files.get("build");
    let run = files.get("run");
    if build.is_none() && run.is_none() {
        return None;
    }
    Some(interpret_scripts(files, build, run))
}

fn interpret_scripts(
    files: &BTreeMap<String, Vec<u8>>,
    build: Option<&Vec<u8>>,
    run: Option<&Vec<u8>>,
) -> Result<Interpreted, String> {
    let built = match build {
        Some(script) => Some(build_command(files, &commands("build", script)?)?),
        None => None,
    };
    let run = run.ok_or("a `build` script needs a `run` script beside it")?;
    let run_lines = commands("run", run)?;
    let [words] = &run_lines[..] else {
        return Err(format!(
            "run: {} commands; only one program call is supported",
            run_lines.len()
        ));
    };
    let words = words
        .strip_prefix(&["exec".to_owned()][..])
        .unwrap_or(words);
    let Some((last, call)) = words.split_last() else {
        return Err("run: empty".into());
    };
    if !matches!(last.as_str(), "\"$@\"" | "$@" | "\"${@}\"") {
        return Err(format!(
            "run: `{}` must end with \"$@\" (the validator's arguments)",
            words.join(" ")
        ));
    }
    match call {
        [interpreter, file] if is_python(interpreter) => {
            let file = file.trim_start_matches("./");
            if !file.ends_with(".py") || !files.contains_key(file) {
                return Err(format!("run: {file} is not a Python file of the folder"));
            }
            Ok(Interpreted {
                language: Language::Python,
                main: file.to_owned(),
            })
        }
        [program] => {
            let name = program.trim_start_matches("./");
            match built {
                Some((output, interpreted)) if output == name => Ok(interpreted),
                _ => Err(format!(
                    "run: {program} is not the program the build script compiles"
                )),
            }
        }
        _ => Err(format!(
            "run: `{}` is not a supported program call",
            words.join(" ")
        )),
    }
}

/// The compiler call of `build`: the output name and what is compiled.
fn build_command(
    files: &BTreeMap<String, Vec<u8>>,
    lines: &[Vec<String>],
) -> Result<(String, Interpreted), String> {
    let calls: Vec<&Vec<String>> = lines
        .iter()
        .filter(|words| words.first().map(String::as_str) != Some("chmod"))
        .collect();
    let [words] = &calls[..] else {
        return Err(format!(
            "build: {} commands; only one compiler call is supported",
            calls.len()
        ));
    };
    let words = words
        .strip_prefix(&["exec".to_owned()][..])
        .unwrap_or(words);
    let (compiler, args) = words.split_first().ok_or("build: empty")?;
    let language = match compiler.as_str() {
        "gcc" | "cc" | "clang" => Language::C,
        "g++" | "c++" | "clang++" => Language::Cpp,
        other => return Err(format!("build: the compiler {other} is not supported")),
    };
    let mut output = "a.out".to_owned();
    let mut sources = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "-o" {
            output = args.next().ok_or("build: -o without a name")?.clone();
        } else if let Some(name) = arg.strip_prefix("-o")
            && !name.is_empty()
        {
            output = name.to_owned();
        } else if !arg.starts_with('-') {
            sources.push(arg.trim_start_matches("./").to_owned());
        }
    }
    let [source] = &sources[..] else {
        return Err(format!(
            "build: {} source files; exactly one is supported",
            sources.len()
        ));
    };
    let compiled = crate::package::language_of(source);
    if !matches!(compiled, Some(Language::C | Language::Cpp)) || !files.contains_key(source) {
        return Err(format!(
            "build: {source} is not a C or C++ file of the folder"
        ));
    }
    Ok((
        output.trim_start_matches("./").to_owned(),
        Interpreted {
            language,
            main: source.clone(),
        },
    ))
}

fn is_python(word: &str) -> bool {
    matches!(word, "python3" | "python" | "pypy3" | "/usr/bin/python3")
}

/// The script's commands as words; refuses what cannot be split without a shell.
fn commands(name: &str, script: &[u8]) -> Result<Vec<Vec<String>>, String> {
    let text = std::str::from_utf8(script).map_err(|_| format!("{name}: not UTF-8 text"))?;
    let mut commands = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("set ") {
            continue;
        }
        if line.contains(['|', ';', '&', '>', '<', '`']) || line.contains("$(") {
            return Err(format!(
                "{name}: `{line}` needs a shell, which validators do not get"
            ));
        }
        commands.push(line.split_whitespace().map(str::to_owned).collect());
    }
    Ok(commands)
}
