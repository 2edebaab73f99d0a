/**
 * Rails renders a timestamp in the instance's `time_zone`
 * (config/initializers/time_zone.rb), as `TimeWithZone#as_json` does:
 * milliseconds, and `Z` only when the zone is UTC itself. Records are kept
 * in UTC; this is the rendering.
 */

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at that instant, in minutes (daylight saving included). */
function offsetMinutes(instant: Date, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormats.set(timeZone, format);
  }
  const name = format.formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const [, sign, hours, minutes] = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name) ?? [];
  return sign ? (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) : 0;
}

/** An ISO-8601 UTC instant (`2024-01-11T09:00:10.123Z`) as GitLab in `timeZone` prints it (`2024-01-11T10:00:10.123+01:00`). */
export function inTimeZone(iso: string, timeZone: string | undefined): string {
  if (timeZone === undefined || timeZone === 'UTC') return iso;
  const instant = new Date(iso);
  const offset = offsetMinutes(instant, timeZone);
  const local = new Date(instant.getTime() + offset * 60_000).toISOString().slice(0, -1);
  const abs = Math.abs(offset);
  return `${local}${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** `inTimeZone` for a nullable column. */
export const inTimeZoneOrNull = (iso: string | null, timeZone: string | undefined): string | null => (iso === null ? null : inTimeZone(iso, timeZone));
