/** Why a block could not be made, changed or read; the message names the field or the block. */
export class BlockError extends Error {
  constructor(
    message: string,
    readonly code: 'UNKNOWN_TYPE' | 'INVALID' | 'NOT_FOUND' | 'CANNOT_DECRYPT',
    /** What did not fit, part by part, for a document checked against its type's schema. */
    readonly issues?: { path: (string | number)[]; message: string }[],
  ) {
    super(message);
    this.name = 'BlockError';
  }
}
