//! `ocop stamp`: a certificate's verification code and URL, and its QR code as SVG and PNG for
//! the stamp printer.

use std::path::Path;

use anyhow::Context;
use ocop_entities::{certification, verification_code};
use qrcode::{Color, EcLevel, QrCode, render::svg};
use sea_orm::{DatabaseConnection, EntityTrait};

use crate::config::Settings;

/// Blank modules around the code, as the QR standard asks.
const QUIET_ZONE: usize = 4;

/// A certificate's stamp.
pub struct Stamp {
    /// The grouped code printed under the QR.
    pub code: String,
    /// The URL the QR carries.
    pub url: String,
    qr: QrCode,
}

/// Writes the stamp of certificate `id` to the given files and prints its code and URL.
pub async fn run(
    db: &DatabaseConnection,
    settings: &Settings,
    id: i64,
    svg: Option<&Path>,
    png: Option<&Path>,
) -> anyhow::Result<()> {
    if settings.public_url.is_none() {
        eprintln!(
            "warning: OCOP_PUBLIC_URL is not set, so the QR points at http://{}, which buyers \
             cannot reach",
            settings.listen
        );
    }
    let stamp = Stamp::of(db, settings, id).await?;
    stamp.write(svg, png)?;
    println!("code: {}\nurl:  {}", stamp.code, stamp.url);
    Ok(())
}

impl Stamp {
    /// The stamp of certificate `id`.
    pub async fn of(db: &DatabaseConnection, settings: &Settings, id: i64) -> anyhow::Result<Self> {
        let cert = certification::Entity::find_by_id(id)
            .one(db)
            .await?
            .with_context(|| format!("no certificate has id {id}"))?;
        Self::for_code(settings, &cert.verification_code)
    }

    /// The stamp carrying `code`.
    pub fn for_code(settings: &Settings, code: &str) -> anyhow::Result<Self> {
        let url = settings.verification_url(code);
        // Level M survives a scratched or smudged stamp (15 % of the modules).
        let qr = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M)
            .context("the verification URL does not fit in a QR code")?;
        Ok(Self {
            code: verification_code::grouped(code),
            url,
            qr,
        })
    }

    /// The QR as an SVG document, `px` pixels wide at least.
    pub fn svg(&self, px: u32) -> String {
        self.qr
            .render::<svg::Color<'_>>()
            .min_dimensions(px, px)
            .quiet_zone(true)
            .build()
    }

    /// The QR as a greyscale PNG, `scale` pixels per module.
    pub fn png(&self, scale: usize) -> anyhow::Result<Vec<u8>> {
        let modules = self.qr.width();
        let colors = self.qr.to_colors();
        let side = (modules + 2 * QUIET_ZONE) * scale;
        let mut pixels = vec![255u8; side * side];
        for (i, color) in colors.iter().enumerate() {
            if *color != Color::Dark {
                continue;
            }
            let (x0, y0) = (
                (i % modules + QUIET_ZONE) * scale,
                (i / modules + QUIET_ZONE) * scale,
            );
            for y in y0..y0 + scale {
                pixels[y * side + x0..y * side + x0 + scale].fill(0);
            }
        }
        let mut out = Vec::new();
        let side = u32::try_from(side).context("the image is too large")?;
        let mut encoder = png::Encoder::new(&mut out, side, side);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&pixels)?;
        writer.finish()?;
        Ok(out)
    }

    /// Writes the SVG and PNG files asked for.
    pub fn write(&self, svg: Option<&Path>, png: Option<&Path>) -> anyhow::Result<()> {
        if let Some(path) = svg {
            std::fs::write(path, self.svg(240))
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        if let Some(path) = png {
            std::fs::write(path, self.png(8)?)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_carries_the_verification_url() {
        let settings = Settings {
            public_url: Some("https://ocop.example.vn/".into()),
            ..Settings::default()
        };
        let stamp = Stamp::for_code(&settings, "7K3M9QXD2F4RHT8W").unwrap();
        assert_eq!(stamp.url, "https://ocop.example.vn/v/7K3M9QXD2F4RHT8W");
        assert_eq!(stamp.code, "7K3M-9QXD-2F4R-HT8W");
        let svg = stamp.svg(240);
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{svg}");
        let png = stamp.png(4).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        // Width from the IHDR chunk: modules plus the quiet zone, times the scale.
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap()) as usize;
        assert_eq!(width, (stamp.qr.width() + 2 * QUIET_ZONE) * 4);
    }

    #[test]
    fn a_qr_reader_reads_the_url_back_from_the_png() {
        let settings = Settings {
            public_url: Some("https://ocop.example.vn".into()),
            ..Settings::default()
        };
        let stamp = Stamp::for_code(&settings, &verification_code::generate()).unwrap();
        let png = stamp.png(6).unwrap();
        let mut reader = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut pixels).unwrap();
        let (w, h) = (info.width as usize, info.height as usize);
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, content) = grids[0].decode().unwrap();
        assert_eq!(content, stamp.url);
    }
}
