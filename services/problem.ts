// The error an application service throws when a request cannot be honoured: an RFC 7807 problem (a
// type, a title, the status, a detail, extras such as the bad fields or a retry delay). It lives here,
// not in api/, so services never depend on the HTTP layer; api/problem.ts renders it unchanged.

export interface FieldError {
  /** JSON pointer into the body (`/to`), or the name of a header or parameter */
  path: string;
  /** body, params, querystring or headers */
  in: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

export const problemType = (slug: string) => `urn:testigo:problem:${slug}`;

/** Throw from a service, a handler or a hook to answer with a problem. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }

  toProblem(): Problem {
    // extras never override the RFC 7807 members
    return { ...this.extra, type: problemType(this.slug), title: this.title, status: this.status, ...(this.detail ? { detail: this.detail } : {}) };
  }
}

/** A 400 naming every bad field (services validate what schemas cannot: document contents, durations…). */
export function invalidFields(errors: FieldError[]): HttpProblem {
  return new HttpProblem(400, 'validation-error', 'Invalid request', describe(errors), { errors });
}

function describe(errors: FieldError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join('; ');
}
