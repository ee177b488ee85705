//! Closed classes of Arabic words that several stages test for, normalised.

/// Compass directions as news writes them before a place («شرق البوكمال»,
/// «شرقي دير الزور») or as adverbs («شرقاً»).
pub const DIRECTIONS: &[&str] = &[
    "شرق",
    "غرب",
    "شمال",
    "جنوب",
    "شرقي",
    "غربي",
    "شمالي",
    "جنوبي",
    "شرقا",
    "غربا",
    "شمالا",
    "جنوبا",
];

/// Days of the week, with the article.
pub const WEEKDAYS: &[&str] = &[
    "الاحد",
    "الاثنين",
    "الثلاثا",
    "الاربعا",
    "الخميس",
    "الجمعه",
    "السبت",
];
