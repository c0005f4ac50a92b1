//! README.md and docs/engines.md carry the capability table generated from
//! the engines' own declarations; this test keeps them equal to it
//! (`WIRETLS_BLESS=1` rewrites them).

const BEGIN: &str = "<!-- capabilities:begin -->";
const END: &str = "<!-- capabilities:end -->";

fn check(file: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (Some(start), Some(end)) = (text.find(BEGIN), text.find(END)) else {
        panic!("{file} has no {BEGIN} ... {END} markers");
    };
    let table = format!("{BEGIN}\n{}{END}", wiretls::table::markdown_for_all());
    let current = &text[start..end + END.len()];
    if std::env::var_os("WIRETLS_BLESS").is_some() {
        std::fs::write(&path, text.replacen(current, &table, 1)).expect("rewrite");
        return;
    }
    assert!(current == table, "{file}: the capability table is stale; rerun with WIRETLS_BLESS=1");
}

#[test]
fn readme_table_is_generated() {
    check("README.md");
}

#[test]
fn engines_doc_table_is_generated() {
    check("docs/engines.md");
}
