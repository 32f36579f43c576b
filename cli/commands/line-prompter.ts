/**
 * Asks questions on a terminal or a pipe: prints the prompt, then takes the next line. Lines are
 * read through one async iterator, so input typed (or piped) ahead of a prompt is kept, not lost.
 */
import { createInterface, type Interface } from 'node:readline';

export class LinePrompter {
  private readonly readline: Interface;
  private readonly lines: AsyncIterator<string>;

  private readonly echoesAnswers: boolean;

  constructor(
    input: NodeJS.ReadableStream,
    private readonly output: NodeJS.WritableStream,
  ) {
    // A terminal shows what was typed; a pipe does not, so the answer is echoed to keep transcripts readable.
    this.echoesAnswers = (input as { isTTY?: boolean }).isTTY !== true;
    this.readline = createInterface({ input, terminal: false });
    this.lines = this.readline[Symbol.asyncIterator]();
  }

  /** The answer, trimmed; undefined when input has ended (Ctrl-D, closed pipe). */
  async ask(prompt: string): Promise<string | undefined> {
    this.output.write(prompt);
    const next = await this.lines.next();
    if (next.done === true) {
      if (this.echoesAnswers) this.output.write('\n');
      return undefined;
    }
    if (this.echoesAnswers) this.output.write(`${next.value}\n`);
    return next.value.trim();
  }

  close(): void {
    this.readline.close();
  }
}
