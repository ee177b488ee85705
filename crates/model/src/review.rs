//! Who may do what, and what a person decided about an incident.
//!
//! The machine proposes incidents; people with a [`Role`] verify, reject or
//! correct them. Roles are ordered: each may do what the one before may.

use std::fmt;
use std::str::FromStr;

use crate::Error;

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads everything, including what the public may not see.
    Viewer,
    /// Also verifies and rejects incidents.
    Reviewer,
    /// Also corrects incidents and sends articles.
    Editor,
    /// Also manages users and their tokens.
    Admin,
}

/// What a request does, as roles allow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read incidents of any review status.
    Read,
    /// Verify or reject an incident.
    Review,
    /// Correct an incident, or send an article.
    Edit,
    /// Add, list, rotate and revoke users' tokens.
    ManageUsers,
}

impl Role {
    /// Every role, from least to most.
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Reviewer, Role::Editor, Role::Admin];

    /// The least role that may do `action`.
    pub fn least_for(action: Action) -> Role {
        match action {
            Action::Read => Role::Viewer,
            Action::Review => Role::Reviewer,
            Action::Edit => Role::Editor,
            Action::ManageUsers => Role::Admin,
        }
    }

    /// Whether this role may do `action`.
    pub fn may(self, action: Action) -> bool {
        self >= Role::least_for(action)
    }

    /// Its name, as stored and typed.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Reviewer => "reviewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| Error::Param {
                name: "role".into(),
                message: format!("{s:?} is not a role (viewer, reviewer, editor or admin)"),
            })
    }
}

/// Where an incident stands with the people who review it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// As the machine made it.
    #[default]
    Unreviewed,
    /// A person confirmed it.
    Verified,
    /// A person rejected it (see [`RejectReason`]).
    Rejected,
}

impl ReviewStatus {
    /// Every status.
    pub const ALL: [ReviewStatus; 3] = [
        ReviewStatus::Unreviewed,
        ReviewStatus::Verified,
        ReviewStatus::Rejected,
    ];

    /// Its name, as stored and typed.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Unreviewed => "unreviewed",
            ReviewStatus::Verified => "verified",
            ReviewStatus::Rejected => "rejected",
        }
    }
}

impl FromStr for ReviewStatus {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        ReviewStatus::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| Error::Param {
                name: "status".into(),
                message: format!("{s:?} is not a review status (unreviewed, verified or rejected)"),
            })
    }
}

/// Why an incident was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// The article reports no such event (a statistic, a threat, an
    /// earlier event recalled).
    NotAnEvent,
    /// Another incident is the same event.
    Duplicate,
    /// The event is not where or what the article is about (a wrong
    /// article was read, or the place is outside the area).
    WrongArticle,
    /// Something else: the note says what.
    Other,
}

impl RejectReason {
    /// Every reason.
    pub const ALL: [RejectReason; 4] = [
        RejectReason::NotAnEvent,
        RejectReason::Duplicate,
        RejectReason::WrongArticle,
        RejectReason::Other,
    ];

    /// Its name, as stored and typed.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::NotAnEvent => "not_an_event",
            RejectReason::Duplicate => "duplicate",
            RejectReason::WrongArticle => "wrong_article",
            RejectReason::Other => "other",
        }
    }
}

impl FromStr for RejectReason {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        RejectReason::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| Error::Param {
                name: "reason".into(),
                message: format!(
                    "{s:?} is not a reason (not_an_event, duplicate, wrong_article or other)"
                ),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_may_do_what_the_one_before_may() {
        assert!(Role::Viewer.may(Action::Read));
        assert!(!Role::Viewer.may(Action::Review));
        assert!(Role::Reviewer.may(Action::Review) && !Role::Reviewer.may(Action::Edit));
        assert!(Role::Editor.may(Action::Edit) && !Role::Editor.may(Action::ManageUsers));
        assert!(Role::Admin.may(Action::ManageUsers));
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn statuses_and_reasons_read_back() {
        for s in ReviewStatus::ALL {
            assert_eq!(s.as_str().parse::<ReviewStatus>().unwrap(), s);
        }
        for r in RejectReason::ALL {
            assert_eq!(r.as_str().parse::<RejectReason>().unwrap(), r);
        }
        assert!("maybe".parse::<ReviewStatus>().is_err());
    }
}
