//! Parse + compare cost per scheme, on realistic version pairs.
//!
//! Run with `cargo bench -p rampart-versions`.

use divan::{Bencher, black_box};
use rampart_versions::Scheme;

fn main() {
    divan::main();
}

const SCHEMES: [Scheme; 14] = Scheme::ALL;

fn pair(scheme: Scheme) -> (&'static str, &'static str) {
    match scheme {
        Scheme::Npm | Scheme::Cargo | Scheme::Pub => ("1.2.3-beta.11+build.5", "1.2.3-rc.1"),
        Scheme::PyPI => ("1.36.0rc1.post2.dev3", "1.36.0"),
        Scheme::Go => ("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4"),
        Scheme::Maven => ("1.0-alpha-1-SNAPSHOT", "1.0.0.RELEASE"),
        Scheme::RubyGems => ("1.2.4.beta.3", "1.2.4"),
        Scheme::Packagist => ("v2.4.0-RC1", "2.4.0"),
        Scheme::NuGet => ("1.0.0-beta.x.y.5.77.0+aa", "1.0.0-beta.x.y.5.79.0"),
        Scheme::Debian => ("1:2.7.4+reloaded2-13ubuntu1", "1:2.7.4+reloaded2-13+deb9u1"),
        Scheme::Alpine => ("1.2.3_rc2-r4", "1.2.3_p1-r0"),
        Scheme::Rpm => ("0:3.10.0-229.1.2.el7", "0:3.10.0-229.4.2.el7"),
        Scheme::Hackage => ("0.1.26.0", "0.1.26.1"),
        Scheme::Cran => ("1.0-10", "1.0.9"),
        _ => ("1.0", "2.0"),
    }
}

/// Parse both strings and compare them.
#[divan::bench(args = SCHEMES)]
fn parse_and_compare(bencher: Bencher, scheme: Scheme) {
    let (a, b) = pair(scheme);
    bencher.bench(|| scheme.compare(black_box(a), black_box(b)));
}

/// Compare two already parsed versions (the matcher's hot path).
#[divan::bench(args = SCHEMES)]
fn compare_parsed(bencher: Bencher, scheme: Scheme) {
    let (a, b) = pair(scheme);
    let (a, b) = (scheme.parse(a).expect("bench input parses"), scheme.parse(b).expect("bench input parses"));
    bencher.bench(|| black_box(&a).cmp(black_box(&b)));
}
