/** What the HTTP server (scripts/serve.ts) hands to every loader and action. */
declare module "@remix-run/node" {
  interface AppLoadContext {
    /** per-request nonce for the Content-Security-Policy of inline scripts */
    cspNonce: string;
    /** this browser's CSRF token (from its signed cookie), to render into forms and compare */
    csrfToken: string;
    /** the client address (from the socket, or X-Forwarded-For when TRUST_PROXY is set) */
    clientIp: string;
  }
}

export {};
