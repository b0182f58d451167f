//! The page a certificate's QR stamp opens, in a real browser: the verdict for a valid, an
//! expired and a revoked certificate and for an unknown code, with no request leaving the
//! server; and `ocop stamp`, which writes the QR for the printer.
//!
//! `OCOP_SCREENSHOTS=<dir>` also saves a phone-sized screenshot of each verdict there (the ones
//! in `docs/verification/` were made so).

use ocop_entities::{certification, verification_code};
use ocop_tests::fixtures::{cert, revoked, valid_cert};

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_verification_page_shows_each_verdict_and_asks_for_nothing_elsewhere() {
    let Some(browser) = browser::Browser::find() else {
        return;
    };
    let mut site = Site::new(Setup::Sqlite).await.expect("SQLite always runs");
    let spec = |slug: &str, name: &str, certs| {
        ProductSpec::new(slug, name, "p", wards::HA_TINH, "I.4.a").certs(certs)
    };
    let mut numbered = valid_cert(4);
    numbered["certificateNumber"] = json!("0427/GCN-OCOP");
    let catalogue = Catalogue::new()
        .producer("p", "HTX Nước mắm Kiểm Thử", "COOPERATIVE", wards::HA_TINH)
        .product(spec("valid", "Nước mắm cá cơm nhĩ", vec![numbered]))
        .product(spec("expired", "Kẹo cu đơ", vec![cert(3, 1100, 0)]))
        .product(spec(
            "revoked",
            "Mật ong hoa nhãn",
            vec![revoked(valid_cert(5))],
        ))
        // An image on another site: the page links to it and never loads it.
        .raw(json!({}));
    let mut lines: Vec<Value> = catalogue
        .jsonl()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|v: &Value| v != &json!({}))
        .collect();
    for line in &mut lines {
        if line["slug"] == "valid" {
            line["images"] = json!(["https://images.example.org/nuoc-mam.jpg"]);
        }
    }
    let jsonl: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(site.path("verify.jsonl"), jsonl).unwrap();
    site.run(&["import", "verify.jsonl"]).await;

    let db = site.database().await;
    let products: HashMap<i64, String> = product::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.id, p.slug))
        .collect();
    let certs: HashMap<String, certification::Model> = certification::Entity::find()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (products[&c.product_id].clone(), c))
        .collect();

    // The stamp for the printer.
    let valid = &certs["valid"];
    let out = site
        .command(&[
            "stamp",
            &valid.id.to_string(),
            "--svg",
            "stamp.svg",
            "--png",
            "stamp.png",
        ])
        .env("OCOP_PUBLIC_URL", "https://ocop.example.vn")
        .output()
        .await
        .unwrap();
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(printed.contains(&verification_code::grouped(&valid.verification_code)));
    assert!(printed.contains(&format!(
        "https://ocop.example.vn/v/{}",
        valid.verification_code
    )));
    let svg = std::fs::read_to_string(site.path("stamp.svg")).unwrap();
    assert!(svg.contains("<svg"));
    assert!(
        std::fs::read(site.path("stamp.png"))
            .unwrap()
            .starts_with(b"\x89PNG")
    );

    let server = site.serve().await;
    let own = format!("http://{}", server.client.addr);
    let screenshots = std::env::var_os("OCOP_SCREENSHOTS").map(PathBuf::from);
    let cases = [
        (
            "valid",
            valid.verification_code.clone(),
            "CÒN HIỆU LỰC",
            "Valid",
        ),
        (
            "expired",
            certs["expired"].verification_code.clone(),
            "ĐÃ HẾT HẠN",
            "Expired",
        ),
        (
            "revoked",
            certs["revoked"].verification_code.clone(),
            "ĐÃ BỊ THU HỒI",
            "Revoked",
        ),
        (
            "unknown",
            verification_code::generate(),
            "KHÔNG TÌM THẤY MÃ",
            "Unknown",
        ),
    ];
    for (name, code, headline, verdict) in cases {
        let url = server.client.url(&format!("/v/{code}"));
        let page = browser.load(&url, &own).await;
        assert!(
            page.dom.contains(headline)
                && page.dom.contains(&format!("data-verdict=\"{verdict}\"")),
            "{name}: the page was:\n{}\nbrowser said:\n{}",
            page.dom,
            page.stderr
        );
        assert_eq!(
            page.requests,
            std::slice::from_ref(&url),
            "{name}: the page asked for nothing but itself"
        );
        if let Some(dir) = &screenshots {
            browser
                .screenshot(&url, &dir.join(format!("{name}.png")))
                .await;
        }
    }
    let valid_page = browser
        .load(
            &server
                .client
                .url(&format!("/v/{}", valid.verification_code)),
            &own,
        )
        .await;
    assert!(
        valid_page.dom.contains("images.example.org"),
        "the photo is linked"
    );
    assert!(!valid_page.dom.contains("<img"), "and not embedded");
}
