// The one form helper of the write pages: values as strings, the same rules as the server
// (lib/form.ts) checked on submit, the server's problem `detail` shown next to the field it
// names or at the top, and a 412 shown as "changed by someone else, reload".

import { useState, type FormEvent, type ReactNode } from 'react';
import { describeError, fieldErrorText, problemFieldErrors } from '../api/errors';
import { useI18n } from '../i18n/I18nProvider';
import {
  hasErrors,
  placeFieldErrors,
  serverErrorFor,
  validate,
  type FieldErrors,
  type Msg,
  type Schema,
  type Values,
} from '../lib/form';
import { Field, useModal } from './ui';

export interface FormState<F extends string> {
  values: Values<F>;
  set: (f: F, v: string) => void;
  reset: (v: Values<F>) => void;
  errors: FieldErrors<F>;
  errorText: (f: F) => string | null;
  topError: string | null;
  stale: boolean;
  busy: boolean;
  /** Validates, then runs `send`; a thrown ApiError is placed on its field or at the top. */
  submit: (send: (v: Values<F>) => Promise<unknown>) => (e?: FormEvent) => Promise<void>;
}

export function useForm<F extends string>(
  schema: Schema<F>,
  initial: Values<F>,
  apiFields: Partial<Record<string, F>> = {},
): FormState<F> {
  const { t } = useI18n();
  const [values, setValues] = useState<Values<F>>(initial);
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  const [topError, setTopError] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);
  // Form field names are API names too unless mapped otherwise.
  const fields: Partial<Record<string, F>> = {
    ...Object.fromEntries(Object.keys(schema).map((k) => [k, k as F])),
    ...apiFields,
  };

  const msg = (m: Msg | string | undefined) => (m === undefined ? null : typeof m === 'string' ? m : t(m.key, m.vars));
  return {
    values,
    set: (f, v) => {
      setValues((old) => ({ ...old, [f]: v }));
      setErrors((old) => {
        if (!(f in old)) return old;
        const n = { ...old };
        delete n[f];
        return n;
      });
    },
    reset: (v) => {
      setValues(v);
      setErrors({});
      setTopError(null);
      setStale(false);
    },
    errors,
    errorText: (f) => msg(errors[f]),
    topError,
    stale,
    busy,
    submit: (send) => async (e) => {
      e?.preventDefault();
      const errs = validate(schema, values);
      setErrors(errs);
      setTopError(null);
      setStale(false);
      if (hasErrors(errs)) return;
      setBusy(true);
      try {
        await send(values);
      } catch (err) {
        // A validation failure names its fields (errors[]): each beside its field, translated.
        const listed = placeFieldErrors(problemFieldErrors(err), fields, (x) => fieldErrorText(x, t));
        if (hasErrors(listed.placed)) {
          setErrors(listed.placed as FieldErrors<F>);
          if (listed.unplaced.length) setTopError(describeError(err, t));
          return;
        }
        const placed = serverErrorFor(err, fields, (x) => (isStale(x) ? t('form.stale') : describeError(x, t)));
        if (placed.field) setErrors({ [placed.field]: placed.text } as FieldErrors<F>);
        else setTopError(placed.text);
        setStale(placed.stale);
      } finally {
        setBusy(false);
      }
    },
  };
}

function isStale(err: unknown): boolean {
  return !!err && typeof err === 'object' && (err as { status?: number }).status === 412;
}

/** The error at the top of a form (not tied to a field); with a reload button after a 412. */
export function FormError({
  form,
  onReload,
  testId = 'form-error',
}: {
  form: Pick<FormState<string>, 'topError' | 'stale'>;
  onReload?: () => void;
  testId?: string;
}) {
  const { t } = useI18n();
  if (!form.topError) return null;
  return (
    <div className="notice notice-error" role="alert" data-testid={testId} data-stale={form.stale ? '1' : undefined}>
      <span>{form.topError}</span>
      {form.stale && onReload ? (
        <button type="button" className="btn btn-small" onClick={onReload} data-testid="form-reload">
          {t('form.reload')}
        </button>
      ) : null}
    </div>
  );
}

/** A labelled input bound to one form field. */
export function TextInput<F extends string>({
  form,
  name,
  label,
  testId,
  type = 'text',
  hint,
  required,
  placeholder,
  autoComplete = 'off',
  multiline,
  children,
}: {
  form: FormState<F>;
  name: F;
  label: string;
  testId: string;
  type?: string;
  hint?: string;
  required?: boolean;
  placeholder?: string;
  autoComplete?: string;
  multiline?: boolean;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const id = `f-${testId}`;
  const err = form.errorText(name);
  const common = {
    id,
    value: form.values[name] ?? '',
    'aria-invalid': err ? true : undefined,
    'aria-describedby': err ? `${id}-error` : hint ? `${id}-hint` : undefined,
    'data-testid': testId,
    placeholder,
  } as const;
  return (
    <Field id={id} label={label + (required ? '' : ` (${t('common.optional')})`)} error={err} hint={hint}>
      {children ? (
        <select {...common} onChange={(e) => form.set(name, e.target.value)}>
          {children}
        </select>
      ) : multiline ? (
        <textarea {...common} rows={4} onChange={(e) => form.set(name, e.target.value)} />
      ) : (
        <input {...common} type={type} autoComplete={autoComplete} onChange={(e) => form.set(name, e.target.value)} />
      )}
    </Field>
  );
}

/** A modal form on the native <dialog> (focus trap and Esc come with it). */
export function FormDialog({
  open,
  title,
  onClose,
  children,
  testId,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  testId: string;
}) {
  const ref = useModal(open);
  return (
    <dialog
      ref={ref}
      className="dialog dialog-form"
      aria-labelledby={`${testId}-title`}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id={`${testId}-title`}>{title}</h2>
      {open ? children : null}
    </dialog>
  );
}

/** Cancel + submit buttons at the foot of a form. */
export function FormActions({
  form,
  onCancel,
  submitLabel,
  testId,
}: {
  form: Pick<FormState<string>, 'busy'>;
  onCancel?: () => void;
  submitLabel: string;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <div className="dialog-actions">
      {onCancel ? (
        <button type="button" className="btn" onClick={onCancel} data-testid={`${testId}-cancel`}>
          {t('common.cancel')}
        </button>
      ) : null}
      <button type="submit" className="btn btn-primary" disabled={form.busy} data-testid={`${testId}-submit`}>
        {form.busy ? t('form.saving') : submitLabel}
      </button>
    </div>
  );
}
