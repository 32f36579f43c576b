/**
 * Which log lines a host shows, from one switch a person sets (SHOAL_DEBUG for the CLI, the
 * `shoal.debug` localStorage entry in the browser): warnings and errors always; debug lines only for
 * the components the switch names, like the `debug` package's DEBUG. "1" or "*" turns on every
 * debug line; otherwise a comma-separated list of component-name prefixes ("shoal:engine").
 */
import type { LogLevel } from './logger';

export function logLinesFor(debugSwitch: string | undefined): (component: string, level: LogLevel) => boolean {
  const prefixes = (debugSwitch ?? '')
    .split(',')
    .map((prefix) => prefix.trim())
    .filter((prefix) => prefix !== '' && prefix !== '0');
  const isAll = prefixes.some((prefix) => prefix === '1' || prefix === '*' || prefix === 'true');
  return (component, level) =>
    level !== 'debug' || isAll || prefixes.some((prefix) => component.startsWith(prefix));
}
