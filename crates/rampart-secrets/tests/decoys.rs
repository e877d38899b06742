//! Near misses that real trees are full of: placeholders, template and vault references, hashes,
//! digests, public keys and certificates, identifiers, code reading a secret from somewhere else.
//! The built-in rules must report none of them (a false alarm costs a team's trust).

use rampart_secrets::Scanner;

const DECOYS: &[(&str, &str)] = &[
    (
        ".env.example",
        r#"API_KEY=
SECRET_KEY=
DATABASE_URL=postgres://user:pass@localhost:5432/dev
"#,
    ),
    (
        "app/PasswordEncoder.java",
        r#"String hash = "$2a$10$fDa9pzvvEZnX1DJbAEiV3NCmV4hHas2h7byynw6489Ljd7Ac4ziRz";
private static final String TOKEN_HEADER = "X-Auth-Token";
"#,
    ),
    (
        "app/i18n.json",
        r#"{"password_label": "Enter your password", "token_expired": "Your session token expired."}
"#,
    ),
    (
        "app/settings.yaml",
        r#"session:
  secret_length: 32
  token_ttl: 3600s
  password_min_length: 12
client_id: 9a194d9d-b496-410f-a59d-9deaa05f0feb
"#,
    ),
    (
        "app/uuid.env",
        r#"SESSION_SECRET_ID=3b257c01-d196-cc53-c664-ce4d08e6827d
"#,
    ),
    (
        "app/views.py",
        r#"password = request.form['password']
token = jwt.encode(payload, key, algorithm='HS256')
secret = base64.b64decode(os.environ['SECRET_B64'])
if user.check_password(password):
    api_key = generate_api_key()
"#,
    ),
    (
        "deploy/vars.yml",
        r#"db_password: "{{ lookup('env', 'DB_PASSWORD') }}"
api_token: "{{ vault_api_token }}"
secret_key: !vault |
  $ANSIBLE_VAULT;1.1;AES256
  8b0e7153bf7c3706d85c524e440066559a6656c90bd5482a90a29b9fa5ff5180
  bc0dbc0e15637ebb8e3b91d26ab4a829a95249f512c17b8ed411fa644d35db41
"#,
    ),
    (
        "docker/config.json",
        r#"{
  "auths": {
    "registry.example": {}
  },
  "credsStore": "desktop"
}
"#,
    ),
    (
        "docs/api.md",
        r#"Send the header `Authorization: Bearer <token>`.
Set `API_KEY` to your key, e.g. `export API_KEY=...`.
The password must be at least 12 characters.
"#,
    ),
    (
        "go/go.sum",
        r#"example.org/x/y v1.0.0 h1:wrWaGSKYM3Wx87rEGnH/OyI/KqQWuHJBnnbbrSnNsns=
"#,
    ),
    (
        "go/model.go",
        r#"type User struct {
	Password string `json:"password"`
	APIToken string `json:"api_token" db:"api_token"`
}
"#,
    ),
    (
        "js/stripe.js",
        r#"const stripe = Stripe('pk_live_gtL4qOwSdIUJhnWbvKLEO1F3');
"#,
    ),
    (
        "k8s/empty-secret.yaml",
        r#"apiVersion: v1
kind: Secret
metadata:
  name: x
type: Opaque
data: {}
"#,
    ),
    (
        "k8s/pod.yaml",
        r#"env:
- name: DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: db
      key: password
"#,
    ),
    (
        "k8s/template-secret.yaml",
        r#"apiVersion: v1
kind: Secret
metadata:
  name: x
stringData:
  password: {{ .Values.password | quote }}
"#,
    ),
    (
        "keys/cert.pem",
        r#"-----BEGIN CERTIFICATE-----
6EuezdDkZUNx7UKi7uEwAf3Ia7h50vfeSmjE+l8gFg/YhgG05NgeywZyDkOnlujB
c4T+2WqbN5CorN9lHZOqqk8Fk2FJh/FgzKVmj1OWaKqd4scg2InWqPiNvrH/PKei
ddpgqT3HcD2qUzQTbuumIvs532pQO5D73v4gu8+anq1gAaeE9TY7BzJzMTEUTFh/
ZSssE+WemvYmKzP98lzWbnxXcOdNX8Z5hs1UcAKKjdlT0NbJEjelMSA9lpER2YaX
WwAPXPnVFmBLNIjvj0xCi01D29FM1JkQx1dtoLx3yPnQjh+rjOy7XD9mayuolQtV
n4PxnUnizAPVw6kFZ7WapVqa/WRj+Lco9TzRWsL/loL0Ri3gC1EIjsIm93xXFl5T
qkasUccG6XkgBy4b8kJ8cguY3eBd103WbvRsMy2jVBY1yIr8UKapv6jjWe0tzc/O
6r7EjUdbx2kIqVQBtLlKonZVMV94ErHcbXrE9hbbB1DENhEeXScM45npVJXWMvj5
hBXmMV0r6Si/aA6fhloRsVRHJ9spHGdGXvFH4wrgTpb6f/fd0p04Coilfi6MiIpZ
NH6MMaP/7WtBHOA6ltTk24Ywzr+v5Scs3I/BEv1GOLnzH2TH+looRmnKwgXwQHm0
-----END CERTIFICATE-----
"#,
    ),
    (
        "keys/id_rsa.pub",
        r#"ssh-rsa AAAAB3NzaC1yc2E1MIdzu4xCxf8CvgroOx9ye17SWjAEVaSZJ0oVeMmLRLTq10V7suW9zrlSaWnPsPW23C/L9WXuHM/G1cON+Ks9dp4FLfrYb9JF8eF+ItKL/8pcqMKRLd7SUqeaG6nyb229X8YzL7iMa3K8Nsv9/Qt2giDIkidQ2iZ+gppCorL4txx0uiBfnWjJhpZrb3lO++TVhrLtLCHiEGKrEV6XwqcRkelp6EX79PndXgt2Cok+BrWTELQSXWrTL3UeBxYimeexzzf+9Sa28M2P77mytujVX8tGoJuKEe9eSVOhc68tpPL dev@laptop
"#,
    ),
    (
        "py/requirements.txt",
        r#"requests==2.31.0 --hash=sha256:a3929add2292513d3ed27d093ab2ec357332cd389ed164c56a2491e9e8958efc
"#,
    ),
    (
        "scripts/curl.sh",
        r#"curl -u "$CI_USER:$CI_PASS" https://ci.example.com
curl -H "Authorization: Bearer $(cat token.txt)" https://api.example.com
"#,
    ),
    (
        "tests/test_auth.py",
        r#"def test_login():
    assert login('alice', 'hunter2')
    password = 'correct horse battery staple'
"#,
    ),
    (
        "tf/main.tf",
        r#"resource "aws_db_instance" "db" {
  password = var.db_password
  master_password = random_password.db.result
}
resource "random_password" "db" { length = 24 }
"#,
    ),
    (
        "web/login.html",
        r#"<input type="password" name="password" autocomplete="current-password">
<meta name="csrf-token" content="{{ csrf_token() }}">
<script src="x.js" integrity="sha384-2GtLJHTs/57aK/mFdPV8sLpRekZKeGfmJRxg0v2I9S2g73/eVi4WfUWDyIzegFwQ"></script>
<img src="data:image/png;base64,ycvGW7GWqQjCTl2PtKtH1XxDxfuwt0v08lemLZTaAnmMxkBTq0Z2SdGApazMW1lGpFi88NRoWezXLN7dsHP5XfRVhCSH+ioy1lzv2npIsRS4q7pqK53H75SE">
"#,
    ),
    (
        "decoys/placeholders.env",
        r#"API_KEY=your-api-key-here
SECRET_KEY=changeme
PASSWORD=<password>
TOKEN=${TOKEN}
GITHUB_TOKEN={{ .Values.githubToken }}
AWS_SECRET_ACCESS_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
client_secret: REPLACE_ME
password: ""
db_password = os.getenv('DB_PASSWORD')
secret_key = settings.SECRET_KEY
STRIPE_KEY=sk_live_XXXXXXXXXXXXXXXXXXXXXXXX
api_key: 0000000000000000000000000000000000000000
token: abcdefghijklmnopqrstuvwxyz123456
password_hash = "$2b$12$EiaUHcpEsLXRVK6u/mYIwtc3PcYVFYCJ4rxbhqt6CWkvBburTtA7r"
commit: b7e39b679b527989cf5cace5f71d4685d173893f
checksum: sha512-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==
integrity: sha512-naCknCB7pnpx+iT6/RzRg8M2Sy7/gG85m3qO6byj3X6Ip+TpQaG/XFNAaZoiQf7lhWnruS1MWN3s8R8WSvVqdA==
PUBLIC_KEY="-----BEGIN PUBLIC KEY-----"
url: postgres://user:password@localhost:5432/db
url: postgres://${DB_USER}:${DB_PASS}@db:5432/app
jdbc:mysql://localhost:3306/test?user=root&password=
key_id: e1d61560-fbd5-671b-06fa-2b159aaeb92d
"#,
    ),
];

#[test]
fn decoys_are_not_reported() {
    let scanner = Scanner::with_builtin_rules().unwrap();
    let mut alarms = Vec::new();
    for (path, content) in DECOYS {
        for m in scanner.scan(path, content.as_bytes()) {
            alarms.push(format!("{path}:{} {} ({})", m.start_line, m.rule_id, m.redacted));
        }
    }
    assert!(alarms.is_empty(), "false alarms:\n{}", alarms.join("\n"));
}
