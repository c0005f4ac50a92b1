//! Engine names as `&'static str` when errors are deserialized (the
//! `serde` feature): each distinct name is leaked once per process.

use std::collections::BTreeSet;
use std::sync::Mutex;

/// The `&'static str` for `name`.
pub fn intern(name: &str) -> &'static str {
    static NAMES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut names = NAMES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}

/// Deserialize an interned string.
///
/// # Errors
/// When the input is not a string.
pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let name: String = serde::Deserialize::deserialize(d)?;
    Ok(intern(&name))
}
