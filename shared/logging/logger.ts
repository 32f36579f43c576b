/**
 * Named loggers, handed to each part of a peer as a component (like libp2p's
 * `logger.forComponent('libp2p:tcp')`): the host decides where lines go, the parts only say what
 * happened. Plain TypeScript, no DOM or Node API, so the browser and the CLI share it.
 */

export type LogLevel = 'debug' | 'warn' | 'error';

export interface Logger {
  /** Something worth knowing when tracing a problem; quiet by default in every host. */
  debug(message: string, ...details: unknown[]): void;
  /** Something went wrong and was handled (a swallowed error, a peer set aside). */
  warn(message: string, ...details: unknown[]): void;
  /** Something went wrong that the part could not handle. */
  error(message: string, ...details: unknown[]): void;
}

/** Gives each part its own named logger, e.g. `forComponent('shoal:engine:download')`. */
export interface ComponentLogger {
  forComponent(name: string): Logger;
}

const silent: Logger = { debug() {}, warn() {}, error() {} };

/** Says nothing: the default wherever no logger is supplied. */
export const silentLogger: ComponentLogger = { forComponent: () => silent };

/** Warnings and errors, not debug lines: what a host shows unless asked to trace. */
const warningsAndErrors = (_component: string, level: LogLevel): boolean => level !== 'debug';

/**
 * Writes to the console (there in browsers and Node alike), each line prefixed with its component's
 * name; `isEnabled` picks the lines, e.g. debug too for components starting 'shoal:engine' when tracing.
 * `output` is another console where the host needs one (the CLI keeps every line off stdout).
 */
export function consoleLogger(
  isEnabled: (component: string, level: LogLevel) => boolean = warningsAndErrors,
  output: Pick<Console, LogLevel> = console,
): ComponentLogger {
  return {
    forComponent(component) {
      const write = (level: LogLevel) => (message: string, ...details: unknown[]) => {
        if (isEnabled(component, level)) output[level](`${component}: ${message}`, ...details);
      };
      return { debug: write('debug'), warn: write('warn'), error: write('error') };
    },
  };
}
