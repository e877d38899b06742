//! Property tests: no input panics, and ordering is consistent.

use std::cmp::Ordering;

use proptest::prelude::*;
use rampart_versions::Scheme;

fn scheme() -> impl Strategy<Value = Scheme> {
    proptest::sample::select(Scheme::ALL.to_vec())
}

/// Version-ish strings: mostly digits, dots and the separators and words
/// the schemes care about, plus arbitrary unicode now and then.
fn versionish() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[0-9v.~^:+_ -]{0,3}([0-9]{1,3}[.~^:+_-]?(alpha|beta|rc|pre|dev|post|a|b|p|r|sp|ga|final|git|SNAPSHOT|x|Z)?){0,5}",
        1 => any::<String>(),
    ]
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn never_panics(s in scheme(), a in versionish()) {
        let _ = s.parse(&a);
    }

    #[test]
    fn compare_is_antisymmetric_and_matches_parse(s in scheme(), a in versionish(), b in versionish()) {
        let ab = s.compare(&a, &b);
        let ba = s.compare(&b, &a);
        match (&ab, &ba) {
            (Ok(x), Ok(y)) => prop_assert_eq!(*x, y.reverse()),
            _ => prop_assert!(ab.is_err() && ba.is_err()),
        }
        if let (Ok(pa), Ok(pb)) = (s.parse(&a), s.parse(&b)) {
            prop_assert_eq!(Ok(pa.cmp(&pb)), ab);
            prop_assert_eq!(pa.cmp(&pa), Ordering::Equal);
            prop_assert_eq!(pa.scheme(), s);
        }
    }

    #[test]
    fn sorting_is_consistent(s in scheme(), vs in proptest::collection::vec(versionish(), 0..12)) {
        let mut parsed: Vec<_> = vs.iter().filter_map(|v| s.parse(v).ok()).collect();
        parsed.sort();
        for w in parsed.windows(2) {
            prop_assert!(w[0] <= w[1]);
        }
        // transitivity over all triples
        for x in &parsed {
            for y in &parsed {
                for z in &parsed {
                    if x <= y && y <= z {
                        prop_assert!(x <= z, "{:?} <= {:?} <= {:?}", x, y, z);
                    }
                }
            }
        }
    }
}

#[test]
fn ecosystems() {
    let cases = [
        ("npm", Scheme::Npm),
        ("PyPI", Scheme::PyPI),
        ("crates.io", Scheme::Cargo),
        ("Go", Scheme::Go),
        ("Maven", Scheme::Maven),
        ("RubyGems", Scheme::RubyGems),
        ("Packagist", Scheme::Packagist),
        ("NuGet", Scheme::NuGet),
        ("Debian:12", Scheme::Debian),
        ("Ubuntu:22.04:LTS", Scheme::Debian),
        ("Alpine:v3.19", Scheme::Alpine),
        ("Wolfi", Scheme::Alpine),
        ("Chainguard", Scheme::Alpine),
        ("Alpaquita:stream", Scheme::Alpine),
        ("AlmaLinux:9", Scheme::Rpm),
        ("Rocky Linux:9", Scheme::Rpm),
        ("Red Hat:enterprise_linux:9::appstream", Scheme::Rpm),
        ("openSUSE:Leap 15.5", Scheme::Rpm),
        ("SUSE:Linux Enterprise Server 15 SP5", Scheme::Rpm),
        ("Ubuntu:Pro:18.04:LTS", Scheme::Debian),
        ("BellSoft Hardened Containers:23", Scheme::Alpine),
        ("MinimOS", Scheme::Alpine),
        ("Photon OS:5.0", Scheme::Rpm),
        ("Mageia:9", Scheme::Rpm),
        ("openEuler:22.03-LTS-SP3", Scheme::Rpm),
        ("Azure Linux:3.0", Scheme::Rpm),
        ("Oracle Linux:9", Scheme::Rpm),
        ("Amazon Linux:2023", Scheme::Rpm),
        ("Hackage", Scheme::Hackage),
        ("Pub", Scheme::Pub),
        ("CRAN", Scheme::Cran),
    ];
    for (eco, want) in cases {
        assert_eq!(Scheme::from_osv_ecosystem(eco), Ok(want), "{eco}");
    }
    assert!(Scheme::from_osv_ecosystem("Nonsense").is_err());
}

#[test]
fn go_forms() {
    let go = Scheme::Go;
    let lt = |a: &str, b: &str| assert_eq!(go.compare(a, b), Ok(Ordering::Less), "{a} < {b}");
    let eq = |a: &str, b: &str| assert_eq!(go.compare(a, b), Ok(Ordering::Equal), "{a} = {b}");
    lt("go1.22rc1", "go1.22");
    lt("go1.22beta1", "go1.22rc1");
    eq("go1.22", "go1.22.0");
    eq("go1.22.0", "1.22.0");
    lt("go1.21.13", "go1.22rc1");
    eq("v2.0.0+incompatible", "2.0.0");
    lt("v0.0.0-20191109021931-daa7c04131f5", "v0.0.1");
    lt("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4");
    lt("v1.2.3", "v1.2.4-0.20191109021931-daa7c04131f5");
    eq("v1", "v1.0.0");
}

#[test]
fn errors_name_the_version() {
    let e = Scheme::Debian.compare("1.2.3", "1.2.3-not-a-debian:version!@#$").unwrap_err();
    assert!(e.to_string().contains("1.2.3-not-a-debian:version!@#$"), "{e}");
    assert!(Scheme::Npm.parse("").is_err());
    assert!(Scheme::Cargo.parse("not.a.version").is_err());
}
