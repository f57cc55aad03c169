import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  json,
  MaxPartSizeExceededError,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { RouteStep } from "~/components/application/route-step";
import { AttachmentsStep, DetailsStep, MissingList, SectionsStep, StepNav, STEPS, type StepKey } from "~/components/application/steps";
import { CheckReportPanel } from "~/components/check-report";
import { Alert, CsrfInput } from "~/components/forms";
import { mapLinks } from "~/components/map/route-map";
import { db } from "~/db.server";
import { env } from "~/env.server";
import { addAttachment, removeAttachment } from "~/modules/applications/attachments.server";
import { missingItems, responsibleAuthorities, type MissingItem } from "~/modules/applications/completeness";
import {
  ApplicationDraftSchema,
  ATTACHMENT_LIMITS,
  ElementPropertiesSchema,
  isLineFeature,
  SectionPropertiesSchema,
  type DraftRoute,
} from "~/modules/applications/schema";
import { splitSection } from "~/modules/applications/sections.server";
import { amendApplication, getApplication, saveDraft, submitApplication } from "~/modules/applications/service.server";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { requireRole } from "~/modules/auth/guards.server";
import type { Principal } from "~/modules/auth/session.server";
import { checkRequest } from "~/modules/checks/engine.server";
import type { CheckReport } from "~/modules/checks/report";
import { applicationNotFound, statusOf } from "~/utils/application-errors.server";
import { readForm } from "~/utils/form.server";

export const links: LinksFunction = () => [...mapLinks];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.application.title ?? "Antrag"} bearbeiten – Breitband-Portal` }];

const StepSchema = z.enum(STEPS.map((s) => s.key) as [StepKey, ...StepKey[]]).catch("trasse");

async function editableApplication(principal: Principal, id: string) {
  const application = await getApplication(await db(), principal, id);
  if (!application || !application.isOwner || !application.draft) throw applicationNotFound();
  const openCase = application.cases.some((c) => ["submitted", "incomplete", "in_review"].includes(c.status));
  if (application.status !== "draft" && !(application.status === "submitted" && openCase)) {
    throw redirect(`/antraege/${id}`);
  }
  return application;
}

/** The check of the draft route as it is now (the submit step shows what still blocks). */
async function checkDraftRoute(route: DraftRoute | null, applicationId: string): Promise<CheckReport | null> {
  const lines = (route?.features ?? []).filter(isLineFeature);
  if (lines.length === 0) return null;
  const outcome = await checkRequest(await db(), { route: { type: "FeatureCollection", features: lines } }, { excludeApplicationId: applicationId });
  return outcome.ok ? outcome.report : null;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const principal = await requireRole(request, ["operator"]);
  const application = await editableApplication(principal, params.id!);
  const step = StepSchema.parse(new URL(request.url).searchParams.get("schritt") ?? "trasse");
  let submitView: { missing: MissingItem[]; report: CheckReport | null } | null = null;
  if (step === "einreichen") {
    const report = await checkDraftRoute(application.draftRoute, application.id);
    submitView = { missing: missingItems(application.draft!, application.draftRoute, application.attachments, report), report };
  }
  return json({
    csrfToken: context.csrfToken,
    basemapStyleUrl: env().BASEMAP_STYLE_URL ?? null,
    step,
    application: {
      id: application.id,
      title: application.title,
      status: application.status,
      version: application.version,
      draft: application.draft!,
      draftRoute: application.draftRoute,
      attachments: application.attachments.map((a) => ({ id: a.id, kind: a.kind, fileName: a.fileName, sizeBytes: a.sizeBytes })),
      cases: application.cases.map((c) => ({ id: c.id, status: c.status, authority: c.authority.name, fileNumber: c.fileNumber })),
    },
    submitView,
  });
}

type ActionData =
  | { intent: "save-draft"; result: SubmissionResult<string[]> }
  | { intent: "save-sections" | "upload-attachment" | "submit"; ok: boolean; message?: string; errors?: Record<string, string[]>; missing?: MissingItem[] };

const expectedVersion = (formData: FormData) => Number(formData.get("expectedVersion"));

export async function action({ request, params, context }: ActionFunctionArgs) {
  const principal = await requireRole(request, ["operator"]);
  const application = await editableApplication(principal, params.id!);
  const id = application.id;
  const knex = await db();

  if ((request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: ATTACHMENT_LIMITS.maxFileBytes }));
    } catch (error) {
      if (error instanceof MaxPartSizeExceededError) {
        return json<ActionData>({ intent: "upload-attachment", ok: false, message: `Die Datei ist größer als ${ATTACHMENT_LIMITS.maxFileBytes / 1024 / 1024} MB.` }, { status: 413 });
      }
      throw error;
    }
    requireCsrf(context, form.get("csrf"));
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) {
      return json<ActionData>({ intent: "upload-attachment", ok: false, message: "Bitte wählen Sie eine Datei aus." }, { status: 422 });
    }
    const added = await addAttachment(knex, principal, id, { kind: String(form.get("kind")), fileName: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
    if (!added.ok) return json<ActionData>({ intent: "upload-attachment", ok: false, message: added.error.message }, { status: statusOf(added.error) });
    return redirect(`/antraege/${id}/bearbeiten?schritt=unterlagen`);
  }

  const formData = await readForm(request, context);
  const intent = formData.get("intent");
  switch (intent) {
    case "save-draft": {
      const submission = parseWithZod(formData, { schema: ApplicationDraftSchema });
      if (submission.status !== "success") return json<ActionData>({ intent, result: submission.reply() }, { status: 422 });
      const draft = { ...submission.value, reducedDepthDeclaration: application.draft!.reducedDepthDeclaration };
      const saved = await saveDraft(knex, principal, id, { expectedVersion: expectedVersion(formData), draft });
      if (!saved.ok) {
        const fieldErrors = saved.error.code === "invalid" ? Object.fromEntries(saved.error.fieldErrors.map((e) => [e.path.replace(/^draft\./, ""), [e.message]])) : {};
        return json<ActionData>({ intent, result: submission.reply({ formErrors: [saved.error.message], fieldErrors }) }, { status: statusOf(saved.error) });
      }
      return redirect(`/antraege/${id}/bearbeiten?schritt=abschnitte`);
    }
    case "save-sections": {
      const route = application.draftRoute;
      if (!route) return json<ActionData>({ intent, ok: false, message: "Noch keine Trasse gezeichnet." }, { status: 422 });
      const { features, errors } = sectionsFromForm(route, formData);
      if (Object.keys(errors).length > 0) return json<ActionData>({ intent, ok: false, errors }, { status: 422 });
      const saved = await saveDraft(knex, principal, id, {
        expectedVersion: expectedVersion(formData),
        route: { ...route, features },
        draft: { ...application.draft!, reducedDepthDeclaration: formData.get("reducedDepthDeclaration") === "on" },
      });
      if (!saved.ok) {
        const fieldErrors = saved.error.code === "invalid" ? Object.fromEntries(saved.error.fieldErrors.map((e) => [e.path.replace(/^route\./, "").replace(/\.properties/, ""), [e.message]])) : { "": [saved.error.message] };
        return json<ActionData>({ intent, ok: false, errors: fieldErrors }, { status: statusOf(saved.error) });
      }
      return redirect(`/antraege/${id}/bearbeiten?schritt=unterlagen`);
    }
    case "split-section": {
      const split = await splitSection(knex, principal, id, {
        expectedVersion: expectedVersion(formData),
        featureIndex: Number(formData.get("featureIndex")),
        atMetres: Number(String(formData.get("atMetres") ?? "").replace(",", ".")),
      });
      if (!split.ok) {
        const errors: Record<string, string[]> = split.error.code === "invalid" ? { atMetres: [split.error.message] } : { "": [split.error.message] };
        return json<ActionData>({ intent: "save-sections", ok: false, errors }, { status: statusOf(split.error) });
      }
      return redirect(`/antraege/${id}/bearbeiten?schritt=abschnitte`);
    }
    case "remove-attachment": {
      const removed = await removeAttachment(knex, principal, String(formData.get("attachmentId")));
      if (!removed.ok) return json<ActionData>({ intent: "upload-attachment", ok: false, message: removed.error.message }, { status: statusOf(removed.error) });
      return redirect(`/antraege/${id}/bearbeiten?schritt=unterlagen`);
    }
    case "submit": {
      const amend = application.status === "submitted";
      const result = amend
        ? await amendApplication(knex, principal, id, { expectedVersion: expectedVersion(formData), reason: String(formData.get("reason") ?? "") })
        : await submitApplication(knex, principal, id, { expectedVersion: expectedVersion(formData) });
      if (!result.ok) {
        const error = result.error;
        return json<ActionData>(
          {
            intent,
            ok: false,
            message: error.message,
            missing: error.code === "incomplete" ? error.missing : error.code === "invalid" ? error.fieldErrors : undefined,
            errors: error.code === "blocked" ? { route: error.findings } : undefined,
          },
          { status: statusOf(error) },
        );
      }
      return redirect(`/antraege/${id}?${amend ? "geaendert" : "eingereicht"}=1`);
    }
    default:
      return json<ActionData>({ intent: "submit", ok: false, message: "Unbekannte Aktion." }, { status: 400 });
  }
}

/** The sections table (step 3) into feature properties, validated per field; the geometry stays. */
function sectionsFromForm(route: DraftRoute, formData: FormData) {
  const errors: Record<string, string[]> = {};
  const value = (name: string) => {
    const v = formData.get(name);
    return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
  };
  const numberValue = (name: string) => {
    const v = value(name);
    return v === undefined ? undefined : Number(v.replace(",", "."));
  };
  const features = route.features.map((feature, index) => {
    const base = `features[${index}]`;
    const parsed = isLineFeature(feature)
      ? SectionPropertiesSchema.safeParse({
          method: value(`${base}.method`),
          depthM: numberValue(`${base}.depthM`),
          widthM: numberValue(`${base}.widthM`),
          ductCount: numberValue(`${base}.ductCount`),
          ductDiameterMm: numberValue(`${base}.ductDiameterMm`),
          cableType: value(`${base}.cableType`),
        })
      : ElementPropertiesSchema.safeParse({ elementType: value(`${base}.elementType`), label: value(`${base}.label`) });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) (errors[`${base}.${issue.path.join(".")}`] ??= []).push(issue.message);
      return feature;
    }
    const properties = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined));
    return { ...feature, properties };
  });
  return { features, errors };
}

const metres = new Intl.NumberFormat("de-DE", { maximumFractionDigits: 0 });

function lineLengthLabel(coordinates: number[][]): string {
  let m = 0;
  for (let i = 1; i < coordinates.length; i += 1) {
    const [lon1, lat1] = coordinates[i - 1]!;
    const [lon2, lat2] = coordinates[i]!;
    const rad = Math.PI / 180;
    const x = (lon2! - lon1!) * rad * Math.cos(((lat1! + lat2!) / 2) * rad);
    const y = (lat2! - lat1!) * rad;
    m += Math.sqrt(x * x + y * y) * 6_371_000;
  }
  return `${metres.format(m)} m`;
}

export default function EditApplication() {
  const { csrfToken, basemapStyleUrl, step, application, submitView } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const features = application.draftRoute?.features ?? [];
  return (
    <div className="kern-stack">
      <hgroup className="kern-hgroup">
        <p className="kern-preline">{application.status === "draft" ? "Antrag (Entwurf)" : "Antrag ändern (neue Fassung)"}</p>
        <h1 className="kern-heading-large">{application.title}</h1>
      </hgroup>
      <StepNav id={application.id} current={step} />
      {step === "trasse" ? (
        <RouteStep applicationId={application.id} initialRoute={application.draftRoute} initialVersion={application.version} csrfToken={csrfToken} basemapStyleUrl={basemapStyleUrl} />
      ) : null}
      {step === "angaben" ? (
        <DetailsStep
          draft={application.draft}
          version={application.version}
          csrfToken={csrfToken}
          lastResult={actionData?.intent === "save-draft" ? actionData.result : undefined}
        />
      ) : null}
      {step === "abschnitte" ? (
        <SectionsStep
          sections={features.flatMap((f, index) =>
            f.geometry.type === "Point"
              ? []
              : [{ index, properties: f.properties as Record<string, unknown>, lengthLabel: lineLengthLabel(f.geometry.type === "LineString" ? f.geometry.coordinates : f.geometry.coordinates.flat()) }],
          )}
          elements={features.flatMap((f, index) => (f.geometry.type === "Point" ? [{ index, properties: f.properties as Record<string, unknown> }] : []))}
          reducedDepthDeclaration={application.draft.reducedDepthDeclaration === true}
          version={application.version}
          csrfToken={csrfToken}
          errors={actionData?.intent === "save-sections" ? (actionData.errors ?? (actionData.message ? { "": [actionData.message] } : {})) : {}}
        />
      ) : null}
      {step === "unterlagen" ? (
        <AttachmentsStep
          applicationId={application.id}
          attachments={application.attachments}
          csrfToken={csrfToken}
          error={actionData?.intent === "upload-attachment" && !actionData.ok ? (actionData.message ?? null) : null}
        />
      ) : null}
      {step === "einreichen" && submitView ? (
        <div className="kern-stack">
          {actionData?.intent === "submit" && !actionData.ok ? (
            <Alert tone="danger" title="Nicht eingereicht">
              <p className="kern-body">{actionData.message}</p>
              {actionData.errors?.route ? (
                <ul className="kern-list kern-list--bullet">
                  {actionData.errors.route.map((m) => (
                    <li key={m}>{m}</li>
                  ))}
                </ul>
              ) : null}
            </Alert>
          ) : null}
          {submitView.missing.length > 0 ? (
            <section aria-labelledby="fehlt">
              <h2 id="fehlt" className="kern-heading-medium">
                Es fehlt noch
              </h2>
              <MissingList applicationId={application.id} missing={submitView.missing} />
            </section>
          ) : (
            <Alert tone="success" title="Der Antrag ist vollständig." />
          )}
          {submitView.report ? (
            <section aria-labelledby="verfahren">
              <h2 id="verfahren" className="kern-heading-medium">
                Es werden Verfahren eröffnet bei
              </h2>
              <ul className="kern-list kern-list--bullet">
                {responsibleAuthorities(submitView.report).map((a) => (
                  <li key={a.id}>
                    {a.name} ({metres.format(a.lengthM)} m{a.crossings ? `, ${a.crossings} Querung(en)` : ""})
                  </li>
                ))}
              </ul>
              <details>
                <summary className="kern-body">Prüfergebnis ansehen</summary>
                <CheckReportPanel report={submitView.report} />
              </details>
            </section>
          ) : null}
          <Form method="post" className="kern-stack page-narrow">
            <CsrfInput token={csrfToken} />
            <input type="hidden" name="intent" value="submit" />
            <input type="hidden" name="expectedVersion" value={application.version} />
            {application.status === "submitted" ? (
              <div className="kern-form-input">
                <label className="kern-label" htmlFor="reason">
                  Was haben Sie geändert oder ergänzt?
                </label>
                <textarea className="kern-form-input__input" id="reason" name="reason" rows={4} required minLength={5} />
              </div>
            ) : null}
            <div>
              <button type="submit" className="kern-btn kern-btn--primary" disabled={submitView.missing.length > 0}>
                <span className="kern-label">{application.status === "submitted" ? "Geänderte Fassung einreichen" : "Antrag verbindlich einreichen"}</span>
              </button>
            </div>
          </Form>
        </div>
      ) : null}
    </div>
  );
}
