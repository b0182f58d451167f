//! The response cache across servers: two `ocop serve` processes on one PostgreSQL database,
//! each with its own cache. A write through one is never followed by a stale cached answer
//! from the other, whether the answer comes from the cache or is revalidated with an `ETag`.

use super::*;

const LIST: &str = "{ products(first: 100) { edges { node { id name updatedAt } } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_on_one_server_is_never_followed_by_a_stale_answer_on_another() {
    let Some(mut site) = Site::new(Setup::Postgres).await else {
        return;
    };
    let admin = site.seed().await;
    let a = site
        .serve_with(&[("OCOP_DATA_DIR", site.path("a").display().to_string())])
        .await;
    let b = site
        .serve_with(&[("OCOP_DATA_DIR", site.path("b").display().to_string())])
        .await;
    let get = a.client.url("/graphql?query=%7B%20products%20%7B%20totalCount%20edges%20%7B%20node%20%7B%20name%20%7D%20%7D%20%7D%20%7D");
    for round in 0..20 {
        // Read on A twice: the second answer comes from A's cache.
        let before = a.client.data(LIST, json!({})).await;
        assert_eq!(a.client.data(LIST, json!({})).await, before);
        let validator = a.client.http.get(&get).send().await.unwrap();
        let etag = validator.headers()["etag"].clone();
        let node = &before["products"]["edges"][round % 10]["node"];
        let name = format!("Tên vòng {round}");
        let written = b
            .client
            .gql(
                Some(&admin),
                "mutation($id: ID!, $i: UpdateProductInput!) { updateProduct(id: $id, input: $i) { name } }",
                json!({ "id": node["id"], "i": { "name": name, "expectedUpdatedAt": node["updatedAt"] } }),
            )
            .await
            .expect("B answers");
        assert_eq!(written["data"]["updateProduct"]["name"], name, "{written}");
        // At once, A answers with the write, from a fresh execution.
        let after = a.client.data(LIST, json!({})).await;
        let names: Vec<&str> = after["products"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&name.as_str()), "round {round}: {names:?}");
        let revalidated = a
            .client
            .http
            .get(&get)
            .header("if-none-match", etag.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(
            revalidated.status(),
            200,
            "round {round}: the old ETag is stale"
        );
        assert_ne!(revalidated.headers()["etag"], etag);
    }
}
