import type { TestProject } from "vitest/node";
import { startPortal } from "./server";

declare module "vitest" {
  export interface ProvidedContext {
    portalUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const portal = await startPortal();
  console.log(`[e2e] portal up at ${portal.baseUrl} after ${portal.bootMs} ms`);
  project.provide("portalUrl", portal.baseUrl);
  return portal.stop;
}
