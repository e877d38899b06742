//! The password envelope of cosign's encrypted private keys (go-securesystemslib's `encrypted` package):
//! a JSON document
//!
//! ```json
//! {"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"<base64, 32 bytes>"},
//!  "cipher":{"name":"nacl/secretbox","nonce":"<base64, 24 bytes>"},
//!  "ciphertext":"<base64>"}
//! ```
//!
//! The 32-byte secretbox (XSalsa20-Poly1305) key is `scrypt(password, salt, N, r, p)`. Base64 is the standard
//! alphabet with padding (Go's `[]byte` JSON encoding). [`seal`] writes `N = 32768, r = 8, p = 1` (what every
//! cosign version writes and reads); [`open`] also accepts the two stronger parameter sets newer
//! go-securesystemslib versions write (`N = 65536` and `N = 131072`, `r = 8, p = 1`) and refuses any other,
//! so a tampered file cannot make the KDF use unbounded time or memory.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use crypto_secretbox::aead::{Aead, KeyInit};
use crypto_secretbox::{Key, Nonce, XSalsa20Poly1305};
use p256::elliptic_curve::rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::SignError;

const KDF_NAME: &str = "scrypt";
const CIPHER_NAME: &str = "nacl/secretbox";
const SALT_LEN: usize = 32;
const NONCE_LEN: usize = 24;
const KEY_LEN: usize = 32;
/// `(N, r, p)` written by [`seal`].
const SEAL_PARAMS: (u64, u32, u32) = (32768, 8, 1);
/// `(N, r, p)` accepted by [`open`].
const ACCEPTED_PARAMS: [(u64, u32, u32); 3] = [(32768, 8, 1), (65536, 8, 1), (131072, 8, 1)];

#[derive(Serialize, Deserialize)]
struct Envelope {
    kdf: Kdf,
    cipher: Cipher,
    ciphertext: String,
}

#[derive(Serialize, Deserialize)]
struct Kdf {
    name: String,
    params: KdfParams,
    salt: String,
}

#[derive(Serialize, Deserialize)]
struct KdfParams {
    #[serde(rename = "N")]
    n: u64,
    r: u32,
    p: u32,
}

#[derive(Serialize, Deserialize)]
struct Cipher {
    name: String,
    nonce: String,
}

fn derive_key(
    password: &[u8],
    salt: &[u8],
    (n, r, p): (u64, u32, u32),
) -> Result<Zeroizing<[u8; KEY_LEN]>, SignError> {
    if !n.is_power_of_two() || n < 2 {
        return Err(SignError::invalid_key(format!("scrypt N={n} is not a power of two")));
    }
    let log_n = n.trailing_zeros() as u8;
    let params = scrypt::Params::new(log_n, r, p, KEY_LEN)
        .map_err(|e| SignError::invalid_key(format!("scrypt parameters N={n} r={r} p={p}: {e}")))?;
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    scrypt::scrypt(password, salt, &params, key.as_mut_slice())
        .map_err(|e| SignError::Crypto(format!("scrypt: {e}")))?;
    Ok(key)
}

fn random<const N: usize>() -> Result<[u8; N], SignError> {
    let mut out = [0u8; N];
    OsRng.try_fill_bytes(&mut out).map_err(|e| SignError::Crypto(format!("random bytes: {e}")))?;
    Ok(out)
}

/// Encrypt `plaintext` under `password` into the JSON envelope (fresh random salt and nonce each call).
pub fn seal(plaintext: &[u8], password: &[u8]) -> Result<Vec<u8>, SignError> {
    let salt = random::<SALT_LEN>()?;
    let nonce = random::<NONCE_LEN>()?;
    let key = derive_key(password, &salt, SEAL_PARAMS)?;
    let cipher = XSalsa20Poly1305::new(Key::from_slice(key.as_slice()));
    let ciphertext = cipher
        .encrypt(Nonce::from_slice(&nonce), plaintext)
        .map_err(|e| SignError::Crypto(format!("secretbox: {e}")))?;
    let (n, r, p) = SEAL_PARAMS;
    let envelope = Envelope {
        kdf: Kdf { name: KDF_NAME.into(), params: KdfParams { n, r, p }, salt: B64.encode(salt) },
        cipher: Cipher { name: CIPHER_NAME.into(), nonce: B64.encode(nonce) },
        ciphertext: B64.encode(ciphertext),
    };
    serde_json::to_vec(&envelope).map_err(|e| SignError::Crypto(format!("JSON: {e}")))
}

/// Decrypt a JSON envelope written by [`seal`], cosign or go-securesystemslib. A wrong password (or altered
/// ciphertext) is [`SignError::WrongPassword`]; a malformed document or unexpected KDF parameters are
/// [`SignError::InvalidKey`].
pub fn open(envelope: &[u8], password: &[u8]) -> Result<Zeroizing<Vec<u8>>, SignError> {
    let env: Envelope = serde_json::from_slice(envelope).map_err(|e| {
        SignError::invalid_key(format!("encrypted key is not the expected JSON document: {e}"))
    })?;
    if env.kdf.name != KDF_NAME {
        return Err(SignError::invalid_key(format!("unknown key derivation function {:?}", env.kdf.name)));
    }
    if env.cipher.name != CIPHER_NAME {
        return Err(SignError::invalid_key(format!("unknown cipher {:?}", env.cipher.name)));
    }
    let params = (env.kdf.params.n, env.kdf.params.r, env.kdf.params.p);
    if !ACCEPTED_PARAMS.contains(&params) {
        return Err(SignError::invalid_key(format!(
            "unsupported scrypt parameters N={} r={} p={}",
            params.0, params.1, params.2
        )));
    }
    let b64 = |what: &str, s: &str| {
        B64.decode(s).map_err(|e| SignError::invalid_key(format!("{what} is not valid base64: {e}")))
    };
    let salt = b64("kdf.salt", &env.kdf.salt)?;
    let nonce = b64("cipher.nonce", &env.cipher.nonce)?;
    let ciphertext = b64("ciphertext", &env.ciphertext)?;
    if nonce.len() != NONCE_LEN {
        return Err(SignError::invalid_key(format!("nonce is {} bytes, expected {NONCE_LEN}", nonce.len())));
    }
    let key = derive_key(password, &salt, params)?;
    let cipher = XSalsa20Poly1305::new(Key::from_slice(key.as_slice()));
    cipher
        .decrypt(Nonce::from_slice(&nonce), ciphertext.as_slice())
        .map(Zeroizing::new)
        .map_err(|_| SignError::WrongPassword { key_file: None })
}
