//! Private keys, tokens with a self-describing structure, registry credentials and
//! Kubernetes Secrets.

use rampart_model::Severity;

use super::{DEFAULT, Redaction, Rule};
use crate::util::{docker_auth_ok, jwt_header_ok, k8s_secret_value_ok, url_password_ok};

pub(super) static RULES: &[Rule] = &[
    Rule {
        id: "gcp-service-account-private-key",
        title: "GCP service account private key",
        description: "The `private_key` of a Google Cloud service account JSON key file: it authenticates as the service account.",
        severity: Severity::Critical,
        keywords: &["private_key"],
        regex: r#""private_key"\s*:\s*"(-----BEGIN (?:RSA )?PRIVATE KEY-----(?:\\n|\\r|[A-Za-z0-9+/=])+?-----END (?:RSA )?PRIVATE KEY-----(?:\\n)?)""#,
        redaction: Redaction::FirstLine,
        stopwords: false,
        examples: &[
            r#"{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\ngfo6UbOGRQtXM9sj4Y2zYVjwZ4t0Myd6uuqpTm0BLzKargZxj4trGar2922TJMtg\nKoV/8OfQcTxiqbkChbzhNM+zoa4j65Cb8DlzXBcLX4QTo8BAzlQd72k4g9bMfRgj\n-----END PRIVATE KEY-----\n", "client_email": "svc@proj.iam.gserviceaccount.com"}"#,
        ],
        negatives: &[r#""private_key": "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n""#],
        ..DEFAULT
    },
    Rule {
        id: "private-key",
        title: "Private key",
        description: "A PEM or OpenSSH private key block (RSA, DSA, EC, OpenSSH, PKCS#8, encrypted PKCS#8, PGP): whoever holds it can impersonate its owner or decrypt its traffic.",
        severity: Severity::Critical,
        keywords: &["private key"],
        regex: r#"(-----BEGIN (?:(?:RSA|DSA|EC|OPENSSH|PGP|ENCRYPTED|SSH2 ENCRYPTED) )?PRIVATE KEY(?: BLOCK)?-----[ \t]*(?:\\r)?(?:\\n|\r?\n)(?:[A-Za-z0-9+/=:,. \t-]|\\r|\\n|\r?\n){64,}?-----END (?:(?:RSA|DSA|EC|OPENSSH|PGP|ENCRYPTED|SSH2 ENCRYPTED) )?PRIVATE KEY(?: BLOCK)?-----)"#,
        redaction: Redaction::FirstLine,
        stopwords: false,
        examples: &[
            "-----BEGIN RSA PRIVATE KEY-----\nBVvCB2DtpkHlNB0GsRPnVcWTLyi+TFopy7vDdc22JAY7Hx/RUbRJ9AqAfVvuBXjj\nQ1vRWiYyEeB+BESsq/JtaAOHm4KcrVbZMoCDhH3Xz59/mv0tTZGLPKI6EpsPE671\n-----END RSA PRIVATE KEY-----\n",
            "-----BEGIN OPENSSH PRIVATE KEY-----\n7VGqbNMi3iO0yg16A70vBFQLsJcUjUaCe10Ef40IniNOtFMIOXNvfr9hV1JdyD0I\nXlbcqq4rKmMjwavE1JYMaLc0/klArKWy5ExwtUvB\n-----END OPENSSH PRIVATE KEY-----",
            "-----BEGIN EC PRIVATE KEY-----\r\nvBdEydB2n2jJmbBcWVAP0zTMpqxzh7pDnJFed+I9NpSlQYJIGoR8j5RfDUC/trH9\r\niMnfY0N5iLzas/9OvkUy7LLK4BQ=\r\n-----END EC PRIVATE KEY-----\r\n",
            "key = \"-----BEGIN PRIVATE KEY-----\\n8PlBZNFBsHpGGhaHzvBroAp+a06QjdFo5wRXsWu6nmzocpPVAdmGNBwGlclg6eQUY1zJ3T3NwdeBelJy\\n-----END PRIVATE KEY-----\\n\"",
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nwbmegXoZc/wThuGAkaRpgz2K6k9v+1M16JbUlbNwjoGwHEc/twCE1rn85eG6hKd/\n6rnqGG9SF+ZnrrzEE9Uhgi+690Lkhpymwm1XoQ+xYKtMFSsO2XiPRdJ+5DG/ksY/\n-----END PGP PRIVATE KEY BLOCK-----",
        ],
        negatives: &[
            "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
            "-----BEGIN PUBLIC KEY-----\nmlh6QrjJIvu+IKsC8M/Ew4hU5nA7yP3e6dPAdxrES4MXiOGp+WB07uEbPIjXvC/r\n/Tg+d7v7PhF6mn0crnrclHNBiGbC5sO8fBw+AUqtuAz38FWGzt1QzvvckM4V0m9b\n-----END PUBLIC KEY-----",
            "if line.starts_with(\"-----BEGIN PRIVATE KEY-----\") {",
        ],
        ..DEFAULT
    },
    Rule {
        id: "putty-private-key",
        title: "PuTTY private key",
        description: "A PuTTY `.ppk` private key file with its private lines.",
        severity: Severity::Critical,
        keywords: &["putty-user-key-file"],
        regex: r#"(PuTTY-User-Key-File-\d+: [^\r\n]+(?:\r?\n[^\r\n]*){2,40}?\r?\nPrivate-Lines: \d+\r?\n[A-Za-z0-9+/=\r\n]{32,})"#,
        redaction: Redaction::FirstLine,
        stopwords: false,
        examples: &[
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: me\nPublic-Lines: 2\nWUOGZq5KVPBDb6SKCuBd+HBPLZouIsuJqmFRu9qbaMpsIebWVOSlqmf/yU48WFH1\nJHrqPEjTcim+VmN9Nj21gjh8\nPrivate-Lines: 1\nNi108aMOLlEPiC4/Usv8Wsw3z4NGJib69wm7qQwo5r0=\n",
        ],
        negatives: &["PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"],
        ..DEFAULT
    },
    Rule {
        id: "age-secret-key",
        title: "age secret key",
        description: "An age encryption identity (`AGE-SECRET-KEY-1...`): decrypts everything encrypted to it.",
        severity: Severity::Critical,
        keywords: &["age-secret-key-1"],
        regex: r#"\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b"#,
        examples: &["AGE-SECRET-KEY-1HNZ9H47UALURFS5CKPQQSQL59HAV8YQDE2G05EAATX9APPQ8H99M8A586V"],
        negatives: &[
            "AGE-SECRET-KEY-1QQQQ",
            "age1e6ljyd8uuwlvy2ec9lvk7xlfsmqnhy5dnhgkweuqay3gta2wkzs8078ggc",
        ],
        ..DEFAULT
    },
    Rule {
        id: "jwt",
        title: "JSON Web Token",
        description: "A signed JWT (`eyJ...` header, payload and signature): often a long-lived bearer credential.",
        severity: Severity::Medium,
        keywords: &["eyj"],
        regex: r#"\b(eyJ[A-Za-z0-9_-]{10,}={0,2}\.eyJ[A-Za-z0-9_-]{10,}={0,2}\.[A-Za-z0-9_-]{16,}={0,2})"#,
        validate: Some(jwt_header_ok),
        examples: &[
            "token: eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAiODM2NzgzNDkiLCAibmFtZSI6ICJzdmMiLCAiaWF0IjogMTcwMDAwMDAwMH0.h6EraSZ4PIEw0_lzgJ5iOduuCSHfV7oOBtFBRIQTupo",
        ],
        negatives: &[
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0",
            "eyJub3RhIjoiand0In0.eyJzdWIiOiIxMjM0In0.g6Wq0idzVcTc18RaerXVb13DIHzuj2",
        ],
        ..DEFAULT
    },
    Rule {
        id: "docker-config-auth",
        title: "Docker registry credentials",
        description: "An `auth` entry (base64 of `user:password`) under `auths` in a Docker `config.json`: logs in to the registry.",
        severity: Severity::High,
        keywords: &["\"auth\""],
        regex: r#""auth"\s*:\s*"([A-Za-z0-9+/]{8,}={0,2})""#,
        requires: Some(r#""auths"\s*:"#),
        validate: Some(docker_auth_ok),
        examples: &[
            r#"{"auths": {"registry.example.io": {"auth": "ZGVwbG95OndQcEo5c2pRdHZHWVo1YU8wVHRG"}}}"#,
        ],
        negatives: &[
            r#"{"auths": {"ghcr.io": {"auth": "dXNlcm5hbWU="}}}"#,
            r#"{"auth": "ZGVwbG95OmJYcmVod1laeE5Cd2tmVzVWTktl"}"#,
        ],
        ..DEFAULT
    },
    Rule {
        id: "kubernetes-secret-data",
        title: "Kubernetes Secret data",
        description: "A non-empty base64 value under `data:` of a Kubernetes `kind: Secret` manifest; each key is reported.",
        severity: Severity::Medium,
        keywords: &["kind: secret", "kind: \"secret\""],
        regex: r#"(?m)^[ \t]+["']?[A-Za-z0-9._-]+["']?:[ \t]*["']?([A-Za-z0-9+/]{4,}={0,2})["']?[ \t]*\r?$"#,
        region: Some(r#"(?m)^data:[ \t]*\r?\n((?:[ \t]+[^\n]*(?:\n|$)|[ \t]*\r?\n)+)"#),
        requires: Some(r#"(?m)^kind:[ \t]*["']?Secret["']?[ \t]*\r?$"#),
        validate: Some(k8s_secret_value_ok),
        examples: &[
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  password: VXc1dmN1ZDVmWEhIQ0hyVjRG\n  username: ZGJhZG1pbg==\n",
        ],
        negatives: &[
            "apiVersion: v1\nkind: ConfigMap\ndata:\n  password: UlNWY0pUSUN0SVQ3RkRkUmZa\n",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: longsecretname\ndata: {}\n",
            "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\ndata:\n  ca.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=\n",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: Y2hhbmdlbWU=\n",
        ],
        ..DEFAULT
    },
    Rule {
        id: "kubernetes-secret-stringdata",
        title: "Kubernetes Secret stringData",
        description: "A plaintext value under `stringData:` of a Kubernetes `kind: Secret` manifest; each key is reported (template references and placeholders are not).",
        severity: Severity::Medium,
        keywords: &["kind: secret", "kind: \"secret\""],
        regex: r#"(?m)^[ \t]+["']?[A-Za-z0-9._-]+["']?:[ \t]*["']?([^\s"'#|>][^\s"'#]{5,})["']?[ \t]*\r?$"#,
        region: Some(r#"(?m)^stringData:[ \t]*\r?\n((?:[ \t]+[^\n]*(?:\n|$)|[ \t]*\r?\n)+)"#),
        requires: Some(r#"(?m)^kind:[ \t]*["']?Secret["']?[ \t]*\r?$"#),
        validate: Some(url_password_ok),
        examples: &[
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\nstringData:\n  API_TOKEN: Zr8vK2mQ9xLp4Tw7\n",
        ],
        negatives: &[
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\nstringData:\n  API_TOKEN: ${API_TOKEN}\n  other: \"{{ .Values.token }}\"\n",
            "apiVersion: v1\nkind: ConfigMap\nstringData:\n  API_TOKEN: Zr8vK2mQ9xLp4Tw7\n",
        ],
        ..DEFAULT
    },
];
