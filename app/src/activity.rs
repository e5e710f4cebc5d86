//! A case's activity (its part of the audit log) in plain words: who did
//! what, e.g. "Dr Ana Ruiz uploaded upper stage 3 model (v2)", from an
//! `AuditEventView`'s action and details. Pure: no DOM, no requests.

use trayforge_wire::AuditEventView;

use crate::case_status;
use crate::display::{count, human_date};

/// The whole line: the actor and what they did.
pub(crate) fn describe(event: &AuditEventView) -> String {
    format!("{} {}", actor(event), what(event))
}

/// The person's name, the token's name, or who it must have been.
fn actor(event: &AuditEventView) -> String {
    match (&event.actor_name, &event.actor_token_id) {
        (Some(name), _) if !name.trim().is_empty() => name.trim().to_owned(),
        (_, Some(_)) => "An integration (API token)".to_owned(),
        _ => "Someone".to_owned(),
    }
}

fn detail<'a>(event: &'a AuditEventView, key: &str) -> Option<&'a str> {
    event.details.get(key).map(String::as_str).filter(|value| !value.is_empty())
}

fn what(event: &AuditEventView) -> String {
    match event.action.as_str() {
        "case.create" => match detail(event, "title") {
            Some(title) => format!("created the case “{title}”"),
            None => "created the case".to_owned(),
        },
        "case.update" => changes(event),
        "case.delete" => "deleted the case".to_owned(),
        "file.upload" => match detail(event, "stage") {
            Some(stage) => format!("uploaded {}", model(stage, detail(event, "version"))),
            None => format!("uploaded photo {}", detail(event, "file_name").unwrap_or("(no name)")),
        },
        "file.download" => format!("downloaded {}", detail(event, "file_name").unwrap_or("a file")),
        // A newer server's action: still readable, never left out.
        other => other.replace(['.', '_'], " "),
    }
}

/// `upper 3` and `2` → `upper stage 3 model (v2)`; stage 0 is the start.
fn model(stage: &str, version: Option<&str>) -> String {
    let named = match stage.split_once(' ') {
        Some((arch, "0")) => format!("{arch} start model"),
        Some((arch, index)) => format!("{arch} stage {index} model"),
        None => format!("{stage} model"),
    };
    match version {
        Some(version) => format!("{named} (v{version})"),
        None => named,
    }
}

/// What a `case.update` changed, one clause per field, in the order the server lists them.
fn changes(event: &AuditEventView) -> String {
    let clauses: Vec<String> = event
        .details
        .iter()
        .map(|(field, value)| match field.as_str() {
            "status" => format!("moved the case to {}", case_status::label_of(value)),
            "title" => format!("renamed the case “{value}”"),
            "notes" => "edited the notes".to_owned(),
            "start_date" if value.is_empty() => "cleared the start date".to_owned(),
            "start_date" => format!("set the start date to {}", human_date(value)),
            "days_per_aligner" => match value.parse::<u64>() {
                Ok(days) => format!("set each aligner to {}", count(days, "day", "days")),
                Err(_) => format!("set the days per aligner to {value}"),
            },
            "aligners_per_appointment" => match value.parse::<u64>() {
                Ok(n) => format!("set {} per appointment", count(n, "aligner", "aligners")),
                Err(_) => format!("set the aligners per appointment to {value}"),
            },
            other => format!("changed the {}", other.replace('_', " ")),
        })
        .collect();
    match clauses.as_slice() {
        [] => "changed the case".to_owned(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn event(action: &str, actor: Option<&str>, details: &[(&str, &str)]) -> AuditEventView {
        AuditEventView {
            id: "e1".into(),
            at: "2026-11-23T15:41:28Z".into(),
            actor_user_id: actor.map(|_| "u1".into()),
            actor_token_id: None,
            actor_name: actor.map(Into::into),
            action: action.into(),
            subject_type: "case".into(),
            subject_id: "c1".into(),
            source: Some("127.0.0.1".into()),
            details: details.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<BTreeMap<_, _>>(),
        }
    }

    #[test]
    fn a_model_upload_names_the_arch_stage_and_version() {
        let upload = event(
            "file.upload",
            Some("Dr Ana Ruiz"),
            &[("file_name", "u3.stl"), ("sha256", "ab"), ("stage", "upper 3"), ("version", "2")],
        );
        assert_eq!(describe(&upload), "Dr Ana Ruiz uploaded upper stage 3 model (v2)");
        let start = event("file.upload", Some("Ana"), &[("stage", "lower 0"), ("version", "1")]);
        assert_eq!(describe(&start), "Ana uploaded lower start model (v1)");
        let photo = event("file.upload", Some("Ana"), &[("file_name", "smile.jpg")]);
        assert_eq!(describe(&photo), "Ana uploaded photo smile.jpg");
    }

    #[test]
    fn creating_and_changing_a_case_read_as_sentences() {
        let created = event("case.create", Some("Owner"), &[("title", "Crowding upper")]);
        assert_eq!(describe(&created), "Owner created the case “Crowding upper”");
        let moved = event("case.update", Some("Ana"), &[("status", "printing")]);
        assert_eq!(describe(&moved), "Ana moved the case to Printing");
        let several = event(
            "case.update",
            Some("Ana"),
            &[("days_per_aligner", "10"), ("notes", "12 characters"), ("start_date", "2026-12-01")],
        );
        assert_eq!(
            describe(&several),
            "Ana set each aligner to 10 days, edited the notes and set the start date to 1 Dec 2026"
        );
    }

    #[test]
    fn a_token_or_an_unknown_actor_and_action_are_still_readable() {
        let mut by_token = event("file.download", None, &[("file_name", "u1.stl")]);
        by_token.actor_token_id = Some("t1".into());
        assert_eq!(describe(&by_token), "An integration (API token) downloaded u1.stl");
        assert_eq!(describe(&event("case.archive", None, &[])), "Someone case archive");
    }
}
