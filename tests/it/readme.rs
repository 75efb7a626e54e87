//! Run the README's `console` examples and compare their output.
//!
//! In a ```console block, a line `$ geoevent ARGS` is a command (run from
//! the repository root) and the lines up to the next `$` its expected
//! standard output; a line `...` matches the rest of the output.

use std::path::Path;

fn blocks(readme: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut in_console = false;
    for line in readme.lines() {
        if line.starts_with("```console") {
            in_console = true;
            continue;
        }
        if line.starts_with("```") {
            in_console = false;
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            out.push((cmd.to_string(), Vec::new()));
        } else if let Some((_, expected)) = out.last_mut() {
            expected.push(line.to_string());
        }
    }
    out
}

#[test]
fn readme_console_examples_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let examples = blocks(&readme);
    assert!(examples.len() >= 3, "no console examples found");
    for (cmd, expected) in examples {
        let mut words = cmd.split_whitespace();
        assert_eq!(words.next(), Some("geoevent"), "{cmd}");
        let out = assert_cmd::cargo::cargo_bin_cmd!("geoevent").args(words).current_dir(root).output().expect("runs");
        assert!(out.status.success(), "{cmd}: {}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let got: Vec<&str> = stdout.lines().collect();
        for (i, want) in expected.iter().enumerate() {
            if want == "..." {
                break;
            }
            assert_eq!(got.get(i).copied(), Some(want.as_str()), "{cmd}: line {}", i + 1);
            if i + 1 == expected.len() {
                assert_eq!(got.len(), expected.len(), "{cmd}: extra output");
            }
        }
    }
}
