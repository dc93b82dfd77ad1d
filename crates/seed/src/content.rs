//! Text and JSON generation: bios, transcript speech, key-moment and page prose, v1/v2 body
//! sections, signal chains, Tiptap post bodies, creator profile JSON.

use rand::Rng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

use crate::names::{ELEMENTS, GENRES, HEADINGS, PARAMETERS, PLUGINS, SUBHEADINGS, Technique};

/// A uniformly chosen element of a non-empty constant list.
pub(crate) fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// `n` distinct elements of `items` (fewer if `items` is shorter), in draw order.
pub(crate) fn pick_distinct<'a>(rng: &mut StdRng, items: &[&'a str], n: usize) -> Vec<&'a str> {
    let mut chosen: Vec<&str> = Vec::with_capacity(n);
    let n = n.min(items.len());
    while chosen.len() < n {
        let item = *pick(rng, items);
        if !chosen.contains(&item) {
            chosen.push(item);
        }
    }
    chosen
}

pub(crate) fn bio(rng: &mut StdRng, name: &str, genres: &[String]) -> String {
    let main = genres.first().map_or("electronic music", String::as_str);
    let openers = [
        format!("{name} is a producer and sound designer working mostly in {main}."),
        format!("{name} teaches {main} production from real sessions."),
        format!("Producer, sound designer and educator: {name} breaks down {main} production."),
    ];
    let middles = [
        "Their videos focus on building sounds from scratch rather than relying on presets.",
        "Expect deep dives into resampling, bus processing and arrangement decisions.",
        "Tutorials are recorded in real sessions, mistakes and all.",
        "Most breakdowns use stock devices so anyone can follow along.",
    ];
    let closers = [
        "New videos most weeks.",
        "Sample packs and project files are linked in the posts.",
        "Ask questions in the comments; many videos start there.",
    ];
    format!(
        "{} {} {}",
        pick(rng, &openers),
        pick(rng, &middles),
        pick(rng, &closers)
    )
}

pub(crate) fn social_links(rng: &mut StdRng, slug: &str) -> Value {
    let handle = slug.replace('-', "");
    let mut links = serde_json::Map::new();
    links.insert(
        "youtube".into(),
        json!(format!("https://www.youtube.com/@{handle}")),
    );
    if rng.random_bool(0.7) {
        links.insert(
            "instagram".into(),
            json!(format!("https://instagram.com/{handle}")),
        );
    }
    if rng.random_bool(0.5) {
        links.insert(
            "soundcloud".into(),
            json!(format!("https://soundcloud.com/{slug}")),
        );
    }
    if rng.random_bool(0.3) {
        links.insert(
            "bandcamp".into(),
            json!(format!("https://{handle}.bandcamp.com")),
        );
    }
    Value::Object(links)
}

/// LLM-extracted personality data for some creators.
pub(crate) fn personality_profile(rng: &mut StdRng) -> Value {
    let tones = ["laid-back", "high-energy", "methodical", "playful", "blunt"];
    let styles = [
        "step-by-step",
        "listen-first",
        "theory-heavy",
        "experiment-driven",
    ];
    let phrases = [
        "let's get weird",
        "trust your ears",
        "resample everything",
        "less is more",
    ];
    json!({
        "tone": pick(rng, &tones),
        "teaching_style": pick(rng, &styles),
        "catchphrases": pick_distinct(rng, &phrases, 2),
        "technical_depth": rng.random_range(1..=5),
    })
}

/// Intro/outro card config for generated shorts.
pub(crate) fn shorts_template(name: &str) -> Value {
    json!({
        "intro": {"enabled": true, "text": name, "duration_secs": 1.5},
        "outro": {"enabled": true, "text": "Full breakdown on Patchbay", "duration_secs": 2.0},
        "accent_color": "#ff5a1f",
    })
}

pub(crate) fn video_filename(rng: &mut StdRng, technique: &Technique, ordinal: usize) -> String {
    let suffix = pick(
        rng,
        &[
            "",
            " (Full Tutorial)",
            " - Quick Tip",
            " [Live Session]",
            " 4K",
        ],
    );
    let ext = pick(rng, &["mp4", "mp4", "mp4", "mkv", "mov"]);
    format!("{:03} {}{}.{}", ordinal + 1, technique.title, suffix, ext)
}

/// One spoken transcript segment.
pub(crate) fn transcript_line(rng: &mut StdRng, technique: &Technique) -> String {
    let plugin = pick(rng, PLUGINS);
    let element = pick(rng, ELEMENTS);
    let param = pick(rng, PARAMETERS);
    match rng.random_range(0..16) {
        0 => format!("Alright, so the first thing I'm doing is loading {plugin} on the {element}."),
        1 => format!(
            "I'm pulling the {param} back to around {} percent, otherwise it gets really harsh.",
            rng.random_range(10..90)
        ),
        2 => format!("Listen to how the {element} sits in the mix now compared to before."),
        3 => "Let me solo this so you can hear it on its own.".to_owned(),
        4 => "Now I'm going to resample that to audio and chop it up.".to_owned(),
        5 => format!(
            "See that buildup around {} hertz? That's what's making it muddy.",
            pick(rng, &[120, 250, 300, 400, 800, 2500, 3500])
        ),
        6 => format!(
            "I'm cutting everything below {} hertz on this with a steep high pass.",
            pick(rng, &[30, 40, 80, 100, 150, 200])
        ),
        7 => format!("Then I automate the {param} over the drop so it keeps moving."),
        8 => format!(
            "This is basically the core of {}.",
            technique.title.to_lowercase()
        ),
        9 => format!("Quick tip: group your {element} layers before you compress them."),
        10 => {
            format!("A lot of you asked how I get the {element} this wide, it's mostly {plugin}.")
        }
        11 => "Honestly that's the whole chain, it's not that complicated.".to_owned(),
        12 => format!(
            "I'll bring {plugin} in at maybe {}% wet.",
            rng.random_range(5..60)
        ),
        13 => "Watch the meter here, I'm keeping it around minus six on the bus.".to_owned(),
        14 => format!("If you're making {} this trick is gold.", pick(rng, GENRES)),
        _ => format!("Okay, let's bounce this {element} and move on to the next part."),
    }
}

pub(crate) fn moment_title(rng: &mut StdRng, technique: &Technique) -> String {
    let plugin = pick(rng, PLUGINS);
    let element = pick(rng, ELEMENTS);
    match rng.random_range(0..5) {
        0 => technique.title.to_owned(),
        1 => format!("{} with {plugin}", technique.title),
        2 => format!("Processing the {element} with {plugin}"),
        3 => format!("Dialing in the {} on the {element}", pick(rng, PARAMETERS)),
        _ => format!("{}: the key move", technique.title),
    }
}

pub(crate) fn moment_summary(rng: &mut StdRng, technique: &Technique) -> String {
    let plugin = pick(rng, PLUGINS);
    let param = pick(rng, PARAMETERS);
    format!(
        "Demonstrates {} using {plugin}, adjusting the {param} while comparing against the dry \
         signal. {}",
        technique.title.to_lowercase(),
        pick(
            rng,
            &[
                "Shows the before and after in context.",
                "Explains why the setting works in a busy mix.",
                "Covers the common mistake of overdoing it.",
                "Ends with a resampled version of the result.",
            ]
        )
    )
}

pub(crate) fn page_summary(rng: &mut StdRng, technique: &Technique, genre: &str) -> String {
    format!(
        "How to approach {} in {genre} productions: the sound source, the processing chain and the \
         mix decisions that make it work. {}",
        technique.title.to_lowercase(),
        pick(
            rng,
            &[
                "Distilled from several video breakdowns.",
                "Includes the exact settings shown on screen.",
                "Focuses on the moves that matter most.",
            ]
        )
    )
}

/// One paragraph of technique-page prose.
fn paragraph(rng: &mut StdRng, technique: &Technique) -> String {
    let plugin = pick(rng, PLUGINS);
    let element = pick(rng, ELEMENTS);
    let param = pick(rng, PARAMETERS);
    let low_cut = pick(rng, &[100, 120, 150]);
    let sentences = [
        format!(
            "Start with the {element} on its own and get the level right before adding {plugin}."
        ),
        format!("The {param} does most of the work here; small moves go a long way."),
        format!("Keep the low end mono below about {low_cut} Hz."),
        format!(
            "{} depends on contrast, so leave space around it.",
            technique.title
        ),
        format!("Resample the {element} once it sounds right and commit to audio."),
        format!("Automate the {param} across the phrase so the sound keeps evolving."),
        "Check the result in mono and at low volume before moving on.".to_owned(),
        format!("{plugin} is optional; the same move works with stock devices."),
        "A/B against a reference track so you do not overdo it.".to_owned(),
    ];
    let refs: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let count = rng.random_range(2..=3);
    pick_distinct(rng, &refs, count).join(" ")
}

/// `body_sections` in format v1: an object mapping heading to text.
pub(crate) fn body_v1(rng: &mut StdRng, technique: &Technique) -> Value {
    let count = rng.random_range(3..=5);
    let mut sections = serde_json::Map::new();
    for heading in pick_distinct(rng, HEADINGS, count) {
        sections.insert(heading.to_owned(), json!(paragraph(rng, technique)));
    }
    Value::Object(sections)
}

/// `body_sections` in format v2: a list of `{heading, content, children}` with nesting.
pub(crate) fn body_v2(rng: &mut StdRng, technique: &Technique) -> Value {
    let count = rng.random_range(3..=5);
    let sections: Vec<Value> = pick_distinct(rng, HEADINGS, count)
        .into_iter()
        .map(|heading| {
            let child_count = if rng.random_bool(0.5) {
                rng.random_range(1..=3)
            } else {
                0
            };
            let children: Vec<Value> = pick_distinct(rng, SUBHEADINGS, child_count)
                .into_iter()
                .map(|sub| {
                    let grandchildren = if rng.random_bool(0.15) {
                        vec![json!({
                            "heading": "Settings",
                            "content": paragraph(rng, technique),
                            "children": [],
                        })]
                    } else {
                        Vec::new()
                    };
                    json!({
                        "heading": sub,
                        "content": paragraph(rng, technique),
                        "children": grandchildren,
                    })
                })
                .collect();
            json!({"heading": heading, "content": paragraph(rng, technique), "children": children})
        })
        .collect();
    Value::Array(sections)
}

/// `signal_chains` (array of `{name, steps}`) and the page's distinct plugins.
pub(crate) fn signal_chains(rng: &mut StdRng) -> (Option<Value>, Vec<String>) {
    if rng.random_bool(0.1) {
        let count = rng.random_range(1..=3);
        let plugins = pick_distinct(rng, PLUGINS, count);
        return (None, plugins.into_iter().map(str::to_owned).collect());
    }
    let mut plugins: Vec<String> = Vec::new();
    let chain_count = *pick(rng, &[1, 1, 2, 2, 3]);
    let chains: Vec<Value> = (0..chain_count)
        .map(|i| {
            let count = rng.random_range(2..=5);
            let steps = pick_distinct(rng, PLUGINS, count);
            for step in &steps {
                if !plugins.iter().any(|p| p == step) {
                    plugins.push((*step).to_owned());
                }
            }
            let name = match i {
                0 => format!("Main {} chain", pick(rng, ELEMENTS)),
                1 => "Bus processing".to_owned(),
                _ => "Parallel send".to_owned(),
            };
            json!({"name": name, "steps": steps})
        })
        .collect();
    (Some(Value::Array(chains)), plugins)
}

fn text(s: &str) -> Value {
    json!({"type": "text", "text": s})
}

fn para(children: Vec<Value>) -> Value {
    json!({"type": "paragraph", "content": children})
}

/// A Tiptap document for a creator post.
pub(crate) fn tiptap_post(rng: &mut StdRng, title: &str, page_slug: Option<&str>) -> Value {
    let plugin = pick(rng, PLUGINS);
    let element = pick(rng, ELEMENTS);
    let mut content = vec![
        json!({"type": "heading", "attrs": {"level": 2}, "content": [text(title)]}),
        para(vec![
            text("This week I've been deep in "),
            json!({"type": "text", "marks": [{"type": "bold"}], "text": element}),
            text(format!(" processing, mostly with {plugin}.").as_str()),
        ]),
        json!({"type": "bulletList", "content": [
            {"type": "listItem", "content": [para(vec![text("Project file attached below")])]},
            {"type": "listItem", "content": [para(vec![text("Preset bank updated")])]},
            {"type": "listItem", "content": [para(vec![
                json!({"type": "text", "marks": [{"type": "italic"}], "text": "Next video: drop arrangement"}),
            ])]},
        ]}),
    ];
    if let Some(slug) = page_slug {
        content.push(para(vec![
            text("Full write-up: "),
            json!({"type": "text", "text": "the technique page",
                   "marks": [{"type": "link", "attrs": {"href": format!("/techniques/{slug}")}}]}),
        ]));
    }
    json!({"type": "doc", "content": content})
}

/// Ten per-dimension highlight scores in 0..1 and their weighted composite.
pub(crate) fn score_breakdown(rng: &mut StdRng) -> (Value, f64) {
    const DIMENSIONS: [(&str, f64); 10] = [
        ("hook_strength", 0.15),
        ("technique_density", 0.15),
        ("clarity", 0.12),
        ("energy", 0.10),
        ("audio_quality", 0.10),
        ("visual_interest", 0.08),
        ("pacing", 0.08),
        ("novelty", 0.08),
        ("self_containedness", 0.08),
        ("duration_fit", 0.06),
    ];
    let quality: f64 = rng.random_range(0.2..0.9);
    let mut map = serde_json::Map::new();
    let mut score = 0.0;
    for (name, weight) in DIMENSIONS {
        let value = (quality + rng.random_range(-0.2..0.2)).clamp(0.0, 1.0);
        let value = (value * 1000.0).round() / 1000.0;
        score += value * weight;
        map.insert(name.to_owned(), json!(value));
    }
    (
        Value::Object(map),
        (score.clamp(0.0, 1.0) * 1000.0).round() / 1000.0,
    )
}
