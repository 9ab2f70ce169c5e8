//! Storing a verified package as a problem version, in one transaction: the problem row (made
//! or updated), the version with its tests and files, and the problem's current version. A
//! package whose content hash the problem already has changes nothing.

use sqlx::{PgPool, types::Json};
use uuid::Uuid;

use crate::{Package, source::PackageFiles, verify::Verified};

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Imported {
    pub problem_id: Uuid,
    pub version_id: Uuid,
    /// False when this version was already stored: nothing was written.
    pub created: bool,
}

/// One problem as listed: its current version's metadata.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Listed {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub rating: i32,
    pub time_limit_ms: i32,
    pub memory_limit_mb: i32,
    pub version_id: Option<Uuid>,
    pub content_hash: Option<String>,
}

/// Stores `package` as verified; the whole import commits or none of it does.
pub async fn import(
    pool: &PgPool,
    package: &Package,
    files: &PackageFiles,
    verified: &Verified,
) -> sqlx::Result<Imported> {
    let mut tx = pool.begin().await?;
    let statement = package
        .statements
        .iter()
        .find(|s| s.language == "en")
        .or_else(|| package.statements.first())
        .map(|s| s.markdown.clone())
        .unwrap_or_default();
    let time_limit_ms = verified.time_limit_ms as i32;
    let memory_limit_mb = verified.memory_limit_mb as i32;
    sqlx::query!(
        "INSERT INTO problems (id, slug, title, statement, time_limit_ms, memory_limit_mb, rating)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (slug) DO NOTHING",
        Uuid::new_v4(),
        package.slug,
        package.title(),
        statement,
        time_limit_ms,
        memory_limit_mb,
        package.config.rating,
    )
    .execute(&mut *tx)
    .await?;
    // The row lock serializes imports of one problem.
    let problem_id = sqlx::query_scalar!(
        "SELECT id FROM problems WHERE slug = $1 FOR UPDATE",
        package.slug
    )
    .fetch_one(&mut *tx)
    .await?;
    if let Some(version_id) = sqlx::query_scalar!(
        "SELECT id FROM problem_versions WHERE problem_id = $1 AND content_hash = $2",
        problem_id,
        package.content_hash,
    )
    .fetch_optional(&mut *tx)
    .await?
    {
        tx.rollback().await?;
        return Ok(Imported {
            problem_id,
            version_id,
            created: false,
        });
    }
    let version_id = Uuid::new_v4();
    let config = &package.config;
    let (format, problem_type) = (to_json(&config.format), to_json(&config.problem_type));
    sqlx::query!(
        "INSERT INTO problem_versions (id, problem_id, content_hash, format, problem_type, names,
             statements, limits, time_limit_ms, memory_limit_mb, checker, test_groups,
             verification, rating, scoring)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        version_id,
        problem_id,
        package.content_hash,
        format.as_str().unwrap_or_default(),
        problem_type.as_str().unwrap_or_default(),
        Json(to_json(&config.names)) as _,
        Json(to_json(&package.statements)) as _,
        Json(to_json(&config.limits)) as _,
        time_limit_ms,
        memory_limit_mb,
        Json(to_json(&verified.checker)) as _,
        Json(to_json(&package.groups)) as _,
        Json(to_json(&verified.runs)) as _,
        config.rating,
        package.scoring.as_ref().map(Json) as _,
    )
    .execute(&mut *tx)
    .await?;
    for (ordinal, test) in package.tests.iter().enumerate() {
        sqlx::query!(
            "INSERT INTO problem_version_tests
                 (version_id, ordinal, test_group, name, input, expected_output, is_sample)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            version_id,
            ordinal as i32 + 1,
            test.group,
            test.name,
            test.input,
            test.answer,
            test.is_sample,
        )
        .execute(&mut *tx)
        .await?;
    }
    for (path, content) in files.files.iter().filter(|(path, _)| kept_file(path)) {
        sqlx::query!(
            "INSERT INTO problem_version_files (version_id, path, content) VALUES ($1, $2, $3)",
            version_id,
            path,
            content,
        )
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query!(
        "UPDATE problems SET title = $2, statement = $3, time_limit_ms = $4, memory_limit_mb = $5,
             rating = $6, current_version_id = $7
         WHERE id = $1",
        problem_id,
        package.title(),
        statement,
        time_limit_ms,
        memory_limit_mb,
        config.rating,
        version_id,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Imported {
        problem_id,
        version_id,
        created: true,
    })
}

/// Files kept beside the tests: attachments, validators and submissions.
fn kept_file(path: &str) -> bool {
    [
        "attachments/",
        "input_format_validators/",
        "input_validators/",
        "output_validators/",
        "output_validator/",
        "submissions/",
    ]
    .iter()
    .any(|prefix| path.starts_with(prefix))
}

/// Every problem with its current version, by slug.
pub async fn list(pool: &PgPool) -> sqlx::Result<Vec<Listed>> {
    sqlx::query_as!(
        Listed,
        r#"SELECT p.id, p.slug, p.title, p.rating, p.time_limit_ms, p.memory_limit_mb,
                  v.id AS "version_id?", v.content_hash AS "content_hash?"
           FROM problems p LEFT JOIN problem_versions v ON v.id = p.current_version_id
           ORDER BY p.slug"#
    )
    .fetch_all(pool)
    .await
}

/// A package's part as JSON for the version row (they are plain data: this cannot fail).
fn to_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// A problem's public page: its statements and sample tests.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Detail {
    pub listed: Listed,
    pub problem_type: String,
    /// `[{language, source_format, markdown}]`; the seeded problem has one, in English.
    pub statements: serde_json::Value,
    /// `(input, expected output)` of each sample, in order.
    pub samples: Vec<(String, String)>,
}

/// The problem `id` with its current version's statements and samples.
pub async fn detail(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<Detail>> {
    let Some(row) = sqlx::query!(
        r#"SELECT p.id, p.slug, p.title, p.rating, p.time_limit_ms, p.memory_limit_mb,
                  p.statement, v.id AS "version_id?", v.content_hash AS "content_hash?",
                  v.problem_type AS "problem_type?", v.statements AS "statements?"
           FROM problems p LEFT JOIN problem_versions v ON v.id = p.current_version_id
           WHERE p.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let samples = match row.version_id {
        Some(version) => sqlx::query!(
            "SELECT input, expected_output FROM problem_version_tests
             WHERE version_id = $1 AND is_sample ORDER BY ordinal",
            version
        )
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|t| (t.input, t.expected_output))
        .collect(),
        None => sqlx::query!(
            "SELECT input, expected_output FROM problem_tests
             WHERE problem_id = $1 AND is_sample ORDER BY ordinal",
            id
        )
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|t| (t.input, t.expected_output))
        .collect(),
    };
    let statements = row.statements.unwrap_or_else(|| {
        serde_json::json!([{
            "language": "en",
            "source_format": "markdown",
            "markdown": row.statement,
        }])
    });
    Ok(Some(Detail {
        listed: Listed {
            id: row.id,
            slug: row.slug,
            title: row.title,
            rating: row.rating,
            time_limit_ms: row.time_limit_ms,
            memory_limit_mb: row.memory_limit_mb,
            version_id: row.version_id,
            content_hash: row.content_hash,
        },
        problem_type: row.problem_type.unwrap_or_else(|| "pass-fail".to_owned()),
        statements,
        samples,
    }))
}
