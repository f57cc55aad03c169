import type { ReactNode } from "react";

export function CsrfInput({ token }: { token: string }) {
  return <input type="hidden" name="csrf" value={token} />;
}

export interface FieldMeta {
  id: string;
  name: string;
  errors?: string[];
  initialValue?: unknown;
}

/** A labelled KERN text input with hint and field-level errors wired up for screen readers. */
export function TextField({
  field,
  label,
  hint,
  type = "text",
  autoComplete,
  required,
  autoFocus,
}: {
  field: FieldMeta;
  label: string;
  hint?: string;
  type?: "text" | "email" | "password" | "tel" | "url" | "date";
  autoComplete?: string;
  required?: boolean;
  autoFocus?: boolean;
}) {
  const errorId = `${field.id}-error`;
  const hintId = `${field.id}-hint`;
  const hasError = Boolean(field.errors?.length);
  const describedBy = [hint ? hintId : null, hasError ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`kern-form-input${hasError ? " kern-form-input--error" : ""}`}>
      <label className="kern-label" htmlFor={field.id}>
        {label}
        {required ? null : <span className="kern-label__optional"> – optional</span>}
      </label>
      {hint ? (
        <div className="kern-hint" id={hintId}>
          {hint}
        </div>
      ) : null}
      {hasError ? (
        <p className="kern-error" id={errorId}>
          <span className="kern-icon kern-icon--danger" aria-hidden="true" />
          <span className="kern-body">{field.errors?.join(" ")}</span>
        </p>
      ) : null}
      <input
        className={`kern-form-input__input${hasError ? " kern-form-input__input--error" : ""}`}
        id={field.id}
        name={field.name}
        type={type}
        defaultValue={type === "password" ? undefined : (field.initialValue as string | undefined)}
        autoComplete={autoComplete}
        aria-invalid={hasError || undefined}
        aria-describedby={describedBy}
        aria-required={required || undefined}
        autoFocus={autoFocus}
      />
    </div>
  );
}

/** A labelled KERN textarea with hint and field-level errors wired up for screen readers. */
export function TextAreaField({ field, label, hint, required, rows = 4 }: { field: FieldMeta; label: string; hint?: string; required?: boolean; rows?: number }) {
  const errorId = `${field.id}-error`;
  const hintId = `${field.id}-hint`;
  const hasError = Boolean(field.errors?.length);
  const describedBy = [hint ? hintId : null, hasError ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`kern-form-input${hasError ? " kern-form-input--error" : ""}`}>
      <label className="kern-label" htmlFor={field.id}>
        {label}
        {required ? null : <span className="kern-label__optional"> – optional</span>}
      </label>
      {hint ? (
        <div className="kern-hint" id={hintId}>
          {hint}
        </div>
      ) : null}
      {hasError ? (
        <p className="kern-error" id={errorId}>
          <span className="kern-icon kern-icon--danger" aria-hidden="true" />
          <span className="kern-body">{field.errors?.join(" ")}</span>
        </p>
      ) : null}
      <textarea
        className={`kern-form-input__input${hasError ? " kern-form-input__input--error" : ""}`}
        id={field.id}
        name={field.name}
        rows={rows}
        defaultValue={field.initialValue as string | undefined}
        aria-invalid={hasError || undefined}
        aria-describedby={describedBy}
        aria-required={required || undefined}
      />
    </div>
  );
}

export function SelectField({
  field,
  label,
  options,
  hint,
  required,
}: {
  field: FieldMeta;
  label: string;
  options: { value: string; label: string }[];
  hint?: string;
  required?: boolean;
}) {
  const errorId = `${field.id}-error`;
  const hasError = Boolean(field.errors?.length);
  return (
    <div className={`kern-form-input${hasError ? " kern-form-input--error" : ""}`}>
      <label className="kern-label" htmlFor={field.id}>
        {label}
        {required ? null : <span className="kern-label__optional"> – optional</span>}
      </label>
      {hint ? <div className="kern-hint">{hint}</div> : null}
      {hasError ? (
        <p className="kern-error" id={errorId}>
          <span className="kern-icon kern-icon--danger" aria-hidden="true" />
          <span className="kern-body">{field.errors?.join(" ")}</span>
        </p>
      ) : null}
      <div className="kern-form-input__select-wrapper">
        <select
          className={`kern-form-input__select${hasError ? " kern-form-input__select--error" : ""}`}
          id={field.id}
          name={field.name}
          defaultValue={(field.initialValue as string | undefined) ?? ""}
          aria-invalid={hasError || undefined}
          aria-describedby={hasError ? errorId : undefined}
        >
          <option value="">Bitte wählen</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

export function Alert({
  tone,
  title,
  children,
}: {
  tone: "danger" | "info" | "success" | "warning";
  title: string;
  children?: ReactNode;
}) {
  return (
    <div className={`kern-alert kern-alert--${tone}`} role={tone === "danger" ? "alert" : "status"}>
      <div className="kern-alert__header">
        <span className={`kern-icon kern-icon--${tone}`} aria-hidden="true" />
        <span className="kern-title">{title}</span>
      </div>
      {children ? <div className="kern-alert__body">{children}</div> : null}
    </div>
  );
}
