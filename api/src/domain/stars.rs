//! OCOP stars and council scores.

/// A certified star rating: 3, 4 or 5 (1★ and 2★ products are not certified).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stars(u8);

impl Stars {
    /// Accepts 3, 4 or 5.
    pub fn parse(n: i64) -> Result<Self, String> {
        match n {
            3..=5 => Ok(Self(n as u8)),
            _ => Err(format!("must be 3, 4 or 5 (got {n})")),
        }
    }

    /// The number of stars.
    pub fn get(self) -> u8 {
        self.0
    }

    /// The council scores (out of 100) that earn this rating: 3★ 50–69, 4★ 70–89, 5★ 90–100.
    pub fn score_band(self) -> std::ops::RangeInclusive<u8> {
        match self.0 {
            3 => 50..=69,
            4 => 70..=89,
            _ => 90..=100,
        }
    }
}

/// A council score out of 100, consistent with the star rating it earned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Score(u8);

impl Score {
    /// Accepts a score inside the band of `stars`.
    pub fn parse(n: i64, stars: Stars) -> Result<Self, String> {
        if !(0..=100).contains(&n) {
            return Err(format!("must be between 0 and 100 (got {n})"));
        }
        let band = stars.score_band();
        if !band.contains(&(n as u8)) {
            return Err(format!(
                "{n} points is not a {}-star score ({}–{} points)",
                stars.get(),
                band.start(),
                band.end()
            ));
        }
        Ok(Self(n as u8))
    }

    /// The score.
    pub fn get(self) -> u8 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_three_to_five_stars_are_certified() {
        for n in [3, 4, 5] {
            assert_eq!(Stars::parse(n).unwrap().get() as i64, n);
        }
        for n in [-1, 0, 1, 2, 6, 100] {
            assert!(Stars::parse(n).is_err(), "{n}");
        }
    }

    #[test]
    fn scores_must_lie_in_the_band_of_their_stars() {
        let cases = [
            (3, 50, true),
            (3, 69, true),
            (3, 70, false),
            (3, 49, false),
            (4, 70, true),
            (4, 89, true),
            (4, 90, false),
            (5, 90, true),
            (5, 100, true),
            (5, 89, false),
            (5, 101, false),
            (4, -5, false),
        ];
        for (stars, score, ok) in cases {
            let stars = Stars::parse(stars).unwrap();
            assert_eq!(
                Score::parse(score, stars).is_ok(),
                ok,
                "{stars:?} with {score} points"
            );
        }
    }
}
