//! `/v/{code}`: the page a certificate's QR stamp opens. Server-rendered, no JavaScript, one
//! small HTML document with its style inline, in Vietnamese with English labels. It asks for
//! nothing elsewhere (its `Content-Security-Policy` forbids it): a product image hosted on
//! another site is a link, not an embedded picture. The verdict comes first, in words, colour
//! and symbol, so that an expired or revoked certificate cannot pass for a valid one.
//!
//! Just over 300 lines with its unit tests.

use std::{fmt::Write, net::SocketAddr};

use axum::{
    extract::{ConnectInfo, Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::NaiveDate;
use ocop_entities::{certification::CertificationLevel, verification_code};

use super::state::AppState;
use crate::services::verification::{self, Lookup, Verdict, Verified};

/// What the browser may load: nothing but the page's own inline style, and images of the
/// server itself.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'none'; \
     base-uri 'none'; frame-ancestors 'none'";

/// The page for `code`.
pub async fn page(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Response {
    let caller = match super::graphql::caller(&state, &headers, peer).await {
        Ok((c, _)) => c,
        Err(response) => return response,
    };
    if let Err(wait) = state.limiter.check(&caller, 1).await {
        return super::graphql::rate_limited(wait);
    }
    let today = crate::clock::today();
    let found = match verification::verify(&state.db, &Lookup::Code(code), today).await {
        Ok(found) => found,
        Err(e) => return super::graphql::app_error(&e.into()),
    };
    let status = if found.verdict == Verdict::Unknown {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    let own_origin = state.settings.public_url.as_deref().unwrap_or_default();
    let html = render(found.verdict, found.certificate.as_ref(), today, own_origin);
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        html,
    )
        .into_response()
}

/// How a verdict is shown: CSS class, symbol, Vietnamese and English headline, explanation.
fn headline(
    verdict: Verdict,
) -> (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
) {
    match verdict {
        Verdict::Valid => (
            "ok",
            "✓",
            "CÒN HIỆU LỰC",
            "VALID",
            "Sản phẩm đang được chứng nhận OCOP theo giấy này. This product is OCOP certified.",
        ),
        Verdict::ExpiringSoon => (
            "ok",
            "✓",
            "CÒN HIỆU LỰC — SẮP HẾT HẠN",
            "VALID — EXPIRES SOON",
            "Giấy chứng nhận còn hiệu lực dưới 90 ngày. The certificate expires within 90 days.",
        ),
        Verdict::Expired => (
            "bad",
            "✗",
            "ĐÃ HẾT HẠN — KHÔNG CÒN HIỆU LỰC",
            "EXPIRED — NOT VALID",
            "Sản phẩm không còn được chứng nhận theo giấy này. This certificate no longer \
             certifies the product.",
        ),
        Verdict::Revoked => (
            "bad",
            "✗",
            "ĐÃ BỊ THU HỒI — KHÔNG HỢP LỆ",
            "REVOKED — NOT VALID",
            "Cơ quan cấp đã thu hồi giấy chứng nhận này. The issuing body revoked this \
             certificate.",
        ),
        Verdict::Superseded => (
            "warn",
            "!",
            "ĐÃ ĐƯỢC THAY THẾ",
            "REPLACED BY A NEWER CERTIFICATE",
            "Sản phẩm có giấy chứng nhận mới hơn; tem này là của giấy cũ. The product holds a \
             newer certificate; this stamp belongs to the old one.",
        ),
        Verdict::NotYetValid => (
            "warn",
            "!",
            "CHƯA CÓ HIỆU LỰC",
            "NOT YET VALID",
            "Ngày hiệu lực của giấy chứng nhận chưa đến. The certificate is not in force yet.",
        ),
        Verdict::Unknown => (
            "bad",
            "?",
            "KHÔNG TÌM THẤY MÃ",
            "UNKNOWN CODE",
            "Không có giấy chứng nhận OCOP nào mang mã này: tem có thể là giả. No OCOP \
             certificate carries this code: the stamp may be counterfeit.",
        ),
    }
}

/// The whole document.
pub fn render(
    verdict: Verdict,
    cert: Option<&Verified>,
    today: NaiveDate,
    own_origin: &str,
) -> String {
    let (class, mark, vi, en, why) = headline(verdict);
    let mut html = String::with_capacity(4096);
    let _ = write!(
        html,
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><link rel=\"icon\" href=\"data:,\">\
         <title>{vi} · Kiểm tra chứng nhận OCOP</title><style>{STYLE}</style></head><body>\
         <main><p class=\"brand\">OCOP · Kiểm tra chứng nhận <span class=\"en\">Certificate \
         check</span></p>\
         <section class=\"verdict {class}\" role=\"status\" id=\"verdict\" \
         data-verdict=\"{verdict:?}\"><div class=\"mark\" aria-hidden=\"true\">{mark}</div>\
         <h1>{vi}</h1><p class=\"en big\">{en}</p><p>{why}</p>"
    );
    if let Some(c) = cert {
        if verdict == Verdict::Revoked {
            let _ = write!(
                html,
                "<p><b>Ngày thu hồi <span class=\"en\">Revoked on</span>:</b> {}<br>\
                 <b>Lý do <span class=\"en\">Reason</span>:</b> {}</p>",
                c.revoked_on.map(date).unwrap_or_default(),
                escape(c.revoked_reason.as_deref().unwrap_or("—")),
            );
        }
        html.push_str("</section>");
        details(&mut html, c, verdict, own_origin);
    } else {
        html.push_str("</section>");
    }
    let _ = write!(
        html,
        "<footer>Kiểm tra ngày <span class=\"en\">Checked on</span> {} (giờ Việt Nam). \
         Tem thật dẫn tới trang này của danh mục OCOP. <span class=\"en\">A genuine stamp \
         leads to this page of the OCOP catalogue.</span></footer></main></body></html>",
        date(today)
    );
    html
}

/// The certificate's facts, under the verdict.
fn details(html: &mut String, c: &Verified, verdict: Verdict, own_origin: &str) {
    let in_force = matches!(verdict, Verdict::Valid | Verdict::ExpiringSoon);
    let stars = "★".repeat(c.stars.clamp(0, 5) as usize);
    let level = match c.level {
        CertificationLevel::Province => "Cấp tỉnh <span class=\"en\">Provincial</span>",
        CertificationLevel::Central => "Cấp trung ương <span class=\"en\">National</span>",
    };
    let _ = write!(
        html,
        "<section class=\"facts{}\"><h2>{}</h2>",
        if in_force { "" } else { " void" },
        escape(&c.product_name)
    );
    if !in_force {
        html.push_str("<p class=\"stamp\">KHÔNG HỢP LỆ <span class=\"en\">NOT VALID</span></p>");
    }
    if let Some(image) = c.product_images.0.first() {
        if image.starts_with('/') || (!own_origin.is_empty() && image.starts_with(own_origin)) {
            let _ = write!(html, "<img src=\"{}\" alt=\"\">", escape(image));
        } else {
            let _ = write!(
                html,
                "<p><a href=\"{}\" rel=\"noreferrer\">Ảnh sản phẩm <span class=\"en\">Product \
                 photo</span></a></p>",
                escape(image)
            );
        }
    }
    html.push_str("<dl>");
    let mut row = |vi: &str, en: &str, value: &str| {
        let _ = write!(
            html,
            "<dt>{vi} <span class=\"en\">{en}</span></dt><dd>{value}</dd>"
        );
    };
    row(
        "Hạng",
        "Rating",
        &format!(
            "<span class=\"stars\">{stars}</span> {} sao <span class=\"en\">stars</span>",
            c.stars
        ),
    );
    row("Chủ thể", "Producer", &escape(&c.producer_name));
    row("Tỉnh, thành", "Province", &escape(&c.province_name));
    row("Cấp công nhận", "Level", level);
    row("Cơ quan cấp", "Issued by", &escape(&c.issuing_body));
    row(
        "Số quyết định",
        "Decision no.",
        &escape(c.decision_number.as_deref().unwrap_or("—")),
    );
    row(
        "Số giấy chứng nhận",
        "Certificate no.",
        &escape(c.certificate_number.as_deref().unwrap_or("—")),
    );
    row("Ngày cấp", "Issued on", &date(c.issued_on));
    row(
        "Hiệu lực đến hết",
        "Valid until",
        &date(c.expires_on.pred_opt().unwrap_or(c.expires_on)),
    );
    row(
        "Mã kiểm tra",
        "Verification code",
        &verification_code::grouped(&c.verification_code),
    );
    html.push_str("</dl></section>");
}

/// `dd/mm/yyyy`, as dates are written in Việt Nam.
fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Text made safe inside HTML elements and quoted attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page's style: large type, high contrast, one column that fits a small phone.
const STYLE: &str = "body{margin:0;font:17px/1.45 system-ui,sans-serif;color:#111;background:#f4f4f4}\
main{max-width:34rem;margin:0 auto;padding:.75rem}.brand{margin:.25rem 0 .75rem;color:#444}\
.en{color:#555;font-size:.85em}.verdict{border-radius:.6rem;padding:1rem;color:#fff}\
.verdict h1{margin:.2rem 0;font-size:1.5rem}.verdict .en{color:inherit;opacity:.92}\
.big{font-size:1.1rem;font-weight:700;margin:.1rem 0 .5rem}\
.mark{font-size:3rem;line-height:1;font-weight:700}\
.ok{background:#146c2e}.warn{background:#8a5a00}.bad{background:#b00020}\
.facts{background:#fff;border-radius:.6rem;padding:1rem;margin-top:.75rem}\
.facts h2{margin:0 0 .5rem;font-size:1.25rem}.void dd{color:#666}.void .stars{text-decoration:line-through}\
.stamp{display:inline-block;border:3px solid #b00020;color:#b00020;font-weight:800;padding:.1rem .5rem;\
transform:rotate(-3deg)}.stamp .en{color:inherit}\
.stars{color:#c98a00;letter-spacing:.1em}dl{margin:0}dt{font-weight:600;margin-top:.5rem}dd{margin:0}\
img{max-width:100%;border-radius:.4rem}footer{color:#555;font-size:.85rem;margin:1rem 0}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("<b>\"Trà\" & 'mè'</b>"),
            "&lt;b&gt;&quot;Trà&quot; &amp; &#39;mè&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn an_unknown_code_shows_no_certificate() {
        let html = render(
            Verdict::Unknown,
            None,
            NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
            "",
        );
        assert!(html.contains("KHÔNG TÌM THẤY MÃ") && html.contains("UNKNOWN CODE"));
        assert!(!html.contains("<dl>"));
        assert!(html.contains("02/12/2026"));
    }
}
