//! Source hosting, CI and package registries.

use rampart_model::Severity;

use super::{DEFAULT, Rule};
use crate::util::{github_checksum_bad, github_checksum_ok, has_digit, npmrc_value_ok};

pub(super) static RULES: &[Rule] = &[
    Rule {
        id: "github-pat-classic",
        title: "GitHub personal access token (classic)",
        description: "A GitHub classic personal access token (`ghp_`); its last 6 characters are the base62 CRC-32 of the rest, which is checked.",
        severity: Severity::Critical,
        keywords: &["ghp_"],
        regex: r#"\b(ghp_[A-Za-z0-9]{36})\b"#,
        validate: Some(github_checksum_ok),
        examples: &["GITHUB_TOKEN=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"],
        negatives: &[
            "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "ghp_FTm2QywaRyqHDwCAPXpmR6mXQ9tyhEgNXkQu",
            "ghp_nirNllrUWQ5ejGN2yJCE",
        ],
        ..DEFAULT
    },
    Rule {
        id: "github-oauth-token",
        title: "GitHub OAuth access token",
        description: "A GitHub OAuth app access token (`gho_`), checksum-validated.",
        severity: Severity::Critical,
        keywords: &["gho_"],
        regex: r#"\b(gho_[A-Za-z0-9]{36})\b"#,
        validate: Some(github_checksum_ok),
        examples: &["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"],
        negatives: &["gho_EtxBY41Ji8Yb4FGlS9rd516mLC5wqL9QBizi"],
        ..DEFAULT
    },
    Rule {
        id: "github-user-to-server-token",
        title: "GitHub App user-to-server token",
        description: "A GitHub App user access token (`ghu_`), checksum-validated.",
        severity: Severity::Critical,
        keywords: &["ghu_"],
        regex: r#"\b(ghu_[A-Za-z0-9]{36})\b"#,
        validate: Some(github_checksum_ok),
        examples: &["ghu_KQPahZGiaWY4t4hFVV1s88NWetbuv92DCtji"],
        negatives: &["ghu_c0D2kZONdHZ6HgeTDW427Z9RqZPA0ZYzAL2I"],
        ..DEFAULT
    },
    Rule {
        id: "github-server-to-server-token",
        title: "GitHub App installation token",
        description: "A GitHub App installation (server-to-server) token (`ghs_`), checksum-validated.",
        severity: Severity::Critical,
        keywords: &["ghs_"],
        regex: r#"\b(ghs_[A-Za-z0-9]{36})\b"#,
        validate: Some(github_checksum_ok),
        examples: &["ghs_sYtIWs6F9hHBrCKeOv7pJRHXMtvS1s0LAJqJ"],
        negatives: &["ghs_pwUtsX4Tfmoc5DJGIVr5r0TkMSWdogr96JuM"],
        ..DEFAULT
    },
    Rule {
        id: "github-refresh-token",
        title: "GitHub refresh token",
        description: "A GitHub App refresh token (`ghr_`), checksum-validated.",
        severity: Severity::Critical,
        keywords: &["ghr_"],
        regex: r#"\b(ghr_[A-Za-z0-9]{36,76})\b"#,
        validate: Some(github_checksum_ok),
        examples: &["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"],
        negatives: &["ghr_MJvPyg12610VpxAVBCWCzlG1B7PkaWCZQl7n"],
        ..DEFAULT
    },
    Rule {
        id: "github-token-unverified",
        title: "GitHub token (checksum does not match: a test or mistyped token?)",
        description: "A string shaped like a GitHub classic token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` and 36 characters) whose built-in CRC-32 checksum does not hold. GitHub issues only tokens with a valid checksum, so this is most likely a fake, a test value or a token damaged by editing; it is reported (at a lower severity) so that a pasted token is never missed.",
        severity: Severity::High,
        keywords: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        regex: r#"\b(gh[pousr]_[A-Za-z0-9]{36})\b"#,
        validate: Some(github_checksum_bad),
        examples: &["GITHUB_TOKEN=ghp_FTm2QywaRyqHDwCAPXpmR6mXQ9tyhEgNXkQu"],
        negatives: &[
            "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
            "ghp_abcabcabcabcabcabcabcabcabcabcabcabc",
            "ghp_nirNllrUWQ5ejGN2yJCE",
        ],
        ..DEFAULT
    },
    Rule {
        id: "github-pat-fine-grained",
        title: "GitHub fine-grained personal access token",
        description: "A GitHub fine-grained personal access token (`github_pat_`).",
        severity: Severity::Critical,
        keywords: &["github_pat_"],
        regex: r#"\b(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b"#,
        entropy_min: Some(3.5),
        examples: &[
            "GH_PAT = \"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\"",
        ],
        negatives: &[
            "github_pat_112kmDMRTay0uNTiNGI1n0_MPNB1SYnRRby3In3Z9SJ",
            "github_pat_11AAAAAAAAAAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        ],
        ..DEFAULT
    },
    Rule {
        id: "gitlab-token",
        title: "GitLab token",
        description: "A GitLab personal/project/group access token (`glpat-`), deploy token (`gldt-`), runner token (`glrt-`), pipeline trigger (`glptt-`), CI job (`glcbt-`), feed (`glft-`), incoming mail (`glimt-`), agent (`glagent-`), OAuth app secret (`gloas-`), SCIM (`glsoat-`) or feature-flag client (`glffct-`) token.",
        severity: Severity::Critical,
        keywords: &[
            "glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "glft-", "glimt-", "glagent-", "gloas-",
            "glsoat-", "glffct-",
        ],
        regex: r#"\b((?:glpat|gldt|glrt|glcbt|glft|glimt|glsoat|glffct)-[0-9A-Za-z_-]{20,}(?:\.[0-9a-z]{2}\.[0-9a-z]{9})?|glptt-[0-9a-f]{40}|glagent-[0-9A-Za-z_-]{50}|gloas-[0-9a-f]{64})(?:[^0-9A-Za-z_\n-]|(?m:$))"#,
        entropy_min: Some(3.0),
        examples: &[
            "CI_TOKEN=glpat-sM79C5FWyJeNjzYxLCTc",
            "gldt-3ujkTMCbawRcoTSR8YT7",
            "glrt-hTT7asYT6CocY5LcwKvu",
            "glptt-ddbd03fd55ba1d8506d30ffdd658128bb8278531",
            "runner_token = \"glrt-hTT7asYT6CocY5LcwK-_\"",
        ],
        negatives: &["glpat-short", "glpat-XXXXXXXXXXXXXXXXXXXX"],
        ..DEFAULT
    },
    Rule {
        id: "gitlab-runner-registration-token",
        title: "GitLab runner registration token",
        description: "A legacy GitLab runner registration token (`GR1348941`).",
        keywords: &["gr1348941"],
        regex: r#"\b(GR1348941[0-9A-Za-z_-]{20})\b"#,
        examples: &["registration-token: GR1348941UxPtGcajsJ1AwaPX8Jqd"],
        negatives: &["GR1348941short"],
        ..DEFAULT
    },
    Rule {
        id: "bitbucket-app-password",
        title: "Bitbucket app password",
        description: "An Atlassian Bitbucket app password (`ATBB`).",
        keywords: &["atbb"],
        regex: r#"\b(ATBB[A-Za-z0-9_=.-]{32})\b"#,
        entropy_min: Some(3.0),
        examples: &["ATBBF7fLnV8RqW3Ab6qcX3XEWiK4euE3L1yQ"],
        negatives: &["ATBBkHQNzPWd0a"],
        ..DEFAULT
    },
    Rule {
        id: "npm-access-token",
        title: "npm access token",
        description: "An npm registry access token (`npm_`): publishes packages as its owner.",
        severity: Severity::Critical,
        keywords: &["npm_"],
        regex: r#"\b(npm_[A-Za-z0-9]{36})\b"#,
        entropy_min: Some(3.5),
        examples: &["//registry.example/:_authToken=npm_pPWdZkRi0crp8Hy93zgfwtfeUeSQegU7Qao0"],
        negatives: &["npm_Ez0tZOVza3GrvSMpteTb", "npm_config_cache_directory_location_1"],
        ..DEFAULT
    },
    Rule {
        id: "pypi-upload-token",
        title: "PyPI upload token",
        description: "A PyPI API token (`pypi-AgEIcHlwaS5vcmc...`, a macaroon issued by pypi.org): uploads packages.",
        severity: Severity::Critical,
        keywords: &["pypi-ageichlwas5vcmc"],
        regex: r#"\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})"#,
        examples: &[
            "password = pypi-AgEIcHlwaS5vcmcIXCjnCIAiSoYHGslPFHmIwQKC7KyXmkUvJ0lhr0STnJhebV3Q1OF2grtDLxwZT2CfosL6UqqX641MpWrKGxT79OANb0ZBsHhgKD4Ao5ZOuuVu1iTOc4GEKNu",
        ],
        negatives: &["pypi-AgEIcHlwaS5vcmc"],
        ..DEFAULT
    },
    Rule {
        id: "rubygems-api-key",
        title: "RubyGems API key",
        description: "A RubyGems.org API key (`rubygems_`).",
        keywords: &["rubygems_"],
        regex: r#"\b(rubygems_[a-f0-9]{48})\b"#,
        examples: &["rubygems_cb3f2e4816dca0f9ee408e67f644b80cf1b926086960faef"],
        negatives: &["rubygems_a60f86ef416b"],
        ..DEFAULT
    },
    Rule {
        id: "nuget-api-key",
        title: "NuGet API key",
        description: "A nuget.org API key (`oy2` + 43 lowercase alphanumerics).",
        keywords: &["oy2"],
        regex: r#"\b(oy2[a-z0-9]{43})\b"#,
        entropy_min: Some(3.5),
        examples: &["oy2jqubzuupo3zxeaj11vdcxu6n6tf9g4oogrr173u9n21"],
        negatives: &["oy2vxiadmwxnk"],
        ..DEFAULT
    },
    Rule {
        id: "docker-hub-pat",
        title: "Docker Hub personal access token",
        description: "A Docker Hub personal or organization access token (`dckr_pat_`, `dckr_oat_`).",
        keywords: &["dckr_pat_", "dckr_oat_"],
        regex: r#"\b(dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,32})(?:[^A-Za-z0-9_-]|$)"#,
        examples: &["dckr_pat_diRjV8DjXq32VV6nbhcRBHVejc8"],
        negatives: &["dckr_pat_Q6I1Ydk5p1"],
        ..DEFAULT
    },
    Rule {
        id: "hashicorp-terraform-registry-token",
        title: "Terraform registry credentials token",
        description: "A token in a Terraform CLI `credentials` block (`.terraformrc`).",
        keywords: &["credentials"],
        regex: r#"(?s)credentials\s+"[a-z0-9.-]+"\s*\{\s*token\s*=\s*"([A-Za-z0-9._=-]{30,})""#,
        entropy_min: Some(3.5),
        examples: &[
            "credentials \"app.terraform.io\" {\n  token = \"ujgD9PIiTsGHXJj9hqllWbzeGrpKteLXia5SRde4\"\n}",
        ],
        negatives: &["credentials \"app.terraform.io\" {\n  token = \"p3s0cVfgzo\"\n}"],
        ..DEFAULT
    },
    Rule {
        id: "sonarqube-token",
        title: "SonarQube token",
        description: "A SonarQube user (`squ_`), project analysis (`sqp_`) or global analysis (`sqa_`) token.",
        keywords: &["squ_", "sqp_", "sqa_"],
        regex: r#"\b(sq[upa]_[a-f0-9]{40})\b"#,
        examples: &["SONAR_TOKEN=squ_dcf9314f36c34cb8d287f34acc568aa62ba12e5d"],
        negatives: &["squ_aeea9213c38f"],
        ..DEFAULT
    },
    Rule {
        id: "buildkite-token",
        title: "Buildkite API token",
        description: "A Buildkite user API access token (`bkua_`).",
        keywords: &["bkua_"],
        regex: r#"\b(bkua_[a-f0-9]{40})\b"#,
        examples: &["bkua_247c45576e85d68272726b12d922e42b6c2cf1ec"],
        negatives: &["bkua_189a3ac3ce"],
        ..DEFAULT
    },
    Rule {
        id: "circleci-token",
        title: "CircleCI personal API token",
        description: "A CircleCI personal API token (`CCIPAT_`).",
        keywords: &["ccipat_"],
        regex: r#"\b(CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40})\b"#,
        examples: &["CIRCLE_TOKEN=CCIPAT_X8R1yeippOWXWgBR6wpRpJ_c58e845a72d520645a9c06c4dbfd608736a82f3d"],
        negatives: &["CCIPAT_5vB6bdBctiDYnESg4NhtdF"],
        ..DEFAULT
    },
    Rule {
        id: "jfrog-token",
        title: "JFrog Artifactory credential",
        description: "A JFrog Artifactory API key (`AKCp`) or reference/identity token (`cmVmdGtuOjAxOj...`).",
        keywords: &["akcp", "cmvmdgtuojaxoj"],
        regex: r#"\b(AKCp[A-Za-z0-9]{69}|cmVmdGtuOjAxOj[A-Za-z0-9]{40,})\b"#,
        entropy_min: Some(3.5),
        examples: &[
            "ARTIFACTORY_API_KEY=AKCpZutReYbul8AxjNZfg6UzfjYx1sVwGpz1aHTE2z7Qmjea0A4N9jS7wjLCMuMNHXO6mF1mM",
            "cmVmdGtuOjAxOjLNmlqfIim6ZvIxPAS7MGTnniPk3oeKrrmZqGrSC8NJDWBegbV2",
        ],
        negatives: &["AKCpv1jf3Wn7ZVPULvrHqLcG"],
        ..DEFAULT
    },
    Rule {
        id: "octopus-deploy-api-key",
        title: "Octopus Deploy API key",
        description: "An Octopus Deploy API key (`API-` + 26 uppercase alphanumerics).",
        keywords: &["api-"],
        regex: r#"\b(API-[A-Z0-9]{26})\b"#,
        entropy_min: Some(3.0),
        validate: Some(has_digit),
        examples: &["OCTOPUS_API_KEY=API-1PRESNT0K9M7KDI742FLGLEB1H"],
        negatives: &["API-OWARZGWBNI", "API-AAAAAAAAAAAAAAAAAAAAAAAAAA"],
        ..DEFAULT
    },
    Rule {
        id: "clojars-token",
        title: "Clojars deploy token",
        description: "A Clojars deploy token (`CLOJARS_`).",
        keywords: &["clojars_"],
        regex: r#"\b(CLOJARS_[a-z0-9]{60})\b"#,
        examples: &["CLOJARS_oji6xsw2zsspl5emv0l89gz1wbw8m52pd6td680wt8wl5qdhvhw7ednsq2ct"],
        negatives: &["CLOJARS_USERNAME"],
        ..DEFAULT
    },
    Rule {
        id: "npmrc-auth",
        title: "npm registry credentials in .npmrc",
        description: "An `_authToken`, `_auth` (base64 `user:password`) or `_password` entry of an `.npmrc`, for any registry: publishes or reads packages as its owner.",
        keywords: &["_authtoken", "_auth", "_password"],
        regex: r#"(?m)^[ \t]*(?://[^\s=]+/:)?_(?:authToken|auth|password)[ \t]*=[ \t]*["']?([^\s"']{8,})"#,
        validate: Some(npmrc_value_ok),
        entropy_min: Some(3.0),
        examples: &[
            "//npm.pkg.example.dev/:_authToken=If8NFmAUNLnY5Yx0y3RnjDQl2Kvf8THRXfEu",
            "_auth = Y2k6enltTWxvcGlXZnFVeUhSUw==",
        ],
        negatives: &["//registry.example/:_authToken=${NPM_TOKEN}", "_authToken=", "always-auth=true"],
        ..DEFAULT
    },
];
