//! Who may see what, as SQL predicates built once per request from the [`Viewer`].
//!
//! Every read path (root lists, lookups, `node(id:)`, nested relations, search) filters with these
//! predicates inside its SQL, so a hidden row is never fetched and looks exactly like a missing one.
//! The rules (`docs/decisions/0021-visibility.md`):
//! - a video is hidden when its consent has `public_display = false` or its `processing_status`
//!   is `revoked`, except to admins and the users of its creator; its transcript, key moments and
//!   highlights go with it;
//! - a video with `kb_inclusion` not granted is never a public source of a technique page, and
//!   never a search result;
//! - unpublished posts: the creator's users and admins;
//! - highlights, shorts, page versions, consent and its audit log, pipeline runs and events:
//!   the creator's users and admins;
//! - content reports and the search, digest and chat logs: admins.
//!
//! Predicates embed the viewer's creator id as a SQL literal; a [`Uuid`]'s text form is only hex
//! digits and dashes, so this cannot inject anything.

use uuid::Uuid;

use crate::context::Viewer;

/// The visibility predicates for one viewer.
#[derive(Clone, Debug)]
pub struct Scope {
    admin: bool,
    creator_id: Option<Uuid>,
}

impl Scope {
    /// The scope of `viewer`.
    pub fn of(viewer: &Viewer) -> Self {
        Self {
            admin: viewer.is_admin(),
            creator_id: viewer.user().and_then(|u| u.creator_id),
        }
    }

    /// What distinguishes this scope from others: two viewers with equal keys see the same rows.
    pub fn key(&self) -> (bool, Option<Uuid>) {
        if self.admin {
            (true, None)
        } else {
            (false, self.creator_id)
        }
    }

    /// Whether the viewer is an admin.
    pub fn is_admin(&self) -> bool {
        self.admin
    }

    /// Whether the viewer may see `creator_id`'s private material.
    pub fn can_curate(&self, creator_id: Uuid) -> bool {
        self.admin || self.creator_id == Some(creator_id)
    }

    /// Rows whose owning creator id is the SQL expression `creator_col` are the viewer's to curate.
    pub fn curates(&self, creator_col: &str) -> String {
        match (self.admin, self.creator_id) {
            (true, _) => "TRUE".to_owned(),
            (false, Some(id)) => format!("({creator_col} = '{id}'::uuid)"),
            (false, None) => "FALSE".to_owned(),
        }
    }

    /// Admin-only rows.
    pub fn admin_only(&self) -> &'static str {
        if self.admin { "TRUE" } else { "FALSE" }
    }

    /// The video aliased `v` (a `source_videos` row) may be shown to the viewer.
    pub fn video(&self, v: &str) -> String {
        if self.admin {
            return "TRUE".to_owned();
        }
        let public = public_video(v);
        match self.creator_id {
            Some(_) => format!("({} OR {public})", self.curates(&format!("{v}.creator_id"))),
            None => public,
        }
    }

    /// The video aliased `v` may be listed as a source of a technique page: curators see every
    /// source; everyone else only public videos whose creator granted knowledge-base inclusion.
    pub fn page_source(&self, v: &str) -> String {
        if self.admin {
            return "TRUE".to_owned();
        }
        let public = format!("({} AND {})", public_video(v), kb_included(v));
        match self.creator_id {
            Some(_) => format!("({} OR {public})", self.curates(&format!("{v}.creator_id"))),
            None => public,
        }
    }

    /// The post aliased `p` may be shown: published, or the viewer curates its creator.
    pub fn post(&self, p: &str) -> String {
        format!(
            "({p}.is_published OR {})",
            self.curates(&format!("{p}.creator_id"))
        )
    }
}

/// Visible to everyone: not revoked, and display not withheld by consent.
pub fn public_video(v: &str) -> String {
    format!(
        "({v}.processing_status <> 'revoked' AND NOT EXISTS (SELECT 1 FROM video_consents pb_c \
         WHERE pb_c.source_video_id = {v}.id AND NOT pb_c.public_display))"
    )
}

/// The creator granted knowledge-base inclusion (the consent default is `false`).
pub fn kb_included(v: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM video_consents pb_k WHERE pb_k.source_video_id = {v}.id \
         AND pb_k.kb_inclusion)"
    )
}
