// Every time the tool prints for people to read: a case's duration, a check's bound and what was
// measured, a timer of a profile, the live display's waits. One form everywhere, in the units a suite
// writes its durations with (ms, s, m), so "want within 10s" reads like the `within: 10s` it came from.

export interface DurationFormat {
  /**
   * For a display redrawn every second: whole seconds from ten seconds up, where tenths would only
   * flicker. Otherwise tenths are kept, so a measured time and the bound it missed stay apart.
   */
  live?: boolean;
}

/**
 * "850ms" below a second; "1.5s", "2s", "59.9s" below a minute; "5m", "5m 10s", "5m 10.4s" from a
 * minute up (whole seconds from 10s up when `live`). Milliseconds are whole, seconds to a tenth; a
 * trailing ".0" is dropped. A negative time keeps its sign, so a clock that went backwards shows.
 */
export function formatDuration(ms: number, format: DurationFormat = {}): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms <= -0.5) return `-${formatDuration(-ms, format)}`;
  const whole = Math.round(Math.max(0, ms));
  if (whole < 1000) return `${whole}ms`;
  // Rounded once, in tenths of a second, so 59.96s becomes 1m rather than "60s".
  const inTenths = Math.round(ms / 100);
  const tenths = format.live && inTenths >= 100 ? Math.round(ms / 1000) * 10 : inTenths;
  const minutes = Math.floor(tenths / 600);
  const rest = tenths % 600;
  const seconds = `${rest % 10 === 0 ? rest / 10 : (rest / 10).toFixed(1)}s`;
  if (minutes === 0) return seconds;
  return rest === 0 ? `${minutes}m` : `${minutes}m ${seconds}`;
}
