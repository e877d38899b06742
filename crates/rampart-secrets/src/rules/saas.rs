//! SaaS and API providers: chat, payments, email, monitoring, AI, productivity.

use rampart_model::Severity;

use super::{DEFAULT, Rule};

/// `NAME = value` / `"name": "value"` / `name: value` between a secret's name and value.
macro_rules! assign {
    () => {
        r#"["']?[ \t]*(?:=|:=|:|=>|,)[ \t]*["']?"#
    };
}

pub(super) static RULES: &[Rule] = &[
    Rule {
        id: "slack-bot-token",
        title: "Slack bot token",
        description: "A Slack bot user OAuth token (`xoxb-`): posts and reads as the bot in its workspace.",
        keywords: &["xoxb-"],
        regex: r#"\b(xoxb-[0-9]{10,13}-[0-9]{10,13}(?:-[0-9]{10,13})?-[A-Za-z0-9]{24,34})\b"#,
        examples: &["SLACK_BOT_TOKEN = \"xoxb-852926617314-0460162930059-1EipMcl7ToTEWaIwbnisZWzh\""],
        negatives: &["xoxb-not-a-real-token-this-will-not-work", "xoxb-123-456-abc"],
        ..DEFAULT
    },
    Rule {
        id: "slack-user-token",
        title: "Slack user token",
        description: "A Slack user (`xoxp-`) or enterprise (`xoxe-`) OAuth token: acts as the user.",
        keywords: &["xoxp-", "xoxe-"],
        regex: r#"\b(xox[pe](?:-[0-9]{10,13}){3}-[A-Za-z0-9]{28,34})\b"#,
        examples: &["xoxp-734113415638-497885320168-1056989176540-925fe6d7abbf936fff9d44c61d17470d"],
        negatives: &["xoxp-357000920831-4c5f9419fff9729669b9f21b7b930a98"],
        ..DEFAULT
    },
    Rule {
        id: "slack-legacy-token",
        title: "Slack legacy token",
        description: "A Slack legacy workspace/app (`xoxa-`), refresh (`xoxr-`), or older (`xoxo-`, `xoxs-`) token.",
        keywords: &["xoxa-", "xoxr-", "xoxo-", "xoxs-"],
        regex: r#"\b(xox[aros]-(?:\d-)?[0-9A-Za-z]{8,48}(?:-[0-9A-Za-z]{8,64}){1,4})\b"#,
        entropy_min: Some(3.0),
        examples: &[
            "xoxa-2-426813426217-GrAjcXmBFJ5VYggzYFivUnlMhwp4P3S1",
            "xoxr-286354013098-Rz9Ek22mij1l3PbI67hZUhFOZcnFA80rZfHbXmo4",
        ],
        negatives: &["xoxa-short"],
        ..DEFAULT
    },
    Rule {
        id: "slack-app-token",
        title: "Slack app-level token",
        description: "A Slack app-level token (`xapp-`), used for Socket Mode.",
        keywords: &["xapp-"],
        regex: r#"\b(xapp-\d-[A-Z0-9]{9,12}-\d{10,14}-[a-f0-9]{64})\b"#,
        examples: &[
            "xapp-1-AD8UTQQ0QOO-2360467177960-782f9d0bac7c128938f908f0cd602aefafc04b9f7299fcd902aec9dc32696b43",
        ],
        negatives: &["xapp-1-A123-456-abc"],
        ..DEFAULT
    },
    Rule {
        id: "slack-config-token",
        title: "Slack configuration token",
        description: "A Slack app configuration access or refresh token (`xoxe.xoxp-1-`, `xoxe-1-`).",
        keywords: &["xoxe.xox", "xoxe-1-"],
        regex: r#"\b(xoxe(?:\.xox[bp])?-1-[A-Za-z0-9]{146,170})\b"#,
        examples: &[
            "xoxe.xoxp-1-8JjUbDsHbpEz2QoUyj0p58GpZHFlskuYHe4ZvWyuvcTvEoLKaooX6mFr7CJuzeQJimab6oDjrLplPNzt3nJd4xWwoPyThZux6bzyPN2nlEiC4qq4VreVCTuSk0NVnINXbTeyIIoRGfEhhmO2PYNFY9eak6pcp3w5",
        ],
        negatives: &["xoxe.xoxp-1-nS5ojl9vbh52Ax5GOCai0nkKPzIxuA9qjlN871CL"],
        ..DEFAULT
    },
    Rule {
        id: "slack-webhook",
        title: "Slack incoming webhook",
        description: "A Slack incoming webhook URL (`hooks.slack.com/services/T../B../...`): posts to a channel.",
        keywords: &["hooks.slack.com"],
        regex: r#"(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/(T[A-Z0-9]{7,12}/[AB][A-Z0-9]{7,12}/[A-Za-z0-9]{23,25}|T[A-Z0-9]{7,12}/[A-Za-z0-9]{20,}/[0-9]+/[A-Za-z0-9]{20,})"#,
        examples: &[
            "SLACK_WEBHOOK_URL=https://hooks.slack.com/services/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",
        ],
        negatives: &[
            "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "https://hooks.slack.com/services/",
        ],
        ..DEFAULT
    },
    Rule {
        id: "stripe-secret-key",
        title: "Stripe live secret key",
        description: "A Stripe live secret (`sk_live_`) or restricted (`rk_live_`) API key: moves money on the account.",
        severity: Severity::Critical,
        keywords: &["sk_live_", "rk_live_"],
        regex: r#"\b([sr]k_live_[0-9A-Za-z]{24,247})\b"#,
        examples: &[
            "STRIPE_KEY=sk_live_MRAg4sR7O91tL72CQfX5YkLx",
            "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",
        ],
        negatives: &["sk_test_BGoED2qedCbzPbLiheG9XWwA", "sk_live_SUWlfthWUK"],
        ..DEFAULT
    },
    Rule {
        id: "stripe-webhook-secret",
        title: "Stripe webhook signing secret",
        description: "A Stripe webhook endpoint signing secret (`whsec_`).",
        severity: Severity::Medium,
        keywords: &["whsec_"],
        regex: r#"\b(whsec_[A-Za-z0-9+/]{32,64})"#,
        examples: &["whsec_7XR7MfKQgx5kCbj5h4k0mycD5kMoLRSB"],
        negatives: &["whsec_KHO7swJo"],
        ..DEFAULT
    },
    Rule {
        id: "twilio-api-key",
        title: "Twilio API key",
        description: "A Twilio API key SID (`SK` + 32 hex), the user part of a Twilio API key credential.",
        keywords: &["sk"],
        regex: r#"\b(SK[0-9a-fA-F]{32})\b"#,
        entropy_min: Some(3.0),
        examples: &["TWILIO_API_KEY=SKdf461817f0dae5cc6d804d6e231631bc"],
        negatives: &["SK315570ac84677590836c", "ASK0ffde2692f24261b06dc60a40871c688"],
        ..DEFAULT
    },
    Rule {
        id: "twilio-auth-token",
        title: "Twilio auth token",
        description: "A Twilio account auth token (32 hex) assigned to a twilio-named variable.",
        keywords: &["twilio"],
        regex: concat!(
            r#"(?i)twilio[\w.-]{0,20}(?:auth[_.-]?token|secret)"#,
            assign!(),
            r#"([a-f0-9]{32})\b"#
        ),
        examples: &["TWILIO_AUTH_TOKEN=c2d7d9f277fb7ef695f77449119adf4f"],
        negatives: &["TWILIO_ACCOUNT_SID=AC65211766019a42fb3dc40a37cb0f0c46"],
        ..DEFAULT
    },
    Rule {
        id: "sendgrid-api-key",
        title: "SendGrid API key",
        description: "A Twilio SendGrid API key (`SG.<22>.<43>`): sends email as the account.",
        keywords: &["sg."],
        regex: r#"\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})\b"#,
        examples: &["SENDGRID_API_KEY=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"],
        negatives: &["SG.Ig5GE4ZQMoP5ftnzck9VCx"],
        ..DEFAULT
    },
    Rule {
        id: "mailgun-api-key",
        title: "Mailgun API key",
        description: "A Mailgun private API key (`key-` + 32 hex) or a newer key assigned to a mailgun-named variable.",
        keywords: &["key-", "mailgun"],
        regex: r#"\b(key-[a-f0-9]{32})\b"#,
        entropy_min: Some(3.0),
        examples: &["MAILGUN_API_KEY=key-ec250a2537fbd953d6b33950404586c4"],
        negatives: &["key-022b1fbbb4ff6344", "monkey-d0de3e47611045a51cc703e73c32135a"],
        ..DEFAULT
    },
    Rule {
        id: "mailchimp-api-key",
        title: "Mailchimp API key",
        description: "A Mailchimp Marketing API key (32 hex + `-us<dc>`).",
        keywords: &["-us"],
        regex: r#"\b([a-f0-9]{32}-us[0-9]{1,2})\b"#,
        entropy_min: Some(3.0),
        examples: &["ee4de1043ab1086793acd3554708546c-us14"],
        negatives: &["eeea905c6f6e8d30e091-us14", "9c438acac4bc8b1cc82b8a2f640ccd4b-user"],
        ..DEFAULT
    },
    Rule {
        id: "shopify-token",
        title: "Shopify token",
        description: "A Shopify access token (`shpat_`, `shpca_`, `shppa_`) or shared secret (`shpss_`).",
        keywords: &["shpat_", "shpca_", "shppa_", "shpss_"],
        regex: r#"\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\b"#,
        examples: &["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", "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"],
        negatives: &["shpat_e7184d63edeb"],
        ..DEFAULT
    },
    Rule {
        id: "datadog-api-key",
        title: "Datadog API or application key",
        description: "A Datadog API key (32 hex) or application key (40 hex) assigned to a datadog/DD-named variable.",
        keywords: &["datadog", "dd_api", "dd_app", "dd-api", "dd-app"],
        regex: concat!(
            r#"(?i)(?:datadog|dd)[\w.-]{0,20}(?:api|app|application)[_.-]?key"#,
            assign!(),
            r#"([a-f0-9]{40}|[a-f0-9]{32})\b"#
        ),
        entropy_min: Some(3.0),
        examples: &[
            "DD_API_KEY=88a3b3d4941152d3b332a77c1035c85e",
            "datadog_app_key: 0fbb3f715081a6de9049548ed5f13744e7731b19",
        ],
        negatives: &["DD_API_KEY=400e09f92ea7df3be42a"],
        ..DEFAULT
    },
    Rule {
        id: "new-relic-key",
        title: "New Relic key",
        description: "A New Relic user API key (`NRAK-`), insights insert key (`NRII-`), insights query key (`NRIQ-`) or browser key (`NRJS-`).",
        keywords: &["nrak-", "nrii-", "nriq-", "nrjs-"],
        regex: r#"\b(NRAK-[A-Z0-9]{27}|NRI[IQ]-[A-Za-z0-9_-]{32}|NRJS-[a-f0-9]{19})\b"#,
        examples: &["NEW_RELIC_API_KEY=NRAK-2BC0OP5KG8G2UIWCN8GK0RQ9NLE", "NRJS-0814196941f92cbc195"],
        negatives: &["NRAK-CZVGNQTZIR"],
        ..DEFAULT
    },
    Rule {
        id: "sentry-token",
        title: "Sentry token",
        description: "A Sentry organization auth token (`sntrys_`) or user auth token (`sntryu_`).",
        keywords: &["sntrys_", "sntryu_"],
        regex: r#"\b(sntrys_eyJ[A-Za-z0-9+/=_-]{80,}|sntryu_[a-f0-9]{64})"#,
        examples: &[
            "SENTRY_AUTH_TOKEN=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",
        ],
        negatives: &["sntryu_a508eb4fd3"],
        ..DEFAULT
    },
    Rule {
        id: "grafana-token",
        title: "Grafana token",
        description: "A Grafana Cloud access policy token (`glc_`), service account token (`glsa_`) or legacy API key (`eyJrIjoi...`).",
        keywords: &["glc_", "glsa_", "eyjrijoi"],
        regex: r#"\b(glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|eyJrIjoi[A-Za-z0-9]{70,400}={0,2})"#,
        entropy_min: Some(3.5),
        examples: &[
            "glsa_tfYmJsZiZNtjyNN6F5te4DJEPt0Tg5xg_dbc42cff",
            "glc_dw2Pfwh9SrJhhjljo4njo2X2F0tBkUjbixK9cS9WtLG9YmMmy7kQ1tQbpvPB0RwSdvsFBIUfD7I16rdQ",
        ],
        negatives: &["glsa_I0BCqL7mb7"],
        ..DEFAULT
    },
    Rule {
        id: "okta-api-token",
        title: "Okta API token",
        description: "An Okta API token (`00` + 40 characters) assigned to an okta-named variable.",
        keywords: &["okta"],
        regex: concat!(
            r#"(?i)okta[\w.-]{0,20}(?:token|key|secret)"#,
            assign!(),
            r#"(00[A-Za-z0-9_-]{40})\b"#
        ),
        entropy_min: Some(3.5),
        examples: &["OKTA_API_TOKEN=00T9pzLlZ2jNfeBZwFcK4bIQ0RKffmrBWICAeldl13"],
        negatives: &["OKTA_API_TOKEN=${OKTA_TOKEN}"],
        ..DEFAULT
    },
    Rule {
        id: "atlassian-api-token",
        title: "Atlassian API token",
        description: "An Atlassian (Jira, Confluence) API token (`ATATT3...`).",
        keywords: &["atatt3"],
        regex: r#"\b(ATATT3[A-Za-z0-9_=-]{186})(?:[^A-Za-z0-9_=-]|$)"#,
        examples: &[
            "JIRA_TOKEN=ATATT3ej5BcFDoSfrXbRfO5OA5YmL57YGVWFBUW4EEl2qqpVRcRp3aBwIStwY62eRKJIFX1VQZvFfyaP9vnZ5pm09e9CctvJ5R5IYVU8tcon27g7KAZuiZB5mpMCPB7tW6kTd7fQEdM4zdIPdfL8xNhACTuKxKE7zbXKM51IU0Lq2X095LwZYu6RtOAugPTk",
        ],
        negatives: &["ATATT3i7IKI3zGATWUX09KWYWh8vABlSP99Tt0QNkuLCOr"],
        ..DEFAULT
    },
    Rule {
        id: "discord-bot-token",
        title: "Discord bot token",
        description: "A Discord bot token assigned to a discord-named variable.",
        keywords: &["discord"],
        regex: concat!(
            r#"(?i)discord[\w.-]{0,20}(?:token|secret|key)"#,
            assign!(),
            r#"([MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40})"#
        ),
        examples: &[
            "DISCORD_BOT_TOKEN=ML3FHAHrONjk2rTKg3KUnXbYZP.jFzwj6.5dqoGJ8TTc2HQa5w5hndvQtfZzVFs8RUvKMTh6",
        ],
        negatives: &["DISCORD_BOT_TOKEN=MdyQKUFPEF2kR2A9fqQtVE8LGt"],
        ..DEFAULT
    },
    Rule {
        id: "discord-webhook",
        title: "Discord webhook",
        description: "A Discord webhook URL: posts to a channel.",
        keywords: &["discord.com/api/webhooks", "discordapp.com/api/webhooks"],
        regex: r#"https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/([A-Za-z0-9_-]{60,72})"#,
        examples: &[
            "https://discord.com/api/webhooks/126164380652519934/77Ws5m7RtbaF8yBo8sheT2CzJRdGU44l7pbqXWxcqSf1AhR2lHP6xiwcCJlE84OU1L0I",
        ],
        negatives: &["https://discord.com/api/webhooks/123/abc"],
        ..DEFAULT
    },
    Rule {
        id: "telegram-bot-token",
        title: "Telegram bot token",
        description: "A Telegram Bot API token (`<bot id>:AA...`): controls the bot.",
        keywords: &[":aa"],
        regex: r#"\b([0-9]{8,10}:AA[A-Za-z0-9_-]{33})(?:[^A-Za-z0-9_-]|$)"#,
        examples: &["TELEGRAM_TOKEN=7374245984:AAu9wV1ECIuPf2qlwIQmxcXX0dVhVu4p53N"],
        negatives: &["12:AAEBDV5BfOqRnhJQictFuYC8qPI8EuyYgj2", "9312794799:AAk8XjFjwa0W"],
        ..DEFAULT
    },
    Rule {
        id: "openai-api-key",
        title: "OpenAI API key",
        description: "An OpenAI API key: project (`sk-proj-`), service account (`sk-svcacct-`), admin (`sk-admin-`) or legacy (`sk-...T3BlbkFJ...`).",
        severity: Severity::Critical,
        keywords: &["sk-proj-", "sk-svcacct-", "sk-admin-", "t3blbkfj"],
        regex: r#"\b(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{58,200}T3BlbkFJ[A-Za-z0-9_-]{58,200}|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{80,250}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})(?:[^A-Za-z0-9_-]|$)"#,
        entropy_min: Some(3.5),
        examples: &[
            "OPENAI_API_KEY=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",
            "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",
        ],
        negatives: &["sk-proj-VVDeBgnXVVCwNev233Vs", "sk-6kvayckvFebkLgdBEVtkoPLYYpemx93ULgRXdXw7rtdajsNR"],
        ..DEFAULT
    },
    Rule {
        id: "anthropic-api-key",
        title: "Anthropic API key",
        description: "An Anthropic API key (`sk-ant-api03-`) or admin key (`sk-ant-admin01-`).",
        severity: Severity::Critical,
        keywords: &["sk-ant-"],
        regex: r#"\b(sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,100}AA)(?:[^A-Za-z0-9_-]|$)"#,
        examples: &[
            "ANTHROPIC_API_KEY=sk-ant-api03-TCduUwFePNGDWsdSXYF2W1xZa3fk8cxkzVMlIoDCL2mbWrVAkFzISkQhi0BS7qGooynuSGS2qTx6BnhR4pBVJN09MhhblAA",
        ],
        negatives: &["sk-ant-api03-0BJucq5eDvgfbG9Yevoz"],
        ..DEFAULT
    },
    Rule {
        id: "huggingface-token",
        title: "Hugging Face token",
        description: "A Hugging Face user access token (`hf_`) or organization API token (`api_org_`).",
        keywords: &["hf_", "api_org_"],
        regex: r#"\b((?:hf_|api_org_)[A-Za-z]{34})\b"#,
        entropy_min: Some(3.5),
        examples: &["HF_TOKEN=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"],
        negatives: &["hf_exeXqrPcOpdmhHRcMdcr", "hf_udylnkvpyz_uurorapbympdbilrfpswzxn"],
        ..DEFAULT
    },
    Rule {
        id: "linear-api-key",
        title: "Linear API key",
        description: "A Linear personal API key (`lin_api_`).",
        keywords: &["lin_api_"],
        regex: r#"\b(lin_api_[A-Za-z0-9]{40})\b"#,
        examples: &["lin_api_5d2rSfxvF838jUyy2xhCKubyRxyX9MNWt8XIyGg7"],
        negatives: &["lin_api_YsS01HzNgH8L"],
        ..DEFAULT
    },
    Rule {
        id: "postman-api-key",
        title: "Postman API key",
        description: "A Postman API key (`PMAK-`).",
        keywords: &["pmak-"],
        regex: r#"\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34})\b"#,
        examples: &["PMAK-c14112d28455555b3705a42d-50e7be2d308cc326d193828efbf9a78bcb"],
        negatives: &["PMAK-85fdbc714ddb60dcf9a219f2"],
        ..DEFAULT
    },
    Rule {
        id: "square-token",
        title: "Square access token or secret",
        description: "A Square access token (`EAAA...`, `sq0atp-`) or OAuth secret (`sq0csp-`).",
        keywords: &["sq0atp-", "sq0csp-", "eaaa"],
        regex: r#"\b(sq0atp-[0-9A-Za-z_-]{22}|sq0csp-[0-9A-Za-z_-]{43}|EAAA[A-Za-z0-9_+=-]{60})(?:[^A-Za-z0-9_+=-]|$)"#,
        entropy_min: Some(3.5),
        examples: &[
            "sq0csp-y3pti1dwt6raU7SEv6u5LK8co3ISIOiOBFiuZup6oJd",
            "SQUARE_ACCESS_TOKEN=EAAAjh00ldpWt1fMVPCP0MW9xvvPgK5RCmFBtF4tPOfA1CiTpLTUyfJrYqIy1Ld7",
        ],
        negatives: &["sq0csp-YHVdjTjSm2"],
        ..DEFAULT
    },
    Rule {
        id: "braintree-access-token",
        title: "PayPal Braintree access token",
        description: "A PayPal Braintree production access token (`access_token$production$...`).",
        severity: Severity::Critical,
        keywords: &["access_token$production$"],
        regex: r#"\b(access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32})\b"#,
        examples: &["access_token$production$w04c8ju337rt99yu$c3b59e851dd8b1f3915e36c8c3dfb379"],
        negatives: &["access_token$sandbox$kcr22b3pmtn2f8m9$07c9ed5b404444c6dbfd89931456bae4"],
        ..DEFAULT
    },
    Rule {
        id: "paypal-client-secret",
        title: "PayPal client secret",
        description: "A PayPal REST API client secret (80 characters) assigned to a paypal-named variable.",
        keywords: &["paypal"],
        regex: concat!(r#"(?i)paypal[\w.-]{0,20}secret"#, assign!(), r#"([A-Za-z0-9_-]{80})\b"#),
        entropy_min: Some(4.0),
        examples: &[
            "PAYPAL_CLIENT_SECRET=b7nv5IC04eyRs2SX2mq8qGccAJTJKQroKA4guV1uOUZPOu1hfyS7VArGg7yLyNpLZjr9nz7rRWDKVMWK",
        ],
        negatives: &["PAYPAL_CLIENT_SECRET=k2zCbFz9Iy0uqWOTPQoY"],
        ..DEFAULT
    },
    Rule {
        id: "facebook-access-token",
        title: "Facebook / Meta access token",
        description: "A Facebook Graph API access token (`EAACEdEose0cBA...` or `EAA...` assigned to a facebook/meta-named variable).",
        keywords: &["eaacedeose0cba", "facebook", "fb_", "meta_"],
        regex: concat!(
            r#"(?i)(?:facebook|\bfb|\bmeta)[\w.-]{0,20}(?:token|secret)"#,
            assign!(),
            r#"(EAA[A-Za-z0-9]{90,300}|[a-f0-9]{32})\b"#
        ),
        entropy_min: Some(3.0),
        examples: &[
            "FACEBOOK_APP_SECRET=aee163730fec887a4f27bf31826fa2b6",
            "FB_ACCESS_TOKEN=EAAb4LOx0Y7P8K2cSRMnSAjjEcEgK9eDlOOJhXSpMm3QfGWxdN317boKOURUgoM0j27mJTAfjPeJBrWIcs2pzIqTvOWlP0zQSOmasblA3XP9nj791bEjxPYGbVf8poYzHvdoZqiATIdvB06VlFOcswygI",
        ],
        negatives: &["FACEBOOK_APP_ID=352454074978156"],
        ..DEFAULT
    },
    Rule {
        id: "twitter-bearer-token",
        title: "Twitter / X bearer token",
        description: "A Twitter (X) API app-only bearer token (`AAAAAAAAAAAAAAAAAAAAA...`).",
        keywords: &["aaaaaaaaaaaaaaaaaaaaa"],
        regex: r#"\b(A{21}[A-Za-z0-9%]{80,120})\b"#,
        stopwords: false,
        entropy_min: Some(3.0),
        examples: &[
            "TWITTER_BEARER_TOKEN=AAAAAAAAAAAAAAAAAAAAArN6RkUxx9nfETVvQ6V78l05MgSznTH8xdRkWMh9niyouXpOKDO9lGpeKC0MzRUJ5q46uBZkZKrKy6uOSFPkYgomcLW",
        ],
        negatives: &[
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "AAAAAAAAAAAAAAAAAAAAA0jMNmgD1SodWQ2fdrcpx",
        ],
        ..DEFAULT
    },
    Rule {
        id: "dropbox-access-token",
        title: "Dropbox access token",
        description: "A Dropbox short-lived access token (`sl.` / `sl.u.`), or a long-lived one assigned to a dropbox-named variable.",
        keywords: &["sl.", "dropbox"],
        regex: r#"\b(sl\.(?:u\.)?[A-Za-z0-9_-]{130,1200})"#,
        entropy_min: Some(4.0),
        examples: &[
            "DROPBOX_TOKEN=sl.mFhZZOKFVNLB0lOvIwY8bhz4no5MpEtMUdTPqh3BuaEZLbUbj6qWlTLfROXGfunmr12zM2GT6gJhmhlpMqBmrCzjOrERNvIhzbkB56YsTAsL1ZKrnjsfMHdjOOhLqUpZJdvnsDV0qSWg",
        ],
        negatives: &["sl.ffAjIgWPuQWZFc6dCAndTwSdwakWNy"],
        ..DEFAULT
    },
    Rule {
        id: "algolia-admin-key",
        title: "Algolia API key",
        description: "An Algolia admin or write API key (32 hex) assigned to an algolia-named variable.",
        keywords: &["algolia"],
        regex: concat!(r#"(?i)algolia[\w.-]{0,20}(?:key|secret|token)"#, assign!(), r#"([a-f0-9]{32})\b"#),
        entropy_min: Some(3.0),
        examples: &["ALGOLIA_ADMIN_KEY=ffc2618203cba5e72f6dbba9ef3d2049"],
        negatives: &["ALGOLIA_APP_ID=TQDAQVHICR"],
        ..DEFAULT
    },
    Rule {
        id: "airtable-pat",
        title: "Airtable personal access token",
        description: "An Airtable personal access token (`pat<14>.<64 hex>`).",
        keywords: &["pat"],
        regex: r#"\b(pat[A-Za-z0-9]{14}\.[a-f0-9]{64})\b"#,
        examples: &["patFer8CK54iP3ZEw.6ab9689b4dfefe2a1bec72789f81a9981e3a1746fa81477a863d16e7857e36f9"],
        negatives: &["patxJeI5s6a97sDEj.745516bf0faedc4662ee"],
        ..DEFAULT
    },
    Rule {
        id: "notion-token",
        title: "Notion integration token",
        description: "A Notion internal integration token (`ntn_` or legacy `secret_` + 43).",
        keywords: &["ntn_", "secret_"],
        regex: r#"\b(ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})\b"#,
        entropy_min: Some(3.5),
        examples: &["NOTION_TOKEN=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"],
        negatives: &["secret_mVKgb2kIw1IC"],
        ..DEFAULT
    },
    Rule {
        id: "figma-pat",
        title: "Figma personal access token",
        description: "A Figma personal access token (`figd_`).",
        keywords: &["figd_"],
        regex: r#"\b(figd_[A-Za-z0-9_-]{40})\b"#,
        examples: &["figd_Y0Y2JdxwCJ7KjyctFnCkWyyqrUYCMK09if9qifR1"],
        negatives: &["figd_nzdiNjh0Qu"],
        ..DEFAULT
    },
    Rule {
        id: "replicate-api-token",
        title: "Replicate API token",
        description: "A Replicate API token (`r8_`).",
        keywords: &["r8_"],
        regex: r#"\b(r8_[A-Za-z0-9]{37})\b"#,
        entropy_min: Some(3.5),
        examples: &["REPLICATE_API_TOKEN=r8_js9V2hwAxc3Ur8gLjpXpAzHKbk8DPN6zvuSfw"],
        negatives: &["r8_jzfGSeKt66"],
        ..DEFAULT
    },
    Rule {
        id: "groq-api-key",
        title: "Groq API key",
        description: "A Groq API key (`gsk_`).",
        keywords: &["gsk_"],
        regex: r#"\b(gsk_[A-Za-z0-9]{52})\b"#,
        examples: &["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"],
        negatives: &["gsk_T66JswimDV"],
        ..DEFAULT
    },
    Rule {
        id: "perplexity-api-key",
        title: "Perplexity API key",
        description: "A Perplexity API key (`pplx-`).",
        keywords: &["pplx-"],
        regex: r#"\b(pplx-[A-Za-z0-9]{48})\b"#,
        examples: &["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"],
        negatives: &["pplx-A250OcFf24"],
        ..DEFAULT
    },
    Rule {
        id: "mapbox-secret-token",
        title: "Mapbox secret token",
        description: "A Mapbox secret access token (`sk.eyJ...`).",
        keywords: &["sk.eyj"],
        regex: r#"\b(sk\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,})"#,
        examples: &[
            "sk.eyJtVDdQo3VprtlpEQHd05xayD7KxKG1aBVVUFUTwp85grL5OovkTdhldQO5nIH.QayGG0gsXELICkbRX5hXbr",
        ],
        negatives: &[
            "pk.eyJjfr1sr8TG6PPdqPeEwLE15RMcN8FBFPzn2L6kNRW3Argp4v8d9bIeGXKjnU1.6ansiWYIGgu2ZG3CAYgbJT",
        ],
        ..DEFAULT
    },
    Rule {
        id: "intercom-access-token",
        title: "Intercom access token",
        description: "An Intercom access token (60 base64 characters ending in `=`) assigned to an intercom-named variable.",
        keywords: &["intercom"],
        regex: concat!(
            r#"(?i)intercom[\w.-]{0,20}(?:token|key|secret)"#,
            assign!(),
            r#"([A-Za-z0-9_-]{59}=)"#
        ),
        entropy_min: Some(4.0),
        examples: &["INTERCOM_ACCESS_TOKEN=Qec8G0S6X4L6M9uoOhcIBR1ilmanDUyzPkrjVy0PpV4VS4ESgpM4BkK0mc6="],
        negatives: &["INTERCOM_ACCESS_TOKEN=ir5kW6ZG5inRkmF2ULmv="],
        ..DEFAULT
    },
    Rule {
        id: "contentful-token",
        title: "Contentful personal access token",
        description: "A Contentful content management personal access token (`CFPAT-`).",
        keywords: &["cfpat-"],
        regex: r#"\b(CFPAT-[A-Za-z0-9_-]{43})\b"#,
        examples: &["CFPAT-njKg0zfGDQ00Dp5qEIq8pKDmUrkpIxwYpo8IrHLpYAi"],
        negatives: &["CFPAT-Y083EdndeZ"],
        ..DEFAULT
    },
    Rule {
        id: "shippo-api-token",
        title: "Shippo API token",
        description: "A Shippo live API token (`shippo_live_`).",
        keywords: &["shippo_live_"],
        regex: r#"\b(shippo_live_[a-f0-9]{40})\b"#,
        examples: &["shippo_live_ee2420587456ee77aecfa129345b13309485f9b6"],
        negatives: &["shippo_test_1628931293931cf9dd144e4d91adb81c8a2e377f"],
        ..DEFAULT
    },
    Rule {
        id: "easypost-api-key",
        title: "EasyPost production API key",
        description: "An EasyPost production API key (`EZAK`).",
        keywords: &["ezak"],
        regex: r#"\b(EZAK[A-Za-z0-9]{54})\b"#,
        examples: &["EZAKhC9HkZOJPKqj1kKKrpLSc4IxKC22ERD4jciAOuJmYbEjBtTGNYSxRd"],
        negatives: &["EZTKaTj1gxBZ5ylGEWmxrCrqqGikK2GmCcgSoaQb8brjuE0rChuTttNrfC"],
        ..DEFAULT
    },
    Rule {
        id: "flutterwave-secret-key",
        title: "Flutterwave secret key",
        description: "A Flutterwave live secret key (`FLWSECK-`).",
        keywords: &["flwseck-"],
        regex: r#"\b(FLWSECK-[a-f0-9]{32}-X)\b"#,
        examples: &["FLWSECK-1c4fa4a2b49fdc63f859a676d5986d3d-X"],
        negatives: &["FLWSECK_TEST-02e7cda2ffc2e912de7fb6fab75c3ac8-X"],
        ..DEFAULT
    },
    Rule {
        id: "onepassword-service-account-token",
        title: "1Password service account token",
        description: "A 1Password service account token (`ops_eyJ...`): reads the vaults it was granted.",
        severity: Severity::Critical,
        keywords: &["ops_eyj"],
        regex: r#"\b(ops_eyJ[A-Za-z0-9+/=_-]{250,})"#,
        examples: &[
            "OP_SERVICE_ACCOUNT_TOKEN=ops_eyJVMRxHyviFImsskqS6Ye1zpcwKNuzx10bRyQP3M0BdHUPBAuxk4Dh0GbGgQBwjB5iEpcfNovW3RxScLOxCWi5JmNPbAZ3Yp9rImDUg6jEEKIM54EuPQTrVzZ1lGg61xgze2XDSbV5KCSZRibY57nmaMwfA1B7pcWnm5rpjiaG29JzxYmO3m70JgDRQxtrIIQXkyFsu2ofxZSiv6jWEwliNOCYvpugcNCPui5lp8kdUod5t2vS2bnc7z8kvBfhCT4skBdVOkk9CAniaaBPU3tYlvQEAA9f1pMUxnrfACsIx5SQ",
        ],
        negatives: &["ops_eyJwYFyXDuQftGVoDTOuPm1g5btxg0JyE"],
        ..DEFAULT
    },
    Rule {
        id: "brevo-api-key",
        title: "Brevo (Sendinblue) API key",
        description: "A Brevo, formerly Sendinblue, API key (`xkeysib-`) or SMTP key (`xsmtpsib-`).",
        keywords: &["xkeysib-", "xsmtpsib-"],
        regex: r#"\b(x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16})\b"#,
        examples: &[
            "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",
        ],
        negatives: &["xkeysib-db700394a428a4bfc08b"],
        ..DEFAULT
    },
    Rule {
        id: "adafruit-io-key",
        title: "Adafruit IO key",
        description: "An Adafruit IO key (`aio_`).",
        keywords: &["aio_"],
        regex: r#"\b(aio_[A-Za-z0-9]{28})\b"#,
        entropy_min: Some(3.5),
        examples: &["ADAFRUIT_IO_KEY=aio_oVVRjYhlYED6QadmVzPqb1ohqi9j"],
        negatives: &["aio_k22yHZlHw8"],
        ..DEFAULT
    },
    Rule {
        id: "typeform-token",
        title: "Typeform personal access token",
        description: "A Typeform personal access token (`tfp_`).",
        keywords: &["tfp_"],
        regex: r#"\b(tfp_[A-Za-z0-9_.=-]{59})(?:[^A-Za-z0-9_.=-]|$)"#,
        entropy_min: Some(3.5),
        examples: &["tfp_pHv42gKHiJRmoIf4MIeHMEzZzgNiPikV1aELYPQFGiRbVqFDVOkcgSf6tBe"],
        negatives: &["tfp_yN9BI9KRyQ00dBZ56tao"],
        ..DEFAULT
    },
    Rule {
        id: "razorpay-key",
        title: "Razorpay live key ID",
        description: "A Razorpay live key ID (`rzp_live_`), the public half of a live API key pair.",
        severity: Severity::Medium,
        keywords: &["rzp_live_"],
        regex: r#"\b(rzp_live_[A-Za-z0-9]{14})\b"#,
        examples: &["rzp_live_IIq1f2udU0CehE"],
        negatives: &["rzp_test_OXrgci7jxPujaM"],
        ..DEFAULT
    },
    Rule {
        id: "netlify-token",
        title: "Netlify personal access token",
        description: "A Netlify personal access token (`nfp_`).",
        keywords: &["nfp_"],
        regex: r#"\b(nfp_[A-Za-z0-9]{36})\b"#,
        entropy_min: Some(3.5),
        examples: &["NETLIFY_AUTH_TOKEN=nfp_b04mx9n8pmhiicQ7gSvzfHR46lG20GlGGLfE"],
        negatives: &["nfp_7ip8ESFjNa"],
        ..DEFAULT
    },
    Rule {
        id: "render-api-key",
        title: "Render API key",
        description: "A Render API key (`rnd_`).",
        keywords: &["rnd_"],
        regex: r#"\b(rnd_[A-Za-z0-9]{32})\b"#,
        entropy_min: Some(3.5),
        examples: &["RENDER_API_KEY=rnd_uDUnj87l9I4EVXUkMsoCXMUCusAZyZcY"],
        negatives: &["rnd_vhlI7KKfrH"],
        ..DEFAULT
    },
    Rule {
        id: "infracost-api-key",
        title: "Infracost API key",
        description: "An Infracost API key (`ico-`).",
        keywords: &["ico-"],
        regex: r#"\b(ico-[A-Za-z0-9]{32})\b"#,
        entropy_min: Some(3.5),
        examples: &["INFRACOST_API_KEY=ico-Upku800RKU0gau3Af1Afo73aeXxYbF1i"],
        negatives: &["ico-JX25bDBNdB"],
        ..DEFAULT
    },
    Rule {
        id: "prefect-api-key",
        title: "Prefect API key",
        description: "A Prefect Cloud API key (`pnu_`).",
        keywords: &["pnu_"],
        regex: r#"\b(pnu_[A-Za-z0-9]{36})\b"#,
        entropy_min: Some(3.5),
        examples: &["PREFECT_API_KEY=pnu_InsxMvlLAg648GZHwEFmYLM702lg0JmnTIF0"],
        negatives: &["pnu_3kpPqkI6qE"],
        ..DEFAULT
    },
    Rule {
        id: "duffel-api-token",
        title: "Duffel live API token",
        description: "A Duffel live access token (`duffel_live_`).",
        keywords: &["duffel_live_"],
        regex: r#"\b(duffel_live_[A-Za-z0-9_=-]{43})(?:[^A-Za-z0-9_=-]|$)"#,
        examples: &["duffel_live_VxH2mjwrZkubz3hXjQkaitzGIUiGLDkKMNS4x0YijnS"],
        negatives: &["duffel_test_sWNOOmCUpiSEVvnoFDGb1nX19SMmsFLdNRGeRHB49oN"],
        ..DEFAULT
    },
    Rule {
        id: "plaid-access-token",
        title: "Plaid production access token",
        description: "A Plaid production access token (`access-production-<uuid>`): reads a user's bank data.",
        severity: Severity::Critical,
        keywords: &["access-production-"],
        regex: r#"\b(access-production-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b"#,
        examples: &["access-production-22431970-207e-3b9d-7de3-2b471085c6b2"],
        negatives: &["access-sandbox-599432ba-6eb2-c580-01ca-199a7be73354"],
        ..DEFAULT
    },
];
