//! Who asks ([`Viewer`]) and the one permission gate ([`authorize`]).
//!
//! Every operation that needs a right names it as a [`Permission`] and asks [`authorize`]
//! before doing anything else: not signed in → `UNAUTHENTICATED`; signed in without the right →
//! `FORBIDDEN`. The rules of every right are in [`Permission::granted_to`], nowhere else.
//! Fields that are hidden rather than refused (`User.email`, `node(id:)` of an invite code) ask
//! the same gate and show `null` when it refuses.
//!
//! The gate refuses operations; it does not filter rows. Which rows a viewer sees is visibility
//! (`services::visibility`, SQL predicates), a separate concern.

use entity::sea_orm_active_enums::UserRole;
use uuid::Uuid;

use crate::services::error::{ServiceError, ServiceResult};

/// Who is asking.
#[derive(Clone, Debug, Default)]
pub enum Viewer {
    /// No credentials were presented.
    #[default]
    Anonymous,
    /// A signed-in, active user (re-read from the database on every request).
    User(ViewerUser),
}

/// The signed-in user behind a request.
#[derive(Clone, Debug)]
pub struct ViewerUser {
    /// The user's id.
    pub id: Uuid,
    /// The user's role.
    pub role: UserRole,
    /// The creator profile this user curates, if any.
    pub creator_id: Option<Uuid>,
}

impl Viewer {
    /// The signed-in user, if any.
    pub fn user(&self) -> Option<&ViewerUser> {
        match self {
            Self::Anonymous => None,
            Self::User(user) => Some(user),
        }
    }

    /// Whether the viewer is an admin.
    pub fn is_admin(&self) -> bool {
        self.user().is_some_and(ViewerUser::is_admin)
    }
}

impl ViewerUser {
    /// Whether this user is an admin.
    pub fn is_admin(&self) -> bool {
        self.role == UserRole::Admin
    }
}

/// A right an operation needs. Named by what it allows, so an operation states its right once and
/// a change of who holds it is one edit in [`Permission::granted_to`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Permission {
    /// Change one's own account: password, profile, onboarding, notification settings. Any
    /// signed-in user.
    OwnAccount,
    /// Follow and unfollow creators. Any signed-in user.
    FollowCreators,
    /// Read the account's private fields (email) of this user: the user themself or an admin.
    ReadAccount(Uuid),
    /// List users and change their role, activation and creator link. Admins.
    ManageUsers,
    /// List, create and revoke invite codes. Admins.
    ManageInvites,
    /// Read content reports. Admins.
    ReadContentReports,
    /// Read the search, email digest and chat usage logs. Admins.
    ReadAdminLogs,
    /// Curate this creator's material: the users linked to the creator, and admins.
    Curate(Uuid),
    /// Change the catalog itself: create and delete creators, delete technique pages, rename and
    /// merge tags, restore revoked videos, and the creator fields only the catalog's editors set.
    /// Admins.
    ManageCatalog,
    /// Read and export every creator's consent audit log. Admins.
    ReadConsentAudit,
}

impl Permission {
    /// Whether `user` holds this right: the one table of who may do what.
    pub(crate) fn granted_to(self, user: &ViewerUser) -> bool {
        match self {
            Self::OwnAccount | Self::FollowCreators => true,
            Self::ReadAccount(id) => user.id == id || user.is_admin(),
            Self::ManageUsers
            | Self::ManageInvites
            | Self::ReadContentReports
            | Self::ReadAdminLogs
            | Self::ManageCatalog
            | Self::ReadConsentAudit => user.is_admin(),
            Self::Curate(creator_id) => user.is_admin() || user.creator_id == Some(creator_id),
        }
    }

    /// What the `FORBIDDEN` message says.
    fn refusal(self) -> &'static str {
        match self {
            Self::OwnAccount | Self::FollowCreators => "you may not do this",
            Self::ReadAccount(_) => "only this user and admins may see this account",
            Self::ManageUsers => "only admins may manage users",
            Self::ManageInvites => "only admins may manage invite codes",
            Self::ReadContentReports => "content reports are for admins",
            Self::ReadAdminLogs => "logs are for admins",
            Self::Curate(_) => "only this creator's users and admins may do this",
            Self::ManageCatalog => "only admins may change the catalog",
            Self::ReadConsentAudit => "the consent audit log is for admins",
        }
    }
}

/// The one permission gate: the signed-in user holding `permission`, else `UNAUTHENTICATED`
/// (nobody signed in) or `FORBIDDEN` (signed in without the right).
pub(crate) fn authorize(viewer: &Viewer, permission: Permission) -> ServiceResult<&ViewerUser> {
    let user = viewer
        .user()
        .ok_or_else(|| ServiceError::Unauthenticated("sign in first".to_owned()))?;
    if permission.granted_to(user) {
        Ok(user)
    } else {
        Err(ServiceError::Forbidden(permission.refusal().to_owned()))
    }
}

/// [`authorize`] for a change of a row the viewer may not be able to see (`visible`): refused on a
/// row it cannot see, the answer is `NotFound(what)`, the same as for a missing row, so a refusal
/// never tells a stranger that a hidden row exists; refused on a row it sees, `FORBIDDEN`.
pub(crate) fn authorize_on<'v>(
    viewer: &'v Viewer,
    permission: Permission,
    visible: bool,
    what: &'static str,
) -> ServiceResult<&'v ViewerUser> {
    authorize(viewer, permission).map_err(|err| match err {
        ServiceError::Forbidden(_) if !visible => ServiceError::NotFound(what),
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: UserRole, creator_id: Option<Uuid>) -> Viewer {
        Viewer::User(ViewerUser {
            id: Uuid::new_v4(),
            role,
            creator_id,
        })
    }

    fn outcome(viewer: &Viewer, permission: Permission) -> &'static str {
        match authorize(viewer, permission) {
            Ok(_) => "ok",
            Err(ServiceError::Unauthenticated(_)) => "unauthenticated",
            Err(ServiceError::Forbidden(_)) => "forbidden",
            Err(_) => "other",
        }
    }

    #[test]
    fn anonymous_is_unauthenticated_for_every_right() {
        let creator = Uuid::new_v4();
        for permission in [
            Permission::OwnAccount,
            Permission::FollowCreators,
            Permission::ReadAccount(creator),
            Permission::ManageUsers,
            Permission::ManageInvites,
            Permission::ReadContentReports,
            Permission::ReadAdminLogs,
            Permission::Curate(creator),
            Permission::ManageCatalog,
        ] {
            assert_eq!(
                outcome(&Viewer::Anonymous, permission),
                "unauthenticated",
                "{permission:?}"
            );
        }
    }

    #[test]
    fn curating_is_for_the_creators_users_and_admins() {
        let alpha = Uuid::new_v4();
        let owner = user(UserRole::Creator, Some(alpha));
        let other = user(UserRole::Creator, Some(Uuid::new_v4()));
        let fan = user(UserRole::Creator, None);
        let admin = user(UserRole::Admin, None);
        assert_eq!(outcome(&owner, Permission::Curate(alpha)), "ok");
        assert_eq!(outcome(&admin, Permission::Curate(alpha)), "ok");
        assert_eq!(outcome(&other, Permission::Curate(alpha)), "forbidden");
        assert_eq!(outcome(&fan, Permission::Curate(alpha)), "forbidden");
        assert_eq!(outcome(&fan, Permission::ReadAdminLogs), "forbidden");
        assert_eq!(outcome(&admin, Permission::ReadAdminLogs), "ok");
        let me = fan.user().map(|u| u.id).unwrap_or_default();
        assert_eq!(outcome(&fan, Permission::ReadAccount(me)), "ok");
        assert_eq!(outcome(&other, Permission::ReadAccount(me)), "forbidden");
        assert_eq!(outcome(&admin, Permission::ReadAccount(me)), "ok");
    }
}
