/** How a flow process reports to a Flowdeck server; the CLI and workers pick it when FLOWDECK_API_URL is set. */
export { HttpReporter, type ConnectionEvent } from './http-reporter.js';
export { Outbox, unacknowledged } from './outbox.js';
export { reportTransport, type SendReport } from './report-transport.js';
