//! The statuses of a case as the app shows them: their order on the board,
//! their names for people, and the cases of a page sorted into columns.

use trayforge_wire::CaseView;

pub(crate) use trayforge_wire::CaseStatus;

/// A status the server sent, when this client knows it.
pub(crate) fn parse(text: &str) -> Option<CaseStatus> {
    text.parse().ok()
}

/// The label of a status the server sent; an unknown one (a newer server)
/// is shown as it came rather than hidden.
pub(crate) fn label_of(text: &str) -> String {
    parse(text).map_or_else(|| text.replace('_', " "), |status| status.label().to_owned())
}

/// How statuses read for people.
pub(crate) trait StatusLabel {
    fn label(self) -> &'static str;
}

impl StatusLabel for CaseStatus {
    fn label(self) -> &'static str {
        match self {
            CaseStatus::New => "New",
            CaseStatus::ModelsReady => "Models ready",
            CaseStatus::Prepared => "Prepared",
            CaseStatus::Printing => "Printing",
            CaseStatus::InProduction => "In production",
            CaseStatus::Delivered => "Delivered",
            CaseStatus::Cancelled => "Cancelled",
        }
    }
}

/// One column of the board: a status and its cases, in the server's order
/// (most recently changed first).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BoardColumn {
    pub(crate) status: CaseStatus,
    pub(crate) cases: Vec<CaseView>,
}

/// Every status's column, in workflow order, cancelled last. A case whose
/// status this client does not know goes to the first column, so that it
/// is never lost from sight.
pub(crate) fn board_columns(cases: &[CaseView]) -> Vec<BoardColumn> {
    let mut columns: Vec<BoardColumn> =
        CaseStatus::ALL.into_iter().map(|status| BoardColumn { status, cases: Vec::new() }).collect();
    for case in cases {
        let status = parse(&case.status).unwrap_or(CaseStatus::New);
        if let Some(column) = columns.iter_mut().find(|column| column.status == status) {
            column.cases.push(case.clone());
        }
    }
    columns
}

#[cfg(test)]
mod tests {
    use trayforge_wire::PatientView;

    use super::*;

    fn case(code: &str, status: &str) -> CaseView {
        CaseView {
            id: format!("id-{code}"),
            patient: PatientView { id: "p".into(), code: code.into(), full_name: None, date_of_birth: None },
            title: "Treatment".into(),
            status: status.into(),
            start_date: None,
            days_per_aligner: 14,
            aligners_per_appointment: 3,
            notes: String::new(),
            stages_with_models: 0,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    fn codes(column: &BoardColumn) -> Vec<&str> {
        column.cases.iter().map(|case| case.patient.code.as_str()).collect()
    }

    #[test]
    fn every_status_round_trips_through_the_api_name() {
        for status in CaseStatus::ALL {
            assert_eq!(parse(status.as_str()), Some(status));
        }
        assert_eq!(parse("lost"), None);
    }

    #[test]
    fn unknown_statuses_are_labelled_as_they_came() {
        assert_eq!(label_of("models_ready"), "Models ready");
        assert_eq!(label_of("on_hold"), "on hold");
    }

    #[test]
    fn cases_fall_into_their_status_column_keeping_the_server_order() {
        let cases =
            [case("AAA-111", "printing"), case("BBB-222", "new"), case("CCC-333", "printing"), case("DDD-444", "x")];
        let columns = board_columns(&cases);
        let statuses: Vec<CaseStatus> = columns.iter().map(|column| column.status).collect();
        assert_eq!(statuses, CaseStatus::ALL);
        assert_eq!(codes(&columns[0]), ["BBB-222", "DDD-444"], "an unknown status shows under New");
        assert_eq!(codes(&columns[3]), ["AAA-111", "CCC-333"]);
        assert!(columns[6].cases.is_empty());
    }
}
