import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleLogger, silentLogger } from './logger';

describe('loggers', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes warnings and errors to the console with the component name, and no debug lines by default', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
    const log = consoleLogger().forComponent('shoal:engine:serve');
    const cause = new Error('disk gone');

    log.warn('could not read chunk 3', cause);
    log.error('gave up');
    log.debug('details nobody asked for');

    expect(warn).toHaveBeenCalledWith('shoal:engine:serve: could not read chunk 3', cause);
    expect(error).toHaveBeenCalledWith('shoal:engine:serve: gave up');
    expect(debug).not.toHaveBeenCalled();
  });

  it('writes the lines the host enables, per component and level', () => {
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
    const tracing = consoleLogger((component) => component.startsWith('shoal:engine'));

    tracing.forComponent('shoal:engine:download').debug('set ben aside');
    tracing.forComponent('shoal:node:session').debug('rejoined');

    expect(debug).toHaveBeenCalledTimes(1);
    expect(debug).toHaveBeenCalledWith('shoal:engine:download: set ben aside');
  });

  it('says nothing when silent', () => {
    const spies = (['debug', 'warn', 'error'] as const).map((level) => vi.spyOn(console, level).mockImplementation(() => {}));
    const log = silentLogger.forComponent('shoal:engine:download');

    log.debug('a');
    log.warn('b');
    log.error('c');

    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('writes to the console the host gives it (the CLI: one whose every level goes to stderr)', () => {
    const lines: string[] = [];
    const output = { debug: (line: string) => lines.push(`debug ${line}`), warn: (line: string) => lines.push(`warn ${line}`), error: (line: string) => lines.push(`error ${line}`) };
    const spies = (['debug', 'warn', 'error'] as const).map((level) => vi.spyOn(console, level).mockImplementation(() => {}));
    const log = consoleLogger(() => true, output).forComponent('shoal:engine:links');

    log.debug('a');
    log.warn('b');

    expect(lines).toEqual(['debug shoal:engine:links: a', 'warn shoal:engine:links: b']);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});
