//! The progress bar of long runs (on stderr, hidden when it is not a terminal).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar on stderr; hidden when `quiet` or when stderr is not a terminal.
pub(crate) fn bar(quiet: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        Some(0),
        if quiet { ProgressDrawTarget::hidden() } else { ProgressDrawTarget::stderr() },
    );
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed} {wide_msg}") {
        bar.set_style(style);
    }
    bar
}

/// Show that `done` of `total` steps are done and `what` runs now.
pub(crate) fn step(bar: &ProgressBar, done: u64, total: u64, what: &str) {
    bar.set_length(total);
    bar.set_position(done);
    bar.set_message(what.to_owned());
}
