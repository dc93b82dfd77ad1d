//! Deterministic identity and time: UUIDs derived from (table, ordinal), timestamps as offsets from
//! a fixed base date, share tokens, fake content hashes, slugs, and count distribution.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use rand::Rng;
use rand::SeedableRng;
use rand::rngs::StdRng;
use uuid::{Builder, Uuid};

use crate::Scale;

/// Every seeded timestamp is this instant plus or minus an offset: 2026-01-01T00:00:00 (UTC, stored
/// without time zone like every Patchbay timestamp).
pub(crate) const BASE: NaiveDateTime = match NaiveDate::from_ymd_opt(2026, 1, 1) {
    Some(date) => date.and_time(NaiveTime::MIN),
    None => panic!("2026-01-01 is a valid date"),
};

/// Seconds in a day, for readable offsets.
pub(crate) const DAY: i64 = 86_400;

/// `BASE` moved by `secs` seconds (negative: earlier).
pub(crate) fn at(secs: i64) -> NaiveDateTime {
    BASE + TimeDelta::seconds(secs)
}

/// `t` moved by `secs` seconds, never later than `BASE` (seeded data has no future rows).
pub(crate) fn after(t: NaiveDateTime, secs: i64) -> NaiveDateTime {
    (t + TimeDelta::seconds(secs)).min(BASE)
}

/// The table (or purpose) a deterministic UUID belongs to; part of the UUID's input so that ordinal
/// `n` of two tables never yields the same id.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    Creator = 1,
    Video,
    Segment,
    KeyMoment,
    Page,
    PageVersion,
    Tag,
    Link,
    Highlight,
    Short,
    Consent,
    ConsentAudit,
    Post,
    Attachment,
    PipelineRun,
    PipelineEvent,
    User,
    /// No longer seeded; kept so the kinds after it keep their ids.
    #[expect(dead_code, reason = "kept so the kinds after it keep their ids")]
    InviteCode,
    Follow,
    SearchLog,
}

/// SplitMix64's finalizer: a bijection on `u64` that scatters neighbouring inputs.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The `n`-th id of `kind`: a version-8 (custom) UUID whose bits are a bijective scramble of
/// `(kind, n)`, so ids look random, never repeat, and are identical on every run.
pub(crate) fn id(kind: Kind, n: u64) -> Uuid {
    let hi = mix(((kind as u64) << 48) ^ n);
    let lo = mix(hi ^ 0x5EED_BA7C_0000_0000);
    let bytes = ((u128::from(hi) << 64) | u128::from(lo)).to_be_bytes();
    Builder::from_custom_bytes(bytes).into_uuid()
}

/// The stage RNG: every generation stage draws from its own stream, so changing one stage never
/// shifts the rows of another.
pub(crate) fn rng(scale: Scale, stage: u64) -> StdRng {
    let scale_seed = match scale {
        Scale::Demo => 0xDE30_u64,
        Scale::Bench => 0xBE2C_u64,
    };
    StdRng::seed_from_u64(mix(scale_seed << 32 ^ stage))
}

const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// An 11-character URL-safe token (the shape of `secrets.token_urlsafe(8)`), unique per `n`: the
/// 64 scrambled bits of `n` written in base64url.
pub(crate) fn share_token(n: u64) -> String {
    let bits = mix(0x5A4E_0000_0000_0000 ^ n);
    (0..11)
        .map(|i| char::from(URL_SAFE[((bits >> (i * 6)) & 63) as usize]))
        .collect()
}

/// An 11-character YouTube-style video id derived from `n`.
pub(crate) fn youtube_id(n: u64) -> String {
    let bits = mix(0x0077_0000_0000_0000 ^ n);
    (0..11)
        .map(|i| char::from(URL_SAFE[((bits.rotate_left(i * 7)) & 63) as usize]))
        .collect()
}

/// `len` lower-case hex digits drawn from `rng` (stands in for SHA-256 prompt hashes).
pub(crate) fn hex(rng: &mut StdRng, len: usize) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    (0..len)
        .map(|_| char::from(HEX[rng.random_range(0..16)]))
        .collect()
}

/// A URL-safe slug (`^[a-z0-9]+(-[a-z0-9]+)*$`) of `text`; `"item"` when nothing is left.
pub(crate) fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        slug.push_str("item");
    }
    slug
}

/// Splits `total` into `n` counts, each at least `min`, summing exactly to `total`, unevenly (some
/// creators post far more than others) but deterministically. Requires `n * min <= total`.
pub(crate) fn spread(rng: &mut StdRng, total: usize, n: usize, min: usize) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    let base = total / n;
    let mut counts: Vec<usize> = (0..n).map(|i| base + usize::from(i < total % n)).collect();
    for _ in 0..n * 2 {
        let from = rng.random_range(0..n);
        let to = rng.random_range(0..n);
        let room = counts[from].saturating_sub(min);
        if from == to || room == 0 {
            continue;
        }
        let moved = rng
            .random_range(0..=room.min(base.max(1)) / 2 + 1)
            .min(room);
        counts[from] -= moved;
        counts[to] += moved;
    }
    counts
}

/// Splits `total` into counts proportional to `weights`, each at least `min`, summing exactly to
/// `total` (largest-remainder rounding). Requires `weights.len() * min <= total`.
pub(crate) fn apportion(total: usize, weights: &[f64], min: usize) -> Vec<usize> {
    let n = weights.len();
    if n == 0 {
        return Vec::new();
    }
    let spare = total.saturating_sub(min * n) as f64;
    let sum: f64 = weights.iter().sum();
    let shares: Vec<f64> = weights
        .iter()
        .map(|w| {
            if sum > 0.0 {
                spare * w / sum
            } else {
                spare / n as f64
            }
        })
        .collect();
    let mut counts: Vec<usize> = shares.iter().map(|s| min + s.floor() as usize).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        let frac = |i: usize| shares[i] - shares[i].floor();
        frac(b).total_cmp(&frac(a)).then(a.cmp(&b))
    });
    // Hand out what rounding down left over; take back any float overshoot from the largest rows.
    let mut assigned: usize = counts.iter().sum();
    for &i in order.iter().cycle().take(total.saturating_sub(assigned)) {
        counts[i] += 1;
    }
    assigned = counts.iter().sum();
    while assigned > total {
        let Some(i) = (0..n)
            .filter(|&i| counts[i] > min)
            .max_by_key(|&i| counts[i])
        else {
            break;
        };
        counts[i] -= 1;
        assigned -= 1;
    }
    counts
}

/// A heavy-tailed non-negative count (page views): most rows small, a few very large.
pub(crate) fn heavy_tail(rng: &mut StdRng, scale: f64, cap: f64) -> i32 {
    let u: f64 = rng.random_range(0.0005..1.0);
    let value = scale * (u.powf(-1.3) - 1.0);
    value.min(cap).max(0.0) as i32
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_stable_and_distinct() {
        assert_eq!(id(Kind::Creator, 7), id(Kind::Creator, 7));
        let all: HashSet<Uuid> = (0..10_000)
            .flat_map(|n| [id(Kind::Creator, n), id(Kind::Video, n)])
            .collect();
        assert_eq!(all.len(), 20_000);
        assert_eq!(id(Kind::Page, 3).get_version_num(), 8);
    }

    #[test]
    fn tokens_are_url_safe_and_unique() {
        let tokens: HashSet<String> = (0..50_000).map(share_token).collect();
        assert_eq!(tokens.len(), 50_000);
        assert!(tokens.iter().all(|t| t.len() == 11));
    }

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(
            slugify("  Reese Bass -- in Serum!  "),
            "reese-bass-in-serum"
        );
        assert_eq!(slugify("!!!"), "item");
    }

    #[test]
    fn apportion_is_exact_and_proportional() {
        let counts = apportion(100, &[1.0, 3.0, 0.0, 6.0], 1);
        assert_eq!(counts.iter().sum::<usize>(), 100);
        assert_eq!(counts[2], 1);
        assert!(
            (10..=11).contains(&counts[0]) && counts[1] == 30 && (58..=59).contains(&counts[3])
        );
    }

    #[test]
    fn spread_keeps_total_and_minimum() {
        let mut r = rng(Scale::Bench, 1);
        let counts = spread(&mut r, 2_000, 200, 1);
        assert_eq!(counts.iter().sum::<usize>(), 2_000);
        assert!(counts.iter().all(|&c| c >= 1));
        assert!(counts.iter().any(|&c| c != 10));
    }
}
