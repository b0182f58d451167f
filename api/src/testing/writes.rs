//! Service tests: the write path called directly on an in-memory catalogue
//! ([`crate::testing::Harness`]): what one write leaves behind, and what a refused one does
//! not.

use ocop_entities::{
    api_key::Role,
    audit_log, change_log,
    ext::change_log::{Change, ChangeKind, ChangeOp},
    producer::ProducerKind,
};
use sea_orm::{EntityTrait, PaginatorTrait};

use super::Harness;
use crate::error::AppError;
use crate::services::write::{
    UnitOfWork,
    producers::{self, ProducerFields},
};

fn fields(phone: &str) -> ProducerFields {
    ProducerFields {
        name: Some("Cơ sở Mật ong Bãi Cháy".into()),
        kind: Some(ProducerKind::Household),
        ward_code: Some("06673".into()),
        phone: Some(phone.into()),
        ..ProducerFields::default()
    }
}

/// Audit entries (the harness's keys are audited too) and change-log entries.
async fn trail(h: &Harness) -> (u64, u64) {
    (
        audit_log::Entity::find().count(&h.db).await.unwrap(),
        change_log::Entity::find().count(&h.db).await.unwrap(),
    )
}

#[tokio::test]
async fn a_write_commits_its_record_audit_entry_and_change_together() {
    let h = Harness::new().await;
    let admin = h.caller(Role::Admin, &[]).await;
    let (audits, changes) = trail(&h).await;
    let created = producers::create(h.writer(&admin), fields("0203 3 825 123"))
        .await
        .unwrap();
    assert_eq!(created.province_code, "22");
    assert_eq!(created.phone.as_deref(), Some("0203 3 825 123"));
    assert_eq!(trail(&h).await, (audits + 1, changes + 1));
    let change = change_log::Entity::find()
        .one(&h.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            change.kind.as_str(),
            change.record_id,
            change.operation.as_str()
        ),
        ("producer", created.id, "created")
    );
}

#[tokio::test]
async fn a_refused_write_leaves_nothing_behind() {
    let h = Harness::new().await;
    let admin = h.caller(Role::Admin, &[]).await;
    let before = trail(&h).await;
    let bad_phone = producers::create(h.writer(&admin), fields("call me")).await;
    assert!(
        matches!(&bad_phone, Err(AppError::BadInput { field: Some(f), .. }) if f == "input.phone"),
        "{bad_phone:?}"
    );
    let elsewhere = h.caller(Role::Editor, &["01"]).await;
    let before_editor = trail(&h).await;
    assert_eq!(
        before_editor.1, before.1,
        "no change logged for the refusal"
    );
    let forbidden = producers::create(h.writer(&elsewhere), fields("0203 3 825 123")).await;
    assert!(
        matches!(forbidden, Err(AppError::Forbidden(_))),
        "{forbidden:?}"
    );
    assert_eq!(trail(&h).await, before_editor);
}

#[tokio::test]
async fn a_stale_update_is_a_conflict_and_changes_nothing() {
    let h = Harness::new().await;
    let admin = h.caller(Role::Admin, &[]).await;
    let created = producers::create(h.writer(&admin), fields("0203 3 825 123"))
        .await
        .unwrap();
    let rename = ProducerFields {
        name: Some("Cơ sở Mật ong Hạ Long".into()),
        ..ProducerFields::default()
    };
    let updated = producers::update(
        h.writer(&admin),
        created.id,
        created.updated_at,
        rename.clone(),
    )
    .await
    .unwrap();
    assert_eq!(updated.name, "Cơ sở Mật ong Hạ Long");
    let after_update = trail(&h).await;
    // A colleague saw the first version: their update must not overwrite the second.
    let stale = producers::update(h.writer(&admin), created.id, created.updated_at, rename).await;
    assert!(matches!(stale, Err(AppError::Conflict { .. })), "{stale:?}");
    assert_eq!(trail(&h).await, after_update);
}

#[tokio::test]
async fn a_unit_of_work_without_its_audit_entry_commits_nothing() {
    let h = Harness::new().await;
    let admin = h.caller(Role::Admin, &[]).await;
    let before = trail(&h).await;
    let work = UnitOfWork::begin(h.writer(&admin)).await.unwrap();
    // A row written in the transaction, but not through `audit`: the write is incomplete.
    let entry = crate::services::audit::Entry {
        entity_type: crate::services::audit::Subject::Producer,
        entity_id: 1,
        operation: crate::services::audit::Operation::Update,
        province: None,
        before: None,
        after: None,
    };
    crate::services::audit::record(
        work.txn(),
        &crate::services::audit::Author::named("test"),
        entry,
    )
    .await
    .unwrap();
    let refused = work
        .commit(&[Change::new(ChangeKind::Producer, 1, ChangeOp::Updated)])
        .await;
    assert!(matches!(refused, Err(AppError::Internal(_))), "{refused:?}");
    assert_eq!(trail(&h).await, before, "rolled back, change log untouched");
}

/// The refusal of a write made on an `updatedAt` older than the record's.
fn is_stale<T: std::fmt::Debug>(result: &crate::error::AppResult<T>) -> bool {
    matches!(result, Err(AppError::Conflict { field: Some(f), .. }) if f == "expectedUpdatedAt")
}

#[tokio::test]
async fn archive_revoke_and_set_listing_refuse_a_stale_expected_updated_at() {
    use crate::services::write::{certifications, listings, outlets, products};
    use ocop_entities::{certification::CertificationLevel, outlet::OutletKind};

    let h = Harness::new().await;
    let admin = h.caller(Role::Admin, &[]).await;
    let w = || h.writer(&admin);
    let producer = producers::create(w(), fields("0203 3 825 123"))
        .await
        .unwrap();
    let product = products::create(
        w(),
        products::ProductFields {
            name: Some("Mật ong Bãi Cháy".into()),
            category_code: Some("I.4.a".into()),
            producer_id: Some(producer.id),
            ward_code: Some("06673".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let outlet = outlets::create(
        w(),
        outlets::OutletFields {
            name: Some("Điểm OCOP Bãi Cháy".into()),
            kind: Some(OutletKind::CraftVillage),
            ward_code: Some("06673".into()),
            location: Some((20.95, 107.07)),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let certificate = certifications::certify(
        w(),
        product.id,
        certifications::CertificationFields {
            stars: Some(4),
            level: Some(CertificationLevel::Province),
            issuing_body: Some("UBND tỉnh Quảng Ninh".into()),
            issued_on: Some(crate::clock::today() - chrono::Duration::days(100)),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let second = chrono::Duration::seconds(1);

    // A listing: set, then changed by someone who saw an older version, then by one who saw
    // this one. Expecting a listing that is not there is stale too.
    let listed = listings::set(w(), outlet.id, product.id, Some(90_000), true, None)
        .await
        .unwrap();
    let old = Some(listed.updated_at - second);
    let stale = listings::set(w(), outlet.id, product.id, Some(1), true, old).await;
    assert!(is_stale(&stale), "{stale:?}");
    let fresh = Some(listed.updated_at);
    let relisted = listings::set(w(), outlet.id, product.id, Some(95_000), false, fresh)
        .await
        .unwrap();
    assert_eq!(
        (relisted.price_vnd, relisted.in_stock),
        (Some(95_000), false)
    );
    assert!(listings::remove(w(), outlet.id, product.id).await.unwrap());
    let gone = listings::set(w(), outlet.id, product.id, Some(1), true, fresh).await;
    assert!(
        matches!(&gone, Err(AppError::Conflict { field: Some(f), .. }) if f == "expectedUpdatedAt"),
        "{gone:?}"
    );

    // A certificate.
    let old = Some(certificate.updated_at - second);
    let stale = certifications::revoke(w(), certificate.id, "sai thông tin", old).await;
    assert!(is_stale(&stale), "{stale:?}");
    let revoked = certifications::revoke(
        w(),
        certificate.id,
        "sai thông tin",
        Some(certificate.updated_at),
    )
    .await
    .unwrap();
    assert!(revoked.revoked_on.is_some());

    // An outlet and a product (its certificate changed the product, whose updatedAt moved).
    let stale = outlets::archive(w(), outlet.id, Some(outlet.updated_at - second)).await;
    assert!(is_stale(&stale), "{stale:?}");
    outlets::archive(w(), outlet.id, Some(outlet.updated_at))
        .await
        .unwrap();
    let stale = products::archive(w(), product.id, Some(product.updated_at)).await;
    assert!(
        is_stale(&stale),
        "its certificate moved its updatedAt: {stale:?}"
    );
    let archived = products::archive(w(), product.id, None).await.unwrap();
    assert_eq!(
        archived.status,
        ocop_entities::product::ProductStatus::Archived
    );
}

#[tokio::test]
async fn an_imported_record_and_an_input_break_a_rule_with_the_same_message() {
    let h = Harness::new().await;
    let admin = h.caller(Role::Admin, &[]).await;
    let refused = producers::create(h.writer(&admin), fields("call me")).await;
    let Err(AppError::BadInput { message, .. }) = refused else {
        panic!("{refused:?}");
    };
    let record = r#"{"type":"producer","slug":"mat-ong-bai-chay","name":"Cơ sở Mật ong Bãi Cháy","kind":"HOUSEHOLD","wardCode":"06673","phone":"call me"}"#;
    let imported = crate::interchange::import(
        &h.db,
        &h.reference,
        record.as_bytes(),
        crate::interchange::import::Progress::Hidden,
        "test",
    )
    .await;
    let Err(crate::interchange::ImportError::Invalid(errors)) = imported else {
        panic!("{imported:?}");
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        (errors[0].field.as_str(), &errors[0].reason),
        ("phone", &message)
    );
}
