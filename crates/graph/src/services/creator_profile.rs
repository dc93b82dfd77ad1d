//! Creator profiles: the rules that turn what a client sends into what `creators` stores
//! (`docs/decisions/0053-creator-profiles.md`). Pure functions, no database: names, slugs,
//! genres, texts, http(s) URLs, social links of known platforms, and the shorts template (the
//! intro and outro cards), whose normalizer also reads stored rows written before these rules.
//!
//! Every check fails with `ServiceError::invalid(argument, ..)` naming the input field, e.g.
//! `input.socialLinks[1].url` or `input.shortsTemplate.intro.backgroundColor`.

use serde_json::{Map, Value, json};

use crate::services::error::{ServiceError, ServiceResult};

/// Longest name, in characters (`creators.name varchar(255)`).
pub(crate) const NAME_MAX: usize = 255;
/// Longest slug (`creators.slug varchar(255)`).
pub(crate) const SLUG_MAX: usize = 255;
/// Longest genre, in characters.
pub(crate) const GENRE_MAX: usize = 50;
/// Most genres per creator.
pub(crate) const GENRES_MAX: usize = 20;
/// Longest biography, in characters.
pub(crate) const BIO_MAX: usize = 10_000;
/// Longest URL (`creators.avatar_url varchar(1000)`; social links alike).
pub(crate) const URL_MAX: usize = 1000;
/// Most social links per creator.
pub(crate) const SOCIAL_LINKS_MAX: usize = 20;
/// Largest personality profile, in bytes of its JSON text.
pub(crate) const PERSONALITY_MAX_BYTES: usize = 32 * 1024;
/// Longest text on a shorts card, in characters.
pub(crate) const CARD_TEXT_MAX: usize = 100;
/// Shortest and longest time a shorts card is shown, in seconds (values outside are clamped).
pub(crate) const CARD_DURATION: (f64, f64) = (0.5, 10.0);
/// How long a card is shown when its stored duration is missing or not a number.
pub(crate) const CARD_DURATION_DEFAULT: f64 = 2.0;
/// A card's background colour when none (or an invalid one) is stored.
pub(crate) const CARD_BACKGROUND_DEFAULT: &str = "#000000";
/// A card's text colour when none (or an invalid one) is stored.
pub(crate) const CARD_TEXT_COLOR_DEFAULT: &str = "#ffffff";

/// A change to a nullable value: leave it, clear it, or set it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) enum Patch<T> {
    /// Not mentioned: unchanged.
    #[default]
    Keep,
    /// Explicitly null: cleared.
    Clear,
    /// A new value.
    Set(T),
}

impl<T> Patch<T> {
    /// Whether the change mentions the value at all.
    pub(crate) fn is_given(&self) -> bool {
        !matches!(self, Self::Keep)
    }
}

/// Trims `raw` and collapses inner runs of whitespace into one space.
fn collapse_whitespace(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn has_control(text: &str, allow_newline: bool) -> bool {
    text.chars()
        .any(|c| c.is_control() && !(allow_newline && c == '\n'))
}

/// A creator's display name: trimmed, inner whitespace collapsed, 1–255 characters, no control
/// characters.
pub(crate) fn normalize_name(raw: &str, argument: &str) -> ServiceResult<String> {
    let name = collapse_whitespace(raw);
    if name.is_empty() {
        return Err(ServiceError::invalid(argument, "a name is required"));
    }
    if name.chars().count() > NAME_MAX {
        return Err(ServiceError::invalid(
            argument,
            format!("a name has at most {NAME_MAX} characters"),
        ));
    }
    if has_control(&name, false) {
        return Err(ServiceError::invalid(
            argument,
            "a name may not contain control characters",
        ));
    }
    Ok(name)
}

/// The ASCII spelling of a lower-case Latin letter with a diacritic (`é` → `e`, `ß` → `ss`), if
/// it has one.
fn transliterate(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ģ' => "g",
        'ĥ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// The slug derived from a name: lower-cased, Latin diacritics transliterated (`Ø` → `o`),
/// apostrophes dropped (`Bill's` → `bills`), every other run of characters that are not ASCII
/// letters or digits a single `-`; at most [`SLUG_MAX`] characters, cut at a hyphen where
/// possible. Empty when the name has no letter or digit this can spell.
pub(crate) fn slugify(name: &str) -> String {
    let mut slug = String::new();
    let mut pending_hyphen = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        let piece = if c.is_ascii_alphanumeric() {
            Some(c.encode_utf8(&mut [0; 4]).to_owned())
        } else if matches!(c, '\'' | '’' | 'ʼ') {
            continue;
        } else {
            transliterate(c).map(str::to_owned)
        };
        match piece {
            Some(piece) => {
                if pending_hyphen && !slug.is_empty() {
                    slug.push('-');
                }
                pending_hyphen = false;
                slug.push_str(&piece);
            }
            None => pending_hyphen = true,
        }
    }
    if slug.len() > SLUG_MAX {
        // ASCII only, so any byte index is a character boundary.
        let cut = match slug[..=SLUG_MAX].rfind('-') {
            Some(at) if at > 0 => at,
            _ => SLUG_MAX,
        };
        slug.truncate(cut);
    }
    slug.trim_end_matches('-').to_owned()
}

/// Whether `slug` has the stored form `^[a-z0-9]+(-[a-z0-9]+)*$` (creators' and pages' slugs).
pub(crate) fn is_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// A slug a client chose: trimmed and lower-cased, then lower-case ASCII letters and digits in
/// runs joined by single hyphens, at most [`SLUG_MAX`] characters.
pub(crate) fn parse_slug(raw: &str, argument: &str) -> ServiceResult<String> {
    let slug = raw.trim().to_ascii_lowercase();
    if slug.len() > SLUG_MAX {
        return Err(ServiceError::invalid(
            argument,
            format!("a slug has at most {SLUG_MAX} characters"),
        ));
    }
    if !is_slug(&slug) {
        return Err(ServiceError::invalid(
            argument,
            "a slug is lower-case letters and digits in runs joined by single hyphens (`mr-bill`)",
        ));
    }
    Ok(slug)
}

/// The slug of a new creator: the client's, checked, or else the name's.
pub(crate) fn slug_for(name: &str, chosen: Option<&str>, argument: &str) -> ServiceResult<String> {
    if let Some(chosen) = chosen {
        return parse_slug(chosen, argument);
    }
    let slug = slugify(name);
    if slug.is_empty() {
        return Err(ServiceError::invalid(
            argument,
            "the name has no letters or digits to make a slug from: give a slug",
        ));
    }
    Ok(slug)
}

/// Genres: each trimmed, lower-cased, inner whitespace collapsed, 1–50 characters; duplicates
/// (after that) dropped, first occurrence kept; at most [`GENRES_MAX`].
pub(crate) fn normalize_genres(raw: &[String], argument: &str) -> ServiceResult<Vec<String>> {
    let mut genres: Vec<String> = Vec::new();
    for genre in raw {
        let genre = collapse_whitespace(genre).to_lowercase();
        if genre.is_empty() {
            return Err(ServiceError::invalid(argument, "a genre may not be empty"));
        }
        if genre.chars().count() > GENRE_MAX {
            return Err(ServiceError::invalid(
                argument,
                format!("a genre has at most {GENRE_MAX} characters"),
            ));
        }
        if has_control(&genre, false) {
            return Err(ServiceError::invalid(
                argument,
                "a genre may not contain control characters",
            ));
        }
        if !genres.contains(&genre) {
            genres.push(genre);
        }
    }
    if genres.len() > GENRES_MAX {
        return Err(ServiceError::invalid(
            argument,
            format!("at most {GENRES_MAX} genres"),
        ));
    }
    Ok(genres)
}

/// A biography: trimmed (empty means none), at most [`BIO_MAX`] characters, no control
/// characters but newlines and tabs.
pub(crate) fn normalize_bio(raw: &str, argument: &str) -> ServiceResult<Option<String>> {
    let bio = raw.trim().replace("\r\n", "\n");
    if bio.is_empty() {
        return Ok(None);
    }
    if bio.chars().count() > BIO_MAX {
        return Err(ServiceError::invalid(
            argument,
            format!("a biography has at most {BIO_MAX} characters"),
        ));
    }
    if bio
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(ServiceError::invalid(
            argument,
            "a biography may not contain control characters",
        ));
    }
    Ok(Some(bio))
}

/// An absolute http(s) URL, checked and normalized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HttpUrl {
    /// The normalized text (scheme and host lower-cased, a default port dropped).
    pub(crate) text: String,
    /// The host, lower-cased.
    pub(crate) host: String,
}

/// Characters a URL may hold outside percent escapes (RFC 3986 unreserved and reserved).
fn is_url_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b)
}

/// Whether `host` is a DNS name of at least two labels (`example.com`): labels of ASCII letters,
/// digits and inner hyphens, 1–63 characters, a top-level label that is not all digits (so no IP
/// address), 253 characters in all.
fn is_dns_name(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    host.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|label| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()))
}

/// Parses an absolute `http://` or `https://` URL strictly: trimmed; ASCII only, no spaces; at
/// most [`URL_MAX`] characters; a DNS host name (no user name or password, no IP address, no
/// `localhost`); an optional port 1–65535; percent escapes well formed. Scheme and host are
/// lower-cased and the scheme's default port dropped; the path, query and fragment are kept as
/// given.
pub(crate) fn parse_http_url(raw: &str, argument: &str) -> ServiceResult<HttpUrl> {
    let invalid = |why: &str| ServiceError::invalid(argument, format!("not a valid URL: {why}"));
    let url = raw.trim();
    if url.len() > URL_MAX {
        return Err(ServiceError::invalid(
            argument,
            format!("a URL has at most {URL_MAX} characters"),
        ));
    }
    if !url.bytes().all(is_url_char) {
        return Err(invalid(
            "only ASCII letters, digits and URL punctuation (percent-encode the rest)",
        ));
    }
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| invalid("an absolute http(s) URL is required (`https://…`)"))?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return Err(invalid("only http and https URLs are allowed")),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') {
        return Err(invalid("a user name or password in a URL is not allowed"));
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => {
            let port: u16 = port
                .parse()
                .ok()
                .filter(|p| *p > 0 && port.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| invalid("the port must be a number from 1 to 65535"))?;
            (host, Some(port))
        }
        None => (authority, None),
    };
    let host = host.to_ascii_lowercase();
    if !is_dns_name(&host) {
        return Err(invalid(
            "the host must be a domain name such as example.com",
        ));
    }
    let bytes = tail.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
        {
            return Err(invalid("a `%` must start a percent escape such as %20"));
        }
    }
    if tail.contains(['[', ']']) || authority.contains(['[', ']']) {
        return Err(invalid("brackets must be percent-encoded"));
    }
    let port = match port {
        Some(port) if port != default_port => format!(":{port}"),
        _ => String::new(),
    };
    Ok(HttpUrl {
        text: format!("{scheme}://{host}{port}{tail}"),
        host,
    })
}

/// An avatar URL: an http(s) URL as [`parse_http_url`] takes it; an empty string means none.
pub(crate) fn normalize_avatar_url(raw: &str, argument: &str) -> ServiceResult<Option<String>> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    Ok(Some(parse_http_url(raw, argument)?.text))
}

/// A platform a social link may point to. Its key is what `creators.social_links` stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Platform {
    YouTube,
    X,
    Instagram,
    SoundCloud,
    Spotify,
    Bandcamp,
    Twitch,
    TikTok,
    Patreon,
    Facebook,
    Discord,
    Beatport,
    Mixcloud,
    AppleMusic,
    /// The creator's own site: any host.
    Website,
}

impl Platform {
    /// Every platform, in the order the error message lists them.
    pub(crate) const ALL: [Self; 15] = [
        Self::YouTube,
        Self::X,
        Self::Instagram,
        Self::SoundCloud,
        Self::Spotify,
        Self::Bandcamp,
        Self::Twitch,
        Self::TikTok,
        Self::Patreon,
        Self::Facebook,
        Self::Discord,
        Self::Beatport,
        Self::Mixcloud,
        Self::AppleMusic,
        Self::Website,
    ];

    /// The stored key.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Self::YouTube => "youtube",
            Self::X => "x",
            Self::Instagram => "instagram",
            Self::SoundCloud => "soundcloud",
            Self::Spotify => "spotify",
            Self::Bandcamp => "bandcamp",
            Self::Twitch => "twitch",
            Self::TikTok => "tiktok",
            Self::Patreon => "patreon",
            Self::Facebook => "facebook",
            Self::Discord => "discord",
            Self::Beatport => "beatport",
            Self::Mixcloud => "mixcloud",
            Self::AppleMusic => "applemusic",
            Self::Website => "website",
        }
    }

    /// Other names clients use for it (compared after [`Platform::parse`]'s folding).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Self::YouTube => &["yt"],
            Self::X => &["twitter"],
            Self::Instagram => &["ig", "insta"],
            Self::SoundCloud => &["sc"],
            Self::Facebook => &["fb"],
            Self::AppleMusic => &["itunes"],
            Self::Website => &["web", "site", "homepage", "home", "url"],
            _ => &[],
        }
    }

    /// The domains its links live on (a host matches a domain or any subdomain of it); empty for
    /// [`Platform::Website`], which takes any host.
    pub(crate) fn domains(self) -> &'static [&'static str] {
        match self {
            Self::YouTube => &["youtube.com", "youtu.be"],
            Self::X => &["x.com", "twitter.com"],
            Self::Instagram => &["instagram.com"],
            Self::SoundCloud => &["soundcloud.com"],
            Self::Spotify => &["spotify.com", "spotify.link"],
            Self::Bandcamp => &["bandcamp.com"],
            Self::Twitch => &["twitch.tv"],
            Self::TikTok => &["tiktok.com"],
            Self::Patreon => &["patreon.com"],
            Self::Facebook => &["facebook.com", "fb.com"],
            Self::Discord => &["discord.gg", "discord.com"],
            Self::Beatport => &["beatport.com"],
            Self::Mixcloud => &["mixcloud.com"],
            Self::AppleMusic => &["music.apple.com"],
            Self::Website => &[],
        }
    }

    /// The platform a client's name means: case, spaces, `-`, `_` and `.` ignored (`"YouTube"`,
    /// `"you tube"`, `"yt"` → YouTube; `"Twitter"` → X).
    pub(crate) fn parse(name: &str) -> Option<Self> {
        let folded: String = name
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '.'))
            .flat_map(char::to_lowercase)
            .collect();
        Self::ALL
            .into_iter()
            .find(|p| p.key() == folded || p.aliases().contains(&folded.as_str()))
    }

    /// Whether a link with this host belongs to the platform.
    pub(crate) fn hosts(self, host: &str) -> bool {
        let domains = self.domains();
        domains.is_empty()
            || domains.iter().any(|domain| {
                host == *domain
                    || host
                        .strip_suffix(domain)
                        .is_some_and(|sub| sub.ends_with('.'))
            })
    }
}

/// One social link as a client sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawSocialLink {
    /// The platform's name, in any of its spellings.
    pub(crate) platform: String,
    /// The profile's URL.
    pub(crate) url: String,
}

/// Social links → the stored map (platform key → URL): every platform known
/// ([`Platform::parse`]), at most once, its URL an http(s) URL on one of the platform's domains
/// ([`Platform::hosts`]); at most [`SOCIAL_LINKS_MAX`]. `argument` is the list's name
/// (`input.socialLinks`); errors name the element, e.g. `input.socialLinks[1].url`.
pub(crate) fn normalize_social_links(
    links: &[RawSocialLink],
    argument: &str,
) -> ServiceResult<Value> {
    if links.len() > SOCIAL_LINKS_MAX {
        return Err(ServiceError::invalid(
            argument,
            format!("at most {SOCIAL_LINKS_MAX} social links"),
        ));
    }
    let mut map = Map::new();
    for (i, link) in links.iter().enumerate() {
        let platform_arg = format!("{argument}[{i}].platform");
        let url_arg = format!("{argument}[{i}].url");
        let platform = Platform::parse(&link.platform).ok_or_else(|| {
            let known: Vec<&str> = Platform::ALL.iter().map(|p| p.key()).collect();
            ServiceError::invalid(
                &platform_arg,
                format!(
                    "unknown platform `{}`: use one of {} (`website` for any other site)",
                    link.platform.trim(),
                    known.join(", ")
                ),
            )
        })?;
        if map.contains_key(platform.key()) {
            return Err(ServiceError::invalid(
                &platform_arg,
                format!("{} is listed twice", platform.key()),
            ));
        }
        let url = parse_http_url(&link.url, &url_arg)?;
        if !platform.hosts(&url.host) {
            return Err(ServiceError::invalid(
                &url_arg,
                format!(
                    "a {} link must be on {}, not {}",
                    platform.key(),
                    platform.domains().join(" or "),
                    url.host
                ),
            ));
        }
        map.insert(platform.key().to_owned(), Value::String(url.text));
    }
    Ok(Value::Object(map))
}

/// A personality profile an admin sets: a JSON object of at most [`PERSONALITY_MAX_BYTES`].
pub(crate) fn check_personality_profile(value: Value, argument: &str) -> ServiceResult<Value> {
    if !value.is_object() {
        return Err(ServiceError::invalid(
            argument,
            "a personality profile is a JSON object",
        ));
    }
    if value.to_string().len() > PERSONALITY_MAX_BYTES {
        return Err(ServiceError::invalid(
            argument,
            format!("a personality profile has at most {PERSONALITY_MAX_BYTES} bytes of JSON"),
        ));
    }
    Ok(value)
}

/// A colour as `#RGB` or `#RRGGBB` (any case, trimmed), normalized to lower-case `#rrggbb`.
pub(crate) fn parse_color(raw: &str) -> Option<String> {
    let hex = raw.trim().strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let hex = hex.to_ascii_lowercase();
    match hex.len() {
        6 => Some(format!("#{hex}")),
        3 => Some(hex.chars().fold(String::from("#"), |mut out, c| {
            out.push(c);
            out.push(c);
            out
        })),
        _ => None,
    }
}

/// A duration clamped into [`CARD_DURATION`] and rounded to tenths of a second.
fn clamp_duration(secs: f64) -> f64 {
    let (min, max) = CARD_DURATION;
    (secs.clamp(min, max) * 10.0).round() / 10.0
}

/// One card of a shorts template (the intro or the outro), normalized.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ShortsCard {
    /// Whether the card is rendered.
    pub(crate) enabled: bool,
    /// Its text (may be empty), at most [`CARD_TEXT_MAX`] characters, newlines allowed.
    pub(crate) text: String,
    /// How long it is shown, within [`CARD_DURATION`].
    pub(crate) duration_secs: f64,
    /// Background colour, `#rrggbb`.
    pub(crate) background_color: String,
    /// Text colour, `#rrggbb`.
    pub(crate) text_color: String,
}

impl Default for ShortsCard {
    fn default() -> Self {
        Self {
            enabled: false,
            text: String::new(),
            duration_secs: CARD_DURATION_DEFAULT,
            background_color: CARD_BACKGROUND_DEFAULT.to_owned(),
            text_color: CARD_TEXT_COLOR_DEFAULT.to_owned(),
        }
    }
}

/// A creator's shorts template, normalized: what `creators.shorts_template` stores and what a
/// read returns.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct ShortsTemplate {
    /// The card before the clip.
    pub(crate) intro: ShortsCard,
    /// The card after the clip.
    pub(crate) outro: ShortsCard,
    /// An accent colour (`#rrggbb`) for captions and progress bars, if any.
    pub(crate) accent_color: Option<String>,
}

/// A change to one card; `None` fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct CardChange {
    /// Whether the card is rendered.
    pub(crate) enabled: Option<bool>,
    /// Its text.
    pub(crate) text: Option<String>,
    /// How long it is shown (clamped).
    pub(crate) duration_secs: Option<f64>,
    /// Background colour.
    pub(crate) background_color: Option<String>,
    /// Text colour.
    pub(crate) text_color: Option<String>,
}

/// A change to a shorts template; what it does not mention stays as it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct TemplateChange {
    /// Changes to the intro card.
    pub(crate) intro: Option<CardChange>,
    /// Changes to the outro card.
    pub(crate) outro: Option<CardChange>,
    /// The accent colour.
    pub(crate) accent_color: Patch<String>,
}

/// A card's text, stored form: trimmed, at most [`CARD_TEXT_MAX`] characters, `\r\n` as `\n`.
fn card_text(raw: &str) -> String {
    raw.trim().replace("\r\n", "\n")
}

impl ShortsCard {
    /// Reads a stored card leniently: a field of the wrong type or value takes its default,
    /// durations are clamped, a text is cut to [`CARD_TEXT_MAX`] characters without control
    /// characters, unknown keys are ignored.
    fn from_stored(value: Option<&Value>) -> Self {
        let mut card = Self::default();
        let Some(fields) = value.and_then(Value::as_object) else {
            return card;
        };
        if let Some(enabled) = fields.get("enabled").and_then(Value::as_bool) {
            card.enabled = enabled;
        }
        if let Some(text) = fields.get("text").and_then(Value::as_str) {
            card.text = card_text(text)
                .chars()
                .filter(|c| !c.is_control() || *c == '\n')
                .take(CARD_TEXT_MAX)
                .collect();
        }
        if let Some(secs) = fields.get("duration_secs").and_then(Value::as_f64)
            && secs.is_finite()
        {
            card.duration_secs = clamp_duration(secs);
        }
        if let Some(color) = fields
            .get("background_color")
            .and_then(Value::as_str)
            .and_then(parse_color)
        {
            card.background_color = color;
        }
        if let Some(color) = fields
            .get("text_color")
            .and_then(Value::as_str)
            .and_then(parse_color)
        {
            card.text_color = color;
        }
        card
    }

    /// This card with `change` applied strictly: a text over [`CARD_TEXT_MAX`] characters or
    /// with control characters (other than newlines) and a colour that is not `#RGB` / `#RRGGBB`
    /// are refused, naming `argument.<field>`; a duration is clamped.
    fn apply(mut self, change: &CardChange, argument: &str) -> ServiceResult<Self> {
        if let Some(enabled) = change.enabled {
            self.enabled = enabled;
        }
        if let Some(text) = &change.text {
            let text = card_text(text);
            let arg = format!("{argument}.text");
            if text.chars().count() > CARD_TEXT_MAX {
                return Err(ServiceError::invalid(
                    &arg,
                    format!("a card's text has at most {CARD_TEXT_MAX} characters"),
                ));
            }
            if has_control(&text, true) {
                return Err(ServiceError::invalid(
                    &arg,
                    "a card's text may not contain control characters other than newlines",
                ));
            }
            self.text = text;
        }
        if let Some(secs) = change.duration_secs {
            if !secs.is_finite() {
                return Err(ServiceError::invalid(
                    &format!("{argument}.durationSecs"),
                    "a duration is a number of seconds",
                ));
            }
            self.duration_secs = clamp_duration(secs);
        }
        if let Some(color) = &change.background_color {
            self.background_color = strict_color(color, &format!("{argument}.backgroundColor"))?;
        }
        if let Some(color) = &change.text_color {
            self.text_color = strict_color(color, &format!("{argument}.textColor"))?;
        }
        Ok(self)
    }

    fn to_json(&self) -> Value {
        json!({
            "enabled": self.enabled,
            "text": self.text,
            "duration_secs": self.duration_secs,
            "background_color": self.background_color,
            "text_color": self.text_color,
        })
    }
}

fn strict_color(raw: &str, argument: &str) -> ServiceResult<String> {
    parse_color(raw).ok_or_else(|| {
        ServiceError::invalid(
            argument,
            format!("`{}` is not a colour: use #RGB or #RRGGBB", raw.trim()),
        )
    })
}

impl ShortsTemplate {
    /// The normalizer every stored template is read through (rows written before these rules
    /// included): anything but an object is the default template; each card is read by
    /// `ShortsCard::from_stored`; an invalid accent colour is none; unknown keys are dropped.
    pub(crate) fn from_stored(value: &Value) -> Self {
        Self {
            intro: ShortsCard::from_stored(value.get("intro")),
            outro: ShortsCard::from_stored(value.get("outro")),
            accent_color: value
                .get("accent_color")
                .and_then(Value::as_str)
                .and_then(parse_color),
        }
    }

    /// This template with `change` applied (see `ShortsCard::apply`); `argument` names the
    /// template (`input.shortsTemplate`).
    pub(crate) fn apply(self, change: &TemplateChange, argument: &str) -> ServiceResult<Self> {
        let intro = match &change.intro {
            Some(c) => self.intro.apply(c, &format!("{argument}.intro"))?,
            None => self.intro,
        };
        let outro = match &change.outro {
            Some(c) => self.outro.apply(c, &format!("{argument}.outro"))?,
            None => self.outro,
        };
        let accent_color = match &change.accent_color {
            Patch::Keep => self.accent_color,
            Patch::Clear => None,
            Patch::Set(color) => Some(strict_color(color, &format!("{argument}.accentColor"))?),
        };
        Ok(Self {
            intro,
            outro,
            accent_color,
        })
    }

    /// The stored form: every key present, nothing else.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "intro": self.intro.to_json(),
            "outro": self.outro.to_json(),
            "accent_color": self.accent_color,
        })
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn argument_of(err: ServiceError) -> String {
        match err {
            ServiceError::Invalid { argument, .. } => argument,
            other => panic!("expected an invalid argument, got {other:?}"),
        }
    }

    #[test]
    fn names_are_trimmed_collapsed_and_bounded() {
        assert_eq!(normalize_name("  Mr   Bill ", "n").unwrap(), "Mr Bill");
        assert_eq!(
            argument_of(normalize_name("   ", "input.name").unwrap_err()),
            "input.name"
        );
        assert!(normalize_name(&"a".repeat(255), "n").is_ok());
        assert!(normalize_name(&"é".repeat(256), "n").is_err());
        assert!(normalize_name("a\u{7}b", "n").is_err());
    }

    #[test]
    fn slugs_are_derived_like_the_fixtures_but_transliterate() {
        assert_eq!(slugify("Mr. Bill"), "mr-bill");
        assert_eq!(slugify("  KOAN Sound!! "), "koan-sound");
        assert_eq!(slugify("Røyksopp & Björk"), "royksopp-bjork");
        assert_eq!(slugify("Straße"), "strasse");
        assert_eq!(slugify("Bill's Lab"), "bills-lab");
        assert_eq!(slugify("東京 Beats"), "beats");
        assert_eq!(slugify("東京"), "");
        assert_eq!(slugify("---"), "");
        let long = slugify(&"word ".repeat(100));
        assert!(long.len() <= SLUG_MAX && long.ends_with("word"), "{long}");
        assert!(is_slug(&long));
        assert!(slugify(&"a".repeat(300)).len() == SLUG_MAX);
    }

    #[test]
    fn a_chosen_slug_must_have_the_stored_form() {
        assert_eq!(parse_slug(" Mr-Bill ", "s").unwrap(), "mr-bill");
        for bad in ["", "mr bill", "mr--bill", "-mr", "mr-", "mr_bill", "ø"] {
            assert!(parse_slug(bad, "s").is_err(), "{bad:?}");
        }
        assert!(parse_slug(&"a".repeat(256), "s").is_err());
        assert_eq!(
            argument_of(slug_for("東京", None, "input.slug").unwrap_err()),
            "input.slug"
        );
        assert_eq!(slug_for("東京", Some("tokyo"), "s").unwrap(), "tokyo");
        assert_eq!(slug_for("Mr. Bill", None, "s").unwrap(), "mr-bill");
    }

    #[test]
    fn genres_are_folded_deduplicated_and_bounded() {
        let raw: Vec<String> = [" Dubstep", "sound   design", "DUBSTEP", "Sound Design"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            normalize_genres(&raw, "g").unwrap(),
            ["dubstep", "sound design"]
        );
        assert!(normalize_genres(&[" ".into()], "g").is_err());
        assert!(normalize_genres(&["x".repeat(51)], "g").is_err());
        let many: Vec<String> = (0..21).map(|i| format!("g{i}")).collect();
        assert!(normalize_genres(&many, "g").is_err());
        let repeated: Vec<String> = (0..30).map(|_| "same".to_owned()).collect();
        assert_eq!(normalize_genres(&repeated, "g").unwrap(), ["same"]);
    }

    #[test]
    fn bios_are_trimmed_and_bounded() {
        assert_eq!(normalize_bio("  ", "b").unwrap(), None);
        assert_eq!(
            normalize_bio(" Line one\r\nline two ", "b")
                .unwrap()
                .as_deref(),
            Some("Line one\nline two")
        );
        assert!(normalize_bio(&"x".repeat(BIO_MAX + 1), "b").is_err());
        assert!(normalize_bio("a\u{0}b", "b").is_err());
    }

    #[test]
    fn urls_are_absolute_http_with_a_domain() {
        let ok = |raw: &str| parse_http_url(raw, "u").unwrap().text;
        assert_eq!(
            ok(" HTTPS://WWW.YouTube.com/@Bill "),
            "https://www.youtube.com/@Bill"
        );
        assert_eq!(
            ok("https://example.com:443/a?b=c#d"),
            "https://example.com/a?b=c#d"
        );
        assert_eq!(ok("http://example.com:8080"), "http://example.com:8080");
        assert_eq!(
            ok("https://ex-ample.co.uk/a%20b"),
            "https://ex-ample.co.uk/a%20b"
        );
        for bad in [
            "",
            "example.com",
            "//example.com",
            "ftp://example.com",
            "javascript:alert(1)",
            "https://",
            "https://localhost/",
            "https://127.0.0.1/",
            "https://user:pw@example.com/",
            "https://exa mple.com/",
            "https://example.com/a b",
            "https://exämple.com/",
            "https://-example.com/",
            "https://example..com/",
            "https://example.com:0/",
            "https://example.com:99999/",
            "https://example.com:12a/",
            "https://example.com/%zz",
            "https://example.com/%2",
            "https://[::1]/",
            "https://example.com\\@evil.com",
        ] {
            assert!(parse_http_url(bad, "u").is_err(), "{bad:?}");
        }
        let long = format!("https://example.com/{}", "a".repeat(URL_MAX));
        assert!(parse_http_url(&long, "u").is_err());
        assert_eq!(normalize_avatar_url("  ", "a").unwrap(), None);
    }

    #[test]
    fn platforms_fold_their_names_and_aliases() {
        assert_eq!(Platform::parse("YouTube"), Some(Platform::YouTube));
        assert_eq!(Platform::parse(" you tube "), Some(Platform::YouTube));
        assert_eq!(Platform::parse("yt"), Some(Platform::YouTube));
        assert_eq!(Platform::parse("Twitter"), Some(Platform::X));
        assert_eq!(Platform::parse("X"), Some(Platform::X));
        assert_eq!(Platform::parse("Apple Music"), Some(Platform::AppleMusic));
        assert_eq!(Platform::parse("Sound-Cloud"), Some(Platform::SoundCloud));
        assert_eq!(Platform::parse("myspace"), None);
        assert!(Platform::YouTube.hosts("www.youtube.com"));
        assert!(Platform::YouTube.hosts("youtu.be"));
        assert!(!Platform::YouTube.hosts("notyoutube.com"));
        assert!(!Platform::YouTube.hosts("youtube.com.evil.net"));
        assert!(Platform::Bandcamp.hosts("bill.bandcamp.com"));
        assert!(Platform::Website.hosts("anything.example"));
        for p in Platform::ALL {
            assert_eq!(Platform::parse(p.key()), Some(p));
        }
    }

    fn link(platform: &str, url: &str) -> RawSocialLink {
        RawSocialLink {
            platform: platform.into(),
            url: url.into(),
        }
    }

    #[test]
    fn social_links_are_keyed_by_platform_on_its_domains() {
        let links = normalize_social_links(
            &[
                link("YT", "https://YouTube.com/@bill"),
                link("twitter", "https://x.com/bill"),
                link("Website", "https://bill.example/"),
            ],
            "input.socialLinks",
        )
        .unwrap();
        assert_eq!(
            links,
            json!({
                "youtube": "https://youtube.com/@bill",
                "x": "https://x.com/bill",
                "website": "https://bill.example/",
            })
        );
        let arg = |links: &[RawSocialLink]| {
            argument_of(normalize_social_links(links, "input.socialLinks").unwrap_err())
        };
        assert_eq!(
            arg(&[
                link("youtube", "https://youtube.com/@a"),
                link("myspace", "https://m.example")
            ]),
            "input.socialLinks[1].platform"
        );
        assert_eq!(
            arg(&[link("youtube", "https://vimeo.com/bill")]),
            "input.socialLinks[0].url"
        );
        assert_eq!(
            arg(&[link("youtube", "not a url")]),
            "input.socialLinks[0].url"
        );
        assert_eq!(
            arg(&[
                link("youtube", "https://youtube.com/a"),
                link("yt", "https://youtube.com/b")
            ]),
            "input.socialLinks[1].platform"
        );
        let many: Vec<RawSocialLink> = (0..21)
            .map(|i| link("website", &format!("https://s{i}.example")))
            .collect();
        assert_eq!(arg(&many), "input.socialLinks");
        assert_eq!(normalize_social_links(&[], "s").unwrap(), json!({}));
    }

    #[test]
    fn personality_profiles_are_bounded_objects() {
        assert!(check_personality_profile(json!({"tone": "blunt"}), "p").is_ok());
        assert!(check_personality_profile(json!(["x"]), "p").is_err());
        assert!(check_personality_profile(json!("x"), "p").is_err());
        let big = json!({ "x": "y".repeat(PERSONALITY_MAX_BYTES) });
        assert!(check_personality_profile(big, "p").is_err());
    }

    #[test]
    fn colours_are_rgb_or_rrggbb_lower_cased() {
        assert_eq!(parse_color("#FFF").as_deref(), Some("#ffffff"));
        assert_eq!(parse_color(" #Ff5A1f ").as_deref(), Some("#ff5a1f"));
        assert_eq!(parse_color("#a1b").as_deref(), Some("#aa11bb"));
        for bad in ["fff", "#ff", "#ffff", "#fffffff", "#ggg", "red", "", "#"] {
            assert_eq!(parse_color(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn stored_templates_are_read_through_the_normalizer() {
        // The seed's shape: snake_case keys, an accent colour, no card colours.
        let seeded = json!({
            "intro": {"enabled": true, "text": "Mr Bill", "duration_secs": 1.5},
            "outro": {"enabled": true, "text": "Full breakdown on Patchbay", "duration_secs": 2.0},
            "accent_color": "#FF5A1F",
        });
        let t = ShortsTemplate::from_stored(&seeded);
        assert!(t.intro.enabled);
        assert_eq!(t.intro.text, "Mr Bill");
        assert!((t.intro.duration_secs - 1.5).abs() < f64::EPSILON);
        assert_eq!(t.intro.background_color, CARD_BACKGROUND_DEFAULT);
        assert_eq!(t.accent_color.as_deref(), Some("#ff5a1f"));

        let messy = json!({
            "intro": {"enabled": "yes", "text": format!("  {}\u{7}", "t".repeat(150)),
                      "duration_secs": 99, "background_color": "#ABC", "text_color": "blue",
                      "font": "Comic Sans"},
            "outro": "not an object",
            "accent_color": "orange",
            "watermark": true,
        });
        let t = ShortsTemplate::from_stored(&messy);
        assert!(!t.intro.enabled);
        assert_eq!(t.intro.text.chars().count(), CARD_TEXT_MAX);
        assert!(!t.intro.text.contains('\u{7}'));
        assert!((t.intro.duration_secs - CARD_DURATION.1).abs() < f64::EPSILON);
        assert_eq!(t.intro.background_color, "#aabbcc");
        assert_eq!(t.intro.text_color, CARD_TEXT_COLOR_DEFAULT);
        assert_eq!(t.outro, ShortsCard::default());
        assert_eq!(t.accent_color, None);
        let stored = t.to_json();
        assert!(stored.get("watermark").is_none());
        assert!(stored["intro"].get("font").is_none());
        assert_eq!(
            ShortsTemplate::from_stored(&stored),
            t,
            "normalizing is idempotent"
        );
        assert_eq!(
            ShortsTemplate::from_stored(&json!(42)),
            ShortsTemplate::default()
        );
    }

    #[test]
    fn template_changes_clamp_durations_and_refuse_bad_values() {
        let change = TemplateChange {
            intro: Some(CardChange {
                enabled: Some(true),
                text: Some("  Hi\nthere ".into()),
                duration_secs: Some(0.01),
                background_color: Some("#F00".into()),
                ..CardChange::default()
            }),
            outro: Some(CardChange {
                duration_secs: Some(42.0),
                ..CardChange::default()
            }),
            accent_color: Patch::Set("#00FF00".into()),
        };
        let t = ShortsTemplate::default()
            .apply(&change, "input.shortsTemplate")
            .unwrap();
        assert_eq!(t.intro.text, "Hi\nthere");
        assert!((t.intro.duration_secs - CARD_DURATION.0).abs() < f64::EPSILON);
        assert!((t.outro.duration_secs - CARD_DURATION.1).abs() < f64::EPSILON);
        assert_eq!(t.intro.background_color, "#ff0000");
        assert_eq!(t.accent_color.as_deref(), Some("#00ff00"));
        let cleared = t
            .clone()
            .apply(
                &TemplateChange {
                    accent_color: Patch::Clear,
                    ..TemplateChange::default()
                },
                "t",
            )
            .unwrap();
        assert_eq!(cleared.accent_color, None);
        assert_eq!(cleared.intro, t.intro, "unmentioned cards stay");

        let bad = |card: CardChange| {
            argument_of(
                ShortsTemplate::default()
                    .apply(
                        &TemplateChange {
                            outro: Some(card),
                            ..TemplateChange::default()
                        },
                        "input.shortsTemplate",
                    )
                    .unwrap_err(),
            )
        };
        assert_eq!(
            bad(CardChange {
                text_color: Some("white".into()),
                ..CardChange::default()
            }),
            "input.shortsTemplate.outro.textColor"
        );
        assert_eq!(
            bad(CardChange {
                text: Some("x".repeat(CARD_TEXT_MAX + 1)),
                ..CardChange::default()
            }),
            "input.shortsTemplate.outro.text"
        );
        assert_eq!(
            bad(CardChange {
                duration_secs: Some(f64::NAN),
                ..CardChange::default()
            }),
            "input.shortsTemplate.outro.durationSecs"
        );
    }
}
