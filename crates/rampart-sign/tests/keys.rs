//! Keys, envelopes and payloads: round trips, errors on wrong passwords and malformed input.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use rampart_sign::{
    SignError, decrypt_private_key, encrypt_private_key, generate_key_pair, load_public_key,
    parse_simple_signing, public_key_pem, simple_signing_payload,
};
use serde_json::Value;

/// The JSON body of an encrypted key PEM.
fn envelope_json(pem: &str) -> Value {
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    serde_json::from_slice(&B64.decode(b64).unwrap()).unwrap()
}

#[test]
fn encrypted_key_round_trip_and_format() {
    let kp = generate_key_pair();
    let pem = encrypt_private_key(&kp, b"correct horse").unwrap();
    assert!(pem.starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"), "{pem}");
    assert!(pem.ends_with("-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"), "{pem}");
    assert!(pem.lines().all(|l| l.len() <= 64), "64-column lines: {pem}");

    // The envelope is go-securesystemslib's document with cosign's parameters.
    let env = envelope_json(&pem);
    assert_eq!(env["kdf"]["name"], "scrypt");
    assert_eq!(env["kdf"]["params"], serde_json::json!({"N": 32768, "r": 8, "p": 1}));
    assert_eq!(B64.decode(env["kdf"]["salt"].as_str().unwrap()).unwrap().len(), 32);
    assert_eq!(env["cipher"]["name"], "nacl/secretbox");
    assert_eq!(B64.decode(env["cipher"]["nonce"].as_str().unwrap()).unwrap().len(), 24);
    // PKCS#8 DER of a P-256 key is 138 bytes; secretbox adds a 16-byte tag.
    assert_eq!(B64.decode(env["ciphertext"].as_str().unwrap()).unwrap().len(), 138 + 16);
    let keys: Vec<&String> = env.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 3, "{env}");

    let back = decrypt_private_key(&pem, b"correct horse").unwrap();
    assert_eq!(back.public_key(), kp.public_key());
    // Fresh salt and nonce each time.
    assert_ne!(encrypt_private_key(&kp, b"correct horse").unwrap(), pem);
}

#[test]
fn empty_password_round_trip() {
    let kp = generate_key_pair();
    let pem = encrypt_private_key(&kp, b"").unwrap();
    assert_eq!(decrypt_private_key(&pem, b"").unwrap().public_key(), kp.public_key());
    assert!(matches!(decrypt_private_key(&pem, b"x"), Err(SignError::WrongPassword { .. })));
}

#[test]
fn wrong_password_is_a_clear_error_naming_the_file() {
    let pem = encrypt_private_key(&generate_key_pair(), b"right").unwrap();
    let err = decrypt_private_key(&pem, b"wrong").unwrap_err().with_key_file("keys/cosign.key");
    assert!(matches!(err, SignError::WrongPassword { .. }));
    assert_eq!(
        err.to_string(),
        "encrypted private key keys/cosign.key: decryption failed: wrong password, or the key file is corrupt"
    );
}

#[test]
fn tampered_ciphertext_is_refused() {
    let pem = encrypt_private_key(&generate_key_pair(), b"pw").unwrap();
    let mut env = envelope_json(&pem);
    let mut ct = B64.decode(env["ciphertext"].as_str().unwrap()).unwrap();
    ct[10] ^= 1;
    env["ciphertext"] = Value::String(B64.encode(ct));
    let body = B64.encode(serde_json::to_vec(&env).unwrap());
    let bad = format!(
        "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n{body}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"
    );
    assert!(matches!(decrypt_private_key(&bad, b"pw"), Err(SignError::WrongPassword { .. })));
}

#[test]
fn malformed_private_keys_are_errors_not_panics() {
    let good = encrypt_private_key(&generate_key_pair(), b"pw").unwrap();
    let body_line = good.lines().nth(1).unwrap();
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "no PEM block found"),
        ("not a key at all".into(), "no PEM block found"),
        (good.replace("-----END ENCRYPTED SIGSTORE PRIVATE KEY-----", ""), "has no -----END"),
        (good.replace(body_line, "!!!!"), "not valid base64"),
        (
            "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nbm90IGpzb24=\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n".into(),
            "not the expected JSON document",
        ),
        (good.replace("SIGSTORE", "MYSTERY"), "unsupported PEM block \"ENCRYPTED MYSTERY PRIVATE KEY\""),
        (public_key_pem(&generate_key_pair()), "this is a public key"),
        (
            "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END EC PRIVATE KEY-----\n".into(),
            "legacy OpenSSL encryption",
        ),
        ("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".into(), "not a PKCS#8 or SEC 1"),
    ];
    for (pem, want) in cases {
        let err = decrypt_private_key(&pem, b"pw").unwrap_err().with_key_file("k.key");
        let msg = err.to_string();
        assert!(matches!(err, SignError::InvalidKey { .. }), "{pem:?}: {msg}");
        assert!(msg.contains(want) && msg.contains("k.key"), "{pem:?}: {msg} (want {want:?})");
    }
    // KDF parameters are checked before deriving (a tampered N cannot cost unbounded time or memory).
    let mut env = envelope_json(&good);
    env["kdf"]["params"]["N"] = Value::from(1u64 << 40);
    let body = B64.encode(serde_json::to_vec(&env).unwrap());
    let pem = format!(
        "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n{body}\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"
    );
    let err = decrypt_private_key(&pem, b"pw").unwrap_err();
    assert!(err.to_string().contains("unsupported scrypt parameters"), "{err}");
}

#[test]
fn unencrypted_pkcs8_and_sec1_keys_are_read() {
    // A PKCS#8 "PRIVATE KEY" P-256 key and its SEC 1 form (cosign's keys_test.go `validecpkcs8` / `validecp256`).
    let pkcs8 = "-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgmKnLL81dCEYc6Spq
rFukFeTnU5JjtXfeNHAXJj3hYTahRANCAATjp4/Z4tUbZwUdId07GQeUdwLll4Br
YLP25Fk+mBY2G0lyKqjqLG5hxhimbEJH6j+lzg5tcYpQgzXtOJ66Zi0N
-----END PRIVATE KEY-----";
    let sec1 = "-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIIGhcmCI5F7BPMH4r3pWCpQdAsveErdU5DjvVQerErJuoAoGCCqGSM49
AwEHoUQDQgAE+9E3Qe+h25ofmz3Uo2T004Dfy49iX06MMbxf9rsGmLkOPrS0KYDl
1QMfFuSbrtf8wTWNT9HNxrW/Foz39mDhHw==
-----END EC PRIVATE KEY-----";
    for pem in [pkcs8, sec1] {
        let kp = decrypt_private_key(pem, b"").unwrap();
        kp.public_key().verify(b"m", &kp.sign(b"m")).unwrap();
    }
}

#[test]
fn non_p256_keys_are_unsupported() {
    // cosign's keys_test.go `ed25519key` (PKCS#8 Ed25519) and `validecp384` (SEC 1 P-384).
    let ed25519 = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIALEbo1EFnWFqBK/wC+hhypG/8hXEerwdNetAoFoFVdv
-----END PRIVATE KEY-----";
    let err = decrypt_private_key(ed25519, b"").unwrap_err();
    assert!(matches!(&err, SignError::UnsupportedKey { algorithm, .. } if algorithm == "Ed25519"), "{err}");
    assert!(err.to_string().contains("only ECDSA P-256"), "{err}");
    let p384 = "-----BEGIN EC PRIVATE KEY-----
MIGkAgEBBDDWIebxSdyJVber6J/l5MKnD0+VU0b7fcjY/RbIxuIsHLVIvwJrSohY
r3gJ/iJmIKGgBwYFK4EEACKhZANiAAQeoKZkkc1GafmIgp1tbNbMBjr2EdvX2dtT
lGhzHJgE0YB6TavazcYH1iOBNmX7/pInCopiyWbjF/5olrRKJMG6DQz80td++fYf
O4tr+Z3nyUgRGmf/fqYA4PSN30CuOMU=
-----END EC PRIVATE KEY-----";
    assert!(decrypt_private_key(p384, b"").is_err());
    // An RSA public key (cosign's keys_test.go `invalidrsawithpubkey`).
    let rsa_pub = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAx5piWVlE62NnZ0UzJ8Z6
oKiKOC4dbOZ1HsNhIRtqkM+Oq4G+25yq6P+0JU/Qvr9veOGEb3R/J9u8JBo+hv2i
5X8OtgvP2V2pi6f1s6vK7L0+6uRb4YTT/UdMshaVf97MgEqbq41Jf/cuvh+3AV0t
Z1BpixZg4aXMKpY6HUP69lbsu27oSUN1myMv7TSgZiV4CYs3l/gkEfpysBptWlcH
Ruw5RsB+C0RbjRtbJ/5VxmE/vd3Mlafd5t1WSpMb8yf0a84u5NFaXwZ7CweMfXeO
ddS0yb19ShSuW3PPRadruBM1mq15js9GfagPxDS75Imcs+fA62lWvHxEujTGjYHx
awIDAQAB
-----END PUBLIC KEY-----";
    let err = load_public_key(rsa_pub).unwrap_err().with_key_file("rsa.pub");
    assert_eq!(err.to_string(), "key rsa.pub: RSA keys are not supported (only ECDSA P-256)");
}

#[test]
fn public_key_pem_round_trip_and_errors() {
    let kp = generate_key_pair();
    let pem = public_key_pem(&kp);
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"), "{pem}");
    assert!(pem.ends_with("-----END PUBLIC KEY-----\n"));
    let pubkey = load_public_key(&pem).unwrap();
    assert_eq!(pubkey, kp.public_key());
    assert!(pubkey.fingerprint().starts_with("sha256:") && pubkey.fingerprint().len() == 71);
    assert_eq!(pubkey.clone().with_name("cosign.pub").label(), "cosign.pub");

    let sig = kp.sign(b"payload");
    pubkey.verify(b"payload", &sig).unwrap();
    assert!(pubkey.verify(b"payloaD", &sig).is_err());
    assert!(generate_key_pair().public_key().verify(b"payload", &sig).is_err());
    assert!(pubkey.verify(b"payload", b"garbage").is_err());
    assert!(pubkey.verify_base64(b"payload", "%%%").is_err());

    let err = load_public_key(&encrypt_private_key(&kp, b"").unwrap()).unwrap_err();
    assert!(err.to_string().contains("this is a private key; give the .pub file"), "{err}");
    let err = load_public_key("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").unwrap_err();
    assert!(err.to_string().contains("not a PKIX public key"), "{err}");
}

#[test]
fn payload_format_and_parse() {
    let d = format!("sha256:{}", "ab".repeat(32));
    let p = simple_signing_payload("127.0.0.1:5000/team/app", &d);
    assert_eq!(
        String::from_utf8(p.clone()).unwrap(),
        format!(
            r#"{{"critical":{{"identity":{{"docker-reference":"127.0.0.1:5000/team/app"}},"image":{{"docker-manifest-digest":"{d}"}},"type":"cosign container image signature"}},"optional":null}}"#
        )
    );
    let parsed = parse_simple_signing(&p).unwrap();
    assert_eq!(parsed.docker_reference, "127.0.0.1:5000/team/app");
    assert_eq!(parsed.manifest_digest, d);

    // Go matches keys case-insensitively (cosign's spec example spells "Docker-manifest-digest"); optional kept.
    let other = br#"{"critical":{"identity":{"docker-reference":"x/y"},"image":{"Docker-manifest-digest":"sha256:00"},"type":"cosign container image signature"},"optional":{"creator":"atomic"}}"#;
    let parsed = parse_simple_signing(other).unwrap();
    assert_eq!(parsed.manifest_digest, "sha256:00");
    assert_eq!(parsed.optional, Some(serde_json::json!({"creator": "atomic"})));

    for (bad, want) in [
        (&b"nope"[..], "not JSON"),
        (
            br#"{"critical":{"type":"atomic container signature"}}"#,
            "not \"cosign container image signature\"",
        ),
        (
            br#"{"critical":{"type":"cosign container image signature"}}"#,
            "no critical.image.docker-manifest-digest",
        ),
        (br#"[]"#, "no \"critical\""),
    ] {
        let err = parse_simple_signing(bad).unwrap_err();
        assert!(err.contains(want), "{err}");
    }
}
