import { inject } from "vitest";
import { PortalHttpClient } from "../../scripts/lib/portal";

/** The HTTP client pointed at the portal this test run started. */
export class PortalClient extends PortalHttpClient {
  constructor() {
    super(inject("portalUrl"));
  }
}
