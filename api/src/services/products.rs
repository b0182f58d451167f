//! Reading products: keyset-paginated lists, counts, look-ups.

use chrono::{DateTime, NaiveDate, Utc};
use ocop_entities::{
    certification,
    product::{self, ProductStatus},
};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, Order, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, ExprTrait, SimpleExpr},
};
use tracing::instrument;

use crate::{
    domain::certificate::CertSummary,
    error::{AppError, AppResult},
    services::{
        cursor::{self, Position},
        product_filter::{ProductFilter, valid_stars_expr},
    },
};

/// How a product list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ProductSort {
    /// Most recently added first.
    #[default]
    Newest,
    /// Most stars (of a valid certificate) first.
    StarsDesc,
    /// Alphabetical, accents ignored.
    NameAsc,
}

impl ProductSort {
    fn tag(self) -> &'static str {
        match self {
            Self::Newest => "N",
            Self::StarsDesc => "S",
            Self::NameAsc => "A",
        }
    }
}

/// The sort key of a product in a given order.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
enum Key {
    Int(i64),
    Time(DateTime<Utc>),
    Text(String),
}

/// Where a page starts: decoded from an `after` cursor.
#[derive(Clone, Debug, PartialEq)]
pub struct After {
    key: Key,
    id: i64,
}

impl After {
    /// Decodes a cursor and checks that it belongs to `sort`.
    pub fn parse(cursor: &str, sort: ProductSort, field: &str) -> AppResult<Self> {
        let p: Position<Key> = cursor::decode(cursor, field)?;
        let key_fits = matches!(
            (sort, &p.k),
            (ProductSort::Newest, Key::Time(_))
                | (ProductSort::StarsDesc, Key::Int(_))
                | (ProductSort::NameAsc, Key::Text(_))
        );
        if p.s != sort.tag() || !key_fits {
            return Err(AppError::bad_input(
                field,
                "belongs to a different sort order",
            ));
        }
        Ok(Self { key: p.k, id: p.i })
    }
}

/// One page of a list.
#[derive(Debug)]
pub struct Page<T> {
    /// The items with their cursors.
    pub items: Vec<(T, String)>,
    /// Whether more items follow.
    pub has_next_page: bool,
}

impl<T> Page<T> {
    /// The page of `first` items out of `rows`, read with one row more than the page holds to
    /// know whether more follow; `cursor` gives each item its cursor.
    pub fn of<R>(mut rows: Vec<R>, first: usize, cursor: impl FnMut(R) -> (T, String)) -> Self {
        let has_next_page = rows.len() > first;
        rows.truncate(first);
        Self {
            items: rows.into_iter().map(cursor).collect(),
            has_next_page,
        }
    }
}

/// Lists published products matching `condition` in `sort` order, `first` at most, after the
/// given position. One SQL statement.
#[instrument(skip_all, fields(first, sort = ?sort))]
pub async fn list(
    db: &DatabaseConnection,
    condition: Condition,
    filter: &ProductFilter,
    sort: ProductSort,
    first: usize,
    after: Option<After>,
    today: NaiveDate,
) -> AppResult<Page<product::Model>> {
    let stars_key: SimpleExpr = if filter.implies_valid() {
        Expr::col((product::Entity, product::Column::CertStars))
    } else {
        valid_stars_expr(today)
    };
    let (key_expr, key_order, id_order): (SimpleExpr, Order, Order) = match sort {
        ProductSort::Newest => (
            Expr::col((product::Entity, product::Column::CreatedAt)),
            Order::Desc,
            Order::Desc,
        ),
        ProductSort::StarsDesc => (stars_key, Order::Desc, Order::Asc),
        ProductSort::NameAsc => (
            Expr::col((product::Entity, product::Column::SortName)),
            Order::Asc,
            Order::Asc,
        ),
    };
    let mut query = product::Entity::find().filter(condition);
    if let Some(after) = after {
        let value: sea_orm::Value = match after.key {
            Key::Int(n) => n.into(),
            Key::Time(t) => t.into(),
            Key::Text(s) => s.into(),
        };
        let beyond_key = match key_order {
            Order::Desc => key_expr.clone().lt(value.clone()),
            _ => key_expr.clone().gt(value.clone()),
        };
        let beyond_id = match id_order {
            Order::Desc => product::Column::Id.lt(after.id),
            _ => product::Column::Id.gt(after.id),
        };
        query = query.filter(
            Condition::any().add(beyond_key).add(
                Condition::all()
                    .add(key_expr.clone().eq(value))
                    .add(beyond_id),
            ),
        );
    }
    let rows = query
        .order_by(key_expr, key_order)
        .order_by(product::Column::Id, id_order)
        .limit((first + 1) as u64)
        .all(db)
        .await?;
    Ok(Page::of(rows, first, |p| {
        let key = match sort {
            ProductSort::Newest => Key::Time(p.created_at),
            ProductSort::StarsDesc => Key::Int(summary(&p).valid_stars(today).unwrap_or(0).into()),
            ProductSort::NameAsc => Key::Text(p.sort_name.clone()),
        };
        let c = cursor::encode(&Position {
            s: sort.tag().to_owned(),
            k: key,
            i: p.id,
        });
        (p, c)
    }))
}

/// A product by slug; unpublished ones only when `any_status`.
#[instrument(skip_all, fields(slug))]
pub async fn by_slug(
    db: &DatabaseConnection,
    slug: &str,
    any_status: bool,
) -> AppResult<Option<product::Model>> {
    find(db, product::Column::Slug.eq(slug), any_status).await
}

/// A product by id; unpublished ones only when `any_status`.
pub async fn by_id(
    db: &DatabaseConnection,
    id: i64,
    any_status: bool,
) -> AppResult<Option<product::Model>> {
    find(db, product::Column::Id.eq(id), any_status).await
}

async fn find(
    db: &DatabaseConnection,
    condition: impl sea_orm::sea_query::IntoCondition,
    any_status: bool,
) -> AppResult<Option<product::Model>> {
    let mut query = product::Entity::find().filter(condition);
    if !any_status {
        query = query.filter(product::Column::Status.eq(ProductStatus::Published));
    }
    Ok(query.one(db).await?)
}

/// Every certificate of a product, read now (a mutation shows a certificate within its
/// history, which the request's loaders may hold from before the write).
pub async fn certifications(
    db: &DatabaseConnection,
    product_id: i64,
) -> AppResult<Vec<certification::Model>> {
    Ok(certification::Entity::find()
        .filter(certification::Column::ProductId.eq(product_id))
        .all(db)
        .await?)
}

/// The certificate summary kept on a product row.
pub fn summary(p: &product::Model) -> CertSummary {
    CertSummary {
        state: p.cert_state,
        stars: p.cert_stars,
        issued_on: p.cert_issued_on,
        expires_on: p.cert_expires_on,
    }
}
