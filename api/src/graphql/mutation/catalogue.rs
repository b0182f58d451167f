//! Producers, products, certificates and outlets.

use async_graphql::{Context, ID, Object, Result};

use super::inputs::{
    CertifyInput, CreateOutletInput, CreateProducerInput, CreateProductInput,
    UpdateCertificationInput, UpdateOutletInput, UpdateProducerInput, UpdateProductInput,
};
use crate::{
    graphql::{
        today,
        types::{
            certification::Certification, outlet::Outlet, producer::Producer, product::Product,
            scalars::DateTimeUtc,
        },
        writer,
    },
    services::write::{
        self, certifications, outlets, producers, products, products::ProductFields,
    },
};

/// Catalogue mutations. Each needs `Authorization: Bearer <key>` of an ADMIN, or of an EDITOR of
/// the record's province.
#[derive(Default)]
pub struct CatalogueMutation;

fn certification(
    ctx: &Context<'_>,
    model: ocop_entities::certification::Model,
    others: Vec<ocop_entities::certification::Model>,
) -> Certification {
    let id = model.id;
    let mut all = others;
    all.retain(|c| c.id != id);
    all.push(model);
    Certification::history(all, today(ctx))
        .into_iter()
        .find(|c| c.model.id == id)
        .expect("the certificate is in its history")
}

async fn with_history(
    ctx: &Context<'_>,
    model: ocop_entities::certification::Model,
) -> Result<Certification> {
    let db = &crate::graphql::shared(ctx).db;
    let others = crate::services::products::certifications(db, model.product_id).await?;
    Ok(certification(ctx, model, others))
}

fn product_fields(
    name: Option<String>,
    slug: Option<String>,
    category_code: Option<String>,
    producer_id: Option<ID>,
    rest: ProductFields,
) -> Result<ProductFields, crate::error::AppError> {
    let producer_id = producer_id
        .map(|id| write::id("input.producerId", &id))
        .transpose()?;
    Ok(ProductFields {
        name,
        slug,
        category_code,
        producer_id,
        ..rest
    })
}

#[Object]
impl CatalogueMutation {
    /// Registers a producer ("chủ thể OCOP").
    async fn create_producer(
        &self,
        ctx: &Context<'_>,
        input: CreateProducerInput,
    ) -> Result<Producer> {
        Ok(Producer(
            producers::create(writer(ctx)?, input.into()).await?,
        ))
    }

    /// Changes a producer; `expectedUpdatedAt` guards against overwriting a colleague's change.
    async fn update_producer(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateProducerInput,
    ) -> Result<Producer> {
        let id = write::id("id", &id)?;
        let expected = input.expected_updated_at.0;
        Ok(Producer(
            producers::update(writer(ctx)?, id, expected, input.into()).await?,
        ))
    }

    /// Adds a product (published unless `status` says otherwise); certify it with `certifyProduct`.
    async fn create_product(
        &self,
        ctx: &Context<'_>,
        input: CreateProductInput,
    ) -> Result<Product> {
        let fields = product_fields(
            Some(input.name),
            input.slug,
            Some(input.category_code),
            Some(input.producer_id),
            ProductFields {
                ward_code: Some(input.ward_code),
                province_code: input.province_code,
                description: input.description,
                story: input.story,
                images: input.images,
                packaging: input.packaging,
                unit: input.unit,
                price_min_vnd: input.price_min_vnd,
                price_max_vnd: input.price_max_vnd,
                status: input.status.map(Into::into),
                ..ProductFields::default()
            },
        )?;
        Ok(Product(products::create(writer(ctx)?, fields).await?))
    }

    /// Changes a product; `expectedUpdatedAt` guards against overwriting a colleague's change.
    async fn update_product(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateProductInput,
    ) -> Result<Product> {
        let id = write::id("id", &id)?;
        let expected = input.expected_updated_at.0;
        let fields = product_fields(
            input.name,
            input.slug,
            input.category_code,
            input.producer_id,
            ProductFields {
                ward_code: input.ward_code,
                province_code: input.province_code,
                description: input.description,
                story: input.story,
                images: input.images,
                packaging: input.packaging,
                unit: input.unit,
                price_min_vnd: input.price_min_vnd,
                price_max_vnd: input.price_max_vnd,
                status: input.status.map(Into::into),
                ..ProductFields::default()
            },
        )?;
        Ok(Product(
            products::update(writer(ctx)?, id, expected, fields).await?,
        ))
    }

    /// Withdraws a product from lists, search and shelves; its history stays.
    async fn archive_product(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The product's id.")] id: ID,
        #[graphql(
            desc = "The `updatedAt` the editor saw: refused with CONFLICT if it changed since."
        )]
        expected_updated_at: Option<DateTimeUtc>,
    ) -> Result<Product> {
        let id = write::id("id", &id)?;
        let expected = expected_updated_at.map(|t| t.0);
        Ok(Product(
            products::archive(writer(ctx)?, id, expected).await?,
        ))
    }

    /// Records a recognition decision; `expiresOn` defaults to `issuedOn` + 36 months.
    async fn certify_product(
        &self,
        ctx: &Context<'_>,
        product_id: ID,
        input: CertifyInput,
    ) -> Result<Certification> {
        let id = write::id("productId", &product_id)?;
        let created = certifications::certify(writer(ctx)?, id, input.into()).await?;
        with_history(ctx, created).await
    }

    /// Revokes a certificate today, with the reason.
    async fn revoke_certification(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The certificate's id.")] id: ID,
        #[graphql(desc = "Why it is revoked (at most 500 characters).")] reason: String,
        #[graphql(
            desc = "The `updatedAt` the editor saw: refused with CONFLICT if it changed since."
        )]
        expected_updated_at: Option<DateTimeUtc>,
    ) -> Result<Certification> {
        let id = write::id("id", &id)?;
        let expected = expected_updated_at.map(|t| t.0);
        let revoked = certifications::revoke(writer(ctx)?, id, &reason, expected).await?;
        with_history(ctx, revoked).await
    }

    /// Corrects a certificate; `expectedUpdatedAt` guards against overwriting a colleague's change.
    async fn update_certification(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateCertificationInput,
    ) -> Result<Certification> {
        let id = write::id("id", &id)?;
        let expected = input.expected_updated_at.0;
        let updated = certifications::update(writer(ctx)?, id, expected, input.into()).await?;
        with_history(ctx, updated).await
    }

    /// Registers an outlet.
    async fn create_outlet(&self, ctx: &Context<'_>, input: CreateOutletInput) -> Result<Outlet> {
        Ok(Outlet(outlets::create(writer(ctx)?, input.into()).await?))
    }

    /// Changes an outlet; `expectedUpdatedAt` guards against overwriting a colleague's change.
    async fn update_outlet(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateOutletInput,
    ) -> Result<Outlet> {
        let id = write::id("id", &id)?;
        let expected = input.expected_updated_at.0;
        Ok(Outlet(
            outlets::update(writer(ctx)?, id, expected, input.into()).await?,
        ))
    }

    /// Closes an outlet: it leaves lists, search and product pages.
    async fn archive_outlet(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The outlet's id.")] id: ID,
        #[graphql(
            desc = "The `updatedAt` the editor saw: refused with CONFLICT if it changed since."
        )]
        expected_updated_at: Option<DateTimeUtc>,
    ) -> Result<Outlet> {
        let id = write::id("id", &id)?;
        let expected = expected_updated_at.map(|t| t.0);
        Ok(Outlet(outlets::archive(writer(ctx)?, id, expected).await?))
    }
}
