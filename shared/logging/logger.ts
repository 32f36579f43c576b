/**
 * Named loggers, handed to each part of a peer as a component (like libp2p's
 * `logger.forComponent('libp2p:tcp')`): the host decides where lines go, the parts only say what
 * happened. Plain TypeScript, no DOM or Node API, so the browser and the CLI share it.
 */

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
