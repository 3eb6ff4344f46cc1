/** Re-reads of the order page when a live status is ahead of the page's read (at most this many). */
export const MAX_RELOADS = 5;

/**
 * The order page reads the order (with its payment and shipments) and follows
 * orderStatusChanged; the two race. Whenever a live status is one the read has not seen — the
 * event came before the read answered, or after it — the page reads again, so the payment's
 * verdict matches the status shown. A read that still lags (a replica behind, a slow consumer) is
 * retried with back-off: at once, then 0.5 s, 1 s, 2 s, 4 s. Answers the delay before the next
 * read in ms, or undefined when the read agrees or the attempts are spent.
 */
export function reloadDelay(liveStatus: string | undefined, loadedStatus: string | undefined, attempt: number): number | undefined {
  if (!liveStatus || !loadedStatus || liveStatus === loadedStatus || attempt >= MAX_RELOADS) return undefined;
  return attempt === 0 ? 0 : 250 * 2 ** attempt;
}
