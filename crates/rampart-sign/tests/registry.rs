//! Sign and verify against a real registry (Debian's `docker-registry` on loopback, images pushed with
//! `skopeo copy` from OCI layouts built here): sign → verify, wrong key, two keys, re-signing, re-tagging
//! the image (tamper), a signature manifest copied onto another image, credentials.

#[path = "../../rampart-registry/tests/support/mod.rs"]
mod registry_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};
use rampart_registry::RegistryError;
use rampart_sign::{
    KeyPair, RegistryOptions, SIGNATURE_ANNOTATION, SIMPLE_SIGNING_MEDIA_TYPE, SignError, generate_key_pair,
    load_public_key, public_key_pem, sign_image, signature_tag, verify_image,
};
use registry_support::Registry;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(bytes))
}

/// A one-layer OCI layout (`oci:DIR:latest`); `variant` changes the config, hence the manifest digest.
fn build_layout(dir: &Path, variant: &str) -> PathBuf {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    let put = |bytes: &[u8]| {
        let d = sha256(bytes);
        std::fs::write(blobs.join(d.trim_start_matches("sha256:")), bytes).unwrap();
        (d, bytes.len())
    };
    let layer = vec![0u8; 1024]; // an empty tar archive
    let (layer_digest, layer_size) = put(&layer);
    let config = json!({
        "architecture": "amd64", "os": "linux",
        "config": {"Labels": {"variant": variant}},
        "rootfs": {"type": "layers", "diff_ids": [layer_digest]}
    });
    let (config_digest, config_size) = put(&serde_json::to_vec(&config).unwrap());
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_size},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer_digest, "size": layer_size}]
    });
    let manifest_bytes = serde_json::to_vec(&manifest).unwrap();
    let (manifest_digest, manifest_size) = put(&manifest_bytes);
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let index = json!({
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": manifest_digest, "size": manifest_size,
            "annotations": {"org.opencontainers.image.ref.name": "latest"}
        }]
    });
    std::fs::write(dir.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
    dir.to_path_buf()
}

/// Plain HTTP to the loopback registry; credentials only from the options (an empty Docker config file).
fn opts(work: &Path) -> RegistryOptions {
    let cfg = work.join("docker-config.json");
    std::fs::write(&cfg, "{}").unwrap();
    RegistryOptions { insecure: true, docker_config: Some(cfg), ..RegistryOptions::default() }
}

/// The raw manifest bytes at `reference` (through skopeo, independent of the code under test).
fn raw_manifest_bytes(reference: &str) -> Vec<u8> {
    registry_support::require("skopeo", "skopeo");
    let out = Command::new("skopeo")
        .args(["inspect", "--raw", "--tls-verify=false"])
        .arg(format!("docker://{reference}"))
        .output()
        .expect("run skopeo");
    assert!(out.status.success(), "skopeo inspect {reference}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn raw_manifest(reference: &str) -> Value {
    serde_json::from_slice(&raw_manifest_bytes(reference)).unwrap()
}

/// The digest of the manifest the registry serves for `reference` (skopeo may rewrite what it pushes).
fn served_digest(reference: &str) -> String {
    sha256(&raw_manifest_bytes(reference))
}

/// Copy the manifest at tag `from` to tag `to` in the same repository, byte for byte (its blobs are there).
fn copy_manifest(host: &str, repo: &str, from: &str, to: &str) {
    let client = Client::new(ClientConfig { protocol: ClientProtocol::Http, ..ClientConfig::default() });
    let src = Reference::with_tag(host.into(), repo.into(), from.into());
    let dst = Reference::with_tag(host.into(), repo.into(), to.into());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let accept = ["application/vnd.oci.image.manifest.v1+json"];
        let (body, _) = client.pull_manifest_raw(&src, &RegistryAuth::Anonymous, &accept).await.unwrap();
        client
            .push_manifest_raw(&dst, body, "application/vnd.oci.image.manifest.v1+json".parse().unwrap())
            .await
            .unwrap();
    });
}

fn pubkey(kp: &KeyPair, name: &str) -> rampart_sign::PublicKey {
    load_public_key(&public_key_pem(kp)).unwrap().with_name(name)
}

#[test]
fn sign_verify_and_tamper_on_a_real_registry() {
    let reg = Registry::start(None);
    let host = reg.host();
    let work = tempfile::tempdir().unwrap();
    let opts = opts(work.path());
    let image_a = build_layout(&work.path().join("a"), "a");
    let image_b = build_layout(&work.path().join("b"), "b");
    reg.push(&image_a, "team/app:1", &[]);
    reg.push(&image_b, "team/other:1", &[]);
    let tagged = format!("{host}/team/app:1");
    let digest_a = served_digest(&tagged);
    let digest_b = served_digest(&format!("{host}/team/other:1"));
    assert_ne!(digest_a, digest_b);

    // Sign: the digest the tag resolves to, pushed as sha256-<hex>.sig in the same repository.
    let alice = generate_key_pair();
    let signed = sign_image(&tagged, &alice, &opts).unwrap();
    assert_eq!(signed.digest, digest_a);
    assert_eq!(signed.reference, tagged);
    assert_eq!(signed.signature_reference, format!("{host}/team/app:{}", signature_tag(&digest_a)));
    assert!(signed.signature_reference.ends_with(&format!("sha256-{}.sig", &digest_a[7..])));
    assert_eq!((signed.signatures, signed.already_signed), (1, false));
    assert_eq!(
        String::from_utf8(signed.payload.clone()).unwrap(),
        format!(
            r#"{{"critical":{{"identity":{{"docker-reference":"{host}/team/app"}},"image":{{"docker-manifest-digest":"{digest_a}"}},"type":"cosign container image signature"}},"optional":null}}"#
        )
    );

    // The stored signature manifest has cosign's shape.
    let m = raw_manifest(&signed.signature_reference);
    assert_eq!(m["mediaType"], "application/vnd.oci.image.manifest.v1+json");
    assert_eq!(m["config"]["mediaType"], "application/vnd.oci.image.config.v1+json");
    let layers = m["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 1);
    assert_eq!(layers[0]["mediaType"], SIMPLE_SIGNING_MEDIA_TYPE);
    assert_eq!(layers[0]["digest"], sha256(&signed.payload));
    assert_eq!(layers[0]["size"], signed.payload.len());
    assert_eq!(layers[0]["annotations"][SIGNATURE_ANNOTATION], signed.signature);

    // Verify with the right key: by tag and by digest.
    let v = verify_image(&tagged, &pubkey(&alice, "alice.pub"), &opts).unwrap();
    assert_eq!((v.digest.as_str(), v.total, v.signatures.len()), (digest_a.as_str(), 1, 1));
    assert_eq!(v.signatures[0].docker_reference, format!("{host}/team/app"));
    let by_digest = format!("{host}/team/app@{digest_a}");
    verify_image(&by_digest, &pubkey(&alice, "alice.pub"), &opts).unwrap();

    // Another key: refused, naming the key and why.
    let bob = generate_key_pair();
    let err = verify_image(&tagged, &pubkey(&bob, "bob.pub"), &opts).unwrap_err();
    assert!(matches!(err, SignError::VerificationFailed { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("no valid signature for {tagged} (image digest {digest_a}) with key bob.pub")),
        "{msg}"
    );
    assert!(msg.contains("signature does not match the key and payload"), "{msg}");

    // Signing again with the same key adds nothing (cosign's duplicate detection); another key appends.
    let again = sign_image(&tagged, &alice, &opts).unwrap();
    assert_eq!((again.signatures, again.already_signed), (1, true));
    assert_eq!(again.signature, signed.signature);
    let second = sign_image(&tagged, &bob, &opts).unwrap();
    assert_eq!((second.signatures, second.already_signed), (2, false));
    assert_eq!(raw_manifest(&second.signature_reference)["layers"].as_array().unwrap().len(), 2);
    for (kp, name) in [(&alice, "alice.pub"), (&bob, "bob.pub")] {
        let v = verify_image(&tagged, &pubkey(kp, name), &opts).unwrap();
        assert_eq!((v.total, v.signatures.len()), (2, 1), "{name}");
    }
    let carol = generate_key_pair();
    let err = verify_image(&tagged, &pubkey(&carol, "carol.pub"), &opts).unwrap_err();
    assert!(matches!(&err, SignError::VerificationFailed { failures, .. } if failures.len() == 2), "{err}");

    // Tamper 1: re-tag a different image under the signed tag. Its digest has no signature.
    reg.push(&image_b, "team/app:1", &[]);
    let err = verify_image(&tagged, &pubkey(&alice, "alice.pub"), &opts).unwrap_err();
    assert!(matches!(err, SignError::NoSignatures { .. }), "{err}");
    let msg = err.to_string();
    assert!(msg.contains(&format!("no signatures found for {tagged} (image digest {digest_b})")), "{msg}");
    assert!(msg.contains(&format!("no signature tag {}", signature_tag(&digest_b))), "{msg}");
    // The original image, by digest, still verifies.
    verify_image(&by_digest, &pubkey(&alice, "alice.pub"), &opts).unwrap();

    // Tamper 2: copy the signatures of A onto B's signature tag. Valid signatures, wrong digest.
    copy_manifest(&host, "team/app", &signature_tag(&digest_a), &signature_tag(&digest_b));
    let err = verify_image(&tagged, &pubkey(&alice, "alice.pub"), &opts).unwrap_err();
    assert!(matches!(err, SignError::VerificationFailed { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains(&format!(
            "digest mismatch: the signed payload is for image digest {digest_a}, but the image is {digest_b}"
        )),
        "{msg}"
    );

    // An image that does not exist: a registry "not found" error naming it.
    let err = sign_image(&format!("{host}/team/nothing:1"), &alice, &opts).unwrap_err();
    assert!(matches!(err, SignError::Registry(RegistryError::NotFound { .. })), "{err}");
    assert!(err.to_string().contains("team/nothing:1"), "{err}");
    // A digest that the registry's content does not match.
    let wrong = format!("{host}/team/app@sha256:{}", "0".repeat(64));
    assert!(verify_image(&wrong, &pubkey(&alice, "alice.pub"), &opts).is_err());
}

#[test]
fn credentials_are_used_for_sign_and_verify() {
    let reg = Registry::start(Some(("rampart", "s3cret-pw")));
    let host = reg.host();
    let work = tempfile::tempdir().unwrap();
    let image = build_layout(&work.path().join("img"), "private");
    reg.push(&image, "private/app:1", &["--dest-creds", "rampart:s3cret-pw"]);
    let reference = format!("{host}/private/app:1");
    let anonymous = opts(work.path());
    let with_creds = RegistryOptions {
        username: Some("rampart".into()),
        password: Some("s3cret-pw".into()),
        ..anonymous.clone()
    };

    let kp = generate_key_pair();
    let signed = sign_image(&reference, &kp, &with_creds).unwrap();
    assert!(signed.digest.starts_with("sha256:") && signed.digest.len() == 71, "{}", signed.digest);
    verify_image(&reference, &pubkey(&kp, "k.pub"), &with_creds).unwrap();

    let err = verify_image(&reference, &pubkey(&kp, "k.pub"), &anonymous).unwrap_err();
    assert!(matches!(err, SignError::Registry(RegistryError::Auth { .. })), "{err}");
    let bad = RegistryOptions { password: Some("nope".into()), ..with_creds.clone() };
    let err = sign_image(&reference, &kp, &bad).unwrap_err();
    assert!(matches!(err, SignError::Registry(RegistryError::Auth { .. })), "{err}");
}

#[test]
fn insecure_is_refused_for_a_remote_registry() {
    let opts = RegistryOptions { insecure: true, ..RegistryOptions::default() };
    let err = sign_image("registry.example/team/app:1", &generate_key_pair(), &opts).unwrap_err();
    assert!(matches!(err, SignError::Registry(RegistryError::InsecureNotLoopback { .. })), "{err}");
    let err = verify_image("not a reference!", &generate_key_pair().public_key(), &opts).unwrap_err();
    assert!(matches!(err, SignError::Registry(RegistryError::InvalidReference { .. })), "{err}");
}
