//! A small catalogue of real OCOP products and outlets, with dates relative to [`TODAY`].
//!
//! Over 300 lines: data, one document per product and outlet.

use ocop_search::{OutletDocument, ProductDocument, document::Day};

/// The day the conformance cases are judged on (days since 1970-01-01).
pub const TODAY: Day = 20_000;

/// The certificate situations of the corpus.
#[derive(Clone, Copy)]
pub enum Cert {
    /// Valid for 800 more days.
    Valid(u8),
    /// Expires in 30 days.
    ExpiringSoon(u8),
    /// Expires tomorrow.
    ExpiresTomorrow(u8),
    /// Expired 100 days ago.
    Expired(u8),
    /// Revoked.
    Revoked,
    /// Never certified.
    None,
}

struct Province {
    code: &'static str,
    region: &'static str,
    names: &'static [&'static str],
}

const QUANG_NINH: Province = Province {
    code: "22",
    region: "DBSH",
    names: &["Quảng Ninh"],
};
const HA_TINH: Province = Province {
    code: "42",
    region: "BTB",
    names: &["Hà Tĩnh"],
};
const VINH_LONG: Province = Province {
    code: "86",
    region: "DBSCL",
    names: &["Vĩnh Long", "Bến Tre", "Trà Vinh"],
};
const QUANG_TRI: Province = Province {
    code: "44",
    region: "BTB",
    names: &["Quảng Trị", "Quảng Bình"],
};
const THAI_NGUYEN: Province = Province {
    code: "19",
    region: "TDMNPB",
    names: &["Thái Nguyên", "Bắc Kạn"],
};
const AN_GIANG: Province = Province {
    code: "91",
    region: "DBSCL",
    names: &["An Giang", "Kiên Giang"],
};
const HCM: Province = Province {
    code: "79",
    region: "DNB",
    names: &["Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"],
};
const THANH_HOA: Province = Province {
    code: "38",
    region: "BTB",
    names: &["Thanh Hóa"],
};
const HA_NOI: Province = Province {
    code: "01",
    region: "DBSH",
    names: &["Hà Nội"],
};
const CAN_THO: Province = Province {
    code: "92",
    region: "DBSCL",
    names: &["Cần Thơ", "Hậu Giang", "Sóc Trăng"],
};
const SON_LA: Province = Province {
    code: "14",
    region: "TDMNPB",
    names: &["Sơn La"],
};
const QUANG_NGAI: Province = Province {
    code: "51",
    region: "DHNTB_TN",
    names: &["Quảng Ngãi", "Kon Tum"],
};
const DA_NANG: Province = Province {
    code: "48",
    region: "DHNTB_TN",
    names: &["Đà Nẵng", "Quảng Nam"],
};
const HAI_PHONG: Province = Province {
    code: "31",
    region: "DBSH",
    names: &["Hải Phòng", "Hải Dương"],
};
const CA_MAU: Province = Province {
    code: "96",
    region: "DBSCL",
    names: &["Cà Mau", "Bạc Liêu"],
};

fn categories(code: &str) -> (Vec<String>, Vec<String>) {
    let names: &[(&str, &str)] = &[
        ("I", "Thực phẩm"),
        ("I.1", "Thực phẩm tươi sống"),
        ("I.1.a", "Rau, củ, quả, hạt tươi"),
        ("I.2", "Thực phẩm thô, sơ chế"),
        ("I.2.a", "Gạo, ngũ cốc, hạt sơ chế khác"),
        ("I.2.b", "Mật ong, mật khác và nông sản thực phẩm khác"),
        ("I.3", "Thực phẩm chế biến"),
        ("I.3.b", "Chế biến từ gạo, ngũ cốc"),
        ("I.3.c", "Chế biến từ rau, củ, quả, hạt"),
        ("I.3.d", "Chế biến từ thịt, trứng, sữa, thủy sản"),
        ("I.4", "Gia vị"),
        ("I.4.a", "Tương, nước mắm, gia vị dạng lỏng khác"),
        ("I.4.b", "Gia vị khác"),
        ("I.5", "Chè"),
        ("I.5.a", "Chè tươi, chè chế biến"),
        ("I.5.b", "Sản phẩm trà từ thực vật khác"),
        ("I.6", "Cà phê, ca cao"),
        ("II", "Đồ uống"),
        ("II.1", "Đồ uống có cồn"),
        ("II.1.b", "Đồ uống có cồn khác"),
        ("II.2", "Đồ uống không cồn"),
        ("II.2.a", "Nước khoáng thiên nhiên, nước uống đóng chai"),
        ("III", "Dược liệu và sản phẩm từ dược liệu"),
        (
            "III.1",
            "Thực phẩm chức năng, thuốc dược liệu, thuốc cổ truyền",
        ),
        ("III.3", "Tinh dầu và dược liệu khác"),
        ("IV", "Hàng thủ công mỹ nghệ"),
        ("IV.1", "Thủ công mỹ nghệ gia dụng, trang trí"),
        ("V", "Sinh vật cảnh"),
        ("V.1", "Hoa"),
        (
            "VI",
            "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
        ),
        (
            "VI.1",
            "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
        ),
    ];
    let mut codes = vec![code.to_owned()];
    let mut c = code.to_owned();
    while let Some(i) = c.rfind('.') {
        c.truncate(i);
        codes.push(c.clone());
    }
    let labels = codes
        .iter()
        .map(|c| {
            names
                .iter()
                .find(|(k, _)| k == c)
                .map(|(_, v)| (*v).to_owned())
                .unwrap_or_default()
        })
        .collect();
    (codes, labels)
}

#[allow(clippy::too_many_arguments)]
fn product(
    id: i64,
    name: &str,
    category: &str,
    producer: &str,
    kind: &str,
    province: &Province,
    ward: &str,
    cert: Cert,
    description: &str,
) -> ProductDocument {
    let (category_codes, category_names) = categories(category);
    let (state, stars, issued, expires) = match cert {
        Cert::Valid(s) => ("CURRENT", Some(s), Some(TODAY - 300), Some(TODAY + 800)),
        Cert::ExpiringSoon(s) => ("CURRENT", Some(s), Some(TODAY - 1000), Some(TODAY + 30)),
        Cert::ExpiresTomorrow(s) => ("CURRENT", Some(s), Some(TODAY - 1000), Some(TODAY + 1)),
        Cert::Expired(s) => ("CURRENT", Some(s), Some(TODAY - 1200), Some(TODAY - 100)),
        Cert::Revoked => ("REVOKED", None, None, None),
        Cert::None => ("NONE", None, None, None),
    };
    ProductDocument {
        id,
        name: name.into(),
        category_names,
        category_codes,
        producer_name: producer.into(),
        producer_kind: kind.into(),
        province_code: province.code.into(),
        region_code: province.region.into(),
        place_names: province.names.iter().map(|s| (*s).to_owned()).collect(),
        ward_name: ward.into(),
        description: description.into(),
        story: String::new(),
        tone: String::new(),
        cert_state: state.into(),
        stars,
        cert_issued_on: issued,
        cert_expires_on: expires,
        outlet_ids: vec![],
        created_at: 1_700_000_000 + id * 1000,
        updated_at: 1_700_000_000 + id * 1000,
    }
    .with_tone()
}

/// The products.
pub fn products() -> Vec<ProductDocument> {
    use Cert::*;
    let e = "ENTERPRISE";
    let c = "COOPERATIVE";
    let g = "COOPERATIVE_GROUP";
    let h = "HOUSEHOLD";
    let mut all = vec![
        product(
            1,
            "Nước mắm Phú Quốc Khải Hoàn 40 độ đạm",
            "I.4.a",
            "Công ty CP Thương mại Khải Hoàn",
            e,
            &AN_GIANG,
            "Phú Quốc",
            Valid(5),
            "Nước mắm cá cơm truyền thống ủ chượp trong thùng gỗ.",
        ),
        product(
            2,
            "Nước mắm Cửa Sót",
            "I.4.a",
            "HTX Chế biến hải sản Đồng Châu",
            c,
            &HA_TINH,
            "Thạch Kim",
            Valid(3),
            "Nước mắm làng chài Cửa Sót.",
        ),
        product(
            3,
            "Mè đen rang",
            "I.2.a",
            "Hộ kinh doanh Ngọc Oanh",
            h,
            &QUANG_TRI,
            "Đồng Hới",
            Valid(3),
            "Hạt mè đen rang thơm, dùng nấu chè.",
        ),
        product(
            4,
            "Me chua ngào đường",
            "I.3.c",
            "Cơ sở Chân Ý",
            h,
            &HCM,
            "Thủ Dầu Một",
            Valid(3),
            // Says "me" (tamarind) often: a buyer typing "mè" (sesame) still wants 3 first.
            "Me chua ngào đường: me Thái chín, me rim me, mứt me chua ngọt.",
        ),
        product(
            5,
            "Kẹo dừa sầu riêng",
            "I.3.c",
            "Công ty TNHH Sản xuất Kinh doanh Đông Á",
            e,
            &VINH_LONG,
            "Phú Khương",
            Valid(5),
            "Kẹo dừa làm từ nước cốt dừa tươi.",
        ),
        product(
            6,
            "Dưa lưới Hoàng Kim",
            "I.1.a",
            "HTX Nông nghiệp Hoàng Kim",
            c,
            &HCM,
            "Củ Chi",
            Valid(4),
            "Dưa lưới trồng nhà màng.",
        ),
        product(
            7,
            "Chè Tân Cương",
            "I.5.a",
            "HTX Chè Hảo Đạt",
            c,
            &THAI_NGUYEN,
            "Tân Cương",
            Valid(5),
            "Chè búp sao tay.",
        ),
        product(
            8,
            "Trà hoa vàng Ba Chẽ",
            "I.5.b",
            "Công ty CP Kinh doanh lâm sản Đạp Thanh",
            e,
            &QUANG_NINH,
            "Ba Chẽ",
            Valid(4),
            "Trà từ hoa vàng rừng.",
        ),
        product(
            9,
            "Ngọc trai Akoya",
            "IV.1",
            "Công ty CP Ngọc trai Hạ Long",
            e,
            &QUANG_NINH,
            "Bãi Cháy",
            Valid(5),
            "Ngọc trai nuôi cấy trong vịnh.",
        ),
        product(
            10,
            "Ngọc trai Tahiti",
            "IV.1",
            "Công ty CP Ngọc trai Hạ Long",
            e,
            &QUANG_NINH,
            "Bãi Cháy",
            Expired(5),
            "Ngọc trai đen.",
        ),
        product(
            11,
            "Mật ong hoa nhãn",
            "I.2.b",
            "Tổ hợp tác Ong mật Hương Sơn",
            g,
            &HA_TINH,
            "Hương Sơn",
            Valid(4),
            "Mật ong nguyên chất.",
        ),
        product(
            12,
            "Bánh đa vừng",
            "I.3.b",
            "Hộ kinh doanh Bánh đa Kỳ Anh",
            h,
            &HA_TINH,
            "Kỳ Anh",
            Valid(3),
            "Bánh đa nướng thơm, rưới mật ong rừng.",
        ),
        product(
            13,
            "Thịt heo rừng gác bếp",
            "I.3.d",
            "HTX Chăn nuôi Bình Liêu",
            c,
            &QUANG_NINH,
            "Bình Liêu",
            Valid(4),
            "Thịt treo gác bếp hun khói.",
        ),
        product(
            14,
            "Nem chua Thanh Hoá",
            "I.3.d",
            "Công ty TNHH Nem Thanh Hóa",
            e,
            &THANH_HOA,
            "Hạc Thành",
            Valid(4),
            "Nem chua gói lá chuối.",
        ),
        product(
            15,
            "Gạo ST25",
            "I.2.a",
            "Doanh nghiệp tư nhân Hồ Quang Trí",
            e,
            &CAN_THO,
            "Mỹ Xuyên",
            ExpiringSoon(5),
            "Gạo thơm ngon nhất thế giới.",
        ),
        product(
            16,
            "Rượu ba kích Ba Chẽ",
            "II.1.b",
            "HTX Kinh doanh dịch vụ lâm sản ngoài gỗ Ba Chẽ",
            c,
            &QUANG_NINH,
            "Ba Chẽ",
            Revoked,
            "Rượu ngâm ba kích tím.",
        ),
        product(
            17,
            "Nước khoáng Quang Hanh",
            "II.2.a",
            "Công ty CP Nước khoáng Quang Hanh",
            e,
            &QUANG_NINH,
            "Quang Hanh",
            Valid(4),
            "Nước khoáng thiên nhiên.",
        ),
        product(
            18,
            "Cà phê bột nguyên chất",
            "I.6",
            "HTX Cà phê Bích Thao",
            c,
            &SON_LA,
            "Chiềng Cơi",
            Valid(5),
            "Cà phê Arabica rang mộc.",
        ),
        product(
            19,
            "Đường phèn",
            "I.2.b",
            "Cơ sở sản xuất Đường phèn Nghĩa Hành",
            h,
            &QUANG_NGAI,
            "Nghĩa Hành",
            Valid(3),
            "Đường phèn kết tinh tự nhiên.",
        ),
        product(
            20,
            "Chiếu cói Nga Sơn",
            "IV.1",
            "Công ty TNHH Ngân Khương",
            e,
            &THANH_HOA,
            "Nga Sơn",
            None,
            "Chiếu dệt tay từ cói.",
        ),
        product(
            21,
            "Du lịch cộng đồng Cồn Chim",
            "VI.1",
            "Tổ hợp tác Du lịch Cồn Chim",
            g,
            &VINH_LONG,
            "Hòa Minh",
            Valid(3),
            "Trải nghiệm đời sống miệt vườn.",
        ),
        product(
            22,
            "Lan hồ điệp",
            "V.1",
            "Hộ kinh doanh Vườn lan Mê Linh",
            h,
            &HA_NOI,
            "Mê Linh",
            Valid(4),
            "Hoa lan cắt cành.",
        ),
        product(
            23,
            "Cao đảng sâm",
            "III.3",
            "HTX Dược liệu Đức Huy",
            c,
            &DA_NANG,
            "Tây Giang",
            Valid(4),
            "Cao dược liệu từ đảng sâm.",
        ),
        product(
            24,
            "Vải thiều Thanh Hà",
            "I.1.a",
            "Công ty CP Ameii Việt Nam",
            e,
            &HAI_PHONG,
            "Thanh Hà",
            ExpiresTomorrow(4),
            "Vải thiều tươi.",
        ),
        product(
            25,
            "Nhung hươu Hương Sơn",
            "III.1",
            "Công ty CP Nông nghiệp Hương Sơn",
            e,
            &HA_TINH,
            "Sơn Kim",
            Valid(4),
            "Nhung hươu sấy.",
        ),
        product(
            26,
            "Miến dong Bình Liêu",
            "I.3.b",
            "Công ty CP Thương mại và Dịch vụ Bình Liêu",
            e,
            &QUANG_NINH,
            "Bình Liêu",
            Valid(4),
            "Miến làm từ củ dong riềng.",
        ),
        product(
            27,
            "Kẹo cu đơ Hà Tĩnh",
            "I.3.b",
            "Hộ kinh doanh Nguyễn Hằng",
            h,
            &HA_TINH,
            "Hương Khê",
            Valid(3),
            "Kẹo lạc mật mía kẹp bánh đa.",
        ),
        product(
            28,
            "Muối hạt Bạc Liêu",
            "I.4.b",
            "Công ty CP Muối Bạc Liêu",
            e,
            &CA_MAU,
            "Nhà Mát",
            Valid(5),
            "Muối biển phơi cát.",
        ),
        product(
            29,
            "Dừa sáp Cầu Kè",
            "I.1.a",
            "Công ty TNHH Chế biến dừa sáp Cầu Kè",
            e,
            &VINH_LONG,
            "Cầu Kè",
            Valid(5),
            "Dừa sáp đặc ruột.",
        ),
        product(
            30,
            "Nước mắm Lê Gia",
            "I.4.a",
            "Công ty TNHH Thực phẩm Lê Gia",
            e,
            &THANH_HOA,
            "Hoằng Phụ",
            Valid(5),
            "Nước mắm cốt nhĩ.",
        ),
        product(
            31,
            "Dưa cải muối chua",
            "I.3.c",
            "Hộ kinh doanh Dưa cải Phú Diễn",
            h,
            &HA_NOI,
            "Phú Diễn",
            Valid(3),
            "Dưa cải muối theo lối cổ truyền.",
        ),
        product(
            32,
            "Trà mướp đắng",
            "I.5.b",
            "Tổ hợp tác Trung Thành",
            g,
            &HA_TINH,
            "Cẩm Trung",
            Valid(3),
            "Trà thảo mộc từ mướp đắng.",
        ),
    ];
    for p in &mut all {
        if [1, 9, 26].contains(&p.id) {
            p.outlet_ids.push(501);
        }
        if [2, 11, 27].contains(&p.id) {
            p.outlet_ids.push(502);
        }
        if [4, 6].contains(&p.id) {
            p.updated_at = 1_800_000_000;
        }
    }
    all
}

fn outlet(
    id: i64,
    name: &str,
    province: &Province,
    ward: &str,
    kind: &str,
    (lat, lng): (f64, f64),
) -> OutletDocument {
    OutletDocument {
        id,
        name: name.into(),
        address: format!("{ward}, {}", province.names[0]),
        ward_name: ward.into(),
        province_code: province.code.into(),
        place_names: province.names.iter().map(|s| (*s).to_owned()).collect(),
        kind: kind.into(),
        lat,
        lng,
    }
}

/// The outlets.
pub fn outlets() -> Vec<OutletDocument> {
    vec![
        outlet(
            501,
            "Trung tâm Giới thiệu sản phẩm OCOP Hạ Long",
            &QUANG_NINH,
            "Hà Khẩu",
            "TOURIST_SITE_HOTEL_RESTAURANT",
            (20.9838, 106.9752),
        ),
        outlet(
            502,
            "Điểm giới thiệu sản phẩm OCOP Hà Tĩnh",
            &HA_TINH,
            "Thành Sen",
            "FAIR_EXHIBITION_CENTRE",
            (18.3419, 105.9030),
        ),
        outlet(
            503,
            "Bưu điện Ba Đình",
            &HA_NOI,
            "Ba Đình",
            "POST_OFFICE",
            (21.0386, 105.8380),
        ),
        outlet(
            504,
            "Cửa hàng OCOP sân bay Nội Bài",
            &HA_NOI,
            "Nội Bài",
            "TRANSPORT_HUB",
            (21.2187, 105.8042),
        ),
        outlet(
            505,
            "Điểm bán OCOP Đồng Hới",
            &QUANG_TRI,
            "Đồng Hới",
            "MALL_SUPERMARKET_MARKET",
            (17.4689, 106.6223),
        ),
        outlet(
            506,
            "Trạm dừng chân Hồng Lĩnh",
            &HA_TINH,
            "Bắc Hồng Lĩnh",
            "HIGHWAY_STOP",
            (18.5596, 105.6950),
        ),
    ]
}
