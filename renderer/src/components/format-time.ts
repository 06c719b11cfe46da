/**
 * `2026-11-20 10:00:05 UTC`: times in lists are UTC, as in the recorded events and the logs
 * (`withZone` false where a column header already says UTC).
 */
export function formatUtc(iso: string | undefined, withSeconds = true, withZone = true): string {
  if (!iso) return '';
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  const text = time
    .toISOString()
    .slice(0, withSeconds ? 19 : 16)
    .replace('T', ' ');
  return withZone ? `${text} UTC` : text;
}
