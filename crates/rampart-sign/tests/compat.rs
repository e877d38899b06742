//! Compatibility with cosign: keys, envelopes, payloads and signatures made by cosign and the sigstore
//! libraries (vectors from their public test suites, see `tests/data/README.md`) are read and verified.

use rampart_sign::{
    SignError, decrypt_private_key, encrypt_private_key, envelope, load_public_key, parse_simple_signing,
    public_key_pem, simple_signing_payload,
};

fn assert_usable(pem: &str, password: &[u8]) {
    let kp = decrypt_private_key(pem, password).unwrap_or_else(|e| panic!("cannot read cosign key: {e}"));
    // The key signs, its public half (exported as cosign.pub) verifies, and re-encryption round-trips.
    let msg = b"rampart compatibility";
    let pubkey = load_public_key(&public_key_pem(&kp)).unwrap();
    pubkey.verify(msg, &kp.sign(msg)).unwrap();
    let again = decrypt_private_key(&encrypt_private_key(&kp, password).unwrap(), password).unwrap();
    assert_eq!(again.public_key(), kp.public_key());
    // And the wrong password is refused.
    let err = decrypt_private_key(pem, b"not the password").unwrap_err();
    assert!(matches!(err, SignError::WrongPassword { .. }), "{err}");
}

#[test]
fn cosign_sigstore_label_key_with_password() {
    assert_usable(include_str!("data/cosign-keys_test-sigstore.key"), b"hello");
}

#[test]
fn cosign_legacy_cosign_label_key_with_password() {
    assert_usable(include_str!("data/cosign-keys_test-cosign.key"), b"hello");
}

#[test]
fn sigstore_rs_cosign_label_key() {
    assert_usable(include_str!("data/sigstore-rs-ecdsa_encrypted_private.key"), b"123");
}

#[test]
fn cosign_generated_key_with_empty_password_and_stronger_scrypt() {
    // N=65536 (newer go-securesystemslib), empty password (cosign generate-key-pair with no password).
    assert_usable(include_str!("data/sigstore-rs-cosign_generated_encrypted_empty_private.key"), b"");
}

#[test]
fn cosign_sec1_content_is_read() {
    // cosign's own test expects Go's PKCS#8 parser to refuse this one; the envelope opens (N=65536) and the
    // SEC 1 content is a valid P-256 key, so Rampart reads it.
    assert_usable(include_str!("data/cosign-keys_test-cosign-ec-sec1.key"), b"hello");
}

/// go-securesystemslib `encrypted/encrypted_test.go`, passphrase "supersecret": the three KDF-strength vectors
/// (made with `Marshal`, so the plaintext is the JSON string of base64("reallyimportant")) and the `Decrypt`
/// vector (plaintext "reallyimportant").
#[test]
fn go_securesystemslib_envelope_vectors() {
    let marshalled = br#""cmVhbGx5aW1wb3J0YW50""#.as_slice();
    let vectors = [
        (
            marshalled,
            r#"{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"WO3mVvyTwJ9vwT5/Tk5OW5WPIBUofMjcpEfrLnfY4uA="},"cipher":{"name":"nacl/secretbox","nonce":"tCy7HcTFr4uxv4Nrg/DWmncuZ148U1MX"},"ciphertext":"08n43p5G5yviPEZpO7tPPF4aZQkWiWjkv4taFdhDBA0tamKH4nw="}"#,
        ),
        (
            marshalled,
            r#"{"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":"FhzPOt9/bJG4PTq6lQ6ecG6GzaOuOy/ynG5+yRiFlNs="},"cipher":{"name":"nacl/secretbox","nonce":"aw1ng1jHaDz/tQ7V2gR9O2+IGQ8xJEuE"},"ciphertext":"HycvuLZL4sYH0BrYTh4E/H20VtAW6u5zL5Pr+IBjYLYnCPzDkq8="}"#,
        ),
        (
            marshalled,
            r#"{"kdf":{"name":"scrypt","params":{"N":131072,"r":8,"p":1},"salt":"m38E3kouJTtiheLQN22NQ8DTito5hrjpUIskqcd375k="},"cipher":{"name":"nacl/secretbox","nonce":"Y6PM13yA+o44pE/W1ZBwczeGnTV/m9Zc"},"ciphertext":"6H8sqj1K6B6yDjtH5AQ6lbFigg/C2yDDJc4rYJ79w9aVPImFIPI="}"#,
        ),
        (
            b"reallyimportant".as_slice(),
            r#"{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"N9a7x5JFGbrtB2uBR81jPwp0eiLR4A7FV3mjVAQrg1g="},"cipher":{"name":"nacl/secretbox","nonce":"2h8HxMmgRfuYdpswZBQaU3xJ1nkA/5Ik"},"ciphertext":"SEW6sUh0jf2wfdjJGPNS9+bkk2uB+Cxamf32zR8XkQ=="}"#,
        ),
    ];
    for (want, v) in vectors {
        let plain = envelope::open(v.as_bytes(), b"supersecret").unwrap_or_else(|e| panic!("{e}: {v}"));
        assert_eq!(plain.as_slice(), want);
        assert!(matches!(envelope::open(v.as_bytes(), b"supersecreT"), Err(SignError::WrongPassword { .. })));
    }
    // Parameters outside the accepted sets are refused before any work (DoS guard), like Go's library.
    let odd = r#"{"kdf":{"name":"scrypt","params":{"N":99,"r":99,"p":99},"salt":"cZFcQJdwPhPyhU1R4qkl0qVOIjZd4V/7LYYAavq166k="},"cipher":{"name":"nacl/secretbox","nonce":"7vhRS7j0hEPBWV05skAdgLj81AkGeE7U"},"ciphertext":"6WYU/YSXVbYzl/NzaeAzmjLyfFhOOjLc0d8/GFV0aBFdJvyCcXc="}"#;
    let err = envelope::open(odd.as_bytes(), b"supersecret").unwrap_err();
    assert!(err.to_string().contains("unsupported scrypt parameters N=99 r=99 p=99"), "{err}");
}

/// sigstore `pkg/signature/payload/payload_test.go` (`TestMarshalCosign`, "no claims"): the exact bytes.
#[test]
fn payload_bytes_match_sigstore_marshalling() {
    let digest = "sha256:d34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33f";
    let expected = r#"{"critical":{"identity":{"docker-reference":"example.com/test/image"},"image":{"docker-manifest-digest":"sha256:d34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33fd34db33f"},"type":"cosign container image signature"},"optional":null}"#;
    assert_eq!(
        String::from_utf8(simple_signing_payload("example.com/test/image", digest)).unwrap(),
        expected
    );
}

/// A signature made by cosign with a key (sigstore-rs `src/cosign/signature_layers.rs`,
/// `build_correct_signature_layer_without_bundle`): verifying it against the payload Rampart builds for the
/// same reference and digest proves both the payload bytes and the signature scheme are cosign's.
#[test]
fn cosign_signature_verifies_over_rampart_payload() {
    let cosign_pub = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAENptdY/l3nB0yqkXLBWkZWQwo6+cu
OSWS1X9vPavpiQOoTTGC0xX57OojUadxF1cdQmrsiReWg2Wn4FneJfa8xw==
-----END PUBLIC KEY-----";
    let other_pub = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAETJP9cqpUQsn2ggmJniWGjHdlsHzD
JsB89BPhZYch0U0hKANx5TY+ncrm0s8bfJxxHoenAEFhwhuXeb4PqIrtoQ==
-----END PUBLIC KEY-----";
    let signature =
        "MEUCIQD6q/COgzOyW0YH1Dk+CCYSt4uAhm3FDHUwvPI55zwnlwIgE0ZK58ZOWpZw8YVmBapJhBqCfdPekIknimuO0xH8Jh8=";
    let digest = "sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b";
    let payload = simple_signing_payload("registry-testing.svc.lan/busybox", digest);

    let key = load_public_key(cosign_pub).unwrap();
    key.verify_base64(&payload, signature).unwrap();
    // One byte off (another digest), or another key: refused.
    let other_digest = "sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06c";
    assert!(
        key.verify_base64(
            &simple_signing_payload("registry-testing.svc.lan/busybox", other_digest),
            signature
        )
        .is_err()
    );
    assert!(load_public_key(other_pub).unwrap().verify_base64(&payload, signature).is_err());

    let parsed = parse_simple_signing(&payload).unwrap();
    assert_eq!(parsed.manifest_digest, digest);
    assert_eq!(parsed.docker_reference, "registry-testing.svc.lan/busybox");
    assert_eq!(parsed.optional, None);
}
