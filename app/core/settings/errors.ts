/**
 * A setting, a profile or the profiles document is wrong in a way the person can fix; the message
 * says what and how. Front ends report it as bad input, never as a crash.
 */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** A value a setting refuses. The message reads on from the setting's name: "must be ...". */
export class SettingValueError extends SettingsError {
  constructor(message: string) {
    super(message);
    this.name = 'SettingValueError';
  }
}
