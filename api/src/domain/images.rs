//! A product's images: at most [`MAX_IMAGES`] web links.

use super::WebUrl;

/// Images a product may show.
pub const MAX_IMAGES: usize = 20;

/// The image links of a product, each a [`WebUrl`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Images(Vec<String>);

impl Images {
    /// Checks the number of links and each link; the problems come with the index of the link
    /// (`None` for the list as a whole).
    pub fn parse(urls: &[String]) -> Result<Self, Vec<(Option<usize>, String)>> {
        let mut problems = Vec::new();
        if urls.len() > MAX_IMAGES {
            problems.push((None, format!("at most {MAX_IMAGES} images")));
        }
        let mut parsed = Vec::with_capacity(urls.len());
        for (i, url) in urls.iter().enumerate() {
            match WebUrl::parse(url) {
                Ok(url) => parsed.push(url.into_string()),
                Err(reason) => problems.push((Some(i), reason)),
            }
        }
        if problems.is_empty() {
            Ok(Self(parsed))
        } else {
            Err(problems)
        }
    }

    /// The links, as stored.
    pub fn into_vec(self) -> Vec<String> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_twenty_web_links_each_named_by_its_index() {
        let ok: Vec<String> = (0..MAX_IMAGES)
            .map(|i| format!("https://example.vn/{i}.jpg"))
            .collect();
        assert_eq!(Images::parse(&ok).unwrap().into_vec().len(), MAX_IMAGES);
        let mut too_many = ok.clone();
        too_many.push("https://example.vn/x.jpg".into());
        assert_eq!(
            Images::parse(&too_many).unwrap_err(),
            vec![(None, "at most 20 images".to_owned())]
        );
        let bad = vec![
            "https://example.vn/a.jpg".to_owned(),
            "javascript:x".to_owned(),
        ];
        let problems = Images::parse(&bad).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, Some(1));
    }
}
