import nodemailer from 'nodemailer';

/** A notification after its templates are filled in. */
export interface Message {
  subject: string;
  body: string;
  /** What a webhook receives beside the text, for receivers that act on it. */
  details: Record<string, unknown>;
}

/** Each call gives up after this long, and is tried again later. */
const SEND_TIMEOUT_MS = 30_000;

async function postJson(url: string, headers: Record<string, string>, payload: unknown): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
  });
  if (!response.ok) {
    const text = (await response.text().catch(() => '')).slice(0, 200);
    throw new Error(`the receiver answered ${response.status} ${response.statusText}${text ? `: ${text}` : ''}`);
  }
}

/** A webhook block: POST of the message as JSON, with the block's headers. */
export function sendWebhook(data: { url: string; headers?: Record<string, string> }, message: Message): Promise<void> {
  return postJson(data.url, data.headers ?? {}, { subject: message.subject, body: message.body, ...message.details });
}

/** A Slack-compatible incoming webhook: POST of `{"text": ...}`. */
export function sendSlack(data: { url: string }, message: Message): Promise<void> {
  return postJson(data.url, {}, { text: message.body });
}

export interface SmtpSettings {
  host: string;
  port: number;
  tls: boolean;
  user?: string;
  password?: string;
  from: string;
  to: string[];
}

/** An smtp-email block: one email through its server; TLS from the start on port 465, else STARTTLS, required when `tls`. */
export async function sendEmail(settings: SmtpSettings, message: Message): Promise<void> {
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.tls && settings.port === 465,
    requireTLS: settings.tls,
    ignoreTLS: !settings.tls,
    ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
    connectionTimeout: SEND_TIMEOUT_MS,
    greetingTimeout: SEND_TIMEOUT_MS,
    socketTimeout: SEND_TIMEOUT_MS,
  });
  try {
    await transport.sendMail({ from: settings.from, to: settings.to, subject: message.subject, text: message.body });
  } finally {
    transport.close();
  }
}
