//! Several `ocop serve` processes on one PostgreSQL database, each with its own embedded index
//! (and all on one Meilisearch when `MEILI_URL` is set): 1,000 writes spread over them, some
//! concurrent, one server killed with SIGKILL mid-stream and restarted, a fourth started late.
//! Afterwards every server's search agrees with the database, and `/ready` says so.

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::RwLock;

use super::*;

/// Writes in all.
const WRITES: usize = 1000;
/// Concurrent writers.
const WRITERS: usize = 6;
/// First token of this scenario (apart from the other scenarios' ranges).
const FIRST_TOKEN: usize = 200_000;

/// The servers writers may use, by name.
type Live = Arc<RwLock<Vec<(char, Client)>>>;

/// A site on PostgreSQL, with Meilisearch when asked; `None` (saying why) when it cannot run.
async fn site(meili: bool) -> Option<Site> {
    let mut site = Site::new(Setup::Postgres).await?;
    if meili {
        let Some(url) = std::env::var("MEILI_URL").ok().filter(|u| !u.is_empty()) else {
            eprintln!("skipped on Meilisearch: MEILI_URL is not set");
            return None;
        };
        site.env.push(("MEILI_URL".into(), url));
        if let Ok(key) = std::env::var("MEILI_MASTER_KEY") {
            site.env.push(("MEILI_MASTER_KEY".into(), key));
        }
        site.env.push((
            "OCOP_MEILI_INDEX_PREFIX".into(),
            format!("multi_{}_", std::process::id()),
        ));
    }
    Some(site)
}

/// Starts a server whose embedded index lives in `<site>/<name>`.
async fn serve(site: &mut Site, name: char) -> Server {
    let dir = site.path(&format!("server-{name}"));
    std::fs::create_dir_all(&dir).expect("a data directory");
    site.serve_with(&[(
        "OCOP_DATA_DIR",
        dir.to_str().expect("a UTF-8 path").to_owned(),
    )])
    .await
}

/// One writer: updates its products' descriptions in turn, through the live servers in turn,
/// moving on to the next server when one does not answer.
fn writer(
    live: Live,
    key: String,
    mut products: Vec<(String, String)>,
    writes: usize,
    first_token: usize,
    done: Arc<AtomicUsize>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        for n in 0..writes {
            let i = n % products.len();
            let token = word(first_token + n);
            let mut server = n;
            loop {
                let client = {
                    let live = live.read().await;
                    live[server % live.len()].1.clone()
                };
                let (id, updated_at) = products[i].clone();
                let input = json!({"expectedUpdatedAt": updated_at, "description": format!("{VERSION}{token}")});
                match client
                    .gql(Some(&key), UPDATE, json!({"id": id, "i": input}))
                    .await
                {
                    Ok(body) => {
                        if let Some(fresh) = body["data"]["updateProduct"]["updatedAt"].as_str() {
                            products[i].1 = fresh.to_owned();
                            break;
                        }
                        // A write that reached a server just before it was killed has moved
                        // `updatedAt` on: read it again and retry.
                        assert_eq!(
                            body["errors"][0]["extensions"]["code"], "CONFLICT",
                            "{body}"
                        );
                        let fresh = client.products().await;
                        products[i].1 = fresh
                            .into_iter()
                            .find(|(p, _)| *p == id)
                            .expect("the product")
                            .1;
                    }
                    Err(_) => server += 1,
                }
            }
            done.fetch_add(1, Ordering::SeqCst);
        }
    })
}

/// Waits until `done` reaches `n`.
async fn reached(done: &AtomicUsize, n: usize) {
    let started = Instant::now();
    while done.load(Ordering::SeqCst) < n {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the writers are stuck at {}",
            done.load(Ordering::SeqCst)
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// `/ready` of a server: its status code and body.
async fn ready(client: &Client) -> (u16, Value) {
    let r = client
        .http
        .get(client.url("/ready"))
        .send()
        .await
        .expect("the server answers");
    let status = r.status().as_u16();
    (status, r.json().await.expect("JSON"))
}

async fn several_servers_follow_one_change_log(meili: bool) {
    let Some(mut site) = site(meili).await else {
        return;
    };
    let key = site.seed().await;
    let mut servers = vec![
        ('a', serve(&mut site, 'a').await),
        ('b', serve(&mut site, 'b').await),
        ('c', serve(&mut site, 'c').await),
    ];
    let live: Live = Arc::new(RwLock::new(
        servers
            .iter()
            .map(|(n, s)| (*n, s.client.clone()))
            .collect(),
    ));
    let products = servers[0].1.client.products().await;
    assert_eq!(products.len(), SEEDED);

    // `/ready` is watched throughout: a server that says ok has a built index, and its report
    // agrees with itself.
    let watching = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let watcher = {
        let (live, watching) = (live.clone(), watching.clone());
        tokio::spawn(async move {
            let mut oks = 0;
            while watching.load(Ordering::SeqCst) {
                let clients: Vec<Client> =
                    live.read().await.iter().map(|(_, c)| c.clone()).collect();
                for c in clients {
                    let Ok(r) = c.http.get(c.url("/ready")).send().await else {
                        continue;
                    };
                    if r.status() != 200 {
                        continue;
                    }
                    let body: Value = r.json().await.expect("JSON");
                    let sync = &body["search"]["sync"];
                    assert_eq!(sync["status"], "ok", "{body}");
                    let (position, head) = (sync["position"].as_i64(), sync["head"].as_i64());
                    let (Some(position), Some(head)) = (position, head) else {
                        panic!("a ready server reports its position and the head: {body}");
                    };
                    assert!(position <= head, "{body}");
                    assert_eq!(
                        sync["pendingChanges"].as_i64(),
                        Some(head - position),
                        "{body}"
                    );
                    oks += 1;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            oks
        })
    };

    let done = Arc::new(AtomicUsize::new(0));
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let mine: Vec<_> = products
            .iter()
            .enumerate()
            .filter(|(i, _)| i % WRITERS == w)
            .map(|(_, p)| p.clone())
            .collect();
        let writes = WRITES / WRITERS + usize::from(w < WRITES % WRITERS);
        writers.push(writer(
            live.clone(),
            key.clone(),
            mine,
            writes,
            FIRST_TOKEN + w * 10_000,
            done.clone(),
        ));
    }

    // B is killed mid-stream, then restarted on its own index; D starts late on an empty one.
    reached(&done, 300).await;
    let (_, mut b) = servers.remove(1);
    b.kill().await;
    live.write().await.retain(|(n, _)| *n != 'b');
    reached(&done, 550).await;
    let b = serve(&mut site, 'b').await;
    live.write().await.push(('b', b.client.clone()));
    servers.push(('b', b));
    reached(&done, 750).await;
    let d = serve(&mut site, 'd').await;
    live.write().await.push(('d', d.client.clone()));
    servers.push(('d', d));
    for w in writers {
        w.await.expect("a writer");
    }
    assert_eq!(done.load(Ordering::SeqCst), WRITES);

    // The truth, read from the database.
    let db = site.database().await;
    let rows = product::Entity::find()
        .all(&db)
        .await
        .expect("the products");
    let head = ocop_entities::ext::change_log::state(&db)
        .await
        .expect("the head")
        .head;
    assert!(
        head >= WRITES as i64,
        "every write is in the log (head {head})"
    );
    for (name, server) in &servers {
        let took = server.client.wait_synced(Duration::from_secs(60)).await;
        let (status, body) = ready(&server.client).await;
        assert_eq!(status, 200, "server {name}: {body}");
        assert_eq!(
            body["search"]["sync"]["position"], head,
            "server {name}: {body}"
        );
        for row in &rows {
            let token = row
                .description
                .as_deref()
                .and_then(|d| d.strip_prefix(VERSION))
                .expect("every product was written");
            assert_eq!(
                server.client.hits(token).await,
                [row.id.to_string()],
                "server {name} finds product {} by its last write",
                row.id
            );
        }
        eprintln!("server {name} caught up {took:?} after the last write");
    }
    // No server keeps a replaced description: the first token of each writer was overwritten.
    for w in 0..WRITERS {
        let first = word(FIRST_TOKEN + w * 10_000);
        for (name, server) in &servers {
            assert!(
                server.client.hits(&first).await.is_empty(),
                "server {name} still finds the replaced description {first}"
            );
        }
    }
    watching.store(false, Ordering::SeqCst);
    let oks = watcher.await.expect("the watcher");
    assert!(oks > 0, "/ready was watched while the writers wrote");
    db.close().await.ok();
}

mod several_servers_on_one_database {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_each_with_its_embedded_index() {
        several_servers_follow_one_change_log(false).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_sharing_meilisearch() {
        several_servers_follow_one_change_log(true).await;
    }
}
