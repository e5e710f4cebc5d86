//! What a caller may do with a clinic's patient data: one rule per kind of
//! access, for people by role and for API tokens by scope.

use super::{Identity, Role, Scope};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Read cases, stages, files and download them.
    ReadCases,
    /// Create and change cases and patients.
    WriteCases,
    /// Delete a case with its stages and files.
    DeleteCases,
    /// Upload model files for stages (technicians too).
    UploadModels,
    /// Upload clinical photos.
    UploadPhotos,
    /// Run the prepare job on a case's models (technicians too).
    PrepareModels,
    /// Read the clinic's saved preparation recipe.
    ReadRecipe,
    /// Save the clinic's preparation recipe: the people who prepare models
    /// (technicians) and the clinic's managers, not clinicians.
    SaveRecipe,
    /// A patient's real name and date of birth; technicians work from codes.
    PatientIdentity,
    /// The audit log.
    ReadAudit,
    /// The clinic's people, API tokens and webhooks: signed-in owners and
    /// admins only, never a token.
    ManageUsers,
    ManageTokens,
    ManageWebhooks,
}

impl Access {
    pub fn allows(self, identity: &Identity) -> bool {
        match identity.role {
            Some(role) => self.allows_role(role),
            None => self.scope().is_some_and(|scope| identity.has_scope(scope)),
        }
    }

    fn allows_role(self, role: Role) -> bool {
        match self {
            Access::ReadCases | Access::UploadModels | Access::PrepareModels | Access::ReadRecipe => true,
            Access::SaveRecipe => role != Role::Clinician,
            Access::WriteCases | Access::DeleteCases | Access::UploadPhotos | Access::PatientIdentity => {
                role != Role::Technician
            }
            Access::ReadAudit | Access::ManageUsers | Access::ManageTokens | Access::ManageWebhooks => {
                role.can_manage_users()
            }
        }
    }

    /// The scope a token needs; `None` where no token may.
    fn scope(self) -> Option<Scope> {
        match self {
            Access::ReadCases | Access::PatientIdentity | Access::ReadRecipe => Some(Scope::Read),
            Access::WriteCases
            | Access::DeleteCases
            | Access::UploadModels
            | Access::UploadPhotos
            | Access::PrepareModels
            | Access::SaveRecipe => Some(Scope::Write),
            Access::ReadAudit | Access::ManageUsers | Access::ManageTokens | Access::ManageWebhooks => None,
        }
    }

    /// Why a caller without this access is refused, and what would do.
    pub fn refusal(self) -> &'static str {
        match self {
            Access::ReadCases => "reading cases needs a signed-in user or a token with the read scope",
            Access::WriteCases => "changing cases needs a clinician, admin or owner, or a token with the write scope",
            Access::DeleteCases => "deleting cases needs a clinician, admin or owner, or a token with the write scope",
            Access::UploadModels => "uploading models needs a signed-in user or a token with the write scope",
            Access::UploadPhotos => {
                "uploading photos needs a clinician, admin or owner, or a token with the write scope"
            }
            Access::PatientIdentity => "patient names need a clinician, admin or owner",
            Access::PrepareModels => "preparing models needs a signed-in user or a token with the write scope",
            Access::ReadRecipe => "the clinic's recipe needs a signed-in user or a token with the read scope",
            Access::SaveRecipe => {
                "saving the clinic's recipe needs a technician, admin or owner, or a token with the write scope"
            }
            Access::ReadAudit => "the audit log is for a signed-in owner or admin",
            Access::ManageUsers => "only a signed-in owner or admin can manage the clinic's users",
            Access::ManageTokens => "only a signed-in owner or admin can manage API tokens",
            Access::ManageWebhooks => "only a signed-in owner or admin can manage webhooks",
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::domain::Scopes;

    #[test]
    fn technicians_read_and_upload_models_but_do_not_change_cases() {
        let technician = Identity::session(Uuid::nil(), Uuid::nil(), Role::Technician);
        assert!(Access::ReadCases.allows(&technician) && Access::UploadModels.allows(&technician));
        assert!(!Access::WriteCases.allows(&technician) && !Access::PatientIdentity.allows(&technician));
    }

    #[test]
    fn technicians_save_the_recipe_and_clinicians_only_read_it() {
        let technician = Identity::session(Uuid::nil(), Uuid::nil(), Role::Technician);
        let clinician = Identity::session(Uuid::nil(), Uuid::nil(), Role::Clinician);
        assert!(Access::SaveRecipe.allows(&technician) && Access::PrepareModels.allows(&technician));
        assert!(!Access::SaveRecipe.allows(&clinician) && Access::ReadRecipe.allows(&clinician));
    }

    #[test]
    fn tokens_need_the_scope_and_never_read_the_audit_log() {
        let reader = Identity::token(Uuid::nil(), Uuid::nil(), Scopes::parse_names(["read"]).unwrap());
        assert!(Access::ReadCases.allows(&reader) && !Access::WriteCases.allows(&reader));
        let all = Identity::token(Uuid::nil(), Uuid::nil(), Scopes::all());
        assert!(!Access::ReadAudit.allows(&all));
        for managing in [Access::ManageUsers, Access::ManageTokens, Access::ManageWebhooks] {
            assert!(!managing.allows(&all));
            assert!(managing.allows(&Identity::session(Uuid::nil(), Uuid::nil(), Role::Admin)));
            assert!(!managing.allows(&Identity::session(Uuid::nil(), Uuid::nil(), Role::Clinician)));
        }
    }
}
