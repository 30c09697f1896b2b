/** Lead exports as streamed HTTP downloads, for the dashboard and the admin API alike. */
import type { BrokerConfig, TourConfig } from '@tour-gate/shared/config';
import type { Tour } from '../config/tours.ts';
import type { GateDeps } from '../core/deps.ts';
import { OPENIMMO_CONTENT_TYPE, openImmoFeedbackDocument, openImmoFilename } from '../core/export/openimmo.ts';
import { EXPORT_EXTENSIONS, EXPORT_TYPES, type ExportOptions, exportChunks } from '../core/export/stream.ts';
import type { LeadStore } from '../store/leads.ts';
import type { Registration } from '../store/schema.ts';

/** The chunks (text, or bytes for XLSX) as a byte stream for an HTTP response. */
function toByteStream(chunks: AsyncGenerator<string | Uint8Array>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const { value, done } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(typeof value === 'string' ? encoder.encode(value) : value);
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

/**
 * A tour's leads as a streamed download, for the dashboard and the admin API alike: XLSX and
 * CSV in the broker's language (headers and values), unless `locale` says otherwise.
 */
export function tourExportResponse(
  deps: GateDeps,
  tour: Tour,
  options: Pick<ExportOptions, 'format' | 'separator' | 'filter' | 'locale'>,
): Response {
  const locale = options.locale ?? (tour.broker.locale === 'en' ? 'en' : 'de');
  return exportResponse(deps.store.leads, tour.config, {
    ...options,
    locale,
    broker: tour.broker,
    now: deps.clock(),
  });
}

function exportResponse(leads: LeadStore, tour: TourConfig, options: ExportOptions): Response {
  return new Response(toByteStream(exportChunks(leads, tour.id, tour, options)), {
    headers: {
      'content-type': EXPORT_TYPES[options.format],
      'content-disposition': `attachment; filename="${tour.id}-leads.${EXPORT_EXTENSIONS[options.format]}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}

/** One lead as an OpenImmo-Feedback file (`anfrage-<tour>-<date>.xml`). */
export function openImmoLeadResponse(tour: TourConfig, broker: BrokerConfig, lead: Registration): Response {
  return new Response(openImmoFeedbackDocument(tour, broker, lead), {
    headers: {
      'content-type': `${OPENIMMO_CONTENT_TYPE}; charset=utf-8`,
      'content-disposition': `attachment; filename="${openImmoFilename(tour.id, lead)}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
