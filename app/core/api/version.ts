/** The Flowdeck release this code belongs to, reported by the server's health check and API document. */
export const FLOWDECK_VERSION = '0.1.0';
