//! A CA and a serving certificate for the webhook's Service (the API server verifies the
//! webhook with the CA given in the ValidatingWebhookConfiguration's `caBundle`).

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
};

use crate::AdmissionError;

/// PEM texts: the CA certificate (`caBundle`), the serving certificate and its private key.
#[derive(Debug, Clone)]
pub struct Certs {
    pub ca_cert: String,
    pub cert: String,
    pub key: String,
}

/// The DNS names a Service `service` in `namespace` is reached by, plus `localhost`.
pub fn service_names(service: &str, namespace: &str) -> Vec<String> {
    vec![
        service.to_string(),
        format!("{service}.{namespace}"),
        format!("{service}.{namespace}.svc"),
        format!("{service}.{namespace}.svc.cluster.local"),
        "localhost".to_string(),
    ]
}

/// Makes a CA (valid 10 years) and a serving certificate for `names` signed by it (1 year),
/// ECDSA P-256.
pub fn generate(names: &[String]) -> Result<Certs, AdmissionError> {
    let err = |e: rcgen::Error| AdmissionError::Certs(e.to_string());
    let ca_key = KeyPair::generate().map_err(err)?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca.distinguished_name.push(DnType::CommonName, "rampart admission CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages =
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let now = time::OffsetDateTime::now_utc();
    ca.not_before = now - time::Duration::hours(1);
    ca.not_after = now + time::Duration::days(3650);
    let ca_cert = ca.self_signed(&ca_key).map_err(err)?;
    let issuer = rcgen::Issuer::new(ca, ca_key);

    let key = KeyPair::generate().map_err(err)?;
    let mut leaf = CertificateParams::new(names.to_vec()).map_err(err)?;
    leaf.distinguished_name.push(DnType::CommonName, names.first().cloned().unwrap_or_default());
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.not_before = now - time::Duration::hours(1);
    leaf.not_after = now + time::Duration::days(365);
    let cert = leaf.signed_by(&key, &issuer).map_err(err)?;
    Ok(Certs { ca_cert: ca_cert.pem(), cert: cert.pem(), key: key.serialize_pem() })
}
