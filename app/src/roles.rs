//! The clinic's roles as people read them, and which of them a manager
//! may hand out (the server decides; the app offers only what will work).

/// Every role, from the most to the least trusted (`UserView::role`).
pub(crate) const ROLES: [&str; 4] = ["owner", "admin", "clinician", "technician"];

/// `clinician` → `Clinician`; an unknown role (a newer server) as it came.
pub(crate) fn role_label(role: &str) -> String {
    match role {
        "owner" => "Owner".to_owned(),
        "admin" => "Admin".to_owned(),
        "clinician" => "Clinician".to_owned(),
        "technician" => "Technician".to_owned(),
        other => other.to_owned(),
    }
}

/// Whether this role manages the clinic's people, tokens and webhooks.
pub(crate) fn manages_clinic(role: &str) -> bool {
    matches!(role, "owner" | "admin")
}

/// Whether this role saves the clinic's preparation recipe (clinicians do not).
pub(crate) fn saves_recipes(role: &str) -> bool {
    matches!(role, "owner" | "admin" | "technician")
}

/// The roles a person of role `own` may give: only an owner makes owners.
pub(crate) fn assignable_by(own: &str) -> Vec<&'static str> {
    ROLES.into_iter().filter(|role| own == "owner" || *role != "owner").collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_owners_and_admins_manage_the_clinic() {
        assert!(manages_clinic("owner"));
        assert!(manages_clinic("admin"));
        assert!(!manages_clinic("clinician"));
        assert!(!manages_clinic("technician"));
        assert!(!manages_clinic(""));
    }

    #[test]
    fn only_an_owner_is_offered_the_owner_role() {
        assert_eq!(assignable_by("owner"), ROLES);
        assert_eq!(assignable_by("admin"), ["admin", "clinician", "technician"]);
    }

    #[test]
    fn roles_read_as_words() {
        assert_eq!(role_label("technician"), "Technician");
        assert_eq!(role_label("auditor"), "auditor", "unknown roles are shown as they came");
    }

    #[test]
    fn everyone_but_clinicians_saves_the_clinics_recipe() {
        let savers: Vec<&str> = ROLES.into_iter().filter(|role| saves_recipes(role)).collect();
        assert_eq!(savers, ["owner", "admin", "technician"]);
    }
}
