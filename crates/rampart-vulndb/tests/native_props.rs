//! Property tests of the native-format converters and range translations.

use proptest::prelude::*;
use rampart_versions::Scheme;
use rampart_vulndb::matching::{EventKind, RangeKind, affected_entry};
use rampart_vulndb::native::{self, Kind, intervals, semver_ranges};

fn events(r: &rampart_vulndb::osv::OsvRange) -> Vec<(EventKind, String)> {
    let mut out = Vec::new();
    for e in r.events.iter().flatten() {
        for (k, v) in [
            (EventKind::Introduced, &e.introduced),
            (EventKind::Fixed, &e.fixed),
            (EventKind::LastAffected, &e.last_affected),
        ] {
            if let Some(v) = v {
                out.push((k, v.clone()));
            }
        }
    }
    out
}

fn version() -> impl Strategy<Value = String> {
    (
        0u64..4,
        0u64..4,
        0u64..4,
        prop::option::of(prop::sample::select(vec!["0", "alpha", "beta.1", "rc.2", "0.0"])),
    )
        .prop_map(|(a, b, c, pre)| match pre {
            Some(p) => format!("{a}.{b}.{c}-{p}"),
            None => format!("{a}.{b}.{c}"),
        })
}

fn comparator() -> impl Strategy<Value = String> {
    let op = prop::sample::select(vec!["", "<", "<=", ">", ">=", "=", "^", "~"]);
    let partial = prop_oneof![
        version(),
        (0u64..4).prop_map(|a| format!("{a}")),
        (0u64..4, 0u64..4).prop_map(|(a, b)| format!("{a}.{b}")),
        (0u64..4).prop_map(|a| format!("{a}.x")),
        Just("*".to_owned()),
    ];
    (op, partial).prop_map(|(o, p)| format!("{o}{p}"))
}

fn npm_range_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::collection::vec(comparator(), 1..3).prop_map(|c| c.join(" ")),
            (version(), version()).prop_map(|(a, b)| format!("{a} - {b}")),
        ],
        1..4,
    )
    .prop_map(|sets| sets.join(" || "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// The OSV events written for an npm range give the same answer as the
    /// interval set they come from (union of intersections), for any version.
    #[test]
    fn npm_events_equal_intervals(range in npm_range_text(), v in version()) {
        let ivs = semver_ranges::npm_range(&range).unwrap();
        let want = intervals::contains(Scheme::Npm, &ivs, &Scheme::Npm.parse(&v).unwrap());
        let got = match intervals::to_osv_range(&ivs) {
            None => false,
            Some(r) => affected_entry(
                "npm",
                &[rampart_vulndb::matching::Range { kind: RangeKind::Ecosystem, events: events(&r) }],
                &[],
                &v,
            ).0,
        };
        prop_assert_eq!(got, want, "{} @ {}", range, v);
    }

    /// cargo-audit's rule: vulnerable iff no patched/unaffected requirement matches.
    #[test]
    fn cargo_complement(patched in prop::collection::vec(comparator(), 0..3), v in version()) {
        let reqs: Vec<String> = patched.iter().map(|c| c.replace('x', "*")).collect();
        let Ok(vuln) = semver_ranges::cargo_vulnerable(&reqs, &[]) else { return Ok(()) };
        let parsed = Scheme::Cargo.parse(&v).unwrap();
        let safe = reqs.iter().any(|r| {
            let iv = semver_ranges::cargo_req(r).unwrap();
            intervals::contains(Scheme::Cargo, &[iv], &parsed)
        });
        prop_assert_eq!(intervals::contains(Scheme::Cargo, &vuln, &parsed), !safe, "{:?} @ {}", reqs, v);
        let r = intervals::to_osv_range(&vuln);
        let got = r.is_some_and(|r| affected_entry(
            "crates.io",
            &[rampart_vulndb::matching::Range { kind: RangeKind::Ecosystem, events: events(&r) }],
            &[],
            &v,
        ).0);
        prop_assert_eq!(got, !safe);
    }

    #[test]
    fn converters_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = native::convert(Kind::Nswg, "vuln/npm/1.json", &bytes);
        let _ = native::convert(Kind::FriendsOfPhp, "a/b/c.yaml", &bytes);
        let _ = native::convert(Kind::TomlMarkdown, "crates/x/RUSTSEC-0000-0000.md", &bytes);
        let _ = native::convert(Kind::AlpineSecdb, "v3.11/main.yaml", &bytes);
        let _ = native::convert(Kind::DebianTracker, "data/DSA/list", &bytes);
        let _ = Kind::detect("x.md", &bytes);
        let _ = Kind::detect("data/DLA/list", &bytes);
        let _ = Kind::detect("v3.11/main.yaml", &bytes);
        let _ = semver_ranges::npm_range(&String::from_utf8_lossy(&bytes));
        let _ = semver_ranges::cargo_req(&String::from_utf8_lossy(&bytes));
        let _ = native::composer::composer_constraints(&[String::from_utf8_lossy(&bytes).into_owned()]);
    }

    #[test]
    fn converters_never_panic_on_near_valid_input(
        range in "[<>=^~ |x*.0-9a-z-]{0,40}",
        stem in "[a-z0-9-]{0,10}",
    ) {
        let nswg = format!(r#"{{"id": 1, "module_name": "m", "vulnerable_versions": "{range}", "patched_versions": "{range}"}}"#);
        let _ = native::convert(Kind::Nswg, "vuln/npm/1.json", nswg.as_bytes());
        let fop = format!("title: t\ncve: ~\nbranches:\n  b:\n    versions: ['{range}']\nreference: composer://a/b\n");
        let _ = native::convert(Kind::FriendsOfPhp, &format!("a/b/{stem}.yaml"), fop.as_bytes());
        let rs = format!("```toml\n[advisory]\nid = \"RUSTSEC-1\"\npackage = \"p\"\n[versions]\npatched = [\"{range}\"]\n```\n# T\n");
        let _ = native::convert(Kind::TomlMarkdown, "crates/p/RUSTSEC-1.md", rs.as_bytes());
        let _ = semver_ranges::npm_range(&range);
    }

    /// Truncated and mutated Debian tracker lists and Alpine secdb files give
    /// records or errors, never a panic.
    #[test]
    fn distro_converters_never_panic_on_truncation_and_mutation(
        cut in 0usize..400,
        at in 0usize..400,
        byte in any::<u8>(),
        word in "[\\[\\]<>{}a-z0-9 :.+~-]{0,16}",
    ) {
        let dsa = format!("[29 Mar 2023] DSA-5380-1 xorg-server - security update\n\t{{CVE-2023-1393 {word}}}\n\t[bullseye] - xorg-server 2:1.20.11-1+deb11u6\n\t[{word}] - x {word}\n\t[buster] - y <{word}>\n\tNOTE: n\n[01 Jan 2020] DLA-1-1 z\n");
        let secdb = format!("distroversion: v3.11\npackages:\n  - pkg:\n      name: openssl\n      secfixes:\n        1.1.1d-r3:\n          - CVE-2019-1551 {word}\n        {word}:\n          - {word}\n");
        for (kind, path, text) in [(Kind::DebianTracker, "data/DSA/list", dsa), (Kind::AlpineSecdb, "v3.11/main.yaml", secdb)] {
            let mut b = text.into_bytes();
            if let Some(x) = b.get_mut(at) { *x = byte; }
            let _ = native::convert(kind, path, &b);
            b.truncate(cut);
            let _ = native::convert(kind, path, &b);
        }
    }
}
