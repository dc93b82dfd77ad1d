//! Id newtypes for the keys a service call could otherwise swap (`follow(user, creator)`,
//! `link_creator(user, creator)`): a `UserId` is not a `CreatorId`, and neither converts from a
//! bare `Uuid` implicitly. The GraphQL layer makes them from decoded global ids
//! (`crate::ids::decode`), the CLI and tests from row ids.

use std::fmt;

use uuid::Uuid;

macro_rules! domain_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            /// The id of the row with primary key `id`.
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            /// The primary key.
            pub const fn into_uuid(self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<$name> for sea_orm::Value {
            fn from(id: $name) -> Self {
                id.0.into()
            }
        }
    };
}

domain_id!(
    /// A user (`users.id`).
    UserId
);
domain_id!(
    /// A creator (`creators.id`).
    CreatorId
);
domain_id!(
    /// An invite code (`invite_codes.id`).
    InviteCodeId
);
