//! The fidelity page must name every source file that simplifies Kafka, so the page stays complete as the
//! engine grows: a `Simplification:` comment in a file the page does not mention fails this test.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_file_with_a_simplification_is_listed_on_the_fidelity_page() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = fs::read_to_string(root.join("docs/fidelity.md")).expect("docs/fidelity.md exists");
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut simplifying = 0;
    let mut missing = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).expect("readable source file");
        if !text.contains("Simplification:") {
            continue;
        }
        simplifying += 1;
        let relative = file.strip_prefix(root).expect("under the crate").to_string_lossy().replace('\\', "/");
        if !page.contains(&relative) {
            missing.push(relative);
        }
    }
    assert!(simplifying > 0, "the scan found no simplifications at all: is it looking in the right place?");
    assert!(missing.is_empty(), "docs/fidelity.md does not mention these files' simplifications: {missing:?}");
}
