//! The HTTP/1.1 listener: Patchbay's own accept loop over hyper instead of `axum::serve`, which
//! has no read timeouts and no connection cap. A client must send its request headers within the
//! header-read timeout (also between requests on a kept-alive connection) and the whole body
//! within the body-read timeout (else 408); at most `max_connections` connections are open at
//! once (more wait in the kernel's accept queue); on shutdown in-flight requests may finish
//! within the deadline.

use std::{
    convert::Infallible,
    future::Future,
    net::SocketAddr,
    pin::{Pin, pin},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use anyhow::Context as _;
use axum::{
    Router,
    body::{Body, Bytes},
    extract::ConnectInfo,
    http::{HeaderValue, Request, StatusCode, header},
    response::{IntoResponse, Response},
};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::{OwnedSemaphorePermit, Semaphore, mpsc, watch},
    time::{Instant, Sleep},
};
use tower::ServiceExt;

use crate::telemetry::REQUEST_ID_HEADER;

/// How connections are read and how many may be open.
#[derive(Debug, Clone)]
pub struct ConnectionSettings {
    /// Time a client has to send a request's headers, counted from the connection's start or the
    /// end of its previous response (so idle kept-alive connections close after it too).
    pub header_read_timeout: Duration,
    /// Time a client has to send a request's whole body, counted from the end of its headers.
    pub body_read_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
    /// After the stop signal, how long in-flight requests may finish.
    pub shutdown_timeout: Duration,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(15),
            max_connections: 512,
            shutdown_timeout: Duration::from_secs(30),
        }
    }
}

/// Where a connection's task is in the server's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Serving,
    /// Finish the request in flight, then close.
    Draining,
    /// The shutdown deadline passed: close now.
    Closing,
}

/// Serves `router` on `listener` until `signal` resolves, then stops accepting and lets in-flight
/// requests finish for at most `settings.shutdown_timeout`; connections still open then are
/// closed.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    signal: impl Future<Output = ()> + Send,
    settings: &ConnectionSettings,
) -> anyhow::Result<()> {
    let permits = Arc::new(Semaphore::new(settings.max_connections.max(1)));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(settings.header_read_timeout);
    let http = Arc::new(http);
    let (phase_tx, phase_rx) = watch::channel(Phase::Serving);
    // Every connection task holds a sender; `recv` answers `None` once all of them are gone.
    let (open_tx, mut open_rx) = mpsc::channel::<()>(1);
    let mut signal = pin!(signal);
    loop {
        // A permit first: past the cap, connections wait in the accept queue, unread.
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit.context("connection permits closed")?,
            () = &mut signal => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    accept_failed(&err).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        tokio::spawn(connection(Connection {
            stream,
            remote,
            router: router.clone(),
            http: http.clone(),
            body_read_timeout: settings.body_read_timeout,
            phase: phase_rx.clone(),
            _permit: permit,
            _open: open_tx.clone(),
        }));
    }
    drop(listener);
    tracing::info!("shutting down: finishing in-flight requests");
    let _ = phase_tx.send(Phase::Draining);
    drop(open_tx);
    let all_closed = async { while open_rx.recv().await.is_some() {} };
    if tokio::time::timeout(settings.shutdown_timeout, all_closed)
        .await
        .is_err()
    {
        tracing::warn!(
            deadline_secs = settings.shutdown_timeout.as_secs(),
            "shutdown deadline passed; dropping requests still running"
        );
        let _ = phase_tx.send(Phase::Closing);
    }
    Ok(())
}

/// Accept errors about one connection are the client's; others (out of file descriptors) are
/// the process's, and accepting again at once would spin.
async fn accept_failed(err: &std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %err, "accepting a connection failed; retrying in 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// One accepted connection and what its task needs.
struct Connection {
    stream: TcpStream,
    remote: SocketAddr,
    router: Router,
    http: Arc<hyper::server::conn::http1::Builder>,
    body_read_timeout: Duration,
    phase: watch::Receiver<Phase>,
    /// Frees a place under the connection cap when the connection ends.
    _permit: OwnedSemaphorePermit,
    /// Tells the server the connection ended.
    _open: mpsc::Sender<()>,
}

async fn connection(conn: Connection) {
    let Connection {
        stream,
        remote,
        router,
        http,
        body_read_timeout,
        mut phase,
        _permit,
        _open,
    } = conn;
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let router = router.clone();
        async move { Ok::<_, Infallible>(handle(router, request, remote, body_read_timeout).await) }
    });
    let mut served = pin!(
        http.serve_connection(TokioIo::new(stream), service)
            .with_upgrades()
    );
    loop {
        tokio::select! {
            result = served.as_mut() => {
                if let Err(err) = result {
                    tracing::debug!(error = %err, %remote, "connection ended with an error");
                }
                break;
            }
            changed = phase.changed() => {
                let now = *phase.borrow_and_update();
                match (changed, now) {
                    (Err(_), _) | (Ok(()), Phase::Closing) => break,
                    (Ok(()), Phase::Draining) => served.as_mut().graceful_shutdown(),
                    (Ok(()), Phase::Serving) => {}
                }
            }
        }
    }
}

/// One request: the peer address for `ConnectInfo` (the GraphQL handler rate-limits by it), the
/// body under its deadline, and 408 when the handler gave up on a body that came too slowly.
async fn handle(
    router: Router,
    request: Request<Incoming>,
    remote: SocketAddr,
    body_read_timeout: Duration,
) -> Response {
    let (mut parts, body) = request.into_parts();
    parts.extensions.insert(ConnectInfo(remote));
    let expired = Arc::new(AtomicBool::new(false));
    let body = Body::new(DeadlineBody {
        inner: body,
        deadline: Instant::now() + body_read_timeout,
        sleep: None,
        expired: expired.clone(),
    });
    let response = match router.oneshot(Request::from_parts(parts, body)).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    if expired.load(Ordering::Acquire) {
        return body_timed_out(&response, body_read_timeout);
    }
    response
}

/// 408 with a GraphQL-shaped error, keeping the request id, and the connection closed (the rest
/// of the body is never read).
fn body_timed_out(original: &Response, timeout: Duration) -> Response {
    let body = serde_json::json!({ "errors": [{
        "message": format!(
            "the request body was not received within {} ms",
            timeout.as_millis()
        ),
        "extensions": { "code": "REQUEST_BODY_TIMEOUT" },
    }] });
    let mut response = (
        StatusCode::REQUEST_TIMEOUT,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CONNECTION, HeaderValue::from_static("close")),
        ],
        body.to_string(),
    )
        .into_response();
    if let Some(id) = original.headers().get(REQUEST_ID_HEADER) {
        response.headers_mut().insert(REQUEST_ID_HEADER, id.clone());
    }
    response
}

/// The request body ended by a deadline for all of it (tower-http's body timeout restarts with
/// every frame, so a client trickling a byte at a time would never hit it).
struct DeadlineBody {
    inner: Incoming,
    deadline: Instant,
    /// Created on the first wait: most bodies arrive with their headers and never need it.
    sleep: Option<Pin<Box<Sleep>>>,
    expired: Arc<AtomicBool>,
}

/// The body did not arrive in time.
#[derive(Debug, thiserror::Error)]
#[error("the request body was not received in time")]
struct BodyTimedOut;

impl http_body::Body for DeadlineBody {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|frame| frame.map_err(axum::BoxError::from)));
        }
        let deadline = this.deadline;
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if sleep.as_mut().poll(cx).is_ready() {
            this.expired.store(true, Ordering::Release);
            return Poll::Ready(Some(Err(Box::new(BodyTimedOut))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
