//! `rampart keygen`, `sign`, `verify` and the gate's signature rule against a real local
//! registry (Debian's docker-registry): sign, verify, a wrong key, and a tampered tag (re-tagged
//! to a different image) failing with a clear message.

use std::path::Path;

use crate::util::{Dir, rampart, targets_dir};

use crate::images::registry_support;

fn keygen(dir: &Path, prefix: &str) {
    let out = rampart()
        .current_dir(dir)
        .args(["keygen", "--output-key-prefix", prefix])
        .env("COSIGN_PASSWORD", "correct horse")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn keygen_sign_verify_and_tamper_against_a_real_registry() {
    let dir = Dir::new();
    keygen(dir.path(), "alice");
    keygen(dir.path(), "mallory");
    let key = std::fs::read_to_string(dir.path().join("alice.key")).unwrap();
    assert!(key.starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----"), "{key}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("alice.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Keygen never overwrites a key.
    let again = rampart()
        .current_dir(dir.path())
        .args(["keygen", "--output-key-prefix", "alice"])
        .env("COSIGN_PASSWORD", "x")
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));

    let reg = registry_support::Registry::start(None);
    reg.push(&targets_dir().join("images/debian12-minbase.oci"), "team/base:1", &[]);
    let image = format!("{}/team/base:1", reg.host());
    let sign = rampart()
        .args(["sign", "--insecure", "--key"])
        .arg(dir.path().join("alice.key"))
        .arg(&image)
        .env("COSIGN_PASSWORD", "correct horse")
        .output()
        .unwrap();
    assert!(sign.status.success(), "{}", String::from_utf8_lossy(&sign.stderr));
    let wrong_password = rampart()
        .args(["sign", "--insecure", "--key"])
        .arg(dir.path().join("alice.key"))
        .arg(&image)
        .env("COSIGN_PASSWORD", "wrong")
        .output()
        .unwrap();
    assert_eq!(wrong_password.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong_password.stderr).contains("alice.key"));

    let verify = |key: &str, image: &str| {
        rampart()
            .args(["verify", "--insecure", "--key"])
            .arg(dir.path().join(key))
            .arg(image)
            .output()
            .unwrap()
    };
    let ok = verify("alice.pub", &image);
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    let payloads: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(payloads[0]["critical"]["type"], "cosign container image signature");
    let bad = verify("mallory.pub", &image);
    assert_eq!(bad.status.code(), Some(5));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("mallory.pub"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );

    // The gate's signature rule, on a saved report of the image.
    let report = dir.write(
        "report.json",
        serde_json::to_vec(&serde_json::json!({
            "schema_version": 1, "target": image, "artifact_kind": "container_image",
            "tool": {"name": "rampart", "version": "0"}, "created_at": "2026-12-06T00:00:00Z", "results": []
        }))
        .unwrap(),
    );
    let policy = dir.write("policy.yaml", "schema: 1\nsignatures:\n  keys: [alice.pub]\n");
    let gate = rampart().args(["gate", "--insecure", "--policy"]).arg(&policy).arg(&report).output().unwrap();
    assert_eq!(gate.status.code(), Some(0), "{}", String::from_utf8_lossy(&gate.stdout));

    // Tamper: the tag now names a different image; its digest was never signed.
    reg.push(&targets_dir().join("images/debian12-layered.oci"), "team/base:1", &[]);
    let tampered = verify("alice.pub", &image);
    assert_eq!(tampered.status.code(), Some(5));
    let err = String::from_utf8_lossy(&tampered.stderr);
    assert!(err.contains("no signatures found") && err.contains("different image"), "{err}");
    let gate = rampart().args(["gate", "--insecure", "--policy"]).arg(&policy).arg(&report).output().unwrap();
    assert_eq!(gate.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&gate.stdout).contains("FAIL signatures"));
}
