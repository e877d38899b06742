//! Progress on stderr (indicatif), quiet when stderr is not a terminal or with `--quiet`.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use rampart_scan::Progress;

pub struct Bar(Option<ProgressBar>);

impl Bar {
    pub fn new(quiet: bool) -> Self {
        if quiet || !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let pb = ProgressBar::new_spinner();
        pb.set_style(ProgressStyle::with_template("{spinner} {msg}").expect("static template"));
        pb.enable_steady_tick(Duration::from_millis(120));
        Bar(Some(pb))
    }

    pub fn message(&self, msg: impl Into<String>) {
        if let Some(pb) = &self.0 {
            pb.set_message(msg.into());
        }
    }

    pub fn finish(&self) {
        if let Some(pb) = &self.0 {
            pb.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn walking(&self, n: u64) {
        self.message(format!("walking: {n} files seen"));
    }
    fn analyzing(&self, total: u64) {
        if let Some(pb) = &self.0 {
            pb.set_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} files analyzed {msg}")
                    .expect("static template"),
            );
            pb.set_length(total);
            pb.set_position(0);
            pb.set_message("");
        }
    }
    fn analyzed(&self, _path: &str) {
        if let Some(pb) = &self.0 {
            pb.inc(1);
        }
    }
}

impl rampart_scan::image::ImageProgress for Bar {
    fn layers(&self, total: usize, cached: usize) {
        if let Some(pb) = &self.0 {
            pb.set_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} layers analysed {msg}")
                    .expect("static template"),
            );
            pb.set_length(total as u64);
            pb.set_position(cached as u64);
            pb.set_message(if cached > 0 { format!("({cached} from the cache)") } else { String::new() });
        }
    }
    fn layer_done(&self, _index: usize) {
        if let Some(pb) = &self.0 {
            pb.inc(1);
        }
    }
}
