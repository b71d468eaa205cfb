/** Why an automation could not be made or changed; the message names the field. */
export class AutomationError extends Error {
  constructor(
    message: string,
    readonly code: 'INVALID' | 'NOT_FOUND',
  ) {
    super(message);
    this.name = 'AutomationError';
  }
}
