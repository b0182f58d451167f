//! Logging through `tracing`: pretty text for people, JSON lines in production; and, when built
//! with the `otel` feature and `OTEL_EXPORTER_OTLP_ENDPOINT` is set, the same spans exported as
//! OpenTelemetry traces over OTLP/HTTP.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::{LogFormat, Settings};

/// Keeps the trace exporter alive; dropping it flushes the spans not yet sent.
#[must_use = "dropping the guard stops the trace export"]
pub struct Telemetry {
    #[cfg(feature = "otel")]
    provider: Option<opentelemetry_sdk::trace::SdkTracerProvider>,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        #[cfg(feature = "otel")]
        if let Some(provider) = self.provider.take()
            && let Err(e) = provider.shutdown()
        {
            eprintln!("warning: flushing the trace export failed: {e}");
        }
    }
}

/// Installs the global subscriber. Safe to call more than once (later calls do nothing), so
/// tests may call it freely.
pub fn init(settings: &Settings) -> Telemetry {
    #[cfg(feature = "otel")]
    let provider = settings
        .otel_exporter_otlp_endpoint
        .as_ref()
        .and_then(|endpoint| match otel::provider() {
            Ok(p) => Some(p),
            Err(e) => {
                eprintln!("warning: traces are not exported to {endpoint}: {e}");
                None
            }
        });
    #[cfg(feature = "otel")]
    let traces = provider.as_ref().map(|p| {
        use opentelemetry::trace::TracerProvider;
        tracing_opentelemetry::layer().with_tracer(p.tracer("ocop-catalog"))
    });
    #[cfg(not(feature = "otel"))]
    let traces: Option<tracing_subscriber::layer::Identity> = None;
    #[cfg(not(feature = "otel"))]
    if settings.otel_exporter_otlp_endpoint.is_some() {
        eprintln!(
            "warning: OTEL_EXPORTER_OTLP_ENDPOINT is set but this binary was built without the \
             `otel` feature: no traces are exported"
        );
    }

    let filter = EnvFilter::try_new(&settings.rust_log).unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter).with(traces);
    let _ = match settings.log_format() {
        LogFormat::Json => registry
            .with(
                // Every span's fields on every line: the request id of the request being
                // served, whatever spans were entered inside it.
                fmt::layer()
                    .json()
                    .with_current_span(false)
                    .with_span_list(true)
                    .with_target(true),
            )
            .try_init(),
        LogFormat::Pretty => registry.with(fmt::layer().with_target(false)).try_init(),
    };
    Telemetry {
        #[cfg(feature = "otel")]
        provider,
    }
}

#[cfg(feature = "otel")]
mod otel {
    use opentelemetry_otlp::SpanExporter;
    use opentelemetry_sdk::{Resource, trace::SdkTracerProvider};

    /// A provider that batches spans and sends them to the endpoint the standard
    /// `OTEL_EXPORTER_OTLP_*` variables name (read by the exporter itself).
    pub fn provider() -> anyhow::Result<SdkTracerProvider> {
        let exporter = SpanExporter::builder().with_http().build()?;
        Ok(SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(
                Resource::builder()
                    .with_service_name("ocop-catalog")
                    .build(),
            )
            .build())
    }
}
