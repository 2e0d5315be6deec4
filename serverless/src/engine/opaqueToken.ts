import { z } from 'zod';
import { InvalidPageTokenError } from './errors';

/**
 * The codec of this service's opaque page tokens (scan's `st1.`, the history's `hs1.`, the reverse
 * orphans' `oc1.`): a prefix, then the payload as base64url JSON, checked with zod on the way back in,
 * and tagged with the workspace so that a token from another workspace is refused, not misread. Only
 * `decode`'s result is trusted: a client can send anything.
 */

const MAX_TOKEN_LENGTH = 2048;

/** The tail of the workspace SID, in every payload as `w`. */
const workspaceTagSchema = z.string().regex(/^[0-9a-f]{8}$/);

function workspaceTag(workspaceSid: string): string {
  return workspaceSid.slice(-8).toLowerCase();
}

/**
 * Where a Twilio list stands, as the tokens carry it: `p`, Twilio's page number, and `t`, its
 * PageToken (printable ASCII, at most `maxPageTokenLength` characters); both null at the first page.
 */
export function twilioCursorFields(maxPageTokenLength: number) {
  return {
    p: z.number().int().min(0).max(1_000_000_000).nullable(),
    t: z
      .string()
      .max(maxPageTokenLength)
      .regex(/^[\x21-\x7e]*$/)
      .nullable(),
  };
}

export interface OpaqueTokenCodec<Payload> {
  encode(payload: Payload, workspaceSid: string): string;
  /** The payload a token carries; InvalidPageTokenError (400) for anything this service did not issue. */
  decode(token: string, workspaceSid: string): Payload;
}

export function opaqueTokenCodec<Shape extends z.ZodRawShape>(spec: {
  /** E.g. `st1.`: names the kind and the version of the payload. */
  prefix: string;
  /** The payload's fields (besides the workspace tag); no other field is accepted. */
  fields: Shape;
  /** The message for a token of another workspace. */
  otherWorkspace: string;
}): OpaqueTokenCodec<z.infer<z.ZodObject<Shape>>> {
  type Payload = z.infer<z.ZodObject<Shape>>;
  const schema = z.object(spec.fields).extend({ w: workspaceTagSchema }).strict();
  return {
    encode(payload, workspaceSid) {
      // The tag first, as tokens have always been written.
      const tagged = { w: workspaceTag(workspaceSid), ...payload };
      return spec.prefix + Buffer.from(JSON.stringify(tagged), 'utf8').toString('base64url');
    },
    decode(token, workspaceSid) {
      if (token.length > MAX_TOKEN_LENGTH || !token.startsWith(spec.prefix)) throw new InvalidPageTokenError();
      const encoded = token.slice(spec.prefix.length);
      if (!/^[A-Za-z0-9_-]+$/.test(encoded)) throw new InvalidPageTokenError();
      let json: unknown;
      try {
        json = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
      } catch {
        throw new InvalidPageTokenError();
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) throw new InvalidPageTokenError();
      const { w, ...payload } = parsed.data as { w: string } & Record<string, unknown>;
      if (w !== workspaceTag(workspaceSid)) throw new InvalidPageTokenError(spec.otherWorkspace);
      return payload as Payload;
    },
  };
}
