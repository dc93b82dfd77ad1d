//! Checks of free text that several services share, failing with `ServiceError::invalid` naming
//! the input field: a length limit and a list of short labels (plugins, topic tags, chain steps).

use crate::services::error::{ServiceError, ServiceResult};

/// `value` is at most `max` characters.
pub(crate) fn limit(argument: &str, value: &str, max: usize) -> ServiceResult<()> {
    if value.chars().count() > max {
        return Err(ServiceError::invalid(
            argument,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

/// A list of labels: at most `max_items`, each trimmed, non-empty and at most `max_chars`
/// characters. Returns them trimmed, in order.
pub(crate) fn labels(
    argument: &str,
    values: &[String],
    max_items: usize,
    max_chars: usize,
) -> ServiceResult<Vec<String>> {
    if values.len() > max_items {
        return Err(ServiceError::invalid(
            argument,
            format!("at most {max_items} items"),
        ));
    }
    values
        .iter()
        .map(|v| {
            let v = v.trim();
            if v.is_empty() {
                return Err(ServiceError::invalid(argument, "items may not be empty"));
            }
            limit(argument, v, max_chars)?;
            Ok(v.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_trimmed_and_checked() {
        let ok = labels("a", &[" x ".to_owned(), "y".to_owned()], 2, 3).expect("valid labels");
        assert_eq!(ok, ["x", "y"]);
        for bad in [
            vec!["x".to_owned(); 3],
            vec!["  ".to_owned()],
            vec!["four".to_owned()],
        ] {
            assert!(
                matches!(labels("a", &bad, 2, 3), Err(ServiceError::Invalid { ref argument, .. }) if argument == "a"),
                "{bad:?}"
            );
        }
    }
}
