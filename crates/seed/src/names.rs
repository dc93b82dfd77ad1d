//! Word lists: invented producer names, genres, plugins, techniques, tags and topic categories.
//! Every name here is made up; none is meant to be a real person.

use std::collections::HashSet;

/// Hand-picked producer names; the first six are the demo creators.
const FEATURED_CREATORS: &[&str] = &[
    "Kessa Vire",
    "Orrin Vale",
    "Lumen Drift",
    "Taro Quill",
    "Sable Okafor",
    "Halden Rook",
    "Mira Lowfield",
    "Subgrade",
    "Juno Hartwell",
    "Nocturne Lab",
    "Petra Solace",
    "Wren Calloway",
    "Dax Merrow",
    "Ilse Brandt",
    "Koji Amaranth",
    "Basalt",
    "Yara Fenwick",
    "Tamsin Oduya",
];

const ALIAS_FIRST: &[&str] = &[
    "Velvet", "Hollow", "Neon", "Static", "Amber", "Cobalt", "Quiet", "Fractal", "Lunar", "Iron",
    "Paper", "Glass", "Rust", "Silver", "Violet", "Feral", "Delta", "Echo", "Sable", "Drift",
];

const ALIAS_SECOND: &[&str] = &[
    "Circuit", "Pulse", "Engine", "Harbor", "Signal", "Garden", "Theory", "Machine", "Tide",
    "Atlas", "Relay", "Canyon", "Mirror", "Orbit", "Voltage", "Archive", "Foundry", "Lantern",
    "Ritual", "Vector",
];

/// `n` distinct creator names: the featured list first, then two-word aliases.
pub(crate) fn creator_names(n: usize) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut names = Vec::with_capacity(n);
    let aliases = (0..ALIAS_FIRST.len() * ALIAS_SECOND.len()).map(|i| {
        // Walk the grid diagonally so consecutive aliases do not share a first word.
        let first = ALIAS_FIRST[i % ALIAS_FIRST.len()];
        let second = ALIAS_SECOND[(i / ALIAS_FIRST.len() + i) % ALIAS_SECOND.len()];
        format!("{first} {second}")
    });
    let candidates = FEATURED_CREATORS
        .iter()
        .map(|s| (*s).to_owned())
        .chain(aliases);
    for name in candidates {
        if names.len() == n {
            break;
        }
        if seen.insert(name.clone()) {
            names.push(name);
        }
    }
    // Past 418 names, number the aliases (only reached by far larger scales than Bench).
    let mut extra = 2;
    while names.len() < n {
        names.push(format!("{} {extra}", names[names.len() % 400]));
        extra += 1;
    }
    names
}

/// Genre names as stored in `creators.genres`.
pub(crate) const GENRES: &[&str] = &[
    "dubstep",
    "house",
    "techno",
    "drum and bass",
    "ambient",
    "hip hop",
    "trap",
    "sound design",
    "future bass",
    "uk garage",
    "lo-fi",
    "synthwave",
    "neurofunk",
    "deep house",
    "melodic techno",
    "bass music",
    "downtempo",
    "film scoring",
    "experimental",
    "breakbeat",
];

/// Plugin and device names for `technique_pages.plugins` and signal chains.
pub(crate) const PLUGINS: &[&str] = &[
    "Serum",
    "Vital",
    "FabFilter Pro-Q 3",
    "FabFilter Pro-C 2",
    "FabFilter Pro-L 2",
    "FabFilter Saturn 2",
    "OTT",
    "Valhalla VintageVerb",
    "Valhalla Supermassive",
    "Valhalla Delay",
    "Ableton Operator",
    "Ableton Wavetable",
    "Ableton Simpler",
    "Glue Compressor",
    "EQ Eight",
    "Saturator",
    "Auto Filter",
    "Grain Delay",
    "Utility",
    "Soundtoys Decapitator",
    "Soundtoys EchoBoy",
    "Kilohearts Phase Plant",
    "Kilohearts Disperser",
    "iZotope Ozone",
    "LFOTool",
    "ShaperBox 3",
    "Massive X",
    "u-he Diva",
    "Arturia Pigments",
    "Output Portal",
    "Soothe2",
    "CamelCrusher",
    "Omnisphere",
    "RC-20 Retro Color",
    "Trackspacer",
    "Kickstart 2",
    "Serato Sample",
];

/// Sound sources and mix elements, as producers name them in speech.
pub(crate) const ELEMENTS: &[&str] = &[
    "reese bass",
    "sub bass",
    "kick",
    "snare",
    "hi-hats",
    "pads",
    "lead",
    "vocal chop",
    "growl bass",
    "808",
    "break",
    "pluck",
    "chords",
    "riser",
    "impact",
    "atmosphere",
    "percussion",
    "wobble bass",
    "arp",
    "drum bus",
];

/// Synth and effect parameters, as spoken in tutorials.
pub(crate) const PARAMETERS: &[&str] = &[
    "filter cutoff",
    "resonance",
    "wavetable position",
    "unison detune",
    "attack",
    "release",
    "drive",
    "dry/wet",
    "threshold",
    "ratio",
    "decay",
    "feedback",
    "FM amount",
    "stereo width",
    "pre-delay",
];

/// One technique: a title, its topic category, and its tags (lower case).
#[derive(Debug)]
pub(crate) struct Technique {
    pub(crate) title: &'static str,
    pub(crate) category: &'static str,
    pub(crate) tags: &'static [&'static str],
}

macro_rules! techniques {
    ($(($title:expr, $category:expr, [$($tag:expr),*])),* $(,)?) => {
        &[$(Technique { title: $title, category: $category, tags: &[$($tag),*] }),*]
    };
}

/// The techniques creators teach; titles of pages and key moments derive from these.
pub(crate) const TECHNIQUES: &[Technique] = techniques![
    (
        "Reese Bass Layering",
        "Sound Design",
        ["reese bass", "layering", "bass design"]
    ),
    (
        "Neuro Bass Resampling",
        "Sound Design",
        ["resampling", "neuro", "bass design"]
    ),
    (
        "Growl Bass From FM",
        "Sound Design",
        ["fm synthesis", "growl", "bass design"]
    ),
    (
        "Wobble Bass LFO Shapes",
        "Sound Design",
        ["lfo", "wobble", "dubstep"]
    ),
    (
        "Supersaw Chord Stacks",
        "Synthesis",
        ["supersaw", "unison", "chords"]
    ),
    (
        "Wavetable Morphing Pads",
        "Synthesis",
        ["wavetable", "pads", "modulation"]
    ),
    (
        "Granular Textures From Vocals",
        "Sound Design",
        ["granular", "vocals", "texture"]
    ),
    (
        "Foley Percussion Layers",
        "Sound Design",
        ["foley", "percussion", "layering"]
    ),
    (
        "Sidechain Pumping Without Plugins",
        "Mixing",
        ["sidechain", "volume shaping"]
    ),
    (
        "Parallel Compression on Drums",
        "Mixing",
        ["parallel compression", "drums"]
    ),
    (
        "Kick and Sub Relationship",
        "Mixing",
        ["kick", "sub bass", "low end"]
    ),
    (
        "Mid-Side EQ for Width",
        "Mixing",
        ["mid-side", "eq", "stereo width"]
    ),
    (
        "Multiband Saturation",
        "Mixing",
        ["saturation", "multiband", "harmonics"]
    ),
    (
        "OTT on Everything",
        "Mixing",
        ["ott", "multiband compression"]
    ),
    (
        "Clipping Before the Limiter",
        "Mastering",
        ["clipping", "loudness", "mastering"]
    ),
    (
        "Loudness Without Pumping",
        "Mastering",
        ["loudness", "limiting", "mastering"]
    ),
    (
        "Reference Track Matching",
        "Mastering",
        ["reference tracks", "eq"]
    ),
    (
        "Drop Arrangement Tension",
        "Arrangement",
        ["arrangement", "drops", "tension"]
    ),
    (
        "Eight-Bar Variation Rule",
        "Arrangement",
        ["arrangement", "variation"]
    ),
    (
        "Breakdown to Drop Transitions",
        "Arrangement",
        ["transitions", "risers", "fx"]
    ),
    (
        "Chopping Amen Breaks",
        "Drums",
        ["breaks", "sampling", "drum and bass"]
    ),
    (
        "Ghost Notes in Hi-Hats",
        "Drums",
        ["hi-hats", "groove", "velocity"]
    ),
    (
        "Punchy Snare Layering",
        "Drums",
        ["snare", "layering", "transients"]
    ),
    (
        "808 Glides and Distortion",
        "Drums",
        ["808", "glide", "distortion"]
    ),
    (
        "Swing and Groove Templates",
        "Drums",
        ["groove", "swing", "quantize"]
    ),
    (
        "Vocal Chop Melodies",
        "Sampling",
        ["vocal chops", "sampling", "melody"]
    ),
    (
        "Resampling Loops Into Instruments",
        "Sampling",
        ["resampling", "sampler"]
    ),
    (
        "Flipping Soul Samples",
        "Sampling",
        ["sampling", "hip hop", "chopping"]
    ),
    (
        "Reverb Throws and Delay Tails",
        "Effects",
        ["reverb", "delay", "automation"]
    ),
    (
        "Shimmer Reverb Ambience",
        "Effects",
        ["reverb", "shimmer", "ambient"]
    ),
    (
        "Tape Saturation Warmth",
        "Effects",
        ["tape", "saturation", "lo-fi"]
    ),
    (
        "Formant Shifting Basses",
        "Sound Design",
        ["formant", "bass design", "vocal"]
    ),
    (
        "Comb Filter Metallic Tones",
        "Sound Design",
        ["comb filter", "metallic", "fx"]
    ),
    (
        "Acid Lines With a 303 Emulation",
        "Synthesis",
        ["acid", "303", "resonance"]
    ),
    (
        "FM Bell Plucks",
        "Synthesis",
        ["fm synthesis", "plucks", "bells"]
    ),
    (
        "Modular-Style Random Modulation",
        "Synthesis",
        ["modulation", "randomness"]
    ),
    (
        "Chord Voicing for House",
        "Music Theory",
        ["chords", "voicing", "house"]
    ),
    (
        "Modal Melodies for Techno",
        "Music Theory",
        ["modes", "melody", "techno"]
    ),
    (
        "Counter-Melody Writing",
        "Music Theory",
        ["melody", "counterpoint"]
    ),
    (
        "Template-Based Workflow",
        "Workflow",
        ["templates", "workflow"]
    ),
    (
        "Finishing Tracks Faster",
        "Workflow",
        ["workflow", "finishing"]
    ),
    (
        "Bus Routing and Groups",
        "Workflow",
        ["routing", "groups", "mixing"]
    ),
    (
        "Vocal Chain for Rap",
        "Vocals",
        ["vocals", "compression", "de-essing"]
    ),
    (
        "Vocal Doubling and Width",
        "Vocals",
        ["vocals", "doubling", "stereo width"]
    ),
    (
        "Pitch-Corrected Vocal Leads",
        "Vocals",
        ["vocals", "pitch correction"]
    ),
];

/// A genre as it reads in a page title ("drum and bass" → "Drum and Bass"); `None` for genres that
/// read badly after "for".
pub(crate) fn genre_title(genre: &str) -> Option<String> {
    match genre {
        "sound design" | "film scoring" | "experimental" => None,
        "uk garage" => Some("UK Garage".to_owned()),
        "lo-fi" => Some("Lo-Fi".to_owned()),
        _ => {
            let words: Vec<String> = genre
                .split(' ')
                .map(|word| match word {
                    "and" => word.to_owned(),
                    _ => {
                        let mut chars = word.chars();
                        chars.next().map_or_else(String::new, |first| {
                            first.to_uppercase().chain(chars).collect()
                        })
                    }
                })
                .collect();
            Some(words.join(" "))
        }
    }
}

/// Topic categories with the data model's known casing inconsistency: most rows use the first
/// spelling, some the second (`"Sound Design"` / `"Sound design"`).
pub(crate) fn category_variant(category: &str) -> &'static str {
    match category {
        "Sound Design" => "Sound design",
        "Music Theory" => "Music theory",
        "Mixing" => "mixing",
        _ => "",
    }
}

const TAG_EXTRAS: &[&str] = &[
    "beginner",
    "advanced",
    "ableton live",
    "fl studio",
    "bitwig",
    "logic pro",
    "serum",
    "vital",
    "ott",
    "stock plugins",
    "free plugins",
    "hardware",
    "modular",
    "field recording",
    "mixdown",
    "gain staging",
    "headroom",
    "phase",
    "mono compatibility",
    "automation",
    "transients",
    "harmonics",
    "distortion",
    "bitcrushing",
    "filter sweeps",
    "pitch shifting",
    "time stretching",
    "warping",
    "stems",
    "collaboration",
];

/// `n` distinct tag names, lower case and trimmed (the `tags_name_normalized` CHECK): technique
/// tags, genres and extras first, then genre × element pairs. Earlier tags are the more popular.
pub(crate) fn tag_names(n: usize) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut names = Vec::with_capacity(n);
    // Round-robin over techniques (every technique's first tag, then every second tag, ...), so
    // even a small tag set covers every topic.
    let technique_tags = (0..3).flat_map(|round| {
        TECHNIQUES
            .iter()
            .filter_map(move |t| t.tags.get(round).copied())
    });
    let base = technique_tags
        .chain(GENRES.iter().copied())
        .chain(TAG_EXTRAS.iter().copied());
    let pairs = ELEMENTS
        .iter()
        .flat_map(|e| GENRES.iter().map(move |g| format!("{g} {e}")));
    let numbered = (2..).map(|i| format!("technique {i}"));
    for name in base.map(str::to_owned).chain(pairs).chain(numbered) {
        if names.len() == n {
            break;
        }
        let name = name.trim().to_lowercase();
        if seen.insert(name.clone()) {
            names.push(name);
        }
    }
    names
}

/// Top-level section headings of technique pages.
pub(crate) const HEADINGS: &[&str] = &[
    "Overview",
    "Sound Source",
    "Signal Chain",
    "Key Settings",
    "Processing",
    "Mix Context",
    "Automation",
    "Common Mistakes",
    "Variations",
    "Why It Works",
];

/// Nested (v2) section headings.
pub(crate) const SUBHEADINGS: &[&str] = &[
    "Oscillator Setup",
    "Filter Envelope",
    "Saturation Stage",
    "EQ Moves",
    "Compression Settings",
    "Stereo Treatment",
    "Resampling Pass",
    "Bus Processing",
    "Macro Mapping",
    "Gain Staging",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bench_sized_lists_are_distinct() {
        let creators = creator_names(200);
        assert_eq!(creators.iter().collect::<HashSet<_>>().len(), 200);
        let tags = tag_names(500);
        assert_eq!(tags.iter().collect::<HashSet<_>>().len(), 500);
        assert!(
            tags.iter()
                .all(|t| *t == t.trim().to_lowercase() && t.len() <= 100)
        );
    }
}
