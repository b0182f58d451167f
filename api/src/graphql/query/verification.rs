//! `verifyCertificate`: the answer the QR stamp's page gives, for apps.

use async_graphql::{Context, Object, Result};

use crate::{
    error::AppError,
    graphql::{caller, shared, today, types::verification::CertificateVerification},
    rate_limit::refusal::Refusal,
    services::verification::{self, Lookup},
};

/// Longest certificate number looked up.
const MAX_NUMBER_CHARS: usize = 100;

/// The verification query.
#[derive(Default)]
pub struct VerificationQuery;

#[Object]
impl VerificationQuery {
    /// Checks a certificate by the code on its QR stamp, or by its printed certificate number
    /// (older stamps carry only that; such a lookup counts as several requests against the rate
    /// limit). Give exactly one. An unknown code is not an error: its verdict is UNKNOWN.
    async fn verify_certificate(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The code on the stamp (`XXXX-XXXX-XXXX-XXXX`; case and dashes do \
                          not matter)."
        )]
        code: Option<String>,
        #[graphql(desc = "The printed certificate number, exactly as printed.")]
        certificate_number: Option<String>,
    ) -> Result<CertificateVerification> {
        let lookup = match (code, certificate_number) {
            (Some(code), None) => Lookup::Code(code),
            (None, Some(number)) => {
                if number.trim().is_empty() || number.chars().count() > MAX_NUMBER_CHARS {
                    return Err(AppError::bad_input(
                        "certificateNumber",
                        format!("must be 1 to {MAX_NUMBER_CHARS} characters"),
                    )
                    .into());
                }
                let shared = shared(ctx);
                // The request itself was counted once already.
                let extra = shared
                    .settings
                    .limits
                    .certificate_number_lookup_cost
                    .saturating_sub(1);
                if extra > 0
                    && let Err(wait) = shared.rate_limits.check(caller(ctx)?, extra).await
                {
                    let err = Refusal::refuse_in(ctx.data_opt::<Refusal>(), wait);
                    return Err(err.into());
                }
                Lookup::Number(number)
            }
            _ => {
                return Err(AppError::bad_input(
                    "code",
                    "give either code or certificateNumber, not both or neither",
                )
                .into());
            }
        };
        let found = verification::verify(&shared(ctx).db, &lookup, today(ctx))
            .await
            .map_err(AppError::from)?;
        Ok(CertificateVerification(found))
    }
}
