/** The one visible error at a time (role="alert"), with messages a person can act on. */
import { asShoalError } from '../../shared/protocol/errors';

export class Alerts {
  message = $state<string | undefined>(undefined);

  show(message: string): void {
    this.message = message;
  }

  showError(error: unknown): void {
    this.message = asShoalError(error).message;
  }

  dismiss(): void {
    this.message = undefined;
  }
}
