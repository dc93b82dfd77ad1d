//! Input objects, parsed into validated domain values by the services.

pub mod accounts;
