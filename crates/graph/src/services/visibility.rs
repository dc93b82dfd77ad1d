//! Who may see what: each visibility rule defined once, as a typed SQL predicate.
//!
//! Every read path (root lists, lookups, `node(id:)`, nested relations, search) filters with these
//! predicates inside its SQL, so a hidden row is never fetched and looks exactly like a missing one.
//! The rules (`docs/decisions/0021-visibility.md`), one [`Rule`] each:
//! - [`Rule::Video`]: a video is hidden when its consent has `public_display = false` or its
//!   `processing_status` is `revoked`, except to admins and the users of its creator; its
//!   transcript, key moments and highlights go with it;
//! - [`Rule::PageSource`]: a video with `kb_inclusion` not granted is never a public source of a
//!   technique page; [`Rule::Searchable`]: nor a search result;
//! - [`Rule::Post`]: unpublished posts: the creator's users and admins;
//! - [`Rule::Curated`]: highlights, shorts, page versions, consent and its audit log, pipeline
//!   runs and events: the creator's users and admins;
//! - [`Rule::AdminOnly`]: content reports and the search, digest and chat logs: admins.
//! - [`Rule::Moment`]: a rejected key moment or a hidden chapter: the creator's users and admins
//!   (pending moments are public until reviewed, `docs/decisions/0050-editorial.md`); it applies
//!   on top of its video's rule.
//!
//! A rule renders for one of three [`Shape`]s of viewer (public, curator, admin). The viewer's
//! creator id is never part of the text: a curator's predicates read it from a bound parameter
//! whose placeholder the caller supplies, so every curator sends the same statement texts and the
//! prepared-statement caches hold three copies of each statement, whoever asks. The public text
//! reads no parameter at all.
//!
//! Adding a rule (say, draft pages) is one edit: a variant of [`Rule`] with its three shapes in
//! [`Rule::sql`]; then use it where the relation's statement is declared
//! (`loaders::read::ReadSql::new`, or a root list through [`Scope::expr`]), and test it in
//! `tests/api/visibility.rs` (who sees what) and `tests/api/visibility_sql.rs` (texts do not
//! depend on the curator).

use sea_orm::{Value, sea_query::Expr};
use uuid::Uuid;

use crate::services::permissions::Viewer;

/// The three shapes of visibility SQL: viewers of one shape share every statement text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Shape {
    /// Signed out, or signed in without a creator profile: public rows only.
    Public,
    /// A user linked to a creator: public rows and that creator's (its id bound as a parameter).
    Curator,
    /// An admin: every row.
    Admin,
}

/// A table alias a rule is rendered against (the `v` of `v.creator_id`): an SQL identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Alias(&'static str);

impl Alias {
    /// The alias `name`; panics (at compile time in a `const`) unless it is a plain identifier.
    pub(crate) const fn new(name: &'static str) -> Self {
        let bytes = name.as_bytes();
        assert!(!bytes.is_empty(), "an alias is not empty");
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            assert!(
                b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_',
                "an alias is a lowercase SQL identifier"
            );
            i += 1;
        }
        Self(name)
    }
}

/// A visibility rule: whether the viewer may see the row aliased by an [`Alias`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rule {
    /// The video (a `source_videos` row) may be shown.
    Video,
    /// The video may be listed as a source of a technique page: curators see every source;
    /// everyone else only public videos whose creator granted knowledge-base inclusion.
    PageSource,
    /// The video's key moments and transcript may be search results: the video may be shown and
    /// its creator granted knowledge-base inclusion (whoever asks).
    Searchable,
    /// The post (a `posts` row) may be shown: published, or the viewer curates its creator.
    Post,
    /// The row's `creator_id` is a creator the viewer curates (its users and admins).
    Curated,
    /// Admins only (the alias is not read).
    AdminOnly,
    /// The key moment (a `key_moments` row) may be shown: not rejected in review and not a
    /// hidden chapter, or the viewer curates its video's creator. Its video's rule still applies.
    Moment,
}

impl Rule {
    /// The predicate's SQL for viewers of `shape` over the row aliased `t`. `viewer` gives the
    /// placeholder (`$n`) of the viewer's creator id; it is called only when the text reads it
    /// (curators), at most once per call.
    pub(crate) fn sql(self, shape: Shape, t: Alias, viewer: &mut dyn FnMut() -> String) -> String {
        let t = t.0;
        let mut curated = || match shape {
            Shape::Public => "FALSE".to_owned(),
            Shape::Curator => format!("({t}.creator_id = {})", viewer()),
            Shape::Admin => "TRUE".to_owned(),
        };
        match (self, shape) {
            (Self::AdminOnly, Shape::Admin) => "TRUE".to_owned(),
            (Self::AdminOnly, _) => "FALSE".to_owned(),
            (Self::Curated, _) => curated(),
            (Self::Post, _) => format!("({t}.is_published OR {})", curated()),
            (Self::Video | Self::PageSource, Shape::Admin) => "TRUE".to_owned(),
            (Self::Video, Shape::Public) => public_video(t),
            (Self::Video, Shape::Curator) => format!("({} OR {})", curated(), public_video(t)),
            (Self::PageSource, Shape::Public) => {
                format!("({} AND {})", public_video(t), kb_included(t))
            }
            (Self::PageSource, Shape::Curator) => format!(
                "({} OR ({} AND {}))",
                curated(),
                public_video(t),
                kb_included(t)
            ),
            (Self::Moment, Shape::Admin) => "TRUE".to_owned(),
            (Self::Moment, Shape::Public) => published_moment(t),
            (Self::Moment, Shape::Curator) => format!(
                "({} OR EXISTS (SELECT 1 FROM source_videos pb_mv \
                 WHERE pb_mv.id = {t}.source_video_id AND pb_mv.creator_id = {}))",
                published_moment(t),
                viewer()
            ),
            (Self::Searchable, _) => {
                let video = Self::Video.sql(shape, Alias(t), viewer);
                format!("({video} AND {})", kb_included(t))
            }
        }
    }
}

/// A key moment everyone sees: not rejected, not a hidden chapter.
fn published_moment(k: &str) -> String {
    format!("({k}.review_status <> 'rejected' AND {k}.chapter_status <> 'hidden')")
}

/// Visible to everyone: not revoked, and display not withheld by consent.
fn public_video(v: &str) -> String {
    format!(
        "({v}.processing_status <> 'revoked' AND NOT EXISTS (SELECT 1 FROM video_consents pb_c \
         WHERE pb_c.source_video_id = {v}.id AND NOT pb_c.public_display))"
    )
}

/// The creator granted knowledge-base inclusion (the consent default is `false`).
fn kb_included(v: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM video_consents pb_k WHERE pb_k.source_video_id = {v}.id \
         AND pb_k.kb_inclusion)"
    )
}

/// Who the viewer is, as far as visibility goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    Public,
    Curator(Uuid),
    Admin,
}

/// The visibility rules of one viewer: its [`Shape`] and, for a curator, the creator id its
/// predicates bind.
#[derive(Clone, Debug)]
pub(crate) struct Scope {
    access: Access,
}

impl Scope {
    /// The scope of `viewer`.
    pub(crate) fn of(viewer: &Viewer) -> Self {
        let access = if viewer.is_admin() {
            Access::Admin
        } else {
            match viewer.user().and_then(|u| u.creator_id) {
                Some(id) => Access::Curator(id),
                None => Access::Public,
            }
        };
        Self { access }
    }

    /// Which statement texts this viewer gets.
    pub(crate) fn shape(&self) -> Shape {
        match self.access {
            Access::Public => Shape::Public,
            Access::Curator(_) => Shape::Curator,
            Access::Admin => Shape::Admin,
        }
    }

    /// The value of the viewer parameter of this scope's predicates: a curator's creator id
    /// (`None` for the other shapes, whose texts read no parameter).
    pub(crate) fn viewer_param(&self) -> Option<Uuid> {
        match self.access {
            Access::Curator(id) => Some(id),
            Access::Public | Access::Admin => None,
        }
    }

    /// What distinguishes this scope from others: two viewers with equal keys see the same rows.
    pub(crate) fn key(&self) -> (bool, Option<Uuid>) {
        (self.access == Access::Admin, self.viewer_param())
    }

    /// `rule` over `t` for this viewer in a statement built piece by piece: `bind` binds the
    /// viewer's creator id and returns its placeholder; it is called only when the text reads it.
    pub(crate) fn sql(
        &self,
        rule: Rule,
        t: Alias,
        bind: &mut dyn FnMut(Value) -> String,
    ) -> String {
        let param = self.viewer_param();
        rule.sql(self.shape(), t, &mut || bind(param.into()))
    }

    /// `rule` over `t` for this viewer as a sea-query expression (for `Select::filter`), the
    /// viewer's creator id bound as the expression's value when the text reads it.
    pub(crate) fn expr(&self, rule: Rule, t: Alias) -> Expr {
        let mut values = Vec::new();
        let text = self.sql(rule, t, &mut |value| {
            values.push(value);
            // sea-query numbers a custom expression's `$n` within its own values.
            format!("${}", values.len())
        });
        if values.is_empty() {
            Expr::cust(text)
        } else {
            Expr::cust_with_values(text, values)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: Alias = Alias::new("v");
    const RULES: [Rule; 7] = [
        Rule::Moment,
        Rule::Video,
        Rule::PageSource,
        Rule::Searchable,
        Rule::Post,
        Rule::Curated,
        Rule::AdminOnly,
    ];

    #[test]
    fn only_curator_texts_read_the_viewer_parameter() {
        for rule in RULES {
            for shape in [Shape::Public, Shape::Curator, Shape::Admin] {
                let mut reads = 0;
                let text = rule.sql(shape, V, &mut || {
                    reads += 1;
                    "$9".to_owned()
                });
                let expected = usize::from(shape == Shape::Curator && rule != Rule::AdminOnly);
                assert_eq!(reads, expected, "{rule:?} {shape:?}: {text}");
                assert_eq!(text.contains("$9"), expected == 1, "{text}");
            }
        }
    }

    #[test]
    fn public_texts_are_the_rules_as_written() {
        let public = |rule: Rule| rule.sql(Shape::Public, V, &mut || unreachable!());
        assert_eq!(
            public(Rule::Video),
            "(v.processing_status <> 'revoked' AND NOT EXISTS (SELECT 1 FROM video_consents \
             pb_c WHERE pb_c.source_video_id = v.id AND NOT pb_c.public_display))"
        );
        assert_eq!(public(Rule::Post), "(v.is_published OR FALSE)");
        assert_eq!(public(Rule::Curated), "FALSE");
        assert_eq!(public(Rule::AdminOnly), "FALSE");
        assert_eq!(
            Rule::Curated.sql(Shape::Curator, V, &mut || "$2".to_owned()),
            "(v.creator_id = $2)"
        );
    }
}
