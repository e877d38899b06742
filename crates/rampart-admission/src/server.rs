//! The HTTPS server: `POST /validate` (AdmissionReview in, AdmissionReview out), `GET /healthz`.
//! TLS only (rustls); bodies over 3 MiB are refused.

use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::AdmissionError;
use crate::decide::{DecisionLog, Webhook};
use crate::review::AdmissionReview;

/// Largest request body read (the API server sends objects up to ~1.5 MiB).
const MAX_BODY: usize = 3 * 1024 * 1024;

/// Receives each decision (the CLI writes it as a JSON line).
pub type DecisionSink = Arc<dyn Fn(&DecisionLog) + Send + Sync>;

/// A TLS server config from PEM certificate chain and private key.
pub fn tls_config(cert_pem: &[u8], key_pem: &[u8]) -> Result<Arc<rustls::ServerConfig>, AdmissionError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| AdmissionError::Tls(format!("certificate: {e}")))?;
    if certs.is_empty() {
        return Err(AdmissionError::Tls("no certificate in the certificate file".into()));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem)
        .map_err(|e| AdmissionError::Tls(format!("private key: {e}")))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| AdmissionError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| AdmissionError::Tls(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A running server: its address, and a handle to stop it.
pub struct Running {
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Stops accepting and waits for the server thread.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Blocks until the server stops (it runs until [`Running::stop`] or a fatal error).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.halt();
    }
}

/// Starts the server on `addr` (port 0: any free port) on its own threads.
pub fn start(
    addr: SocketAddr,
    tls: Arc<rustls::ServerConfig>,
    webhook: Arc<Webhook>,
    sink: DecisionSink,
    workers: usize,
) -> Result<Running, AdmissionError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers.max(1))
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| AdmissionError::Io(format!("runtime: {e}")))?;
    let listener = runtime
        .block_on(TcpListener::bind(addr))
        .map_err(|e| AdmissionError::Io(format!("binding {addr}: {e}")))?;
    let local = listener.local_addr().map_err(|e| AdmissionError::Io(e.to_string()))?;
    let (tx, mut rx) = tokio::sync::oneshot::channel::<()>();
    let acceptor = TlsAcceptor::from(tls);
    let thread = std::thread::Builder::new()
        .name("rampart-admission".into())
        .spawn(move || {
            runtime.block_on(async move {
                    loop {
                        let (tcp, _) = tokio::select! {
                            _ = &mut rx => break,
                            accepted = listener.accept() => match accepted {
                                Ok(c) => c,
                                Err(_) => continue,
                            },
                        };
                        let _ = tcp.set_nodelay(true);
                        let acceptor = acceptor.clone();
                        let webhook = webhook.clone();
                        let sink = sink.clone();
                        tokio::spawn(async move {
                            let Ok(tls) = acceptor.accept(tcp).await else { return };
                            let io = hyper_util::rt::TokioIo::new(tls);
                            let service = hyper::service::service_fn(move |req| {
                                let webhook = webhook.clone();
                                let sink = sink.clone();
                                async move {
                                    Ok::<_, std::convert::Infallible>(handle(req, &webhook, &sink).await)
                                }
                            });
                            let _ = hyper::server::conn::http1::Builder::new()
                                .serve_connection(io, service)
                                .await;
                        });
                    }
                });
        })
        .map_err(|e| AdmissionError::Io(format!("server thread: {e}")))?;
    Ok(Running { addr: local, shutdown: Some(tx), thread: Some(thread) })
}

fn reply(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    if let Ok(v) = content_type.parse() {
        r.headers_mut().insert(hyper::header::CONTENT_TYPE, v);
    }
    r
}

async fn handle(
    req: Request<Incoming>,
    webhook: &Arc<Webhook>,
    sink: &DecisionSink,
) -> Response<Full<Bytes>> {
    match (req.method(), req.uri().path()) {
        (&Method::GET, "/healthz") => reply(StatusCode::OK, "text/plain", "ok\n"),
        (&Method::POST, "/validate") => {
            let body = match Limited::new(req.into_body(), MAX_BODY).collect().await {
                Ok(b) => b.to_bytes(),
                Err(e) => return reply(StatusCode::PAYLOAD_TOO_LARGE, "text/plain", format!("body: {e}\n")),
            };
            let review: AdmissionReview = match serde_json::from_slice(&body) {
                Ok(r) => r,
                Err(e) => {
                    return reply(
                        StatusCode::BAD_REQUEST,
                        "text/plain",
                        format!("not an AdmissionReview: {e}\n"),
                    );
                }
            };
            let webhook = webhook.clone();
            // The decision may scan an image: off the async workers.
            let decided = tokio::task::spawn_blocking(move || webhook.review(&review)).await;
            match decided {
                Ok(Ok((answer, log))) => {
                    sink(&log);
                    match serde_json::to_vec(&answer) {
                        Ok(json) => reply(StatusCode::OK, "application/json", json),
                        Err(e) => reply(StatusCode::INTERNAL_SERVER_ERROR, "text/plain", format!("{e}\n")),
                    }
                }
                Ok(Err(e)) => reply(StatusCode::BAD_REQUEST, "text/plain", format!("{e}\n")),
                Err(e) => reply(StatusCode::INTERNAL_SERVER_ERROR, "text/plain", format!("{e}\n")),
            }
        }
        _ => reply(StatusCode::NOT_FOUND, "text/plain", "not found\n"),
    }
}
