/** Lead exports as streamed HTTP downloads, for the dashboard and the admin API alike. */
import type { TourConfig } from '@tour-gate/shared/config';
import { EXPORT_TYPES, type ExportOptions, exportChunks } from '../core/export/stream.ts';
import type { LeadStore } from '../store/leads.ts';

/** The chunks as a byte stream for an HTTP response. */
function toByteStream(chunks: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const { value, done } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

/** A tour's leads as a streamed download, for the dashboard and the admin API alike. */
export function exportResponse(leads: LeadStore, tour: TourConfig, options: ExportOptions): Response {
  return new Response(toByteStream(exportChunks(leads, tour.id, tour, options)), {
    headers: {
      'content-type': EXPORT_TYPES[options.format],
      'content-disposition': `attachment; filename="${tour.id}-leads.${options.format}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
