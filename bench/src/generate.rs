//! A synthetic catalogue in the interchange format: realistic Vietnamese product names made of
//! real product types and places, over all 34 provinces and 3,321 wards with a skew like the real
//! one, all 26 product sets, certificates valid, expiring, expired and revoked, and outlets with
//! 5–30 listings (flagship showrooms with 100). Deterministic for a seed.
//!
//! Over 300 lines: the word lists the names are made from, and the generator that uses them.

use std::io::Write;

use chrono::{Duration, NaiveDate, Utc};
use ocop_migration::reference_data::{self as data, parse};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom};
use serde_json::{Value, json};

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// Products.
    pub products: usize,
    /// Outlets.
    pub outlets: usize,
    /// RNG seed.
    pub seed: u64,
}

/// Product types per product set, written as Vietnamese buyers would.
const TYPES: &[(&str, &[&str])] = &[
    (
        "I.1.a",
        &[
            "Bưởi da xanh",
            "Cam sành",
            "Vải thiều",
            "Nhãn lồng",
            "Xoài cát",
            "Dưa lưới",
            "Bơ sáp",
            "Thanh long ruột đỏ",
            "Chuối ngự",
            "Măng tây",
            "Dừa xiêm",
        ],
    ),
    (
        "I.1.b",
        &[
            "Trứng vịt biển",
            "Thịt lợn đen",
            "Gà đồi",
            "Sữa bò tươi",
            "Tôm thẻ",
            "Cá chép giòn",
            "Bò tơ",
        ],
    ),
    (
        "I.2.a",
        &[
            "Gạo ST25",
            "Gạo nếp cái hoa vàng",
            "Gạo lứt đỏ",
            "Hạt điều rang muối",
            "Hạt mắc ca",
            "Lạc đỏ",
            "Đậu xanh",
            "Mè đen",
        ],
    ),
    (
        "I.2.b",
        &[
            "Mật ong hoa nhãn",
            "Mật ong bạc hà",
            "Mật mía",
            "Tinh bột nghệ",
            "Mật hoa dừa",
            "Đường phèn",
        ],
    ),
    (
        "I.3.a",
        &["Chả giò", "Xúc xích", "Bánh bao", "Bánh cuốn đóng gói"],
    ),
    (
        "I.3.b",
        &[
            "Bánh đa nem",
            "Miến dong",
            "Bún khô",
            "Phở khô",
            "Bánh cáy",
            "Cốm",
            "Bánh chưng",
            "Bánh tráng",
        ],
    ),
    (
        "I.3.c",
        &[
            "Kẹo dừa",
            "Mứt gừng",
            "Vải sấy",
            "Chuối sấy",
            "Măng khô",
            "Nhút",
            "Mứt me",
            "Dưa cải muối",
            "Kẹo lạc",
        ],
    ),
    (
        "I.3.d",
        &[
            "Chả mực",
            "Nem chua",
            "Giò me",
            "Ruốc tôm",
            "Cá khô",
            "Lạp xưởng",
            "Yến sào",
            "Thịt trâu gác bếp",
        ],
    ),
    (
        "I.4.a",
        &[
            "Nước mắm",
            "Tương bần",
            "Nước màu dừa",
            "Tương ớt",
            "Mắm tôm",
        ],
    ),
    (
        "I.4.b",
        &[
            "Muối tôm",
            "Tiêu đen",
            "Tỏi cô đơn",
            "Muối hạt",
            "Hành tím",
            "Ớt bột",
            "Quế",
        ],
    ),
    (
        "I.5.a",
        &["Chè búp", "Chè Shan tuyết", "Trà xanh", "Chè móc câu"],
    ),
    (
        "I.5.b",
        &[
            "Trà hoa vàng",
            "Trà atiso",
            "Trà mướp đắng",
            "Trà sen",
            "Trà gạo lứt",
            "Trà hoa cúc",
        ],
    ),
    (
        "I.6",
        &[
            "Cà phê bột",
            "Cà phê hạt rang",
            "Ca cao nguyên chất",
            "Cà phê Robusta",
            "Cà phê Arabica",
        ],
    ),
    (
        "II.1.a",
        &["Rượu nếp cái", "Rượu ngô men lá", "Rượu gạo", "Rượu làng"],
    ),
    (
        "II.1.b",
        &[
            "Rượu ba kích",
            "Rượu sim",
            "Rượu mơ",
            "Rượu đinh lăng",
            "Rượu chuối hột",
        ],
    ),
    ("II.2.a", &["Nước khoáng", "Nước uống tinh khiết"]),
    (
        "II.2.b",
        &[
            "Nước cốt dừa",
            "Nước ép cam",
            "Sữa đậu nành",
            "Nước mía",
            "Siro chanh leo",
        ],
    ),
    (
        "III.1",
        &[
            "Cao đinh lăng",
            "Viên tinh nghệ",
            "Nhung hươu",
            "Cao atiso",
            "Trà giảo cổ lam",
        ],
    ),
    (
        "III.2",
        &[
            "Tinh dầu sả chanh",
            "Xà phòng thảo dược",
            "Dầu gội bồ kết",
            "Son dưỡng sáp ong",
        ],
    ),
    (
        "III.3",
        &["Tinh dầu quế", "Sâm Ngọc Linh", "Đảng sâm", "Tinh dầu tràm"],
    ),
    (
        "IV.1",
        &[
            "Gốm men lam",
            "Chiếu cói",
            "Nón lá",
            "Giỏ mây tre đan",
            "Đèn lồng",
            "Tranh Đông Hồ",
            "Ngọc trai",
            "Đũa tre",
        ],
    ),
    ("IV.2", &["Lụa tơ tằm", "Thổ cẩm", "Khăn dệt", "Áo dài lụa"]),
    ("V.1", &["Lan hồ điệp", "Hoa đào", "Hoa cúc"]),
    ("V.2", &["Bonsai", "Mai vàng", "Quất cảnh"]),
    ("V.3", &["Cá cảnh", "Chim cảnh"]),
    (
        "VI.1",
        &["Du lịch cộng đồng", "Điểm du lịch sinh thái", "Homestay"],
    ),
];

const QUALIFIERS: &[&str] = &[
    "",
    "",
    "",
    "truyền thống",
    "hữu cơ",
    "đặc biệt",
    "thượng hạng",
    "loại 1",
    "cao cấp",
    "sạch",
];
const SURNAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const GIVEN: &[&str] = &[
    "Văn Hùng",
    "Thị Lan",
    "Minh Tuấn",
    "Thị Hằng",
    "Quang Huy",
    "Thu Trang",
    "Đức Anh",
    "Ngọc Oanh",
    "Văn Bình",
    "Thị Mai",
];
const OUTLET_KINDS: &[&str] = &[
    "TRANSPORT_HUB",
    "HIGHWAY_STOP",
    "MALL_SUPERMARKET_MARKET",
    "TOURIST_SITE_HOTEL_RESTAURANT",
    "CRAFT_VILLAGE",
    "LOCAL_COMMERCIAL_CENTRE_OR_INDUSTRIAL_ZONE",
    "FAIR_EXHIBITION_CENTRE",
    "POST_OFFICE",
    "OTHER",
];

/// Province weights: Hà Nội and Quảng Ninh have far more OCOP products than most.
fn province_weight(code: &str) -> u32 {
    match code {
        "01" => 8,
        "22" => 5,
        "38" | "40" | "37" | "25" => 2,
        _ => 1,
    }
}

struct Ward {
    code: String,
    name: String,
    province: String,
    province_name: String,
    lat: f64,
    lng: f64,
}

fn wards() -> Vec<(Ward, u32)> {
    let provinces = parse::<data::ProvinceRow>(data::PROVINCES_CSV);
    parse::<data::WardRow>(data::WARDS_CSV)
        .into_iter()
        .map(|w| {
            let province_name = provinces
                .iter()
                .find(|p| p.code == w.province_code)
                .map(|p| p.name.clone())
                .unwrap_or_default();
            let weight = province_weight(&w.province_code);
            (
                Ward {
                    code: w.code,
                    name: w.name,
                    province: w.province_code,
                    province_name,
                    lat: w.lat,
                    lng: w.lng,
                },
                weight,
            )
        })
        .collect()
}

fn pick_ward<'a>(rng: &mut StdRng, wards: &'a [(Ward, u32)], total: u32) -> &'a Ward {
    let mut n = rng.random_range(0..total);
    for (w, weight) in wards {
        if n < *weight {
            return w;
        }
        n -= weight;
    }
    &wards[wards.len() - 1].0
}

fn slug(s: &str) -> String {
    ocop_search::text::slugify(s)
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A certificate history for today's catalogue: mostly valid, some expiring, expired, revoked.
fn certificates(rng: &mut StdRng, today: NaiveDate, province: &str) -> Vec<Value> {
    let roll = rng.random_range(0..100);
    let stars = [3, 3, 3, 4, 4, 5][rng.random_range(0..6)];
    let cert = |rng: &mut StdRng, days_ago: std::ops::Range<i64>, stars: i32| {
        let issued = today - Duration::days(rng.random_range(days_ago));
        let (score, body) = match stars {
            3 => (rng.random_range(50..70), provincial(province)),
            4 => (rng.random_range(70..90), provincial(province)),
            _ => (
                rng.random_range(90..101),
                "Bộ Nông nghiệp và Môi trường".to_owned(),
            ),
        };
        json!({
            "stars": stars,
            "score": score,
            "level": if stars == 5 { "CENTRAL" } else { "PROVINCE" },
            "issuingBody": body,
            "decisionNumber": format!("{}/QĐ-UBND", rng.random_range(100..9999)),
            "issuedOn": date(issued),
        })
    };
    match roll {
        0..7 => vec![],
        7..10 => {
            let mut c = cert(rng, 100..900, stars);
            c["revokedOn"] = json!(date(today - Duration::days(rng.random_range(1..90))));
            c["revokedReason"] = json!("Hậu kiểm không đạt yêu cầu");
            vec![c]
        }
        10..30 => vec![cert(rng, 1100..2000, stars)],
        30..40 => vec![cert(rng, 1006..1095, stars)],
        40..55 => {
            // Re-evaluated: an expired certificate and a current one.
            let old = cert(rng, 1200..1800, stars.min(4));
            vec![old, cert(rng, 10..400, stars)]
        }
        _ => vec![cert(rng, 1..1000, stars)],
    }
}

fn provincial(province: &str) -> String {
    format!("UBND tỉnh, thành phố mã {province}")
}

/// Writes the catalogue; returns the number of lines.
pub fn write(spec: Spec, out: &mut impl Write) -> anyhow::Result<usize> {
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let wards = wards();
    let total: u32 = wards.iter().map(|(_, w)| w).sum();
    let today = ocop_api::clock::today();
    let now = Utc::now();
    let mut lines = 0;
    let mut emit = |v: Value, out: &mut dyn Write| -> anyhow::Result<()> {
        serde_json::to_writer(&mut *out, &v)?;
        out.write_all(b"\n")?;
        lines += 1;
        Ok(())
    };
    emit(
        json!({"type": "header", "format": "ocop-catalog", "version": 1}),
        out,
    )?;

    // About one producer for every three products, each in one ward.
    let producers = (spec.products / 3).max(1);
    let mut producer_wards = Vec::with_capacity(producers);
    for i in 0..producers {
        let ward = pick_ward(&mut rng, &wards, total);
        let (kind, name) = match rng.random_range(0..10) {
            0..3 => (
                "ENTERPRISE",
                format!(
                    "Công ty TNHH {} {}",
                    ["Nông sản", "Thực phẩm", "Đặc sản", "Thương mại"][i % 4],
                    ward.name
                ),
            ),
            3..6 => (
                "COOPERATIVE",
                format!(
                    "HTX {} {}",
                    ["Nông nghiệp", "Dịch vụ", "Chế biến", "Sản xuất"][i % 4],
                    ward.name
                ),
            ),
            6..7 => (
                "COOPERATIVE_GROUP",
                format!(
                    "Tổ hợp tác {} {}",
                    ["sản xuất", "làng nghề"][i % 2],
                    ward.name
                ),
            ),
            _ => (
                "HOUSEHOLD",
                format!(
                    "Hộ kinh doanh {} {}",
                    SURNAMES.choose(&mut rng).unwrap(),
                    GIVEN.choose(&mut rng).unwrap()
                ),
            ),
        };
        emit(
            json!({"type": "producer", "slug": format!("ncc-{i}-{}", slug(&ward.name)), "name": name, "kind": kind,
                   "wardCode": ward.code, "address": format!("{}, {}", ward.name, ward.province_name)}),
            out,
        )?;
        producer_wards.push((format!("ncc-{i}-{}", slug(&ward.name)), ward));
    }

    let mut product_slugs: Vec<(String, String)> = Vec::with_capacity(spec.products);
    for i in 0..spec.products {
        let (set, types) = TYPES[i % TYPES.len()];
        let kind = types.choose(&mut rng).unwrap();
        let (producer, ward) = &producer_wards[rng.random_range(0..producer_wards.len())];
        let qualifier = QUALIFIERS.choose(&mut rng).unwrap();
        let place = if rng.random_bool(0.5) {
            &ward.name
        } else {
            &ward.province_name
        };
        let name = [kind.to_string(), qualifier.to_string(), place.clone()]
            .iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        let slug = format!("{}-{i}", slug(&name));
        let created = now - Duration::minutes(rng.random_range(0..(3 * 365 * 24 * 60)));
        let price = rng.random_range(2..200) * 10_000;
        emit(
            json!({
                "type": "product", "slug": slug, "name": name, "categoryCode": set, "producer": producer, "wardCode": ward.code,
                "description": format!("{kind} {qualifier} của {}, {}: sản phẩm OCOP được người tiêu dùng tin chọn.", ward.name, ward.province_name),
                "story": if rng.random_bool(0.3) { json!(format!("Câu chuyện về nghề làm {} ở {}.", kind.to_lowercase(), ward.name)) } else { Value::Null },
                "unit": "sản phẩm", "priceMinVnd": price, "priceMaxVnd": price + 50_000,
                "status": if rng.random_range(0..100) < 2 { "DRAFT" } else { "PUBLISHED" },
                "createdAt": created.to_rfc3339(), "updatedAt": created.to_rfc3339(),
                "certifications": certificates(&mut rng, today, &ward.province),
            }),
            out,
        )?;
        product_slugs.push((slug, ward.province.clone()));
    }

    let mut by_province: std::collections::HashMap<&str, Vec<usize>> =
        std::collections::HashMap::new();
    for (i, (_, province)) in product_slugs.iter().enumerate() {
        by_province.entry(province.as_str()).or_default().push(i);
    }
    for i in 0..spec.outlets {
        let ward = pick_ward(&mut rng, &wards, total);
        let kind = OUTLET_KINDS.choose(&mut rng).unwrap();
        // One outlet in a hundred is a flagship showroom with 100 products.
        let shelf = if i % 100 == 0 {
            100
        } else {
            rng.random_range(5..=30)
        };
        let mut listed = std::collections::BTreeSet::new();
        let local: &[usize] = by_province
            .get(ward.province.as_str())
            .map_or(&[], Vec::as_slice);
        while listed.len() < shelf.min(product_slugs.len()) {
            let pick = if !local.is_empty() && rng.random_bool(0.7) {
                product_slugs[local[rng.random_range(0..local.len())]]
                    .0
                    .clone()
            } else {
                product_slugs[rng.random_range(0..product_slugs.len())]
                    .0
                    .clone()
            };
            listed.insert(pick);
        }
        let listings: Vec<Value> = listed
            .into_iter()
            .map(|p| json!({"product": p, "priceVnd": rng.random_range(2..200) * 10_000, "inStock": rng.random_bool(0.85)}))
            .collect();
        emit(
            json!({
                "type": "outlet",
                "slug": if shelf == 100 { format!("showroom-{i}-{}", slug(&ward.name)) } else { format!("diem-ocop-{i}-{}", slug(&ward.name)) },
                "name": format!("Điểm giới thiệu sản phẩm OCOP {} số {i}", ward.name), "kind": kind, "wardCode": ward.code,
                "address": format!("{}, {}", ward.name, ward.province_name),
                "location": {"lat": (ward.lat + rng.random_range(-0.01..0.01)).clamp(8.0, 23.5), "lng": (ward.lng + rng.random_range(-0.01..0.01)).clamp(102.0, 117.5)},
                "openingHours": "07:30–21:00", "listings": listings,
            }),
            out,
        )?;
    }
    out.flush()?;
    Ok(lines)
}
