//! Generic detectors: connection URLs with passwords and secret-named assignments.
//! They come last so a provider rule matching the same text wins.

use rampart_model::Severity;

use super::{DEFAULT, Rule};
use crate::util::{generic_value_ok, header_token_ok, hex_secret_ok, url_password_ok};

/// The spellings of secret-like names that the name-based rules (`xml-config-secret`,
/// `generic-secret-assignment`, `generic-hex-secret`) look for: every name their regexes accept
/// contains one of them, so their matches always hold a keyword.
const SECRET_NAMES: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "api-key",
    "api.key",
    "access_key",
    "accesskey",
    "access-key",
    "access.key",
    "private_key",
    "privatekey",
    "private-key",
    "private.key",
    "auth_key",
    "authkey",
    "auth-key",
    "auth.key",
    "credential",
];

pub(super) static RULES: &[Rule] = &[
    Rule {
        id: "database-url-password",
        title: "Database connection URL with password",
        description: "A PostgreSQL, MySQL/MariaDB, MongoDB (incl. `+srv`), Redis, AMQP, MSSQL or JDBC connection URL embedding a password (`scheme://user:password@host`).",
        keywords: &[
            "postgres",
            "mysql",
            "mariadb",
            "mongodb",
            "redis",
            "rediss",
            "amqp",
            "mssql",
            "sqlserver",
            "cockroachdb",
            "clickhouse",
        ],
        regex: r#"(?i)\b(?:jdbc:)?(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|cockroachdb|clickhouse)(?:\+[a-z0-9]+)?://[^\s:@/'"`]{0,128}:([^\s@/'"`]{1,256})@[A-Za-z0-9_.\[\]-]+"#,
        validate: Some(url_password_ok),
        examples: &[
            "DATABASE_URL=postgres://app:zWIYuJxnXlu8ejSx@db.internal:5432/app",
            "mongodb+srv://svc:gkIekkcXWjsl@cluster0.abcd.mongodb.net/prod",
            "redis://:43HnPstkLJlZVPHmmUCS@cache:6379/0",
            "amqp://guest:xhPutxa2qzagZN@rabbit:5672",
            "jdbc:mysql://root:p3hP3eeS0e@localhost:3306/db",
        ],
        negatives: &[
            "postgres://app@db.internal/app",
            "postgres://user:password@localhost/db",
            "postgres://app:${DB_PASSWORD}@db/app",
            "mysql://root:<password>@localhost",
        ],
        ..DEFAULT
    },
    Rule {
        id: "url-credentials",
        title: "Credentials in a URL",
        description: "A password in the user-info part of an HTTP(S), FTP, Git or SSH URL (`https://user:password@host`), e.g. a private package index or a Git remote.",
        severity: Severity::High,
        keywords: &["://"],
        regex: r#"(?i)\b(?:https?|ftps?|git|ssh|git\+https?|git\+ssh|svn|ldaps?|smtps?)://[A-Za-z0-9._~%!*+-]{1,128}:([^\s@/'"`<>{}\[\]\\]{3,256})@[A-Za-z0-9_.-]+\.[A-Za-z0-9_.-]+"#,
        validate: Some(url_password_ok),
        examples: &[
            "index-url = https://deploy:zcrJaBnx7IfDH5@pypi.internal.acme.io/simple",
            "git remote add origin https://ci-bot:mMDdwin86TkVYCM7l8GQ@git.acme.io/app.git",
        ],
        negatives: &[
            "https://user:password@example.org",
            "https://${USER}:${PASS}@host.io",
            "https://git.acme.io/app.git",
            "ssh://git@github.com:22/a/b.git",
        ],
        ..DEFAULT
    },
    Rule {
        id: "authorization-header",
        title: "Credential in an HTTP Authorization header",
        description: "A literal bearer token, API token or basic-auth credential written into an `Authorization` header (curl `-H`, HTTP client code, `.http` files, proxy configs). Variables (`$TOKEN`, `${TOKEN}`, `{{token}}`) are not reported.",
        severity: Severity::High,
        keywords: &["authorization"],
        regex: r#"(?i)\bauthorization["']?[ \t]*[:=][ \t]*["']?(?:bearer|token|basic|apikey|api-key)[ \t]+([A-Za-z0-9._~+/=-]{20,1024})"#,
        entropy_min: Some(3.5),
        validate: Some(header_token_ok),
        examples: &[
            "curl -H 'Authorization: Bearer 9dQw7LzX2kRt5VbNhC3mPq8sYf1GjKx0aZ' https://api.acme.io/v1",
            "headers = {\"Authorization\": \"token Yq3Lm8Rt2Vw9Xz4Ab7Cd1Ef6Gh0Jk5Np\"}",
            "Authorization: Basic ZGVwbG95OnpXSVl1SnhuWGx1OGVqU3g=",
        ],
        negatives: &[
            "curl -H \"Authorization: Bearer $TOKEN\" https://api.acme.io",
            "Authorization: Bearer ${API_TOKEN}",
            "Authorization: Bearer <your-token-here>",
            "Authorization: Bearer abcdefghijklmnopqrstuvwxyz",
            "'Authorization': 'Bearer ' + token",
        ],
        ..DEFAULT
    },
    Rule {
        id: "curl-basic-auth",
        title: "Password in a curl command",
        description: "A literal password given to curl with `-u user:password` or `--user user:password` (shell scripts, CI files, Dockerfiles, READMEs).",
        severity: Severity::High,
        keywords: &["curl"],
        regex: r#"\bcurl\b[^\n]*?[ \t](?:-u|--user)(?:[ \t]+|=)["']?[^\s:"'$]{1,64}:([^\s"'@]{6,128})["']?(?:\s|$)"#,
        validate: Some(url_password_ok),
        entropy_min: Some(2.5),
        examples: &[
            "curl -u admin:V8pQ2mXz7LkR https://ci.acme.io/job/build",
            "curl -fsS --user deploy:hK8mQ2vL9xZs -X POST https://nexus.acme.io/upload",
        ],
        negatives: &[
            "curl -u \"$USER:$PASS\" https://ci.acme.io",
            "curl -u admin:${ADMIN_PASSWORD} https://ci.acme.io",
            "curl -u user:password https://example.org",
            "curl -u token: https://api.acme.io",
        ],
        ..DEFAULT
    },
    Rule {
        id: "xml-config-secret",
        title: "Secret in an XML configuration",
        description: "A literal value in an XML configuration under a secret-named key: .NET `<add key=\"ApiSecret\" value=\"...\"/>` settings, and `<password>`, `<secret>`, `<token>`, `<apiKey>`, `<clientSecret>` elements (Maven `settings.xml`, Spring, Tomcat, NuGet).",
        severity: Severity::Medium,
        keywords: SECRET_NAMES,
        regex: r#"(?i)(?:<add[ \t]+key[ \t]*=[ \t]*"[^"\n]{0,40}(?:password|passwd|pwd|secret|token|api_?key|access_?key)[^"\n]{0,40}"[ \t]+value[ \t]*=[ \t]*"([^"\n]{8,200})"|<(?:password|passwd|secret|token|api_?key|access_?key|client_?secret|auth_?token)>([^<\s]{8,200})</)"#,
        secret_group: 0,
        entropy_min: Some(3.0),
        validate: Some(generic_value_ok),
        examples: &[
            "<add key=\"PaymentApiSecret\" value=\"q7Xz2LmR9tVw4KpB8sNd\" />",
            "<server><id>nexus</id><username>deploy</username><password>hK8#mQ2vL9xZs</password></server>",
        ],
        negatives: &[
            "<add key=\"ApiSecret\" value=\"${API_SECRET}\" />",
            "<password>${env.NEXUS_PASSWORD}</password>",
            "<password>changeme</password>",
            "<add key=\"Timeout\" value=\"q7Xz2LmR9tVw4KpB8sNd\" />",
        ],
        ..DEFAULT
    },
    Rule {
        id: "generic-secret-assignment",
        title: "Secret assigned to a secret-named variable",
        description: "A high-entropy value assigned to a variable or key named like a secret (password, passwd, secret, token, api_key, access_key, private_key, client_secret, auth_key...), in code, .env, INI, YAML or JSON. Code references, template variables, placeholders and hashes are rejected.",
        severity: Severity::Medium,
        keywords: SECRET_NAMES,
        regex: r#"(?:password|passwd|pwd|secret|token|api[_.-]?key|access[_.-]?key|private[_.-]?key|auth[_.-]?key|credentials?)[a-z0-9_-]{0,20}["']?[ \t]*(?:=|:=|:|=>)[ \t]*(?:"([^"\r\n]{8,200})"|'([^'\r\n]{8,200})'|([^\s"'`,;]*[a-z][^\s"'`,;]*)(?:[\s,;]|$))"#,
        lowercase: true,
        secret_group: 0,
        entropy_min: Some(3.0),
        validate: Some(generic_value_ok),
        examples: &[
            "\"password\": \"Tr0ub4dor&3-prod\"",
            "DB_PASSWORD=hK8#mQ2vL9xZ",
            "client_secret: '9fQw7LzX2kRt5VbN'",
            "api_key = \"HbJxlrZdxuN2EYyijAg6oYfh73uenotv\"",
        ],
        negatives: &[
            "password = ${DB_PASSWORD}",
            "password = get_password_from_vault()",
            "API_KEY = os.environ[\"API_KEY\"]",
            "password: changeme123",
            "token = \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"",
            "password_field = user_password_input",
            "secret: aaaaaaaaaaaa",
            "INFO offset token_count=694738291 took 0.349s",
            "token_expiry: 2026-11-17T05:58:00Z",
            "SESSION_SECRET_ID=3b25c0de-9f1a-4c2e-8d7b-5a6f0e1d2c3b",
        ],
        ..DEFAULT
    },
    Rule {
        id: "generic-hex-secret",
        title: "Hexadecimal secret assigned to a secret-named variable",
        description: "A random hexadecimal value (32 to 128 digits: API keys, Rails `SECRET_KEY_BASE`, HMAC keys) assigned to a variable named exactly like a secret (`api_key`, `secret`, `secret_key_base`, `auth_token`, ...). Names that announce a hash (`password_hash`, `token_sha256`) or an id (`token_id`) are not matched, and digests of empty input are dropped.",
        severity: Severity::Medium,
        keywords: SECRET_NAMES,
        regex: r#"(?:secret|token|api[_.-]?key|access[_.-]?key|auth[_.-]?key|private[_.-]?key|password|passwd)(?:[_.-](?:key|base|value)){0,2}["']?[ \t]*(?:=|:=|:|=>)[ \t]*["']?([a-f0-9]{32,128})(?:["'\s,;]|$)"#,
        lowercase: true,
        entropy_min: Some(3.0),
        validate: Some(hex_secret_ok),
        examples: &[
            "API_KEY=8a3f5c9e2b7d4f1a6c0e9b8d7a5f3c2e",
            "secret_key_base: 5c0e9b8d7a5f3c2e8a3f5c9e2b7d4f1a6c0e9b8d7a5f3c2e8a3f5c9e2b7d4f1a",
            "\"apiKey\": \"0f4b2c8e6a1d3f5b7c9e0a2b4d6f8e1c\"",
            "private.key: 4d7e1a9c3b5f0e2d8a6c4b1f9e3d7a5c",
        ],
        negatives: &[
            "token = \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"",
            "password_hash: 5f4dcc3b5aa765d61d8327deb882cf99",
            "token_id = 9f8e7d6c5b4a39281706f5e4d3c2b1a0",
            "secret = \"00000000000000000000000000000000\"",
            "api_key: 0123456789abcdef0123456789abcdef",
        ],
        ..DEFAULT
    },
];
