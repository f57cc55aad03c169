import type { TestProject } from "vitest/node";
import { buildTemplate, type TemplateRef } from "./template";

declare module "vitest" {
  export interface ProvidedContext {
    dbTemplate: TemplateRef;
  }
}

export default async function setup(project: TestProject) {
  const started = Date.now();
  const { ref, dispose } = await buildTemplate();
  console.log(`[tests] ${ref.engine} template ready in ${Date.now() - started} ms`);
  project.provide("dbTemplate", ref);
  return dispose;
}
