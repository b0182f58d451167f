//! Certifying products, revoking and correcting certificates.
//!
//! Over 300 lines: certifying, correcting and revoking share the certificate's checks and the
//! product's certificate summary.

use chrono::{DateTime, NaiveDate, Utc};
use ocop_entities::{
    certification::{self, CertificationLevel},
    ext::change_log::{Change, ChangeKind, ChangeOp},
    product, verification_code,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter,
};

use super::{
    ARGUMENT_EXPECTED, INPUT_EXPECTED, UnitOfWork, Writer, check::Check, update_unless_stale,
};
use crate::{
    clock,
    domain::{
        BoundedText,
        certificate::{self, CertFacts, CertSummary},
        text::limits,
    },
    error::{AppError, AppResult},
    services::audit::{self, Entry, snapshot},
};

/// The fields of a certificate; on correction, `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct CertificationFields {
    /// 3, 4 or 5.
    pub stars: Option<i32>,
    /// Council score.
    pub score: Option<i32>,
    /// Provincial or central.
    pub level: Option<CertificationLevel>,
    /// Issuing body.
    pub issuing_body: Option<String>,
    /// Decision number.
    pub decision_number: Option<String>,
    /// Certificate number.
    pub certificate_number: Option<String>,
    /// Issue date.
    pub issued_on: Option<NaiveDate>,
    /// Expiry date (default: 36 months after issue).
    pub expires_on: Option<NaiveDate>,
}

/// Recomputes the certificate summary kept on the product row and bumps its `updatedAt`.
pub async fn refresh_summary<C: ConnectionTrait>(db: &C, product_id: i64) -> Result<(), DbErr> {
    let certs = certification::Entity::find()
        .filter(certification::Column::ProductId.eq(product_id))
        .all(db)
        .await?;
    let summary = CertSummary::of(certs.iter().map(CertFacts::from));
    product::Entity::update_many()
        .set(product::ActiveModel {
            cert_state: Set(summary.state),
            cert_stars: Set(summary.stars),
            cert_issued_on: Set(summary.issued_on),
            cert_expires_on: Set(summary.expires_on),
            updated_at: Set(clock::now()),
            ..Default::default()
        })
        .filter(product::Column::Id.eq(product_id))
        .exec(db)
        .await?;
    Ok(())
}

async fn product_of(w: &Writer<'_>, id: i64) -> AppResult<product::Model> {
    product::Entity::find_by_id(id)
        .one(w.db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no product {id}")))
}

async fn finish(
    mut work: UnitOfWork<'_>,
    product: &product::Model,
    (operation, op): (audit::Operation, ChangeOp),
    before: Option<&certification::Model>,
    after: &certification::Model,
) -> AppResult<()> {
    refresh_summary(work.txn(), product.id).await?;
    work.audit(Entry {
        entity_type: audit::Subject::Certification,
        entity_id: after.id,
        operation,
        province: Some(&product.province_code),
        before: before.and_then(snapshot),
        after: snapshot(after),
    })
    .await?;
    let change =
        Change::new(ChangeKind::Certification, after.id, op).touching_products([product.id]);
    work.commit(&[change]).await
}

/// A checked new certificate: what `certifyProduct`'s input and a certificate of an imported
/// product record both become.
pub struct NewCertificate {
    /// 3, 4 or 5.
    pub stars: i32,
    /// Council score, in the stars' band.
    pub score: Option<i32>,
    /// Provincial or central.
    pub level: CertificationLevel,
    /// Issuing body.
    pub issuing_body: String,
    /// Decision number.
    pub decision_number: Option<String>,
    /// Certificate number.
    pub certificate_number: Option<String>,
    /// Issue date, not in the future.
    pub issued_on: NaiveDate,
    /// Expiry date, after the issue date.
    pub expires_on: NaiveDate,
}

impl NewCertificate {
    /// Checks `f` into `c` as a whole new certificate on `today`, its fields under `at`
    /// (`certifications[0].` in a file, nothing in an input); `None` when it has a problem.
    pub fn check(
        c: &mut Check<'_>,
        at: &str,
        f: &CertificationFields,
        today: NaiveDate,
    ) -> Option<Self> {
        let field = |name: &str| format!("{at}{name}");
        let stars = c.required(&field("stars"), f.stars);
        let level = c.required(&field("level"), f.level);
        let issuing_body = c.text(
            &field("issuingBody"),
            f.issuing_body.as_deref().unwrap_or_default(),
            limits::MEDIUM,
        );
        let issued_on = c.required(&field("issuedOn"), f.issued_on);
        let decision_number = c.optional(
            &field("decisionNumber"),
            f.decision_number.as_deref(),
            limits::SHORT,
        );
        let certificate_number = c.optional(
            &field("certificateNumber"),
            f.certificate_number.as_deref(),
            limits::SHORT,
        );
        let grade =
            stars.and_then(|stars| c.stars_and_score(at, i64::from(stars), f.score.map(i64::from)));
        let expires_on = issued_on.map(|on| {
            f.expires_on
                .unwrap_or_else(|| certificate::default_expiry(on))
        });
        if let (Some(issued_on), Some(expires_on)) = (issued_on, expires_on) {
            c.validity(at, issued_on, expires_on, today);
        }
        let (stars, score) = grade?;
        Some(Self {
            stars: i32::from(stars.get()),
            score: score.map(|s| i32::from(s.get())),
            level: level?,
            issuing_body: issuing_body?,
            decision_number: decision_number?,
            certificate_number: certificate_number?,
            issued_on: issued_on?,
            expires_on: expires_on?,
        })
    }

    /// Its row for product `product_id`, with `code` printed on its stamps, created at `now`.
    pub fn row(
        self,
        product_id: i64,
        code: String,
        now: DateTime<Utc>,
    ) -> certification::ActiveModel {
        certification::ActiveModel {
            product_id: Set(product_id),
            stars: Set(self.stars),
            score: Set(self.score),
            level: Set(self.level),
            issuing_body: Set(self.issuing_body),
            decision_number: Set(self.decision_number),
            certificate_number: Set(self.certificate_number),
            issued_on: Set(self.issued_on),
            expires_on: Set(self.expires_on),
            revoked_on: Set(None),
            revoked_reason: Set(None),
            verification_code: Set(code),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
    }
}

/// Records a new certificate for a product.
#[tracing::instrument(skip_all, fields(product_id = product_id))]
pub async fn certify(
    w: Writer<'_>,
    product_id: i64,
    f: CertificationFields,
) -> AppResult<certification::Model> {
    let product = product_of(&w, product_id).await?;
    w.caller.require_province(&product.province_code)?;
    let mut c = Check::input(w.reference);
    let new = NewCertificate::check(&mut c, "", &f, clock::today());
    let new = c.finish_with(new)?;
    let work = UnitOfWork::begin(w).await?;
    let created = new
        .row(product.id, verification_code::generate(), clock::now())
        .insert(work.txn())
        .await?;
    finish(
        work,
        &product,
        (audit::Operation::Certify, ChangeOp::Created),
        None,
        &created,
    )
    .await?;
    Ok(created)
}

async fn certificate_of(
    w: &Writer<'_>,
    id: i64,
) -> AppResult<(certification::Model, product::Model)> {
    let cert = certification::Entity::find_by_id(id)
        .one(w.db)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no certification {id}")))?;
    let product = product_of(w, cert.product_id).await?;
    w.caller.require_province(&product.province_code)?;
    Ok((cert, product))
}

/// Revokes a certificate today.
#[tracing::instrument(skip_all, fields(id = id))]
pub async fn revoke(
    w: Writer<'_>,
    id: i64,
    reason: &str,
    expected_updated_at: Option<DateTime<Utc>>,
) -> AppResult<certification::Model> {
    let reason = BoundedText::parse(reason, limits::MEDIUM)
        .map_err(|_| AppError::bad_input("reason", "must not be empty (at most 500 characters)"))?
        .into_inner();
    let (current, product) = certificate_of(&w, id).await?;
    if current.revoked_on.is_some() {
        return Err(AppError::Conflict {
            field: None,
            message: format!("certification {id} is already revoked"),
        });
    }
    let work = UnitOfWork::begin(w).await?;
    let model = certification::ActiveModel {
        revoked_on: Set(Some(clock::today().max(current.issued_on))),
        revoked_reason: Set(Some(reason)),
        updated_at: Set(clock::now()),
        ..Default::default()
    };
    let updated = update_unless_stale::<certification::Entity, _>(
        work.txn(),
        model,
        (certification::Column::Id, certification::Column::UpdatedAt),
        id,
        expected_updated_at.map(|t| (t, ARGUMENT_EXPECTED)),
        current.updated_at,
        "certification",
    )
    .await?;
    finish(
        work,
        &product,
        (audit::Operation::Revoke, ChangeOp::Updated),
        Some(&current),
        &updated,
    )
    .await?;
    Ok(updated)
}

/// Corrects a certificate if nobody changed it since `expected_updated_at`.
#[tracing::instrument(skip_all, fields(id = id))]
pub async fn update(
    w: Writer<'_>,
    id: i64,
    expected_updated_at: DateTime<Utc>,
    f: CertificationFields,
) -> AppResult<certification::Model> {
    let (current, product) = certificate_of(&w, id).await?;
    let stars = f.stars.unwrap_or(current.stars);
    let score = f.score.or(current.score);
    let issued_on = f.issued_on.unwrap_or(current.issued_on);
    let expires_on = f.expires_on.unwrap_or(if f.issued_on.is_some() {
        certificate::default_expiry(issued_on)
    } else {
        current.expires_on
    });
    let mut c = Check::input(w.reference);
    c.stars_and_score("", i64::from(stars), score.map(i64::from));
    c.validity("", issued_on, expires_on, clock::today());
    let mut model = certification::ActiveModel {
        stars: Set(stars),
        score: Set(score),
        issued_on: Set(issued_on),
        expires_on: Set(expires_on),
        updated_at: Set(clock::now()),
        ..Default::default()
    };
    if let Some(level) = f.level {
        model.level = Set(level);
    }
    if let Some(body) = f
        .issuing_body
        .as_deref()
        .and_then(|b| c.text("issuingBody", b, limits::MEDIUM))
    {
        model.issuing_body = Set(body);
    }
    let short = limits::SHORT;
    c.set_optional(
        "decisionNumber",
        f.decision_number.as_deref(),
        short,
        &mut model.decision_number,
    );
    c.set_optional(
        "certificateNumber",
        f.certificate_number.as_deref(),
        short,
        &mut model.certificate_number,
    );
    c.finish()?;
    let work = UnitOfWork::begin(w).await?;
    let updated = update_unless_stale::<certification::Entity, _>(
        work.txn(),
        model,
        (certification::Column::Id, certification::Column::UpdatedAt),
        id,
        Some((expected_updated_at, INPUT_EXPECTED)),
        current.updated_at,
        "certification",
    )
    .await?;
    finish(
        work,
        &product,
        (audit::Operation::Update, ChangeOp::Updated),
        Some(&current),
        &updated,
    )
    .await?;
    Ok(updated)
}
