//! A local site for the fetcher to read: a router served on a free port,
//! on a runtime thread of its own, for as long as the test process.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

/// Serves `app` on 127.0.0.1 and returns its address (`http://…`).
pub fn serve(app: axum::Router) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // Two workers: a handler that sleeps for ever must not hold the rest.
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}
